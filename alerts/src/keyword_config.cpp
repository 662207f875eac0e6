// The config's `rules` section -> KeywordRuleSet, with errors that name the JSON pointer.
#include <algorithm>
#include <array>
#include <optional>

#include "bcp/alerts/keyword_rules.hpp"

namespace bcp::alerts {
namespace {

using nlohmann::json;

// Thrown by the field readers; `attempt` turns it into a collected problem and moves on, so
// one run reports every broken field rather than only the first.
struct FieldProblem {
  std::string where;
  std::string what;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw FieldProblem{where, what};
}

// Runs `read`; a FieldProblem it throws is recorded. False when it threw.
template <typename Read>
bool attempt(std::vector<RuleConfigProblem>& problems, Read&& read) {
  try {
    read();
    return true;
  } catch (const FieldProblem& p) {
    problems.push_back({p.where, p.what});
    return false;
  }
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

std::optional<KeywordRule> parse_rule(const json& j, const std::string& where,
                                      std::vector<RuleConfigProblem>& problems) {
  if (!j.is_object()) {
    problems.push_back({where, "must be an object"});
    return std::nullopt;
  }
  const size_t before = problems.size();
  static const std::array<std::string_view, 7> kKnown{
      "id", "keywords", "exclude", "kind", "severity", "title", "debounce_seconds"};
  for (const auto& [key, _] : j.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end())
      problems.push_back({where + "/" + key, "unknown field"});
  }
  KeywordRule r;
  attempt(problems, [&] {
    if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty())
      fail(where + "/id", "missing or not a non-empty string");
    r.id = j["id"].get<std::string>();
  });
  attempt(problems, [&] {
    if (!j.contains("keywords")) fail(where + "/keywords", "missing required field");
    r.keywords = strings(j["keywords"], where + "/keywords", true);
  });
  attempt(problems, [&] {
    if (j.contains("exclude")) r.exclude = strings(j["exclude"], where + "/exclude", false);
  });
  attempt(problems, [&] {
    if (!j.contains("kind")) fail(where + "/kind", "missing required field");
    r.kind = enum_value(j["kind"], where + "/kind", kKinds);
  });
  attempt(problems, [&] {
    if (!j.contains("severity")) fail(where + "/severity", "missing required field");
    r.severity = enum_value(j["severity"], where + "/severity", kSeverities);
  });
  attempt(problems, [&] {
    if (!j.contains("title") || !j["title"].is_string() || j["title"].get<std::string>().empty())
      fail(where + "/title", "missing or not a non-empty string");
    r.title = j["title"].get<std::string>();
  });
  attempt(problems, [&] {
    if (!j.contains("debounce_seconds")) return;
    const json& d = j["debounce_seconds"];
    if (!d.is_number_integer() || d.get<long long>() < 0 || d.get<long long>() > 7 * 86400)
      fail(where + "/debounce_seconds", "must be an integer from 0 to 604800");
    r.debounce = std::chrono::seconds{d.get<long long>()};
  });
  if (problems.size() != before) return std::nullopt;
  return r;
}

}  // namespace

KeywordRuleSet parse_keyword_rules(const json& section, std::vector<RuleConfigProblem>& problems) {
  KeywordRuleSet set;
  const json* rules = &section;
  if (section.is_object()) {
    for (const auto& [key, _] : section.items()) {
      if (key != "rules" && key != "drill_prefix" && key != "drill_groups")
        problems.push_back({"/" + key, "unknown field"});
    }
    if (section.contains("drill_prefix")) {
      if (section["drill_prefix"].is_string()) {
        set.drill_prefix = section["drill_prefix"].get<std::string>();
      } else {
        problems.push_back({"/drill_prefix", "must be a string"});
      }
    }
    attempt(problems, [&] {
      if (section.contains("drill_groups"))
        set.drill_groups = strings(section["drill_groups"], "/drill_groups", false);
    });
    static const json kEmpty = json::array();
    rules = section.contains("rules") ? &section["rules"] : &kEmpty;
  } else if (section.is_null()) {
    return set;
  }
  if (!rules->is_array()) {
    problems.push_back({section.is_object() ? "/rules" : "", "must be an array of rules"});
    return set;
  }
  const std::string base = section.is_object() ? "/rules/" : "/";
  std::vector<std::string> ids;  // also of broken rules, so a fix does not reveal a duplicate
  for (size_t i = 0; i < rules->size(); ++i) {
    const std::string where = base + std::to_string(i);
    const json& raw = (*rules)[i];
    std::optional<KeywordRule> r = parse_rule(raw, where, problems);
    if (raw.is_object() && raw.contains("id") && raw["id"].is_string()) {
      const std::string id = raw["id"].get<std::string>();
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
        problems.push_back({where + "/id", "duplicate id \"" + id + "\""});
        continue;
      }
      ids.push_back(id);
    }
    if (r) set.rules.push_back(std::move(*r));
  }
  return set;
}

KeywordRuleSet parse_keyword_rules(const json& section) {
  std::vector<RuleConfigProblem> problems;
  KeywordRuleSet set = parse_keyword_rules(section, problems);
  if (!problems.empty()) {
    const RuleConfigProblem& first = problems.front();
    throw AlertParseError("rules: " + first.where + ": " + first.message);
  }
  return set;
}

}  // namespace bcp::alerts
