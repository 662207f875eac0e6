// Staff calendars (RFC 5545 iCalendar, as exported by common calendar services) and the
// availability they imply at a moment. Parsing and recurrence expansion are libical's; this
// component decides which events count and what they mean for the wall.
//
// Not thread-safe across calendars: libical keeps process-wide caches (built-in time zones),
// so parse and evaluate from one thread (the daemon's I/O thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bcp/model/events.hpp"

namespace bcp::calendar {

// The calendar cannot be used. what() names the problem and, where known, the line, the
// component (with its UID) and the property, e.g.
// `line 14: VEVENT "weekly-1@example.com": RRULE: cannot parse "FREQ=FOO"`.
class CalendarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bounds that keep a hostile calendar (an RRULE with millions of instances, or one libical
// has to search for centuries) from hanging the daemon. The defaults are far beyond what a
// person's real calendar needs.
struct Limits {
  // How far ahead `until` (the next change) is looked for; a status that lasts longer has
  // no `until` and is re-evaluated later.
  std::chrono::days lookahead{31};
  // Occurrences expanded per evaluation (all events together); the rest are not seen.
  std::size_t max_instances = 20'000;
  // Recurrence iterator steps per rule, and for all rules together, per evaluation (rules
  // with COUNT must be walked from DTSTART; the others jump close to `now`).
  std::size_t max_steps_per_rule = 20'000;
  std::size_t max_total_steps = 200'000;
};

// Limits checked while parsing.
struct ParseLimits {
  std::size_t max_events = 10'000;  // VEVENTs per calendar
  // Wall-clock time libical may spend probing every RRULE for its first instance. A rule
  // that can never occur (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) makes libical 3.0 search for
  // centuries; past this budget the calendar is refused instead of stalling the caller.
  std::chrono::milliseconds probe_budget{1500};
};

// A parsed calendar: immutable, cheap to copy (shared), movable between owners.
class Calendar {
 public:
  struct Data;
  explicit Calendar(std::shared_ptr<const Data> data);
  // VEVENTs that take part in the status (not transparent, not cancelled).
  std::size_t busy_events() const;
  // All VEVENTs in the file, including ignored ones and moved instances.
  std::size_t total_events() const;
  const Data& data() const { return *data_; }

 private:
  std::shared_ptr<const Data> data_;
};

// Parses .ics text. Throws CalendarError naming what is wrong: not iCalendar at all, a
// property libical cannot parse (with its line), a VEVENT without DTSTART, DTEND before
// DTSTART, an unknown TZID, an RRULE more frequent than daily, too many events.
Calendar parse_ics(std::string_view text, const ParseLimits& limits = {});

// What the calendar says about a person at one moment.
struct CalendarStatus {
  // nullopt: free time, the calendar says nothing (the wall falls back to other sources).
  std::optional<model::Availability> status;
  // When the derived status next changes (within Limits::lookahead), e.g. the end of the
  // meeting, or the start of the next one while free.
  std::optional<model::TimePoint> until;
  // A generic note; never the event's SUMMARY (see calendar_status.cpp for why).
  std::optional<std::string> note;
  // True when a limit cut the expansion short (the answer may then miss events).
  bool truncated = false;
  bool operator==(const CalendarStatus&) const = default;
};

// The status at `now`. Busy (TRANSP:OPAQUE, the default) events mean meeting; events whose
// SUMMARY or CATEGORIES say leave (休暇, 有給, 休み, leave, vacation), and all-day events
// without another keyword, mean leave; 出張/trip means trip; 在宅/テレワーク/remote means
// remote. Transparent and cancelled events are ignored. All-day dates and floating times are
// in the town's UTC offset `utc_offset_minutes`. Where events overlap, the strongest wins:
// leave > trip > meeting > remote.
CalendarStatus status_at(const Calendar& calendar, model::TimePoint now, int utc_offset_minutes,
                         const Limits& limits = {});

}  // namespace bcp::calendar
