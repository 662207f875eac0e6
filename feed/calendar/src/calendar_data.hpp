// The parsed form of a calendar, shared by parse_ics.cpp and calendar_status.cpp: libical's
// component tree (kept alive because recurrence rules and time zones point into it) plus,
// per VEVENT, what the status evaluation needs.
#pragma once

#include <libical/ical.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "bcp/calendar/calendar.hpp"

namespace bcp::calendar {

struct IcalComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using IcalComponentPtr = std::unique_ptr<icalcomponent, IcalComponentFree>;
struct IcalZoneFree {
  void operator()(icaltimezone* z) const { icaltimezone_free(z, 1); }
};
using IcalZonePtr = std::unique_ptr<icaltimezone, IcalZoneFree>;

// What an event means for availability; the order is the priority where events overlap
// (the strongest wins, see status_at).
enum class Kind { remote = 0, meeting = 1, trip = 2, leave = 3 };
inline constexpr int kKinds = 4;

// How a written time becomes an instant.
enum class Anchor {
  date,      // VALUE=DATE: a whole day in the town's offset
  utc,       // ...Z
  zoned,     // TZID=..., resolved to an icaltimezone (embedded VTIMEZONE or built-in)
  floating,  // no zone: read in the town's offset
};

struct TimeValue {
  icaltimetype value{};  // zone set when anchor == zoned
  Anchor anchor = Anchor::floating;
};

struct EventDef {
  std::string uid;       // matches RECURRENCE-ID components to their master
  std::string name;      // `VEVENT "uid"` (or `VEVENT #3` without a UID), for messages
  std::size_t line = 0;  // of its BEGIN:VEVENT, for messages (0: unknown)
  Kind kind = Kind::meeting;
  TimeValue start;  // DTSTART, also the first instance
  // DTEND - DTSTART: whole days for date-anchored events, seconds otherwise (0 = the event
  // takes no time and so never makes anyone busy).
  std::int64_t length = 0;
  std::vector<icalrecurrencetype> rules;  // RRULEs that yield at least one instance
  std::vector<std::size_t> rule_lines;    // the line of each of `rules`
  std::vector<TimeValue> rdates;
  // The length of each RDATE's instance: its period (RDATE;VALUE=PERIOD, end or duration),
  // or -1 for the event's own length.
  std::vector<std::int64_t> rdate_lengths;
  // Instance keys (see instance_key) not to produce: EXDATEs, and instances that a
  // RECURRENCE-ID component moved or cancelled.
  std::unordered_set<std::int64_t> skipped;
};

struct Calendar::Data {
  IcalComponentPtr root;
  std::vector<IcalZonePtr> zones;  // built for the file (see time_zones.hpp)
  std::vector<EventDef> events;    // the ones that count (not transparent, not cancelled)
  std::size_t total = 0;           // every VEVENT in the file
};

// "line 12: " + what (just `what` for line 0): how every message names its place.
inline std::string at_line(std::size_t line, const std::string& what) {
  return line ? "line " + std::to_string(line) + ": " + what : what;
}

// Where statuses overlap, the higher wins: the Kind order (leave > trip > meeting > remote).
int priority(model::Availability a);

// Days since 1970-01-01 of a civil date.
std::int64_t days_from_civil(int year, int month, int day);

// A key that identifies one instance of an event in the event's own terms, so that EXDATE
// and RECURRENCE-ID values (which may be written in another zone) match generated
// instances: the day number for date events, the UTC second for zoned and UTC ones, the
// wall-clock second for floating ones. nullopt when `v` cannot be compared to `master`.
std::optional<std::int64_t> instance_key(const TimeValue& v, const TimeValue& master);

// The instant (seconds since the epoch) a written time stands for; date and floating values
// are read in the town's offset.
std::int64_t instant_seconds(const TimeValue& v, int utc_offset_minutes);

}  // namespace bcp::calendar
