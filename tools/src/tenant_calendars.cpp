// The stand-in tenant's calendar route (tenant_calendars.hpp). Runs on the tenant's thread.
#include "tenant_calendars.hpp"

#include <cctype>
#include <chrono>

namespace bcp::tools::tenant_calendars {

namespace {

using nlohmann::json;

Answer refused(int status, const char* code, std::string description) {
  return Answer{status, {{"code", code}, {"description", description}}, std::move(description)};
}

bool digits_at(std::string_view s, std::size_t from, std::size_t n) {
  for (std::size_t i = from; i < from + n; ++i)
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

int value_at(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// `YYYY-MM-DDThh:mm:ssTZD` (TZD: Z or ±hh:mm) as UTC seconds; nullopt when not that form.
std::optional<std::int64_t> read_api_time(std::string_view s) {
  const bool shape = s.size() >= 20 && digits_at(s, 0, 4) && s[4] == '-' && digits_at(s, 5, 2) &&
                     s[7] == '-' && digits_at(s, 8, 2) && s[10] == 'T' && digits_at(s, 11, 2) &&
                     s[13] == ':' && digits_at(s, 14, 2) && s[16] == ':' && digits_at(s, 17, 2);
  if (!shape) return std::nullopt;
  const std::string_view zone = s.substr(19);
  int offset = 0;
  if (zone == "Z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits_at(zone, 1, 2) &&
             zone[3] == ':' && digits_at(zone, 4, 2)) {
    offset = (zone[0] == '-' ? -1 : 1) * (value_at(zone, 1, 2) * 60 + value_at(zone, 4, 2));
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{
      std::chrono::year{value_at(s, 0, 4)},
      std::chrono::month{static_cast<unsigned>(value_at(s, 5, 2))},
      std::chrono::day{static_cast<unsigned>(value_at(s, 8, 2))}};
  if (!ymd.ok() || value_at(s, 11, 2) > 23 || value_at(s, 14, 2) > 59 || value_at(s, 17, 2) > 59)
    return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return days * 86400 + value_at(s, 11, 2) * 3600 + value_at(s, 14, 2) * 60 + value_at(s, 17, 2) -
         offset * 60;
}

}  // namespace

Answer answer(std::string_view path, const std::optional<std::map<std::string, std::string>>& query,
              const std::map<std::string, json>& calendars, const std::set<std::string>& users,
              std::string& user) {
  constexpr std::string_view kEvents = "/calendar/events";
  if (!path.ends_with(kEvents) || path.size() == kEvents.size())
    return refused(404, "NOT_FOUND", "no such endpoint");
  user = std::string(path.substr(0, path.size() - kEvents.size()));
  if (user.find('/') != std::string::npos) return refused(404, "NOT_FOUND", "no such endpoint");
  if (!query) return refused(400, "INVALID_PARAMETER", "the query cannot be read");
  std::optional<std::int64_t> from, until;
  for (const char* key : {"fromDateTime", "untilDateTime"}) {
    auto it = query->find(key);
    if (it == query->end())
      return refused(400, "INVALID_PARAMETER", std::string(key) + ": required");
    auto t = read_api_time(it->second);
    if (!t)
      return refused(400, "INVALID_PARAMETER",
                     std::string(key) +
                         ": expected YYYY-MM-DDThh:mm:ssTZD (+ sent as %2B), got \"" + it->second +
                         "\"");
    (std::string_view(key) == "fromDateTime" ? from : until) = t;
  }
  for (const auto& [key, value] : *query) {
    if (key != "fromDateTime" && key != "untilDateTime")
      return refused(400, "INVALID_PARAMETER", key + ": unknown parameter");
  }
  if (*until <= *from)
    return refused(400, "INVALID_PARAMETER", "untilDateTime is not after fromDateTime");
  if (*until - *from > 31 * 86400)
    return refused(400, "INVALID_PARAMETER", "the window is longer than 31 days");
  if (user == "me")
    return refused(400, "INVALID_PARAMETER", "me cannot be used with a service account");
  if (!users.empty() && !users.contains(user)) return refused(404, "NOT_FOUND", "user not found");
  auto it = calendars.find(user);
  return Answer{200, it == calendars.end() ? json{{"events", json::array()}} : it->second, {}};
}

}  // namespace bcp::tools::tenant_calendars
