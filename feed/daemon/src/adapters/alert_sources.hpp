// Alert-source state built once from the town's config: the keyword alerter (stateful, for
// debounce) and the options the stateless CAP/JMA parsers need. Lives on the I/O thread.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bcp/alerts/cap.hpp"
#include "bcp/alerts/jma.hpp"
#include "bcp/alerts/keyword_rules.hpp"
#include "bcp/config/config.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::daemon {

// Config `alerts.jma.poller`: where bcp-feedd reads JMA's Atom feed (see jma_poller.hpp).
struct JmaPollerSettings {
  std::string url;  // http:// or https://, e.g. JMA's eqvol.xml
  std::chrono::seconds interval{60};
  std::chrono::seconds timeout{10};  // connect, send and each response read
};

struct JmaSettings {
  alerts::JmaOptions options;
  std::optional<JmaPollerSettings> poller;  // nullopt: no poller (bulletins come by POST)
  // Town intensity at or above which a bulletin starts a roll call; nullopt = never.
  std::optional<alerts::Intensity> rollcall_threshold = alerts::Intensity::i5_lower;
};

// Reads config `alerts.jma` (see docs/operations.md). Tolerant on purpose: a config mistake
// here must not keep the daemon from taking talk and check-ins during an event, so each
// problem is reported in `problems` and the default kept.
JmaSettings parse_jma_settings(const nlohmann::json& alerts_section, int utc_offset_minutes,
                               std::vector<std::string>& problems);

// Config `rules` plus the town-wide drill_prefix and the groups flagged drill_group.
// Throws std::runtime_error naming the JSON pointer when the rules are malformed.
alerts::KeywordRuleSet keyword_rules_from(const config::TownConfig& town);

struct AlertSources {
  explicit AlertSources(const config::TownConfig& town);

  alerts::KeywordAlerter keywords;
  alerts::CapOptions cap;
  JmaSettings jma;
  std::vector<std::string> problems;  // config problems found (already logged)

  // After a journal replay: rule alerts still active keep debouncing instead of a restart
  // raising a second alert for the same bear.
  void restore(const model::Situation& situation, model::TimePoint now);
};

}  // namespace bcp::daemon
