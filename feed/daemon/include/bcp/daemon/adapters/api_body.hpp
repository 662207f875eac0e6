// What the body of a JSON route of the HTTP API becomes before the situation is consulted:
// text → object (the strict parser: duplicate keys, depth, number range) → the declared
// level → fields the server assigns → the event, decoded by the strict model codec. No Asio
// and no state, so the whole path is fuzzed (alerts/fuzz/fuzz_api_body.cpp) exactly as the
// routes run it; checks against the situation (group, staff, roll call) stay in the routes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "bcp/daemon/gate/gate.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

enum class ApiBody {
  talk,            // POST /v1/talk
  availability,    // POST /v1/availability
  checkin,         // POST /v1/rollcalls/{id}/checkins
  rollcall_start,  // POST /v1/rollcalls
  alert_raise,     // POST /v1/alerts
};

// What the server fills in: the time received (`at` when the body has none), a fresh id
// (message, roll call or alert id when the body names none), the roll call a check-in
// answers and the token that raised an alert.
struct ApiDefaults {
  model::TimePoint now{};
  std::string new_id;
  std::string rollcall;
  std::string token_name;
};

// Any JSON body: one object, parsed strictly. 400 naming the problem otherwise.
std::variant<nlohmann::json, Refusal> parse_body_object(std::string_view text);

// Stage 1 of a route's body: the object, its declared `level` (403 unless "C") and no field
// the server assigns for this route (400).
std::variant<nlohmann::json, Refusal> read_api_body(ApiBody kind, std::string_view text);

// Stage 2: the object read by stage 1 → the event (400 naming the field otherwise). `source`
// is the adapter's (a body may only repeat it), `at` at most kMaxClockAhead after
// `defaults.now` (the time received), and the event one the journal can write and read back
// (check_readable), so what reaches the commit queue can only fail on the disk.
std::variant<model::Event, Refusal> api_event(ApiBody kind, nlohmann::json body,
                                              const ApiDefaults& defaults);

// Both stages, for routes that consult nothing in between (and the fuzzer).
std::variant<model::Event, Refusal> event_from_api_body(ApiBody kind, std::string_view text,
                                                        const ApiDefaults& defaults);

// An optional string field of a small body (ack `by`, cancel `reason`): absent → fallback,
// present with another type → 400 naming the field.
std::variant<std::optional<std::string>, Refusal> optional_string_field(const nlohmann::json& body,
                                                                        const char* key);

}  // namespace bcp::daemon
