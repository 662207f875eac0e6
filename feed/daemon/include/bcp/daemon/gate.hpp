// The classification gate: only level-C items from configured groups are stored.
// Runs before the journal, so a refused item is never stored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bcp/config/config.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

struct Refusal {
  int status = 400;  // HTTP status for API callers
  RefusalReason reason = RefusalReason::malformed;
  std::string message;  // names what is wrong; never echoes the item's content
};

// An item that declares "level" other than "C" (any type, any nesting of the top level).
std::optional<Refusal> check_declared_level(const nlohmann::json& item);
// A talk group must be configured and of level C.
std::optional<Refusal> check_group(const config::TownConfig& town, std::string_view group_id);
// A LINE WORKS channel must map to a configured level-C group.
std::optional<Refusal> check_channel(const config::TownConfig& town, std::string_view channel_id,
                                     const config::Group** group_out);

// An event must read back through the codec exactly as the journal will read it at the next
// start-up. Adapters build events in C++, past the codec's own checks (a LINE WORKS location
// with longitude 1041 was one); journaling such an event would stop every later start-up.
std::optional<Refusal> check_readable(const model::Event& event);

}  // namespace bcp::daemon
