// Calendar-derived availability from .ics files shaped like what Google Calendar, Outlook and
// Apple Calendar export (tests/calendar/fixtures/). Times in the assertions are UTC; the town
// is JST (+09:00) unless a test says otherwise.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "bcp/calendar/calendar.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::calendar {
namespace {

using model::Availability;
constexpr int kJst = 540;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(BCP_SOURCE_DIR) + "/tests/calendar/fixtures/" + name,
                   std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

model::TimePoint utc(const char* text) { return model::parse_time(text); }

// One VEVENT (CRLF lines) inside a minimal VCALENDAR.
std::string calendar_with(const std::string& event_lines) {
  std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n";
  std::istringstream in(event_lines);
  for (std::string line; std::getline(in, line);) out += line + "\r\n";
  return out + "END:VCALENDAR\r\n";
}

std::string error_of(const std::string& text) {
  try {
    parse_ics(text);
  } catch (const CalendarError& e) {
    return e.what();
  }
  return "(parsed without error)";
}

struct Expect {
  std::optional<Availability> status;
  std::optional<model::TimePoint> until;
};

void expect_status(const Calendar& cal, const char* now, Expect want, int offset = kJst) {
  CalendarStatus got = status_at(cal, utc(now), offset);
  SCOPED_TRACE(std::string("at ") + now);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.until, want.until) << (got.until ? model::format_time(*got.until) : "no until");
  EXPECT_FALSE(got.truncated);
}

TEST(CalendarWeekly, RecurringMeetingWithExdateMovedAndCancelledInstances) {
  Calendar cal = parse_ics(fixture("weekly-standup.ics"));
  EXPECT_EQ(cal.total_events(), 3u);
  // Monday 10:00-10:30 JST = 01:00-01:30Z.
  expect_status(cal, "2026-10-26T01:10:00Z", {Availability::meeting, utc("2026-10-26T01:30:00Z")});
  expect_status(cal, "2026-10-26T01:30:00Z", {std::nullopt, utc("2026-11-10T06:00:00Z")});
  // 11-02 is an EXDATE, 11-09 moved to Tuesday 11-10 15:00 JST.
  expect_status(cal, "2026-11-02T01:10:00Z", {std::nullopt, utc("2026-11-10T06:00:00Z")});
  expect_status(cal, "2026-11-09T01:10:00Z", {std::nullopt, utc("2026-11-10T06:00:00Z")});
  expect_status(cal, "2026-11-10T06:10:00Z", {Availability::meeting, utc("2026-11-10T06:30:00Z")});
  // 11-16 cancelled through its own RECURRENCE-ID component.
  expect_status(cal, "2026-11-16T01:10:00Z", {std::nullopt, utc("2026-11-23T01:00:00Z")});
  expect_status(cal, "2026-11-23T01:00:00Z", {Availability::meeting, utc("2026-11-23T01:30:00Z")});
  // Years later the iterator jumps ahead instead of walking from DTSTART.
  expect_status(cal, "2031-01-06T01:29:59Z", {Availability::meeting, utc("2031-01-06T01:30:00Z")});
}

TEST(CalendarWeekly, NoteIsGenericAndNeverTheTitle) {
  Calendar cal = parse_ics(fixture("weekly-standup.ics"));
  CalendarStatus s = status_at(cal, utc("2026-10-26T01:10:00Z"), kJst);
  ASSERT_TRUE(s.note);
  EXPECT_EQ(s.note->find("人事"), std::string::npos) << *s.note;
  EXPECT_EQ(s.note->find("定例"), std::string::npos) << *s.note;
  EXPECT_FALSE(status_at(cal, utc("2026-10-26T02:00:00Z"), kJst).note);
}

TEST(CalendarAllDay, LeaveOverSeveralDaysInTheTownsOffset) {
  Calendar cal = parse_ics(fixture("leave-and-trip.ics"));
  // 11-24 .. 11-26 JST inclusive = 11-23T15:00Z .. 11-26T15:00Z.
  expect_status(cal, "2026-11-23T14:59:00Z", {std::nullopt, utc("2026-11-23T15:00:00Z")});
  expect_status(cal, "2026-11-23T15:00:00Z", {Availability::leave, utc("2026-11-26T15:00:00Z")});
  expect_status(cal, "2026-11-25T03:00:00Z", {Availability::leave, utc("2026-11-26T15:00:00Z")});
  // The same file read by a town on UTC: the days start nine hours later.
  expect_status(cal, "2026-11-23T20:00:00Z", {std::nullopt, utc("2026-11-24T00:00:00Z")}, 0);
}

TEST(CalendarAllDay, TripRemoteMeetingAndAllDayWithoutKeyword) {
  Calendar cal = parse_ics(fixture("leave-and-trip.ics"));
  expect_status(cal, "2026-11-30T00:00:00Z", {Availability::trip, utc("2026-12-01T15:00:00Z")});
  // 在宅勤務 00:00-08:00Z with a call 04:00-05:00Z inside: the call wins while it lasts.
  expect_status(cal, "2026-12-03T02:00:00Z", {Availability::remote, utc("2026-12-03T04:00:00Z")});
  expect_status(cal, "2026-12-03T04:30:00Z", {Availability::meeting, utc("2026-12-03T05:00:00Z")});
  expect_status(cal, "2026-12-03T05:00:00Z", {Availability::remote, utc("2026-12-03T08:00:00Z")});
  expect_status(cal, "2026-12-03T10:00:00Z", {std::nullopt, utc("2026-12-03T15:00:00Z")});
  // An all-day event without a keyword (no DTEND: one day) counts as leave.
  expect_status(cal, "2026-12-04T03:00:00Z", {Availability::leave, utc("2026-12-04T15:00:00Z")});
}

TEST(CalendarTimeZones, NewYorkEmbeddedVtimezoneAcrossTheUsDstEnd) {
  Calendar cal = parse_ics(fixture("timezones.ics"));
  // Thursdays 09:00 New York: EDT (13:00Z) until 11-01, then EST (14:00Z).
  expect_status(cal, "2026-10-29T13:30:00Z", {Availability::meeting, utc("2026-10-29T14:00:00Z")});
  expect_status(cal, "2026-11-05T13:30:00Z", {std::nullopt, utc("2026-11-05T14:00:00Z")});
  expect_status(cal, "2026-11-05T14:30:00Z", {Availability::meeting, utc("2026-11-05T15:00:00Z")});
  // COUNT=6 ends with 11-26; nothing on 12-03.
  expect_status(cal, "2026-11-26T14:30:00Z", {Availability::meeting, utc("2026-11-26T15:00:00Z")});
}

TEST(CalendarTimeZones, BerlinByOlsonNameAcrossTheEuDstEnd) {
  Calendar cal = parse_ics(fixture("timezones.ics"));
  // Tuesdays 09:00 Berlin: CEST (07:00Z) on 10-20, CET (08:00Z) after 10-25.
  expect_status(cal, "2026-10-20T07:30:00Z", {Availability::meeting, utc("2026-10-20T08:00:00Z")});
  expect_status(cal, "2026-10-27T07:30:00Z", {std::nullopt, utc("2026-10-27T08:00:00Z")});
  expect_status(cal, "2026-10-27T08:30:00Z", {Availability::meeting, utc("2026-10-27T09:00:00Z")});
}

TEST(CalendarTimeZones, UtcAndFloatingTimes) {
  Calendar cal = parse_ics(fixture("timezones.ics"));
  expect_status(cal, "2026-12-01T03:00:00Z", {Availability::meeting, utc("2026-12-01T03:30:00Z")});
  // Floating 09:00-10:00 is read in the town's offset: 00:00-01:00Z in JST.
  expect_status(cal, "2026-12-02T00:30:00Z", {Availability::meeting, utc("2026-12-02T01:00:00Z")});
}

TEST(CalendarIgnored, TransparentAndCancelledEventsDoNotCount) {
  Calendar cal = parse_ics(fixture("ignored.ics"));
  EXPECT_EQ(cal.total_events(), 4u);
  EXPECT_EQ(cal.busy_events(), 1u);
  expect_status(cal, "2026-12-01T01:30:00Z", {std::nullopt, utc("2026-12-01T05:00:00Z")});
  expect_status(cal, "2026-12-01T03:30:00Z", {std::nullopt, utc("2026-12-01T05:00:00Z")});
  expect_status(cal, "2026-12-01T05:30:00Z", {Availability::meeting, utc("2026-12-01T06:00:00Z")});
}

TEST(CalendarKeywords, CategoriesAndEnglishTitles) {
  auto status_of = [](const std::string& props) {
    Calendar cal =
        parse_ics(calendar_with("BEGIN:VEVENT\nUID:k\nDTSTART:20261201T000000Z\n"
                                "DTEND:20261201T080000Z\n" +
                                props + "\nEND:VEVENT"));
    return status_at(cal, utc("2026-12-01T01:00:00Z"), kJst).status;
  };
  EXPECT_EQ(status_of("SUMMARY:Annual Leave"), Availability::leave);
  EXPECT_EQ(status_of("SUMMARY:Vacation in Okinawa"), Availability::leave);
  EXPECT_EQ(status_of("SUMMARY:私用\nCATEGORIES:休暇,個人"), Availability::leave);
  EXPECT_EQ(status_of("SUMMARY:Business Trip to Sapporo"), Availability::trip);
  EXPECT_EQ(status_of("SUMMARY:テレワーク"), Availability::remote);
  EXPECT_EQ(status_of("SUMMARY:WORKING REMOTE"), Availability::remote);
  EXPECT_EQ(status_of("SUMMARY:昼休み"), Availability::meeting);
  EXPECT_EQ(status_of("SUMMARY:x\nX-MICROSOFT-CDO-BUSYSTATUS:OOF"), Availability::leave);
  EXPECT_EQ(status_of("SUMMARY:定例会議"), Availability::meeting);
}

TEST(CalendarErrors, NameTheLineComponentAndProperty) {
  EXPECT_EQ(error_of(""), "empty calendar: expected an iCalendar document (BEGIN:VCALENDAR)");
  EXPECT_EQ(error_of("hello world\n"), "line 1: expected BEGIN:VCALENDAR, found \"hello world\"");
  EXPECT_NE(error_of("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n").find("incomplete"),
            std::string::npos);

  std::string bad_rule = error_of(calendar_with(
      "BEGIN:VEVENT\nUID:r1\nDTSTART:20261201T000000Z\nRRULE:FREQ=FOO;BYDAY=MO\nEND:VEVENT"));
  EXPECT_NE(bad_rule.find("line 7:"), std::string::npos) << bad_rule;
  EXPECT_NE(bad_rule.find("VEVENT \"r1\""), std::string::npos) << bad_rule;
  EXPECT_NE(bad_rule.find("RRULE"), std::string::npos) << bad_rule;
  EXPECT_NE(bad_rule.find("FREQ=FOO"), std::string::npos) << bad_rule;

  std::string garbage = error_of(calendar_with(
      "BEGIN:VEVENT\nUID:g1\nDTSTART:20261201T000000Z\nGARBAGE WITHOUT COLON\nEND:VEVENT"));
  EXPECT_NE(garbage.find("line 7:"), std::string::npos) << garbage;
  EXPECT_NE(garbage.find("GARBAGE WITHOUT COLON"), std::string::npos) << garbage;

  EXPECT_EQ(error_of(calendar_with("BEGIN:VEVENT\nUID:n1\nSUMMARY:x\nEND:VEVENT")),
            "line 4: VEVENT \"n1\": no DTSTART");
  EXPECT_EQ(error_of(calendar_with("BEGIN:VEVENT\nUID:z1\nDTSTART;TZID=Mars/Olympus_Mons:"
                                   "20261201T090000\nEND:VEVENT")),
            "line 6: VEVENT \"z1\": DTSTART: unknown time zone TZID=\"Mars/Olympus_Mons\" (no "
            "VTIMEZONE for it in the file and not an Olson name)");
  EXPECT_EQ(error_of(calendar_with("BEGIN:VEVENT\nUID:e1\nDTSTART:20261201T090000Z\n"
                                   "DTEND:20261201T080000Z\nEND:VEVENT")),
            "line 7: VEVENT \"e1\": DTEND: is before DTSTART");
  EXPECT_EQ(error_of(calendar_with("BEGIN:VEVENT\nUID:s1\nDTSTART:20261201T090000Z\n"
                                   "RRULE:FREQ=SECONDLY\nEND:VEVENT")),
            "line 7: VEVENT \"s1\": RRULE: FREQ=SECONDLY is not supported (at most one "
            "instance a day)");
  std::string nul("BEGIN:VCALENDAR\r\n\0", 18);
  EXPECT_EQ(error_of(nul), "NUL byte at offset 17: not an iCalendar text");
}

TEST(CalendarErrors, ImpossibleDateIsRefused) {
  std::string e =
      error_of(calendar_with("BEGIN:VEVENT\nUID:d1\nDTSTART:20261345T090000Z\nEND:VEVENT"));
  EXPECT_NE(e.find("DTSTART"), std::string::npos) << e;
  EXPECT_NE(e.find("line 6"), std::string::npos) << e;
}

TEST(CalendarHostile, RulesAreBoundedAndSaySo) {
  auto t0 = std::chrono::steady_clock::now();
  Calendar cal = parse_ics(fixture("hostile-rrule.ics"));
  CalendarStatus s = status_at(cal, utc("2026-11-25T03:30:00Z"), kJst);
  auto spent = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(spent, std::chrono::seconds(3));
  // The uncounted daily rule is found through the jump; the COUNT rule has to be walked from
  // 1970 and stops at the step limit, which the answer admits.
  EXPECT_EQ(s.status, Availability::meeting);
  EXPECT_EQ(s.until, utc("2026-11-25T04:00:00Z"));
  EXPECT_TRUE(s.truncated);
}

TEST(CalendarHostile, ManyCountedRulesShareOneStepBudget) {
  // 300 rules that must each be walked from 1970 (COUNT): 6 million steps unbounded.
  std::string events;
  for (int i = 0; i < 300; ++i) {
    events += "BEGIN:VEVENT\nUID:counted-" + std::to_string(i) +
              "\nDTSTART:19700101T000000Z\nDTEND:19700101T000100Z\n"
              "RRULE:FREQ=DAILY;COUNT=1000000\nEND:VEVENT\n";
  }
  Calendar cal = parse_ics(calendar_with(events));
  auto t0 = std::chrono::steady_clock::now();
  CalendarStatus s = status_at(cal, utc("2026-11-25T03:30:00Z"), kJst);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(s.truncated);
}

TEST(CalendarHostile, ProbeBudgetRefusesACalendarFullOfNeverMatchingRules) {
  std::string events;
  for (int i = 0; i < 50; ++i) {
    events += "BEGIN:VEVENT\nUID:never-" + std::to_string(i) +
              "\nDTSTART:19900101T000000Z\nDTEND:19900101T010000Z\n"
              "RRULE:FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31\nEND:VEVENT\n";
  }
  ParseLimits limits;
  limits.probe_budget = std::chrono::milliseconds(300);
  auto t0 = std::chrono::steady_clock::now();
  try {
    parse_ics(calendar_with(events), limits);
    FAIL() << "a calendar of never-matching rules was accepted";
  } catch (const CalendarError& e) {
    EXPECT_NE(std::string(e.what()).find("take too long to expand"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

}  // namespace
}  // namespace bcp::calendar
