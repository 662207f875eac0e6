#include "cap_info.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "bcp/alerts/outcome.hpp"
#include "time_util.hpp"
#include "xml_util.hpp"

namespace bcp::alerts::detail {
namespace {

constexpr std::array<std::string_view, 12> kCategories{"Geo",       "Met",   "Safety", "Security",
                                                       "Rescue",    "Fire",  "Health", "Env",
                                                       "Transport", "Infra", "CBRNE",  "Other"};
constexpr std::array<std::string_view, 5> kUrgency{"Immediate", "Expected", "Future", "Past",
                                                   "Unknown"};
constexpr std::array<std::string_view, 5> kSeverity{"Extreme", "Severe", "Moderate", "Minor",
                                                    "Unknown"};
constexpr std::array<std::string_view, 5> kCertainty{"Observed", "Likely", "Possible", "Unlikely",
                                                     "Unknown"};

template <size_t N>
std::string checked(const pugi::xml_node& info, std::string_view name,
                    const std::array<std::string_view, N>& allowed, const std::string& where) {
  pugi::xml_node n = child(info, name);
  if (!n)
    throw AlertParseError("CAP: missing required element <" + std::string(name) + "> in " + where);
  std::string v = trimmed(n.child_value());
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    throw AlertParseError("CAP: " + where + "/" + std::string(name) + ": unknown value \"" + v +
                          "\"");
  return v;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool mentions(const std::string& hay, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (hay.find(w) != std::string::npos) return true;
  return false;
}

model::Severity map_severity(const std::string& s) {
  if (s == "Extreme" || s == "Severe") return model::Severity::critical;
  if (s == "Moderate") return model::Severity::warning;
  if (s == "Minor") return model::Severity::advisory;
  return model::Severity::info;
}

model::AlertKind map_kind(const CapInfo& info) {
  std::string text = lower(info.event + " " + info.headline);
  if (mentions(text, {"tsunami", "津波"})) return model::AlertKind::tsunami;
  if (mentions(text, {"earthquake", "地震"})) return model::AlertKind::earthquake;
  if (mentions(text, {"bear", "クマ", "熊", "ヒグマ"})) return model::AlertKind::bear;
  auto has = [&](std::string_view c) {
    return std::find(info.categories.begin(), info.categories.end(), c) != info.categories.end();
  };
  if (has("Fire")) return model::AlertKind::fire;
  if (has("Met")) return model::AlertKind::weather;
  return model::AlertKind::other;
}

}  // namespace

CapInfo parse_cap_info(const pugi::xml_node& node, size_t index) {
  const std::string where = "/alert/info[" + std::to_string(index + 1) + "]";
  // CAP 1.2 §3.2.2: these appear at most once per <info>.
  refuse_repeated(
      node,
      {"language", "event", "urgency", "severity", "certainty", "audience", "effective", "onset",
       "expires", "senderName", "headline", "description", "instruction", "web", "contact"},
      "CAP");
  CapInfo info;
  info.language = child_text(node, "language");
  if (info.language.empty()) info.language = "en-US";
  for_each_child(node, "category", [&](const pugi::xml_node& c) {
    std::string v = trimmed(c.child_value());
    if (std::find(kCategories.begin(), kCategories.end(), v) == kCategories.end())
      throw AlertParseError("CAP: " + where + "/category: unknown value \"" + v + "\"");
    info.categories.push_back(v);
  });
  if (info.categories.empty())
    throw AlertParseError("CAP: missing required element <category> in " + where);
  info.event = child_text(node, "event");
  if (info.event.empty())
    throw AlertParseError("CAP: missing required element <event> in " + where);
  info.urgency = checked(node, "urgency", kUrgency, where);
  info.severity = checked(node, "severity", kSeverity, where);
  info.certainty = checked(node, "certainty", kCertainty, where);
  info.headline = child_text(node, "headline");
  info.description = child_text(node, "description");
  info.instruction = child_text(node, "instruction");
  info.sender_name = child_text(node, "senderName");
  // effective and onset are not shown, but a document with an impossible time in them is
  // as broken as one with an impossible expires.
  for (std::string_view name : {"effective", "onset", "expires"}) {
    if (std::string t = child_text(node, name); !t.empty()) {
      model::TimePoint at = document_time(t, "CAP", where + "/" + std::string(name));
      if (name == "expires") info.expires = at;
    }
  }
  for_each_child(node, "area", [&](const pugi::xml_node& a) {
    refuse_repeated(a, {"areaDesc", "altitude", "ceiling"}, "CAP");
    std::string d = child_text(a, "areaDesc");
    if (d.empty())
      throw AlertParseError("CAP: missing required element <areaDesc> in " + where + "/area");
    info.area_descs.push_back(std::move(d));
  });
  return info;
}

const CapInfo* pick_info(const std::vector<CapInfo>& infos, const std::string& language) {
  if (infos.empty()) return nullptr;
  auto find = [&](const std::string& lang) -> const CapInfo* {
    for (const auto& i : infos)
      if (lower(i.language) == lower(lang)) return &i;
    return nullptr;
  };
  if (const CapInfo* i = find(language)) return i;
  if (const CapInfo* i = find("en-US")) return i;
  return &infos.front();
}

void fill_alert(const CapInfo& info, model::AlertRaised& a) {
  a.kind = map_kind(info);
  a.severity = map_severity(info.severity);
  a.title = info.headline.empty() ? info.event : info.headline;
  a.body = info.description;
  if (!info.instruction.empty()) a.body += (a.body.empty() ? "" : "\n\n") + info.instruction;
  if (!info.sender_name.empty()) a.body += (a.body.empty() ? "" : "\n\n") + info.sender_name;
  if (!info.area_descs.empty()) {
    std::string area;
    for (const auto& d : info.area_descs) area += (area.empty() ? "" : " / ") + d;
    a.area = area;
  }
  a.expires = info.expires;
}

}  // namespace bcp::alerts::detail
