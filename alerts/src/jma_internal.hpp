// Shared pieces of the JMA parser; split by bulletin family to keep files small.
#pragma once

#include <initializer_list>
#include <pugixml.hpp>
#include <string>

#include "bcp/alerts/jma.hpp"

namespace bcp::alerts::detail {

struct JmaDoc {
  pugi::xml_node control, head, body;
};

// Earthquake information (VXSE51/52/53/61): fills structured fields from the body.
void read_earthquake(const JmaDoc& doc, const JmaOptions& opts, JmaResult& r);
// Earthquake early warning (VXSE43/40): forecast intensities instead of observed ones.
void read_eew(const JmaDoc& doc, const JmaOptions& opts, JmaResult& r);
// 地震の活動状況等に関する情報 (VXSE56).
void read_activity(const JmaDoc& doc, const JmaOptions& opts, JmaResult& r);
// VTSE41.
void read_tsunami(const JmaDoc& doc, const JmaOptions& opts, JmaResult& r);

// The intensity an element gives (MaxInt, ForecastInt/From): nullopt when the element is
// absent or its value one of `no_value` (EEW's "0" and "不明"); throws AlertParseError naming
// the element for anything not on JMA's scale, so a broken intensity never becomes "info".
std::optional<Intensity> scale_intensity(const pugi::xml_node& element,
                                         std::initializer_list<std::string_view> no_value = {});

// Epicentre, depth, magnitude and origin time from Body/Earthquake (absent parts stay unset).
void read_hypocenter(const pugi::xml_node& body, JmaResult& r);

// Renders title, body and severity of an earthquake alert from the structured fields, so that
// the rendering rules live in one place for every earthquake bulletin type.
void render_earthquake(JmaResult& r, const JmaOptions& opts, const std::string& headline,
                       const std::string& comments);

model::Severity severity_for(std::optional<Intensity> i, const IntensityThresholds& t);
std::string hypocenter_line(const JmaResult& r);
// Head/Headline/Text, trimmed.
std::string headline_text(const JmaDoc& doc);
// Cuts at a UTF-8 boundary, appending "…" when cut.
std::string cut_utf8(const std::string& s, size_t max_bytes);

}  // namespace bcp::alerts::detail
