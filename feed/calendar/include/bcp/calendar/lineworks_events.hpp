// A LINE WORKS calendar (API 2.0, GET /users/{userId}/calendar/events; notes/lineworks-api.md
// §4) as iCalendar text, so that it is evaluated by exactly the rules, limits and worker
// processes of an uploaded .ics (isolated.hpp): one VEVENT per event component.
//
// What goes into the VEVENT, and why:
//  - start/end: `date` (all day) -> DTSTART;VALUE=DATE, `dateTime` + `timeZone` ->
//    DTSTART;TZID=<zone> (the zone resolved as in an .ics, by its Olson name), a `dateTime`
//    with its own offset or Z -> UTC, a `dateTime` without zone -> floating (the town's
//    offset, like an .ics).
//  - `transparency` TRANSPARENT -> TRANSP:TRANSPARENT (ignored, as in an .ics).
//  - `recurrence` lines (RRULE, EXDATE, RDATE) copied as they are, after checking that each
//    is one such property and nothing else (no line break, no other property smuggled in);
//    libical then checks their values like any .ics. A cancelled instance of a recurring
//    event is an EXDATE of its master.
//  - an event the person DECLINED (attendees[] entry with id = the userId asked for,
//    partstat DECLINED) is left out: they will not be there.
//  - what the event means (meeting, leave, trip, remote) is decided here from `summary` by
//    the same words as an .ics's SUMMARY (classify.hpp), and only the outcome is written, as
//    CATEGORIES. The summary, description, location and every other free text never leave
//    this function: titles never reach the journal or the wall. `categoryId` is a colour
//    label each user names freely in LINE WORKS, with no fixed meaning: not used.
// Threads: a pure function; call it from any thread (the daemon calls it off the I/O thread).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bcp::calendar {

struct LineWorksCalendarLimits {
  std::size_t max_events = 10'000;         // event components in one answer, all together
  std::size_t max_recurrence_lines = 100;  // per component (LINE WORKS allows 100)
  std::size_t max_line_bytes = 1'000;      // one recurrence line
  std::size_t max_attendees = 1'000;       // per component
};

struct LineWorksCalendar {
  std::string ics;           // a VCALENDAR for parse_ics / evaluate_isolated
  std::size_t events = 0;    // event components read
  std::size_t declined = 0;  // left out: declined by the person
};

// `body` is the answer's JSON text; `user_id` the userId the calendar was asked for (whose
// declines count). nullopt when the answer cannot be used, with `error` naming the JSON
// pointer and what is wrong, e.g. `/events/0/eventComponents/1/start/dateTime: expected
// "YYYY-MM-DDThh:mm:ss", got "2026-12-03 10:00"` (never a summary or other free text).
std::optional<LineWorksCalendar> lineworks_calendar_to_ics(
    std::string_view body, std::string_view user_id, std::string& error,
    const LineWorksCalendarLimits& limits = {});

}  // namespace bcp::calendar
