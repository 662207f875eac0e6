// 津波警報・注意報・予報 (VTSE41).
#include <algorithm>
#include <map>

#include "jma_internal.hpp"
#include "xml_util.hpp"

namespace bcp::alerts::detail {
namespace {

TsunamiLevel level_of(const std::string& code, const std::string& name) {
  if (code == "52" || code == "53") return TsunamiLevel::major_warning;
  if (code == "51") return TsunamiLevel::warning;
  if (code == "62") return TsunamiLevel::advisory;
  if (code == "71" || code == "72" || code == "73") return TsunamiLevel::forecast;
  if (code == "00" || code == "50" || code == "60") return TsunamiLevel::none;
  // Codes added in later revisions: fall back on the name, most specific first.
  if (name.find("解除") != std::string::npos) return TsunamiLevel::none;
  if (name.find("大津波警報") != std::string::npos) return TsunamiLevel::major_warning;
  if (name.find("津波警報") != std::string::npos) return TsunamiLevel::warning;
  if (name.find("津波注意報") != std::string::npos) return TsunamiLevel::advisory;
  if (name.find("津波予報") != std::string::npos) return TsunamiLevel::forecast;
  return TsunamiLevel::none;
}

std::string label(TsunamiLevel l) {
  switch (l) {
    case TsunamiLevel::major_warning:
      return "大津波警報";
    case TsunamiLevel::warning:
      return "津波警報";
    case TsunamiLevel::advisory:
      return "津波注意報";
    case TsunamiLevel::forecast:
      return "津波予報（若干の海面変動）";
    case TsunamiLevel::none:
      return "津波警報・注意報なし";
  }
  return "";
}

model::Severity severity_of(TsunamiLevel l) {
  switch (l) {
    case TsunamiLevel::major_warning:
    case TsunamiLevel::warning:
      return model::Severity::critical;
    case TsunamiLevel::advisory:
      return model::Severity::warning;
    default:
      return model::Severity::info;
  }
}

}  // namespace

void read_tsunami(const JmaDoc& doc, const JmaOptions& opts, JmaResult& r) {
  read_hypocenter(doc.body, r);
  std::map<TsunamiLevel, std::vector<std::string>, std::greater<>> areas;
  pugi::xml_node fc = path(doc.body, "Tsunami/Forecast");
  for_each_child(fc, "Item", [&](const pugi::xml_node& item) {
    pugi::xml_node kind = path(item, "Category/Kind");
    TsunamiLevel l = level_of(child_text(kind, "Code"), child_text(kind, "Name"));
    std::string code = child_text(child(item, "Area"), "Code");
    std::string name = child_text(child(item, "Area"), "Name");
    r.national_tsunami = std::max(r.national_tsunami, l);
    if (std::find(opts.tsunami_area_codes.begin(), opts.tsunami_area_codes.end(), code) !=
        opts.tsunami_area_codes.end()) {
      r.town_tsunami = std::max(r.town_tsunami, l);
      r.town_areas.push_back(name);
    }
    if (l >= TsunamiLevel::advisory) areas[l].push_back(name);
  });

  const bool town_configured = !opts.tsunami_area_codes.empty();
  TsunamiLevel governing = town_configured ? r.town_tsunami : r.national_tsunami;
  model::AlertRaised& a = r.alert;
  a.severity = severity_of(governing);
  if (town_configured && r.town_tsunami >= TsunamiLevel::advisory) {
    a.title = label(r.town_tsunami) + "（" + opts.town_label + "の沿岸）";
  } else if (r.national_tsunami >= TsunamiLevel::advisory) {
    a.title = label(r.national_tsunami);
  } else {
    a.title = "津波情報 " + label(r.national_tsunami);
  }
  std::string body = r.headline;
  if (town_configured) body += "\n" + opts.town_label + "の沿岸: " + label(r.town_tsunami);
  for (const auto& [level, names] : areas) {
    std::string list;
    size_t shown = std::min<size_t>(names.size(), 8);
    for (size_t i = 0; i < shown; ++i) list += (i ? "、" : "") + names[i];
    if (names.size() > shown) list += " ほか" + std::to_string(names.size() - shown) + "区域";
    body += "\n" + label(level) + ": " + list;
  }
  if (std::string h = hypocenter_line(r); !h.empty()) body += "\n" + h;
  a.body = body;
  if (!r.town_areas.empty()) a.area = r.town_areas.front();
}

}  // namespace bcp::alerts::detail
