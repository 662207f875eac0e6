// The classification gate: only level-C items from configured groups are stored.
// Runs before the journal, so a refused item is never stored.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Byte limits of an event's text fields (UTF-8 bytes) and lists, docs/protocol.md
// "Field limits". Everything a wall or a snapshot carries is bounded by them, so one item
// can never amplify into megabytes on every wall.
struct FieldLimits {
  static constexpr std::size_t kId = 256;             // group, staff, alert, rollcall, sender/id…
  static constexpr std::size_t kName = 256;           // sender/name, sender/department, by
  static constexpr std::size_t kTalkText = 8 * 1024;  // talk.message text
  static constexpr std::size_t kAttachmentName = 256;
  static constexpr std::size_t kAddress = 512;
  static constexpr std::size_t kAttachments = 20;  // entries
  static constexpr std::size_t kNote = 1024;       // availability note, check-in location and note
  static constexpr std::size_t kRollcallTitle = 256;
  static constexpr std::size_t kDepartments = 256;  // entries of rollcall.started departments
  static constexpr std::size_t kAlertTitle = 512;
  static constexpr std::size_t kAlertBody = 16 * 1024;
  static constexpr std::size_t kAlertArea = 4 * 1024;
  static constexpr std::size_t kSourceRef = 512;  // alert source/ref
  static constexpr std::size_t kReason = 1024;    // alert.cancelled reason
  static constexpr std::size_t kNoticeText = 2048;
};

// The first field over its limit, as 400 naming it: "/text: 20000 bytes, over the limit of
// 8192". For API clients, which can shorten and resend.
std::optional<Refusal> check_field_sizes(const model::Event& event);
// Cuts every field over its limit (at a character boundary, ending in "…") and drops list
// entries past theirs; returns the fields cut, e.g. {"/text"}. For the adapters of sources
// that never resend (LINE WORKS) or must not lose an alert (CAP, JMA): stored shortened.
std::vector<std::string> cut_to_field_sizes(model::Event& event);

// An event must be written and read back exactly as the journal will: serialised to JSON
// text (every string valid UTF-8) and decoded by the codec (every time within
// 0000-01-01..9999-12-31 UTC, every field in range). Adapters build events in C++, past the
// codec's own checks (a LINE WORKS location with longitude 1041 was one, an issuedTime of
// 9999-12-31T23:59:59-14:00 another); such an event is malformed input (400), never a
// journal failure, and journaling it would stop every later start-up.
std::optional<Refusal> check_readable(const model::Event& event);

// How far a source's `at` may lie ahead of the moment the daemon received it. Clocks differ
// by seconds; an `at` hours ahead is a wrong clock or a local time sent with a `Z` (JST
// with a Z is 9 h ahead), and would make the item newer than everything after it.
inline constexpr std::chrono::minutes kMaxClockAhead{5};
// Refuses (400, naming `pointer`) an `at` more than kMaxClockAhead after `received`.
std::optional<Refusal> check_not_ahead(model::TimePoint at, model::TimePoint received,
                                       std::string_view pointer);

}  // namespace bcp::daemon
