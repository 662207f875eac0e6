// The stand-in tenant's calendar route (lineworks_tenant.hpp):
//   GET /v1.0/users/{userId}/calendar/events?fromDateTime=…&untilDateTime=…
// judged like LINE WORKS does (notes/lineworks-api.md §4): both parameters required, each
// `YYYY-MM-DDThh:mm:ssTZD` (an offset's `+` must arrive as %2B: a bare `+` is a space), the
// window at most 31 days; 400 INVALID_PARAMETER otherwise. The answer is the events response
// set for that user with set_calendar, as set (no filtering by the window), or
// {"events": []} for a user without one.
//
// Threads: called on the tenant's thread under its lock, after lineworks_tenant.cpp checked
// the Bearer token and applied the faults and the rate limit shared with the message routes.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace bcp::tools::tenant_calendars {

inline constexpr std::string_view kUsersPrefix = "/v1.0/users/";

struct Answer {
  int status = 200;
  nlohmann::json body;
  std::string error;  // why it was not 200
};

// `path` is the target's path after kUsersPrefix ("u1/calendar/events"), `query` the decoded
// query parameters (nullopt when they could not be decoded); `users` the userIds that exist
// (empty = any). Sets `user` once the path names one.
Answer answer(std::string_view path, const std::optional<std::map<std::string, std::string>>& query,
              const std::map<std::string, nlohmann::json>& calendars,
              const std::set<std::string>& users, std::string& user);

}  // namespace bcp::tools::tenant_calendars
