#include "adapters/alert_sources.hpp"

#include <stdexcept>

#include "bcp/daemon/log.hpp"
#include "sources/jma_poller.hpp"

namespace bcp::daemon {
namespace {

using nlohmann::json;

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

std::vector<std::string> string_list(const json& j, const std::string& where,
                                     std::vector<std::string>& problems) {
  std::vector<std::string> out;
  if (!j.is_array()) {
    problems.push_back(where + ": expected an array of strings");
    return out;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (j[i].is_string()) {
      out.push_back(j[i].get<std::string>());
    } else {
      problems.push_back(where + "/" + std::to_string(i) + ": expected a string");
    }
  }
  return out;
}

void read_intensity(const json& obj, const char* key, const std::string& where,
                    alerts::Intensity& out, std::vector<std::string>& problems) {
  if (!obj.contains(key)) return;
  const json& v = obj[key];
  std::optional<alerts::Intensity> i;
  if (v.is_string()) i = alerts::parse_intensity(v.get<std::string>());
  if (v.is_number_integer()) i = alerts::parse_intensity(std::to_string(v.get<int>()));
  if (!i) {
    problems.push_back(where + "/" + key +
                       ": not a JMA intensity (1-4, 5-, 5+, 6-, 6+, 7 or 5弱 …): " + v.dump());
    return;
  }
  out = *i;
}

// Area codes by their length: 3 digits are 地震情報／細分区域, 7 digits 市町村等. Towns copy
// both kinds from JMA's code tables into one list, so both lists accept both.
void sort_code(const std::string& code, const std::string& where, alerts::JmaOptions& o,
               std::vector<std::string>& problems) {
  if (all_digits(code) && code.size() == 3) {
    o.area_codes.push_back(code);
  } else if (all_digits(code) && code.size() == 7) {
    o.city_codes.push_back(code);
  } else {
    problems.push_back(where + ": \"" + code +
                       "\" is neither a 3-digit area code nor a 7-digit city code");
  }
}

// Whole seconds within [min, max]; anything else is a problem and the default stays.
void read_seconds(const json& obj, const char* key, const std::string& where, long min, long max,
                  std::chrono::seconds& out, std::vector<std::string>& problems) {
  if (!obj.contains(key)) return;
  const json& v = obj[key];
  if (!v.is_number_integer() || v.get<long>() < min || v.get<long>() > max) {
    problems.push_back(where + "/" + key + ": expected whole seconds from " + std::to_string(min) +
                       " to " + std::to_string(max) + ", got " + v.dump());
    return;
  }
  out = std::chrono::seconds(v.get<long>());
}

// `alerts.jma.poller`: {"url": …, "interval_seconds": 60, "timeout_seconds": 10}.
std::optional<JmaPollerSettings> parse_poller(const json& p, const std::string& where,
                                              std::vector<std::string>& problems) {
  if (!p.is_object()) {
    problems.push_back(where + ": expected an object");
    return std::nullopt;
  }
  for (const auto& [k, v] : p.items()) {
    if (k != "url" && k != "interval_seconds" && k != "timeout_seconds" && k != "enabled")
      problems.push_back(where + "/" + k + ": unknown setting");
  }
  if (p.contains("enabled") && !p["enabled"].is_boolean())
    problems.push_back(where + "/enabled: expected true or false");
  if (p.contains("enabled") && p["enabled"] == false) return std::nullopt;
  JmaPollerSettings s;
  if (!p.contains("url") || !p["url"].is_string()) {
    problems.push_back(where + "/url: expected the feed's URL as a string (the poller is off)");
    return std::nullopt;
  }
  s.url = p["url"].get<std::string>();
  std::string why;
  if (!parse_http_url(s.url, &why)) {
    problems.push_back(where + "/url: " + why + " (the poller is off)");
    return std::nullopt;
  }
  // JMA refreshes eqvol.xml once a minute and asks feed users not to hammer its server.
  read_seconds(p, "interval_seconds", where, 10, 3600, s.interval, problems);
  read_seconds(p, "timeout_seconds", where, 1, 120, s.timeout, problems);
  return s;
}

}  // namespace

JmaSettings parse_jma_settings(const json& alerts_section, int utc_offset_minutes,
                               std::vector<std::string>& problems) {
  JmaSettings s;
  s.options.utc_offset_minutes = utc_offset_minutes;
  if (!alerts_section.is_object()) {
    problems.push_back("/alerts: expected an object");
    return s;
  }
  if (!alerts_section.contains("jma")) return s;
  const json& jma = alerts_section["jma"];
  const std::string base = "/alerts/jma";
  if (!jma.is_object()) {
    problems.push_back(base + ": expected an object");
    return s;
  }
  for (const char* key : {"area_codes", "city_codes"}) {
    if (!jma.contains(key)) continue;
    auto codes = string_list(jma[key], base + "/" + key, problems);
    for (std::size_t i = 0; i < codes.size(); ++i) {
      sort_code(codes[i], base + "/" + key + "/" + std::to_string(i), s.options, problems);
    }
  }
  if (jma.contains("tsunami_area_codes")) {
    s.options.tsunami_area_codes =
        string_list(jma["tsunami_area_codes"], base + "/tsunami_area_codes", problems);
  }
  if (jma.contains("town_label")) {
    if (jma["town_label"].is_string()) {
      s.options.town_label = jma["town_label"].get<std::string>();
    } else {
      problems.push_back(base + "/town_label: expected a string");
    }
  }
  auto rollcall = [&](const json& obj, const char* key, const std::string& where) {
    if (!obj.contains(key)) return;
    const json& v = obj[key];
    if (v.is_null() || v == false || v == "off") {
      s.rollcall_threshold.reset();  // the town starts its roll calls by hand
      return;
    }
    alerts::Intensity i = s.rollcall_threshold.value_or(alerts::Intensity::i5_lower);
    read_intensity(obj, key, where, i, problems);
    s.rollcall_threshold = i;
  };
  rollcall(jma, "rollcall_threshold", base);
  if (jma.contains("thresholds")) {
    const json& t = jma["thresholds"];
    const std::string tw = base + "/thresholds";
    if (!t.is_object()) {
      problems.push_back(tw + ": expected an object");
    } else {
      auto& th = s.options.thresholds;
      read_intensity(t, "critical", tw, th.critical, problems);
      read_intensity(t, "warning", tw, th.warning, problems);
      read_intensity(t, "advisory", tw, th.advisory, problems);
      // Older spelling (the sample town's first config): the lowest intensity worth more
      // than an info alert, and the roll-call threshold.
      read_intensity(t, "earthquake_min_intensity", tw, th.advisory, problems);
      rollcall(t, "rollcall_min_intensity", tw);
      rollcall(t, "rollcall", tw);
      for (const auto& [k, v] : t.items()) {
        if (k != "critical" && k != "warning" && k != "advisory" &&
            k != "earthquake_min_intensity" && k != "rollcall_min_intensity" && k != "rollcall") {
          problems.push_back(tw + "/" + k +
                             ": not used (tsunami severity follows the bulletin's category)");
        }
      }
      if (th.critical < th.warning || th.warning < th.advisory) {
        problems.push_back(tw + ": expected critical >= warning >= advisory");
      }
    }
  }
  if (jma.contains("poller")) s.poller = parse_poller(jma["poller"], base + "/poller", problems);
  if (s.options.area_codes.empty() && s.options.city_codes.empty()) {
    problems.push_back(
        base + ": no area_codes or city_codes: no bulletin will report an intensity in the town");
  }
  return s;
}

alerts::KeywordRuleSet keyword_rules_from(const config::TownConfig& town) {
  alerts::KeywordRuleSet set;
  try {
    set = alerts::parse_keyword_rules(town.rules);
  } catch (const alerts::AlertParseError& e) {
    throw std::runtime_error(town.file.string() + ": " + e.what());
  }
  // The rules section may name its own prefix; otherwise the town-wide one marks drills.
  const bool own_prefix = town.rules.is_object() && town.rules.contains("drill_prefix");
  if (!own_prefix) set.drill_prefix = town.drill_prefix;
  for (const config::Group& g : town.groups) {
    if (g.drill_group) set.drill_groups.push_back(g.id);
  }
  return set;
}

AlertSources::AlertSources(const config::TownConfig& town) : keywords(keyword_rules_from(town)) {
  cap.language = town.language;
  jma = parse_jma_settings(town.alerts, town.utc_offset_minutes, problems);
  for (const std::string& p : problems) log(LogLevel::warning, "alerts", "config: " + p);
}

void AlertSources::restore(const model::Situation& situation, model::TimePoint now) {
  for (const auto& [id, state] : situation.alerts) {
    if (state.alert.source.kind != model::AlertSourceKind::rule || !state.active(now)) continue;
    // The last journaled match is the later of raise and update.
    keywords.restore(state.alert, std::max(state.raised_at, state.updated_at));
  }
}

}  // namespace bcp::daemon
