// See sim_calendars.hpp. The town runs on Japan time (the sample town and every town this is
// built for): dates and dateTimes are written in Asia/Tokyo, UTC+9 all year.
#include "bcp/tools/sim_calendars.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "bcp/tools/scenario.hpp"

namespace bcp::tools {
namespace {

using nlohmann::json;
using SysClock = std::chrono::system_clock;
constexpr auto kJapan = std::chrono::hours(9);

[[noreturn]] void refuse(const std::string& at, const std::string& why) {
  throw ScenarioError(at + ": " + why);
}

std::tm japan_tm(SysClock::time_point t) {
  const std::time_t s = SysClock::to_time_t(t + kJapan);
  std::tm tm{};
  gmtime_r(&s, &tm);
  return tm;
}

std::string japan_date(SysClock::time_point t) {
  const std::tm tm = japan_tm(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string japan_date_time(SysClock::time_point t) {
  const std::tm tm = japan_tm(t);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// A [from, to] pair of numbers with from < to; `whole` asks for integers.
std::pair<double, double> span(const json& j, const std::string& at, bool whole) {
  const char* expected = whole ? "expected [from, to] whole days" : "expected [from, to] hours";
  if (!j.is_array() || j.size() != 2 || !j[0].is_number() || !j[1].is_number())
    refuse(at, expected);
  if (whole && (!j[0].is_number_integer() || !j[1].is_number_integer())) refuse(at, expected);
  const double from = j[0].get<double>(), to = j[1].get<double>();
  if (!(from < to)) refuse(at, "from must be before to");
  if (std::abs(from) > 366 * 24 || std::abs(to) > 366 * 24) refuse(at, "more than a year away");
  return {from, to};
}

json component(const json& entry, const std::string& at, const std::string& id,
               SysClock::time_point start) {
  if (!entry.is_object()) refuse(at, "expected an object");
  for (const auto& [key, value] : entry.items()) {
    if (key != "title" && key != "days" && key != "hours" && key != "weekly" && key != "free")
      refuse(at + "/" + key, "unknown key (title, days, hours, weekly, free)");
  }
  if (!entry.contains("title") || !entry["title"].is_string() ||
      entry["title"].get<std::string>().empty())
    refuse(at + "/title", "expected the event's title");
  if (entry.contains("days") == entry.contains("hours"))
    refuse(at, "expected either days or hours");
  for (const char* flag : {"weekly", "free"})
    if (entry.contains(flag) && !entry[flag].is_boolean())
      refuse(at + "/" + flag, "expected true or false");

  json c = {{"eventId", id}, {"summary", entry["title"]}};
  if (entry.contains("days")) {
    const auto [from, to] = span(entry["days"], at + "/days", true);
    const auto day = std::chrono::hours(24);
    c["start"] = {{"date", japan_date(start + static_cast<int>(from) * day)}};
    c["end"] = {{"date", japan_date(start + static_cast<int>(to) * day)}};
  } else {
    const auto [from, to] = span(entry["hours"], at + "/hours", false);
    const auto at_hours = [&](double h) {
      return start + std::chrono::duration_cast<SysClock::duration>(
                         std::chrono::duration<double, std::ratio<3600>>(h));
    };
    c["start"] = {{"dateTime", japan_date_time(at_hours(from))}, {"timeZone", "Asia/Tokyo"}};
    c["end"] = {{"dateTime", japan_date_time(at_hours(to))}, {"timeZone", "Asia/Tokyo"}};
  }
  if (entry.value("weekly", false)) c["recurrence"] = json::array({"RRULE:FREQ=WEEKLY"});
  if (entry.value("free", false)) c["transparency"] = "TRANSPARENT";
  return c;
}

}  // namespace

std::map<std::string, json> scenario_calendars(const json& scenario, const config::TownConfig& town,
                                               SysClock::time_point start) {
  std::map<std::string, json> out;
  if (!scenario.is_object() || !scenario.contains("calendars")) return out;
  const json& section = scenario["calendars"];
  if (!section.is_object()) refuse("calendars", "expected an object of staff ids");
  for (const auto& [staff_id, entries] : section.items()) {
    const std::string at = "calendars/" + staff_id;
    const config::Staff* staff = nullptr;
    for (const config::Staff& s : town.staff)
      if (s.id == staff_id) staff = &s;
    if (!staff) refuse(at, "no such staff member in the town");
    if (!staff->lineworks_user) refuse(at, "has no LINE WORKS user (the daemon reads nobody else)");
    if (!entries.is_array()) refuse(at, "expected an array of events");
    json events = json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string id = "sim-" + staff_id + "-" + std::to_string(i);
      events.push_back(
          {{"eventComponents",
            json::array({component(entries[i], at + "/" + std::to_string(i), id, start)})}});
    }
    out[*staff->lineworks_user] = {{"events", events}};
  }
  return out;
}

}  // namespace bcp::tools
