// 緊急地震速報（警報） and 地震の活動状況等に関する情報.
#include <algorithm>

#include "jma_internal.hpp"
#include "time_util.hpp"
#include "xml_util.hpp"

namespace bcp::alerts::detail {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    if (!l.empty()) out += (out.empty() ? "" : "\n") + l;
  return out;
}

// "6+" .. "over" (以上): the lower bound is what can be relied on. JMA writes "0" and "不明"
// where it has no forecast; anything else off the scale is refused.
std::optional<Intensity> forecast_from(const pugi::xml_node& n) {
  return scale_intensity(child(child(n, "ForecastInt"), "From"), {"0", "不明"});
}

}  // namespace

void read_eew(const JmaDoc& doc, const JmaOptions& opts, JmaResult& r) {
  read_hypocenter(doc.body, r);
  pugi::xml_node fc = path(doc.body, "Intensity/Forecast");
  r.national_max_intensity = forecast_from(fc);
  bool town_warned = false;
  for_each_child(fc, "Pref", [&](const pugi::xml_node& pref) {
    for_each_child(pref, "Area", [&](const pugi::xml_node& area) {
      std::string code = child_text(area, "Code");
      if (std::find(opts.area_codes.begin(), opts.area_codes.end(), code) == opts.area_codes.end())
        return;
      town_warned = true;
      r.town_areas.push_back(child_text(area, "Name"));
      auto i = forecast_from(area);
      if (i && (!r.town_max_intensity || *i > *r.town_max_intensity)) r.town_max_intensity = i;
    });
  });

  model::AlertRaised& a = r.alert;
  // A warning means strong shaking somewhere; it is critical where the town is in the warned
  // area (or when no town is configured), a warning for the room otherwise.
  if (opts.area_codes.empty() || town_warned) {
    a.severity = model::Severity::critical;
  } else {
    a.severity = model::Severity::warning;
  }
  a.title = "緊急地震速報（警報）";
  if (!r.epicenter.empty()) a.title += " " + r.epicenter + "で地震";
  std::vector<std::string> lines{r.headline};
  if (town_warned) {
    std::string l = opts.town_label + "は強い揺れに警戒";
    if (r.town_max_intensity) l += "（予想" + intensity_label(*r.town_max_intensity) + "程度以上）";
    lines.push_back(l);
  } else if (!opts.area_codes.empty()) {
    lines.push_back(opts.town_label + "は警報の対象地域外");
  }
  if (r.national_max_intensity)
    lines.push_back("最大予想震度: " + intensity_label(*r.national_max_intensity) + "程度以上");
  lines.push_back(hypocenter_line(r));
  if (r.origin_time)
    lines.push_back("発生時刻: " + format_local(*r.origin_time, opts.utc_offset_minutes));
  a.body = join_lines(lines);
  if (!r.town_areas.empty()) a.area = r.town_areas.front();
}

void read_activity(const JmaDoc& doc, const JmaOptions&, JmaResult& r) {
  model::AlertRaised& a = r.alert;
  a.severity = model::Severity::info;
  std::string first = r.headline.substr(0, r.headline.find('\n'));
  a.title = first.empty() ? r.control_title : first;
  // The body text of these bulletins runs to pages; the wall needs the gist.
  a.body = cut_utf8(join_lines({r.headline, trimmed(child(doc.body, "Text").child_value())}), 1500);
}

}  // namespace bcp::alerts::detail
