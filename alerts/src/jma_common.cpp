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

void read_hypocenter(const pugi::xml_node& body, JmaResult& r) {
  pugi::xml_node eq = child(body, "Earthquake");
  if (!eq) return;
  if (auto t = parse_datetime(child_text(eq, "OriginTime"))) r.origin_time = t;
  pugi::xml_node area = path(eq, "Hypocenter/Area");
  r.epicenter = child_text(area, "Name");
  // ISO 6709 "+37.6+141.6-50000/": the third number is the depth in metres, negative down.
  std::string coord = child_text(area, "Coordinate");
  std::vector<double> parts;
  for (size_t i = 0; i < coord.size();) {
    if (coord[i] != '+' && coord[i] != '-') break;
    size_t j = i + 1;
    while (j < coord.size() &&
           (std::isdigit(static_cast<unsigned char>(coord[j])) || coord[j] == '.'))
      ++j;
    if (j == i + 1) break;
    parts.push_back(std::strtod(coord.substr(i, j - i).c_str(), nullptr));
    i = j;
  }
  if (parts.size() >= 3) r.depth_km = std::fabs(parts[2]) / 1000.0;
  pugi::xml_node mag = child(eq, "Magnitude");
  if (mag) {
    std::string v = trimmed(mag.child_value());
    char* end = nullptr;
    double m = std::strtod(v.c_str(), &end);
    if (!v.empty() && end && *end == '\0' && std::isfinite(m)) {
      r.magnitude = m;
      char buf[32];
      std::snprintf(buf, sizeof buf, "M%.1f", m);
      r.magnitude_text = buf;
    } else {
      r.magnitude_text = trimmed(mag.attribute("description").value());
    }
  }
}

std::string hypocenter_line(const JmaResult& r) {
  if (r.epicenter.empty() && !r.depth_km && r.magnitude_text.empty()) return {};
  std::string line = "震源: " + (r.epicenter.empty() ? std::string("不明") : r.epicenter);
  if (r.depth_km) {
    if (*r.depth_km < 0.5) {
      line += "　深さ ごく浅い";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "　深さ %.0fkm", *r.depth_km);
      line += buf;
    }
  }
  if (!r.magnitude_text.empty()) line += "　" + r.magnitude_text;
  return line;
}

}  // namespace detail
}  // namespace bcp::alerts
