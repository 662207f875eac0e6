// The constructs behind the exporter fixtures, one at a time and with their borderline
// variants (issue 16): empty values, unknown properties, RDATE periods, empty and prefixed
// TZIDs, and that every refusal names a line.
#include <gtest/gtest.h>

#include <regex>

#include "calendar_helpers.hpp"

namespace bcp::calendar::test {
namespace {

using model::Availability;

std::optional<Availability> status_of(const std::string& text, const char* at, int offset = kJst) {
  return status_at(parse_ics(text), utc(at), offset).status;
}

TEST(CalendarConstructs, EmptyValuesOfWhatIsNotReadAreFine) {
  // Google writes empty DESCRIPTION: and LOCATION: on every event without them.
  std::string text = calendar_with(
      "BEGIN:VEVENT\nUID:e\nDTSTART:20261201T000000Z\nDTEND:20261201T010000Z\nDESCRIPTION:\n"
      "LOCATION:\nSUMMARY:\nCATEGORIES:\nX-GOOGLE-FOO:\nSEQUENCE:\nDTSTAMP:\nCLASS:\nSTATUS:\n"
      "TRANSP:\nURL:\nCOMMENT:\nPRIORITY:\nCREATED:\nBEGIN:VALARM\nACTION:\nTRIGGER:\n"
      "DESCRIPTION:\nEND:VALARM\nEND:VEVENT\nX-WR-CALNAME:\n");
  EXPECT_EQ(error_of(text), "(parsed without error)");
  EXPECT_EQ(status_of(text, "2026-12-01T00:30:00Z"), Availability::meeting);
}

TEST(CalendarConstructs, EmptyOrBrokenValuesOfWhatIsReadAreRefusedAtTheirLine) {
  struct Case {
    const char* lines;
    const char* says;
  };
  // Lines from 4: BEGIN:VEVENT, UID, then the case's lines from line 6.
  for (const Case& c : {
           Case{"DTSTART:\nDTEND:20261201T010000Z", "line 6: VEVENT \"b\": No value for DTSTART"},
           Case{"DTSTART:20261201T000000Z\nDTEND:", "line 7: VEVENT \"b\": No value for DTEND"},
           Case{"DTSTART:20261201T000000Z\nDURATION:",
                "line 7: VEVENT \"b\": No value for DURATION"},
           Case{"DTSTART:20261201T000000Z\nDURATION:PT1H\nRRULE:",
                "line 8: VEVENT \"b\": No value "
                "for RRULE"},
           Case{"DTSTART:20261201T000000Z\nDURATION:PT1H\nRDATE:",
                "line 8: VEVENT \"b\": No value "
                "for RDATE"},
           Case{"DTSTART:20261201T000000Z\nDURATION:PT1H\nEXDATE:garbage",
                "line 8: VEVENT \"b\": Can't parse as DATE-TIME value in EXDATE property "
                "\"garbage\""},
           Case{"DTSTART:20261201T000000Z\nDURATION:soon",
                "line 7: VEVENT \"b\": Can't parse as "
                "DURATION value in DURATION property"},
           Case{"DTSTART;VALUE=FOO:20261201T000000Z\nDURATION:PT1H",
                "line 6: VEVENT \"b\": Invalid VALUE type for property DTSTART"},
           Case{"DTSTART:20261201T000000Z\nDURATION:PT1H\nRECURRENCE-ID:",
                "line 8: VEVENT \"b\": No value for RECURRENCE-ID"},
       }) {
    SCOPED_TRACE(c.lines);
    std::string e =
        error_of(calendar_with(std::string("BEGIN:VEVENT\nUID:b\n") + c.lines + "\nEND:VEVENT"));
    EXPECT_EQ(e.rfind(c.says, 0), 0u) << e;
  }
}

TEST(CalendarConstructs, UnknownPropertiesAreIgnoredButLinesThatAreNoPropertyAreNot) {
  // RFC 9253's LINK and STRUCTURED-DATA are unknown to libical 3.0; RFC 5545 3.7 says to
  // ignore what one does not know. Garbage elsewhere in what is not read is ignored too.
  for (const char* line :
       {"LINK;LINKREL=latest-version;VALUE=URI:https://example.org/e/1",
        "STRUCTURED-DATA;VALUE=TEXT;FMTTYPE=application/ld+json:{\"a\":1}",
        "SOME-FUTURE-PROPERTY;WITH=PARAMS:value", "X-VENDOR-THING;X-P=1:x", "GEO:nowhere",
        "CREATED:yesterday", "DTSTAMP:20269999", "PRIORITY:high", "X-A;=b:c"}) {
    SCOPED_TRACE(line);
    EXPECT_EQ(error_of(calendar_with(event_with("u", line))), "(parsed without error)");
  }
  for (const char* line : {"foo bar:baz", "GARBAGE WITHOUT COLON", "日本語:値"}) {
    SCOPED_TRACE(line);
    std::string e = error_of(calendar_with(event_with("u", line)));
    EXPECT_EQ(e.rfind("line 9: VEVENT \"u\": ", 0), 0u) << e;
  }
}

TEST(CalendarConstructs, RdatePeriodsGiveEachInstanceItsLength) {
  std::string text = calendar_with(
      "BEGIN:VEVENT\nUID:p\nDTSTART;TZID=Asia/Tokyo:20261201T100000\n"
      "DTEND;TZID=Asia/Tokyo:20261201T110000\n"
      "RDATE;VALUE=PERIOD:20261202T000000Z/20261202T030000Z\n"                // UTC end: 3 h
      "RDATE;VALUE=PERIOD;TZID=Asia/Tokyo:20261203T090000/20261203T093000\n"  // zoned: 30 min
      "RDATE;VALUE=PERIOD:20261204T000000Z/PT4H\n"                            // duration
      "RDATE:20261205T000000Z\n"  // a plain RDATE: the event's own hour
      "END:VEVENT");
  Calendar cal = parse_ics(text);
  auto until = [&](const char* at) { return status_at(cal, utc(at), kJst).until; };
  EXPECT_EQ(status_at(cal, utc("2026-12-01T01:30:00Z"), kJst).status, Availability::meeting);
  EXPECT_EQ(until("2026-12-02T02:00:00Z"), utc("2026-12-02T03:00:00Z"));
  EXPECT_EQ(until("2026-12-03T00:10:00Z"), utc("2026-12-03T00:30:00Z"));
  EXPECT_EQ(until("2026-12-04T02:00:00Z"), utc("2026-12-04T04:00:00Z"));
  EXPECT_EQ(until("2026-12-05T00:10:00Z"), utc("2026-12-05T01:00:00Z"));

  std::string backwards = error_of(
      calendar_with(event_with("q", "RDATE;VALUE=PERIOD:20261202T030000Z/20261202T010000Z")));
  EXPECT_EQ(backwards, "line 9: VEVENT \"q\": RDATE: a period that ends before it starts");
}

std::string exchange_like(const std::string& zones) {
  return calendar_with(zones +
                       "BEGIN:VEVENT\nUID:x\nDTSTART;TZID=:20261208T100000\n"
                       "DTEND;TZID=:20261208T110000\nEND:VEVENT");
}

std::string unnamed_zone(const char* offset) {
  return std::string("BEGIN:VTIMEZONE\nTZID:\nBEGIN:STANDARD\nDTSTART:16010101T000000\n") +
         "TZOFFSETFROM:" + offset + "\nTZOFFSETTO:" + offset + "\nEND:STANDARD\nEND:VTIMEZONE\n";
}

TEST(CalendarConstructs, AnEmptyTzidMeansTheFilesOnlyVtimezoneWithoutOne) {
  // Exchange 2010 writes `TZID:` in its VTIMEZONE and `TZID=` on each time: the zone meant
  // is the unnamed one (here UTC, to tell it from the town's offset).
  std::string utc_zone = exchange_like(unnamed_zone("+0000"));
  EXPECT_EQ(status_of(utc_zone, "2026-12-08T10:30:00Z"), Availability::meeting);
  EXPECT_EQ(status_of(utc_zone, "2026-12-08T01:30:00Z"), std::nullopt);
  // No unnamed VTIMEZONE (a named one does not count): the time is floating, read in the
  // town's offset.
  std::string floating = exchange_like(
      "BEGIN:VTIMEZONE\nTZID:Other\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
      "TZOFFSETFROM:-0500\nTZOFFSETTO:-0500\nEND:STANDARD\nEND:VTIMEZONE\n");
  EXPECT_EQ(status_of(floating, "2026-12-08T01:30:00Z"), Availability::meeting);
  EXPECT_EQ(status_of(floating, "2026-12-08T10:30:00Z", 0), Availability::meeting);
  // Two unnamed zones: which one is meant cannot be told.
  std::string two = error_of(exchange_like(unnamed_zone("+0900") + unnamed_zone("+0000")));
  EXPECT_TRUE(contains(two, "line 22: VEVENT \"x\": DTSTART: TZID is empty, and 2 VTIMEZONEs"))
      << two;
}

TEST(CalendarConstructs, PrefixedTzidsWithoutAVtimezoneResolveByTheirOlsonName) {
  for (const char* tzid :
       {"/mozilla.org/20050126_1/Europe/Berlin",
        "/softwarestudio.org/Olson_20011030_5/Europe/Berlin",
        "/freeassociation.sourceforge.net/Tzfile/Europe/Berlin", "Europe/Berlin"}) {
    SCOPED_TRACE(tzid);
    std::string text = calendar_with(std::string("BEGIN:VEVENT\nUID:m\nDTSTART;TZID=") + tzid +
                                     ":20261209T090000\nDURATION:PT1H\nEND:VEVENT");
    // 09:00 CET = 08:00Z.
    EXPECT_EQ(status_of(text, "2026-12-09T08:30:00Z"), Availability::meeting);
    EXPECT_EQ(status_of(text, "2026-12-09T00:30:00Z"), std::nullopt);
  }
  for (const char* tzid : {"/mozilla.org/20050126_1/Mars/Olympus_Mons", "/mozilla.org/x/Berlin"}) {
    SCOPED_TRACE(tzid);
    std::string e = error_of(calendar_with(std::string("BEGIN:VEVENT\nUID:m\nDTSTART;TZID=") +
                                           tzid + ":20261209T090000\nEND:VEVENT"));
    EXPECT_TRUE(contains(e, "line 6: VEVENT \"m\": DTSTART: unknown time zone")) << e;
  }
}

TEST(CalendarConstructs, EveryRefusalNamesALine) {
  std::string many_never;
  for (int i = 0; i < 4; ++i) {
    many_never += event_with("n" + std::to_string(i), "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30");
  }
  const std::vector<std::string> broken = {
      "hello",
      "\xEF\xBB\xBF"
      "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n",
      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
      calendar_with(event_with("a", "RRULE:FREQ=SOMETIMES")),
      calendar_with(event_with("a", "RRULE:FREQ=DAILY;BYHOUR=1,2")),
      calendar_with(event_with("a", "RRULE:FREQ=WEEKLY;BYMONTHDAY=1")),
      calendar_with(event_with("a", "GARBAGE")),
      calendar_with(event_with("a", "foo bar:x")),
      calendar_with(event_with("a", "EXDATE:never")),
      calendar_with(event_with("a", "RDATE;VALUE=PERIOD:20261202T030000Z/20261202T010000Z")),
      calendar_with("BEGIN:VEVENT\nUID:a\nSUMMARY:x\nEND:VEVENT"),
      calendar_with("BEGIN:VEVENT\nDTSTART:\nEND:VEVENT"),
      calendar_with("BEGIN:VEVENT\nDTSTART:20261345T000000Z\nEND:VEVENT"),
      calendar_with("BEGIN:VEVENT\nDTSTART;TZID=Nowhere:20261201T000000\nEND:VEVENT"),
      calendar_with("BEGIN:VEVENT\nDTSTART:20261201T010000Z\nDTEND:20261201T000000Z\nEND:VEVENT"),
      calendar_with(
          "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261201\nDTEND:20261202T000000Z\nEND:VEVENT"),
      calendar_with("BEGIN:VEVENT\nDTSTART:20261201T010000Z\nDURATION:-PT1H\nEND:VEVENT"),
      calendar_with("BEGIN:VEVENT\nDTSTART:20261201T010000Z\nRECURRENCE-ID:x\nEND:VEVENT"),
      calendar_with(many_never),
      exchange_like(unnamed_zone("+0900") + unnamed_zone("+0000")),
      calendar_with("BEGIN:VTIMEZONE\nTZID:T\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
                    "RRULE:FREQ=DAILY\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900\nEND:STANDARD\n"
                    "END:VTIMEZONE"),
      calendar_with("BEGIN:VTIMEZONE\nTZID:T\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
                    "TZOFFSETFROM:nine\nTZOFFSETTO:+0900\nEND:STANDARD\nEND:VTIMEZONE"),
      calendar_with("BEGIN:VTIMEZONE\nTZID:T\nBEGIN:STANDARD\nDTSTART:16010101T000000\n"
                    "TZOFFSETFROM:+0900\nEND:STANDARD\nEND:VTIMEZONE"),
  };
  const std::regex named("^line [0-9]+: .+");
  for (const std::string& text : broken) {
    SCOPED_TRACE(text.substr(0, 120));
    std::string e = error_of(text);
    EXPECT_NE(e, "(parsed without error)");
    EXPECT_TRUE(std::regex_match(e, named)) << e;
  }
  // The two that have no line: an empty file, and a NUL byte (named by its offset).
  EXPECT_EQ(error_of("\r\n  \r\n"),
            "empty calendar: expected an iCalendar document (BEGIN:VCALENDAR)");
  EXPECT_TRUE(
      contains(error_of(std::string("BEGIN:VCALENDAR\r\n\0x", 19)), "NUL byte at offset 17"));
}

}  // namespace
}  // namespace bcp::calendar::test
