// Intensity scale and text helpers shared by the JMA bulletin readers.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "jma_internal.hpp"
#include "time_util.hpp"
#include "xml_util.hpp"

namespace bcp::alerts {

std::optional<Intensity> parse_intensity(std::string_view s) {
  std::string t(detail::trimmed(s));
  auto strip = [&t](std::string_view p) {
    if (t.starts_with(p)) t.erase(0, p.size());
  };
  strip("震度");
  // Full-width digits as written in Japanese config files.
  static constexpr std::string_view kWide[] = {"１", "２", "３", "４", "５", "６", "７"};
  for (int i = 0; i < 7; ++i) {
    if (t.starts_with(kWide[i])) t = std::string(1, char('1' + i)) + t.substr(kWide[i].size());
  }
  if (t == "1") return Intensity::i1;
  if (t == "2") return Intensity::i2;
  if (t == "3") return Intensity::i3;
  if (t == "4") return Intensity::i4;
  if (t == "5-" || t == "5弱") return Intensity::i5_lower;
  if (t == "5+" || t == "5強") return Intensity::i5_upper;
  if (t == "6-" || t == "6弱") return Intensity::i6_lower;
  if (t == "6+" || t == "6強") return Intensity::i6_upper;
  if (t == "7") return Intensity::i7;
  return std::nullopt;
}

std::string intensity_label(Intensity i) {
  switch (i) {
    case Intensity::i1:
      return "震度1";
    case Intensity::i2:
      return "震度2";
    case Intensity::i3:
      return "震度3";
    case Intensity::i4:
      return "震度4";
    case Intensity::i5_lower:
      return "震度5弱";
    case Intensity::i5_upper:
      return "震度5強";
    case Intensity::i6_lower:
      return "震度6弱";
    case Intensity::i6_upper:
      return "震度6強";
    case Intensity::i7:
      return "震度7";
  }
  return "震度?";
}

namespace detail {

model::Severity severity_for(std::optional<Intensity> i, const IntensityThresholds& t) {
  if (!i) return model::Severity::info;
  if (*i >= t.critical) return model::Severity::critical;
  if (*i >= t.warning) return model::Severity::warning;
  if (*i >= t.advisory) return model::Severity::advisory;
  return model::Severity::info;
}

std::string headline_text(const JmaDoc& doc) {
  return trimmed(path(doc.head, "Headline/Text").child_value());
}

std::string cut_utf8(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

namespace {

// JMA's magnitudes (Mj, Mw) lie well inside this; the largest ever measured is 9.5, and
// anything beyond says the producer is broken, not that the quake was bigger.
constexpr double kMinMagnitude = -3.0, kMaxMagnitude = 10.0;
// JMA writes depths from 0 (ごく浅い) to 700 km, where it says 700km以上.
constexpr double kMaxDepthKm = 700.0;
// A description stands in for a NaN magnitude ("Ｍ不明", "Ｍ８を超える巨大地震") only while
// it is as short as JMA's: a wall line, not a place for text.
constexpr size_t kMaxMagnitudeDescription = 48;

// "[+-]digits[.digits]" with at most 12 digits: what JMA writes. No exponent, no hex, no
// inf or nan spellings (strtod would take all of them).
std::optional<double> plain_decimal(std::string_view v, bool sign_required) {
  size_t i = 0;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) {
    ++i;
  } else if (sign_required) {
    return std::nullopt;
  }
  size_t digits = 0, dots = 0;
  for (size_t k = i; k < v.size(); ++k) {
    if (v[k] == '.' && dots == 0 && digits > 0) {
      ++dots;
    } else if (std::isdigit(static_cast<unsigned char>(v[k]))) {
      ++digits;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || digits > 12 || v.back() == '.') return std::nullopt;
  return std::strtod(std::string(v).c_str(), nullptr);
}

// ISO 6709 "+37.6+141.6-50000/" (or degrees and minutes "+3447.1+13829.9-23000/"): the
// signed numbers; empty when the text is not of that form.
std::vector<std::string_view> coordinate_parts(std::string_view c) {
  std::vector<std::string_view> parts;
  if (c.ends_with('/')) c.remove_suffix(1);
  while (!c.empty() && parts.size() < 4) {
    if (c[0] != '+' && c[0] != '-') return {};
    size_t next = c.find_first_of("+-", 1);
    parts.push_back(c.substr(0, next));
    c = next == std::string_view::npos ? std::string_view{} : c.substr(next);
  }
  if (!c.empty()) return {};
  return parts;
}

void read_depth(const pugi::xml_node& coordinate, JmaResult& r) {
  if (!coordinate) return;
  const std::string text = trimmed(coordinate.child_value());
  auto parts = coordinate_parts(text);
  if (parts.empty()) return;  // 震源要素不明: nothing to say about the depth either
  if (parts.size() < 3) {     // JMA's 深さ不明: latitude and longitude only
    r.depth_text = "不明";
    return;
  }
  auto metres = plain_decimal(parts[2], true);
  // Depth is downwards, so negative; "+0" is JMA's ごく浅い.
  const std::optional<double> km =
      metres && *metres <= 0 ? std::optional<double>{-*metres / 1000.0} : std::nullopt;
  if (!km || *km > kMaxDepthKm) {
    r.depth_text = "不明";
    r.replaced.push_back(node_path(coordinate) + ": depth outside JMA's 0..700 km, shown as 不明");
    return;
  }
  r.depth_km = *km;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0fkm", *km);
  r.depth_text = *km < 0.5 ? "ごく浅い" : *km >= kMaxDepthKm ? "700km以上" : buf;
}

void read_magnitude(const pugi::xml_node& mag, JmaResult& r) {
  if (!mag) return;
  std::string v = trimmed(mag.child_value());
  if (v == "NaN") {  // JMA's 不明, with the wording in the description
    std::string d = trimmed(mag.attribute("description").value());
    r.magnitude_text = !d.empty() && d.size() <= kMaxMagnitudeDescription ? d : "M不明";
    return;
  }
  auto m = plain_decimal(v, false);
  if (!m || *m < kMinMagnitude || *m > kMaxMagnitude) {
    r.magnitude_text = "M不明";
    r.replaced.push_back(node_path(mag) + ": magnitude outside JMA's " +
                         "-3.0..10.0 (or not a number), shown as M不明");
    return;
  }
  r.magnitude = *m;
  char buf[32];
  std::snprintf(buf, sizeof buf, "M%.1f", *m);
  r.magnitude_text = buf;
}

}  // namespace

std::optional<Intensity> scale_intensity(const pugi::xml_node& n,
                                         std::initializer_list<std::string_view> no_value) {
  if (!n) return std::nullopt;
  std::string v = trimmed(n.child_value());
  for (std::string_view ok : no_value)
    if (v == ok) return std::nullopt;
  if (auto i = parse_intensity(v)) return i;
  // A short value is quoted so the producer can find it; a long one is not JMA's and not shown.
  throw AlertParseError("JMA: " + node_path(n) + ": " +
                        (v.size() <= 16 ? "\"" + v + "\" is" : std::string("value is")) +
                        " not on JMA's intensity scale (1, 2, 3, 4, 5-, 5+, 6-, 6+, 7)");
}

void read_hypocenter(const pugi::xml_node& body, JmaResult& r) {
  pugi::xml_node eq = child(body, "Earthquake");
  if (!eq) return;
  refuse_repeated(eq, {"OriginTime", "ArrivalTime", "Hypocenter"}, "JMA");
  if (pugi::xml_node t = child(eq, "OriginTime"))
    r.origin_time = document_time(trimmed(t.child_value()), "JMA", node_path(t));
  pugi::xml_node area = path(eq, "Hypocenter/Area");
  r.epicenter = child_text(area, "Name");
  read_depth(child(area, "Coordinate"), r);
  read_magnitude(child(eq, "Magnitude"), r);
}

std::string hypocenter_line(const JmaResult& r) {
  if (r.epicenter.empty() && r.depth_text.empty() && r.magnitude_text.empty()) return {};
  std::string line = "震源: " + (r.epicenter.empty() ? std::string("不明") : r.epicenter);
  if (!r.depth_text.empty()) line += "　深さ " + r.depth_text;
  if (!r.magnitude_text.empty()) line += "　" + r.magnitude_text;
  return line;
}

}  // namespace detail
}  // namespace bcp::alerts
