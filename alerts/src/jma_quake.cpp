// Earthquake information bulletins: 震度速報, 震源に関する情報, 震源・震度に関する情報,
// 震源要素更新のお知らせ.
#include <algorithm>

#include "jma_internal.hpp"
#include "time_util.hpp"
#include "xml_util.hpp"

namespace bcp::alerts::detail {
namespace {

bool listed(const std::vector<std::string>& codes, const std::string& code) {
  return !code.empty() && std::find(codes.begin(), codes.end(), code) != codes.end();
}

void raise_to(std::optional<Intensity>& cur, std::optional<Intensity> v) {
  if (v && (!cur || *v > *cur)) cur = v;
}

std::string comments_text(const pugi::xml_node& body) {
  std::string out;
  pugi::xml_node c = child(body, "Comments");
  for (std::string_view kind : {"WarningComment", "ForecastComment", "FreeFormComment"}) {
    pugi::xml_node n = child(c, kind);
    std::string t = n ? (child(n, "Text") ? child_text(n, "Text") : trimmed(n.child_value())) : "";
    if (!t.empty()) out += (out.empty() ? "" : "\n") + t;
  }
  return out;
}

}  // namespace

void read_earthquake(const JmaDoc& doc, const JmaOptions& opts, JmaResult& r) {
  read_hypocenter(doc.body, r);
  pugi::xml_node obs = path(doc.body, "Intensity/Observation");
  if (obs) {
    // Every MaxInt is checked, not only the town's: a bulletin with one broken intensity is
    // from a broken producer, and the national maximum is read from the same scale.
    auto max_int = [](const pugi::xml_node& n) {
      refuse_repeated(n, {"Code", "Name", "MaxInt"}, "JMA");
      return scale_intensity(child(n, "MaxInt"));
    };
    r.national_max_intensity = max_int(obs);
    for_each_child(obs, "Pref", [&](const pugi::xml_node& pref) {
      max_int(pref);
      for_each_child(pref, "Area", [&](const pugi::xml_node& area) {
        std::optional<Intensity> area_int = max_int(area);
        if (listed(opts.area_codes, child_text(area, "Code"))) {
          raise_to(r.town_max_intensity, area_int);
          r.town_areas.push_back(child_text(area, "Name"));
        }
        for_each_child(area, "City", [&](const pugi::xml_node& city) {
          std::optional<Intensity> city_int = max_int(city);
          if (listed(opts.city_codes, child_text(city, "Code"))) {
            raise_to(r.town_max_intensity, city_int);
            r.town_areas.push_back(child_text(city, "Name"));
          }
        });
      });
    });
  }
  r.comments = comments_text(doc.body);
  render_earthquake(r, opts, r.headline, r.comments);
  // A bulletin without intensities must not erase what an earlier one said about them.
  if (!obs) {
    model::AlertUpdated u;
    u.alert = r.alert.alert;
    u.drill = r.alert.drill;
    u.area = r.alert.area;
    r.partial = u;
  }
}

void render_earthquake(JmaResult& r, const JmaOptions& opts, const std::string& headline,
                       const std::string& comments) {
  const bool town_configured = !opts.area_codes.empty() || !opts.city_codes.empty();
  const bool has_intensity = r.national_max_intensity || r.town_max_intensity;
  model::AlertRaised& a = r.alert;
  // Without a configured town the national maximum is the best guide to how serious it is.
  a.severity = severity_for(town_configured ? r.town_max_intensity : r.national_max_intensity,
                            opts.thresholds);

  std::string title = r.control_title == "震源・震度に関する情報" ? "地震情報" : r.control_title;
  if (r.town_max_intensity) title += " " + opts.town_label + intensity_label(*r.town_max_intensity);
  if (r.national_max_intensity) title += " 最大" + intensity_label(*r.national_max_intensity);
  if (!r.epicenter.empty()) title += " 震源 " + r.epicenter;
  a.title = title;

  std::vector<std::string> lines;
  if (town_configured && has_intensity) {
    std::string l = opts.town_label + "の最大震度: ";
    if (r.town_max_intensity) {
      l += intensity_label(*r.town_max_intensity);
      std::string names;
      for (const auto& n : r.town_areas) names += (names.empty() ? "" : "、") + n;
      if (!names.empty()) l += "（" + names + "）";
    } else {
      l += "観測なし";
    }
    lines.push_back(l);
  }
  if (r.national_max_intensity)
    lines.push_back("全国の最大震度: " + intensity_label(*r.national_max_intensity));
  if (std::string h = hypocenter_line(r); !h.empty()) lines.push_back(h);
  if (r.origin_time)
    lines.push_back("発生時刻: " + format_local(*r.origin_time, opts.utc_offset_minutes));
  if (!headline.empty()) lines.push_back(headline);
  if (!comments.empty()) lines.push_back(comments);
  std::string body;
  for (const auto& l : lines) body += (body.empty() ? "" : "\n") + l;
  a.body = body;
  if (!r.town_areas.empty()) a.area = r.town_areas.front();
}

}  // namespace bcp::alerts::detail
