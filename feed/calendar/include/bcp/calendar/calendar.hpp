// Staff calendars (RFC 5545 iCalendar, as exported by common calendar services) and the
// availability they imply at a moment. Parsing and recurrence expansion are libical's; this
// component decides which events count and what they mean for the wall.
//
// Two stages: parse_ics + expand turn a file into a Timeline (which kind of busy holds from
// each boundary on, over a window of a month); status_at(Timeline) then answers any moment
// of that window without libical, in microseconds. Only the first stage can be slow, so the
// daemon runs it in worker processes it can stop (isolated.hpp).
//
// Not thread-safe across calendars: libical keeps process-wide caches (built-in time zones),
// so parse and expand from one thread. Timelines are plain values.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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
  // Recurrence iterator steps per rule, and for all rules together, per evaluation. A step
  // is one call into libical's iterator, charged the FREQ periods (days for DAILY, weeks for
  // WEEKLY, ...) libical walked to find the instance: a rule matching one day in four years
  // costs 1461 for each instance. Rules with COUNT must be walked from DTSTART; the others
  // jump close to the window.
  std::size_t max_steps_per_rule = 20'000;
  std::size_t max_total_steps = 100'000;
  // Imports: a limit reached throws CalendarError naming the rule, instead of an answer
  // marked `truncated` (a calendar that cannot be followed fully is refused, not half-used).
  bool strict = false;
  // Where the line being worked on is written as the work goes (null: nowhere), so that a
  // worker stopped over its time budget can say which rule it was expanding.
  std::atomic<std::uint32_t>* progress_line = nullptr;
};

// Limits checked while parsing.
struct ParseLimits {
  std::size_t max_events = 10'000;  // VEVENTs per calendar
  std::size_t max_rules_per_event = 8;
  std::size_t max_dates_per_event = 2'000;  // RDATE and EXDATE values, each
  // Rules whose BY-parts contradict each other (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) never
  // occur; libical 3.0 would search centuries for their first instance. They are found
  // without libical and skipped (the event keeps its DTSTART); more than this many in one
  // file is not an export from a calendar service, and the file is refused.
  std::size_t max_never_rules = 3;
  // Wall-clock time libical may spend probing every other RRULE for its first instance. A
  // rule that can never occur in a way not recognised above makes libical search for
  // centuries; past this budget the calendar is refused. One libical call can itself take
  // seconds, which only a worker process that can be stopped bounds (isolated.hpp).
  std::chrono::milliseconds probe_budget{1500};
  // Time zones: changes a VTIMEZONE may imply from its observances' DTSTART to the years the
  // calendar is read in (libical 3.0 expands them all on the first conversion).
  std::size_t max_zone_changes = 50'000;
  std::atomic<std::uint32_t>* progress_line = nullptr;  // as Limits::progress_line
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
// DTSTART, an unknown TZID, an RRULE whose instances can come more than once a day, a
// VTIMEZONE whose rules change more than a few times a year, too many events or dates.
Calendar parse_ics(std::string_view text, const ParseLimits& limits = {});

// What a calendar says over a window [from, to): the availability (nullopt = free) from each
// boundary on. Source-neutral: built from .ics events by expand(), and the same for any other
// source of events (see make_timeline).
struct Timeline {
  struct Segment {
    model::TimePoint start;
    std::optional<model::Availability> status;
    bool operator==(const Segment&) const = default;
  };
  model::TimePoint from, to;
  std::vector<Segment> segments;  // sorted; the first starts at `from`; neighbours differ
  bool truncated = false;         // a limit cut the expansion short (events may be missing)
  std::string truncated_at;       // which rule reached which limit, with its line
  bool covers(model::TimePoint t) const { return t >= from && t < to; }
  bool operator==(const Timeline&) const = default;
};

// One stretch of busy time from any source. `status` is meeting, leave, trip or remote.
struct BusyInterval {
  model::TimePoint start, end;  // end exclusive
  model::Availability status;
};

// The timeline over [from, to) of the given intervals: where they overlap, the strongest wins
// (leave > trip > meeting > remote); intervals outside the window are left out.
Timeline make_timeline(const std::vector<BusyInterval>& busy, model::TimePoint from,
                       model::TimePoint to);

// Expands the calendar's events over [from, from + span). All-day dates and floating times
// are in the town's UTC offset. With limits.strict, a limit reached throws CalendarError.
Timeline expand(const Calendar& calendar, model::TimePoint from, std::chrono::seconds span,
                int utc_offset_minutes, const Limits& limits = {});

// What the calendar says about a person at one moment.
struct CalendarStatus {
  // nullopt: free time, the calendar says nothing (the wall falls back to other sources).
  std::optional<model::Availability> status;
  // When the derived status next changes (within Limits::lookahead), e.g. the end of the
  // meeting, or the start of the next one while free.
  std::optional<model::TimePoint> until;
  // A generic note; never the event's SUMMARY (see timeline.cpp for why).
  std::optional<std::string> note;
  // True when a limit cut the expansion short (the answer may then miss events).
  bool truncated = false;
  bool operator==(const CalendarStatus&) const = default;
};

// The status at `now` from a timeline, with `until` at most `lookahead` ahead (and within the
// timeline's window). `now` outside the window: nothing known (status nullopt, no until).
CalendarStatus status_at(const Timeline& timeline, model::TimePoint now,
                         std::chrono::seconds lookahead);

// The status at `now`. Busy (TRANSP:OPAQUE, the default) events mean meeting; events whose
// SUMMARY or CATEGORIES say leave (休暇, 有給, 休み, leave, vacation), and all-day events
// without another keyword, mean leave; 出張/trip means trip; 在宅/テレワーク/remote means
// remote. Transparent and cancelled events are ignored. All-day dates and floating times are
// in the town's UTC offset `utc_offset_minutes`. Where events overlap, the strongest wins:
// leave > trip > meeting > remote. The same as status_at(expand(...)) over the look-ahead.
CalendarStatus status_at(const Calendar& calendar, model::TimePoint now, int utc_offset_minutes,
                         const Limits& limits = {});

}  // namespace bcp::calendar
