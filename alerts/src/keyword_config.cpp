// The config's `rules` section -> KeywordRuleSet, with errors that name the JSON pointer.
#include <array>

#include "bcp/alerts/keyword_rules.hpp"

namespace bcp::alerts {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw AlertParseError("rules: " + where + ": " + what);
}

std::vector<std::string> strings(const json& j, const std::string& where, bool required) {
  std::vector<std::string> out;
  if (!j.is_array()) fail(where, "must be an array of strings");
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string() || j[i].get<std::string>().empty())
      fail(where + "/" + std::to_string(i), "must be a non-empty string");
    out.push_back(j[i].get<std::string>());
  }
  if (required && out.empty()) fail(where, "must not be empty");
  return out;
}

template <typename E, size_t N>
E enum_value(const json& j, const std::string& where,
             const std::array<std::pair<std::string_view, E>, N>& names) {
  if (!j.is_string()) fail(where, "must be a string");
  for (const auto& [name, v] : names)
    if (j.get<std::string>() == name) return v;
  fail(where, "unknown value \"" + j.get<std::string>() + "\"");
}

constexpr std::array<std::pair<std::string_view, model::AlertKind>, 6> kKinds{{
    {"bear", model::AlertKind::bear},
    {"earthquake", model::AlertKind::earthquake},
    {"tsunami", model::AlertKind::tsunami},
    {"weather", model::AlertKind::weather},
    {"fire", model::AlertKind::fire},
    {"other", model::AlertKind::other},
}};
constexpr std::array<std::pair<std::string_view, model::Severity>, 4> kSeverities{{
    {"info", model::Severity::info},
    {"advisory", model::Severity::advisory},
    {"warning", model::Severity::warning},
    {"critical", model::Severity::critical},
}};

KeywordRule parse_rule(const json& j, const std::string& where) {
  if (!j.is_object()) fail(where, "must be an object");
  static const std::array<std::string_view, 7> kKnown{
      "id", "keywords", "exclude", "kind", "severity", "title", "debounce_seconds"};
  for (const auto& [key, _] : j.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end())
      fail(where + "/" + key, "unknown field");
  }
  KeywordRule r;
  if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty())
    fail(where + "/id", "missing or not a non-empty string");
  r.id = j["id"].get<std::string>();
  if (!j.contains("keywords")) fail(where + "/keywords", "missing required field");
  r.keywords = strings(j["keywords"], where + "/keywords", true);
  if (j.contains("exclude")) r.exclude = strings(j["exclude"], where + "/exclude", false);
  if (!j.contains("kind")) fail(where + "/kind", "missing required field");
  r.kind = enum_value(j["kind"], where + "/kind", kKinds);
  if (!j.contains("severity")) fail(where + "/severity", "missing required field");
  r.severity = enum_value(j["severity"], where + "/severity", kSeverities);
  if (!j.contains("title") || !j["title"].is_string() || j["title"].get<std::string>().empty())
    fail(where + "/title", "missing or not a non-empty string");
  r.title = j["title"].get<std::string>();
  if (j.contains("debounce_seconds")) {
    const json& d = j["debounce_seconds"];
    if (!d.is_number_integer() || d.get<long long>() < 0 || d.get<long long>() > 7 * 86400)
      fail(where + "/debounce_seconds", "must be an integer from 0 to 604800");
    r.debounce = std::chrono::seconds{d.get<long long>()};
  }
  return r;
}

}  // namespace

KeywordRuleSet parse_keyword_rules(const json& section) {
  KeywordRuleSet set;
  const json* rules = &section;
  if (section.is_object()) {
    for (const auto& [key, _] : section.items()) {
      if (key != "rules" && key != "drill_prefix" && key != "drill_groups")
        fail("/" + key, "unknown field");
    }
    if (section.contains("drill_prefix")) {
      if (!section["drill_prefix"].is_string()) fail("/drill_prefix", "must be a string");
      set.drill_prefix = section["drill_prefix"].get<std::string>();
    }
    if (section.contains("drill_groups"))
      set.drill_groups = strings(section["drill_groups"], "/drill_groups", false);
    static const json kEmpty = json::array();
    rules = section.contains("rules") ? &section["rules"] : &kEmpty;
  } else if (section.is_null()) {
    return set;
  }
  if (!rules->is_array()) fail(section.is_object() ? "/rules" : "", "must be an array of rules");
  const std::string base = section.is_object() ? "/rules/" : "/";
  for (size_t i = 0; i < rules->size(); ++i) {
    KeywordRule r = parse_rule((*rules)[i], base + std::to_string(i));
    for (const auto& other : set.rules)
      if (other.id == r.id) fail(base + std::to_string(i) + "/id", "duplicate id \"" + r.id + "\"");
    set.rules.push_back(std::move(r));
  }
  return set;
}

}  // namespace bcp::alerts
