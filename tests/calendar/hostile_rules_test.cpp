// Recurrence rules judged by the instances they produce (issue 12, classes 4 and 5): rules
// whose instances can come more than once a day are refused whatever their FREQ, rules that
// can never occur are skipped without asking libical, time zone rules that are not yearly are
// refused, and the expansion of what is left is bounded by the periods libical walks.
#include <gtest/gtest.h>

#include "calendar_helpers.hpp"

namespace bcp::calendar::test {
namespace {

using model::Availability;

// --- class 5: sub-daily instances through BY-parts ------------------------------------------

TEST(CalendarSubDaily, RulesGivingMoreThanOneInstanceADayAreRefusedNamingTheRule) {
  struct Case {
    const char* rule;
    const char* says;
  };
  const Case cases[] = {
      {"FREQ=DAILY;BYHOUR=9,10", "FREQ=DAILY;BYHOUR=9,10 gives 2 instances a day"},
      {"FREQ=DAILY;BYMINUTE=0,30", "gives 2 instances a day"},
      {"FREQ=DAILY;BYSECOND=0,1,2", "gives 3 instances a day"},
      {"FREQ=DAILY;BYHOUR=9,10;BYMINUTE=0,15,30,45", "gives 8 instances a day"},
      {"FREQ=WEEKLY;BYDAY=MO,TU;BYHOUR=9,13", "gives 2 instances a day"},
      {"FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=8,9,10", "gives 3 instances a day"},
      {"FREQ=YEARLY;BYMONTH=4;BYMINUTE=0,15,30,45", "gives 4 instances a day"},
      // libical 3.0 applies BYSETPOS to days, never to the times of a day.
      {"FREQ=DAILY;BYHOUR=9,12,17;BYSETPOS=1", "gives 3 instances a day"},
      {"FREQ=WEEKLY;BYDAY=MO;BYHOUR=9,17;BYSETPOS=1", "gives 2 instances a day"},
      {"FREQ=HOURLY", "FREQ=HOURLY is not supported"},
      {"FREQ=MINUTELY;INTERVAL=30", "FREQ=MINUTELY is not supported"},
      {"FREQ=MINUTELY;BYHOUR=9", "FREQ=MINUTELY;BYHOUR=9 gives 60 instances a day"},
      {"FREQ=SECONDLY;BYHOUR=9;BYMINUTE=0", "gives 60 instances a day"},
      {"FREQ=HOURLY;BYHOUR=9,10", "gives 2 instances a day"},
      {"FREQ=HOURLY;INTERVAL=2;BYHOUR=9", "INTERVAL with FREQ=HOURLY is not supported"},
  };
  for (const Case& c : cases) {
    std::string e = error_of(calendar_with(event_with("sub", std::string("RRULE:") + c.rule)));
    SCOPED_TRACE(c.rule);
    EXPECT_TRUE(contains(e, "line 9: VEVENT \"sub\": RRULE: ")) << e;
    EXPECT_TRUE(contains(e, c.says)) << e;
    EXPECT_TRUE(contains(e, "(at most one instance a day)")) << e;
  }
}

TEST(CalendarSubDaily, OneInstanceADayIsAcceptedWhateverTheFreq) {
  // 09:00-10:00 JST (00:00-01:00Z) every day; a sub-daily FREQ pinned to one time of day is
  // the same rule as FREQ=DAILY.
  for (const char* rule : {"FREQ=DAILY;BYHOUR=0",
                           "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=1,2,3,4,5,6,7,8,"
                           "9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31",
                           "FREQ=HOURLY;BYHOUR=0", "FREQ=MINUTELY;BYHOUR=0;BYMINUTE=0",
                           "FREQ=SECONDLY;BYHOUR=0;BYMINUTE=0;BYSECOND=0"}) {
    SCOPED_TRACE(rule);
    Calendar cal = parse_ics(calendar_with(event_with("daily", std::string("RRULE:") + rule)));
    for (const char* day : {"2026-12-02T00:30:00Z", "2026-12-15T00:30:00Z"}) {
      CalendarStatus s = status_at(cal, utc(day), kJst);
      EXPECT_EQ(s.status, Availability::meeting) << day;
      EXPECT_FALSE(s.truncated);
    }
    // Once a day only: free at 09:00Z, and the next meeting starts at 00:00Z the next day.
    CalendarStatus later = status_at(cal, utc("2026-12-02T09:00:00Z"), kJst);
    EXPECT_FALSE(later.status);
    EXPECT_EQ(later.until, utc("2026-12-03T00:00:00Z"));
  }
}

TEST(CalendarSubDaily, PartsRfc5545ForbidsAreRefused) {
  for (const char* rule :
       {"FREQ=MONTHLY;BYWEEKNO=20", "FREQ=DAILY;BYYEARDAY=100", "FREQ=WEEKLY;BYMONTHDAY=3",
        "FREQ=WEEKLY;BYDAY=2TU", "FREQ=MONTHLY;BYSETPOS=1"}) {
    SCOPED_TRACE(rule);
    std::string e = error_of(calendar_with(event_with("rfc", std::string("RRULE:") + rule)));
    EXPECT_TRUE(contains(e, "line 9: VEVENT \"rfc\": RRULE: ")) << e;
    EXPECT_TRUE(contains(e, "RFC 5545 3.3.10")) << e;
  }
}

// --- class 4: rules that never occur ----------------------------------------------------------

TEST(CalendarNever, RulesThatCanNeverOccurAreSkippedAndTheEventKeepsItsStart) {
  for (const char* rule : {
           "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
           "FREQ=WEEKLY;BYMONTH=2;BYDAY=MO,TU;BYMONTHDAY=30",  // WEEKLY+BYMONTHDAY: refused
           "FREQ=MONTHLY;BYMONTH=4,6,9,11;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=-30",
           "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31",
           "FREQ=YEARLY;BYYEARDAY=60;BYMONTH=1",      // day 60 is in February or March
           "FREQ=YEARLY;BYYEARDAY=366;BYMONTHDAY=1",  // 31 December at best
           "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",        // no month has six Mondays
           "FREQ=MONTHLY;BYMONTH=4",                  // from DTSTART on the 31st
       }) {
    SCOPED_TRACE(rule);
    std::string text = calendar_with(
        event_with("never", std::string("RRULE:") + rule, "20261031T000000Z", "20261031T010000Z"));
    if (std::string(rule).find("WEEKLY") != std::string::npos) {
      EXPECT_TRUE(contains(error_of(text), "RFC 5545")) << error_of(text);
      continue;
    }
    Calendar cal = parse_ics(text);
    ASSERT_EQ(cal.busy_events(), 1u);
    // DTSTART is still an instance; nothing after it.
    EXPECT_EQ(status_at(cal, utc("2026-10-31T00:30:00Z"), kJst).status, Availability::meeting);
    CalendarStatus after = status_at(cal, utc("2026-11-01T00:00:00Z"), kJst);
    EXPECT_FALSE(after.status);
    EXPECT_FALSE(after.until);
    EXPECT_FALSE(after.truncated);
  }
}

TEST(CalendarNever, ACalendarFullOfThemIsRefusedNamingTheRule) {
  std::string events;
  for (int i = 0; i < 4; ++i) {
    events += event_with("never-" + std::to_string(i), "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30");
  }
  std::string e = error_of(calendar_with(events));
  // The fourth event's RRULE: events are 7 lines from line 4, the RRULE their sixth.
  EXPECT_TRUE(contains(e,
                       "line 30: VEVENT \"never-3\": RRULE: recurrence rules take too long "
                       "to expand"))
      << e;
  EXPECT_TRUE(contains(e, "more than 3 of them can never occur")) << e;
}

// --- class 4: bounded expansion ----------------------------------------------------------------

// The calendar: 40 leap-day rules with a huge COUNT from 1604 (13 s of the daemon's
// I/O thread before). COUNT rules are walked from DTSTART; each call into libical is charged
// the days it walked, so one rule reaches its limit after ~14 instances.
std::string leap_day_flood(int events, const char* dtstart = "16040101T090000Z") {
  std::string out;
  for (int i = 0; i < events; ++i) {
    out += "BEGIN:VEVENT\nUID:leap-" + std::to_string(i) + "\nDTSTART:" + dtstart +
           "\nDURATION:PT1H\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=100000\nEND:VEVENT\n";
  }
  return calendar_with(out);
}

TEST(CalendarBounded, HugeCountsFromCenturiesAgoAreCutAndSayWhere) {
  Calendar cal = parse_ics(leap_day_flood(40));
  Timeline t = expand(cal, utc("2026-12-01T00:00:00Z"), std::chrono::days{32}, kJst);
  EXPECT_TRUE(t.truncated);
  EXPECT_TRUE(contains(t.truncated_at,
                       "line 8: VEVENT \"leap-0\": RRULE: needs more than "
                       "20000 steps"))
      << t.truncated_at;
  EXPECT_TRUE(contains(t.truncated_at, "walked from its DTSTART 1604-01-01")) << t.truncated_at;

  // Imports are strict: the same limit refuses the calendar.
  Limits strict;
  strict.strict = true;
  try {
    expand(cal, utc("2026-12-01T00:00:00Z"), std::chrono::days{32}, kJst, strict);
    ADD_FAILURE() << "a strict expansion went past its limit";
  } catch (const CalendarError& e) {
    EXPECT_TRUE(contains(e.what(), "line 8: VEVENT \"leap-0\": RRULE:")) << e.what();
  }
}

TEST(CalendarBounded, OtherFarPastWalksAreCutToo) {
  struct Case {
    const char* rule;
    const char* dtstart;
  };
  for (const Case& c : {Case{"FREQ=DAILY;COUNT=1000000", "19000101T000000Z"},
                        Case{"FREQ=WEEKLY;BYDAY=MO;COUNT=1000000", "16040105T000000Z"},
                        Case{"FREQ=MONTHLY;BYMONTHDAY=29;COUNT=1000000", "00010101T000000Z"}}) {
    SCOPED_TRACE(c.rule);
    Calendar cal =
        parse_ics(calendar_with("BEGIN:VEVENT\nUID:far\nDTSTART:" + std::string(c.dtstart) +
                                "\nDURATION:PT1H\nRRULE:" + c.rule + "\nEND:VEVENT\n"));
    Timeline t = expand(cal, utc("2026-12-01T00:00:00Z"), std::chrono::days{32}, kJst);
    EXPECT_TRUE(t.truncated);
    EXPECT_TRUE(contains(t.truncated_at, "line 8: VEVENT \"far\": RRULE:")) << t.truncated_at;
  }
}

TEST(CalendarBounded, RecentCountsAndUntilRulesAreFollowedFully) {
  // A daily COUNT rule from 2020 walks ~2500 days: within the limits, nothing cut.
  Calendar cal =
      parse_ics(calendar_with("BEGIN:VEVENT\nUID:recent\nDTSTART:20200101T000000Z\nDURATION:PT1H\n"
                              "RRULE:FREQ=DAILY;COUNT=5000\nEND:VEVENT\n"));
  Timeline t = expand(cal, utc("2026-12-01T00:30:00Z"), std::chrono::days{32}, kJst);
  EXPECT_FALSE(t.truncated) << t.truncated_at;
  EXPECT_EQ(status_at(t, utc("2026-12-01T00:30:00Z"), std::chrono::days{31}).status,
            Availability::meeting);
}

TEST(CalendarBounded, RdateFloodsAreRefusedOrBounded) {
  std::string dates;
  for (int i = 0; i < 2001; ++i) {
    char line[64];
    std::snprintf(line, sizeof line, "RDATE:2026%02d%02dT%02d%02d00Z\n", 1 + i % 12, 1 + i % 28,
                  i % 24, i % 60);
    dates += line;
  }
  std::string e = error_of(calendar_with(event_with("flood", dates)));
  EXPECT_TRUE(contains(e, "line 9: VEVENT \"flood\": RDATE: more than 2000 RDATE values")) << e;
  e = error_of(calendar_with(event_with("exflood", [&] {
    std::string ex = dates;
    for (std::size_t at = 0; (at = ex.find("RDATE", at)) != std::string::npos;)
      ex.replace(at, 5, "EXDATE");
    return ex;
  }())));
  EXPECT_TRUE(contains(e, "EXDATE: more than 2000 EXDATE values")) << e;

  // Within the per-event cap, instances in the window are still bounded in all.
  std::string events;
  for (int i = 0; i < 12; ++i) {
    std::string rdates;
    for (int m = 0; m < 2000; ++m) {
      char line[64];
      std::snprintf(line, sizeof line, "RDATE:202612%02dT%02d%02d%02dZ\n", 1 + (m / 100) % 28,
                    (m / 60) % 24, m % 60, i);
      rdates += line;
    }
    events += "BEGIN:VEVENT\nUID:r" + std::to_string(i) +
              "\nDTSTART:20261201T000000Z\nDURATION:PT30S\n" + rdates + "END:VEVENT\n";
  }
  Timeline t = expand(parse_ics(calendar_with(events)), utc("2026-12-01T00:00:00Z"),
                      std::chrono::days{32}, kJst);
  EXPECT_TRUE(t.truncated);
  EXPECT_TRUE(contains(t.truncated_at, "more than 20000 instances")) << t.truncated_at;
}

TEST(CalendarBounded, TooManyRulesInOneEventAreRefused) {
  std::string rules;
  for (int i = 0; i < 9; ++i) rules += "RRULE:FREQ=WEEKLY;BYDAY=MO\n";
  std::string e = error_of(calendar_with(event_with("many", rules)));
  EXPECT_TRUE(contains(e, "line 9: VEVENT \"many\": RRULE: more than 8 recurrence rules")) << e;
}

// --- class 4: VTIMEZONE rules
// ---------------------------------------------------------------------

std::string zone_calendar(const std::string& standard_extra) {
  return calendar_with(
      "BEGIN:VTIMEZONE\nTZID:Hostile\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
      "TZOFFSETFROM:+0900\nTZOFFSETTO:+0900\n" +
      standard_extra +
      "\nEND:STANDARD\nEND:VTIMEZONE\n"
      "BEGIN:VEVENT\nUID:z\nDTSTART;TZID=Hostile:20261201T090000\n"
      "DTEND;TZID=Hostile:20261201T100000\nEND:VEVENT\n");
}

TEST(CalendarZones, ObservanceRulesThatAreNotYearlyAreRefusedBeforeAnyConversion) {
  for (const char* rule : {"FREQ=MINUTELY", "FREQ=HOURLY", "FREQ=DAILY", "FREQ=WEEKLY",
                           "FREQ=MONTHLY;BYMONTHDAY=1", "FREQ=SECONDLY;COUNT=100000000"}) {
    SCOPED_TRACE(rule);
    std::string e = error_of(zone_calendar(std::string("RRULE:") + rule));
    EXPECT_TRUE(contains(e, "line 10: VTIMEZONE \"Hostile\": RRULE: ")) << e;
    EXPECT_TRUE(contains(e, "is not a time zone rule")) << e;
  }
}

TEST(CalendarZones, YearlyRulesWithManyChangesAYearAreRefused) {
  for (const char* rule :
       {"FREQ=YEARLY;BYDAY=SU",
        "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;"
        "BYMONTHDAY=1,15",
        "FREQ=YEARLY;BYYEARDAY=1,2,3,4,5,6,7,8,9,10,11,12,13",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12,13"}) {
    SCOPED_TRACE(rule);
    std::string e = error_of(zone_calendar(std::string("RRULE:") + rule));
    EXPECT_TRUE(contains(e, "line 10: VTIMEZONE \"Hostile\": RRULE: gives up to")) << e;
  }
  // Real observances: one change a year (also the old BYMONTHDAY=8..14 style).
  for (const char* rule : {"FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                           "FREQ=YEARLY;BYMONTH=4;BYDAY=SU;BYMONTHDAY=8,9,10,11,12,13,14"}) {
    SCOPED_TRACE(rule);
    EXPECT_EQ(error_of(zone_calendar(std::string("RRULE:") + rule)), "(parsed without error)");
  }
}

TEST(CalendarZones, RdateFloodsInAZoneAreRefused) {
  std::string rdates;
  for (int i = 0; i < 50'001; ++i) rdates += "RDATE:20260101T000000\n";
  std::string e = error_of(zone_calendar(rdates));
  EXPECT_TRUE(contains(e,
                       "line 4: VTIMEZONE \"Hostile\": implies more than 50000 offset "
                       "changes"))
      << e;
}

}  // namespace
}  // namespace bcp::calendar::test
