// Calendars shaped the way real exporters write them (issue 16, "Calendars as real exporters
// write them"): fixtures written for this suite after Google Calendar, Apple Calendar,
// Outlook desktop (saved with a byte order mark), Exchange 2010 (empty TZID), Lotus Notes
// (RDATE;VALUE=PERIOD), Evolution and Lightning (prefixed TZIDs) and a CalDAV server using
// RFC 9253/7986 properties. Each is accepted, gives the right availability, and never lets a
// title out. Times are UTC; the town is JST unless a test says otherwise.
#include <gtest/gtest.h>

#include "calendar_helpers.hpp"

namespace bcp::calendar::test {
namespace {

using model::Availability;

struct Moment {
  const char* at;
  std::optional<Availability> status;
  std::optional<const char*> until;
};

struct Exporter {
  const char* fixture;
  std::vector<const char*> titles;  // words of its SUMMARYs that must never come out
  std::vector<Moment> moments;
};

const Exporter kExporters[] = {
    {"google-export.ics",
     {"課長会議", "人事", "有給", "懲戒", "ランチ", "防災訓練"},
     {{"2026-12-07T01:30:00Z", Availability::meeting, "2026-12-07T02:00:00Z"},
      {"2026-12-14T01:30:00Z", std::nullopt, "2026-12-21T01:00:00Z"},  // EXDATE
      // Lunch and Google's all-day default ("show as free") are transparent.
      {"2026-12-08T03:30:00Z", std::nullopt, "2026-12-08T05:00:00Z"},
      {"2026-12-08T05:30:00Z", Availability::meeting, "2026-12-08T06:00:00Z"},
      {"2026-12-09T03:00:00Z", Availability::leave, "2026-12-10T15:00:00Z"}}},
    {"apple-calendar.ics",
     {"出張", "札幌", "非公開", "面談", "健康", "中止"},
     {{"2026-12-15T03:00:00Z", Availability::trip, "2026-12-16T15:00:00Z"},
      {"2026-12-17T01:00:00Z", Availability::remote, "2026-12-17T05:00:00Z"},
      {"2026-12-17T05:30:00Z", Availability::meeting, "2026-12-17T06:00:00Z"},
      {"2026-12-17T06:30:00Z", Availability::remote, "2026-12-17T09:00:00Z"},
      {"2026-12-18T01:30:00Z", std::nullopt, std::nullopt}}},  // cancelled
    {"outlook-desktop-bom.ics",
     {"人事評価", "面談", "私用", "昼食"},
     {{"2026-12-10T06:30:00Z", Availability::meeting, "2026-12-10T07:00:00Z"},
      {"2026-12-10T03:30:00Z", std::nullopt, "2026-12-10T06:00:00Z"},         // free lunch
      {"2026-12-11T03:00:00Z", Availability::leave, "2026-12-11T15:00:00Z"},  // OOF all day
      {"2026-12-17T06:30:00Z", std::nullopt, "2026-12-18T06:00:00Z"},         // moved a day on
      {"2026-12-18T06:30:00Z", Availability::meeting, "2026-12-18T07:00:00Z"}}},
    {"exchange-empty-tzid.ics",
     {"議会"},
     {{"2026-12-08T01:30:00Z", Availability::meeting, "2026-12-08T02:30:00Z"},
      {"2026-12-08T02:30:00Z", std::nullopt, std::nullopt}}},
    {"lotus-notes-rdate-period.ics",
     {"防災会議", "非公開", "年休"},
     {{"2026-12-08T04:30:00Z", Availability::meeting, "2026-12-08T06:00:00Z"},
      {"2026-12-10T02:00:00Z", Availability::meeting, "2026-12-10T03:00:00Z"},
      {"2026-12-15T06:00:00Z", Availability::meeting, "2026-12-15T06:30:00Z"},  // PT90M
      {"2026-12-18T03:00:00Z", Availability::leave, "2026-12-18T15:00:00Z"},
      {"2026-12-19T03:00:00Z", std::nullopt, "2026-12-20T15:00:00Z"},
      {"2026-12-21T03:00:00Z", Availability::leave, "2026-12-22T15:00:00Z"}}},
    {"evolution.ics",
     {"朝会"},
     {{"2026-12-09T00:30:00Z", Availability::meeting, "2026-12-09T01:00:00Z"},
      {"2026-12-11T00:30:00Z", Availability::meeting, "2026-12-11T01:00:00Z"},  // UNTIL
      {"2026-12-12T00:30:00Z", std::nullopt, std::nullopt}}},
    {"lightning-mozilla-tzid.ics",
     {"姉妹都市", "ニューヨーク", "テレワーク"},
     {{"2026-12-09T14:30:00Z", Availability::meeting, "2026-12-09T15:00:00Z"},  // 09:00 EST
      {"2026-12-11T03:00:00Z", Availability::remote, "2026-12-11T08:30:00Z"}}},
    {"rfc9253-7986-properties.ics",
     {"避難所", "未公表"},
     {{"2026-12-14T05:00:00Z", Availability::meeting, "2026-12-14T06:00:00Z"}}},
};

TEST(CalendarExporters, EachIsAcceptedWithTheRightAvailabilityAndNoTitle) {
  for (const Exporter& e : kExporters) {
    SCOPED_TRACE(e.fixture);
    Calendar cal = [&] {
      try {
        return parse_ics(fixture(e.fixture));
      } catch (const CalendarError& error) {
        ADD_FAILURE() << "refused: " << error.what();
        throw;
      }
    }();
    for (const Moment& m : e.moments) {
      SCOPED_TRACE(m.at);
      CalendarStatus s = status_at(cal, utc(m.at), kJst);
      EXPECT_EQ(s.status, m.status);
      EXPECT_EQ(s.until, m.until ? std::optional(utc(*m.until)) : std::nullopt)
          << (s.until ? model::format_time(*s.until) : "no until");
      EXPECT_FALSE(s.truncated);
      // The only text that leaves the component is the generic note.
      EXPECT_EQ(s.note, m.status ? std::optional<std::string>("予定表より") : std::nullopt);
      for (const char* title : e.titles) {
        EXPECT_FALSE(s.note && contains(*s.note, title)) << title;
      }
    }
  }
}

TEST(CalendarExporters, TheByteOrderMarkIsTheOnlyDifference) {
  std::string with_bom = fixture("outlook-desktop-bom.ics");
  ASSERT_EQ(with_bom.substr(0, 3), "\xEF\xBB\xBF");
  Calendar a = parse_ics(with_bom), b = parse_ics(with_bom.substr(3));
  EXPECT_EQ(a.total_events(), b.total_events());
  EXPECT_EQ(status_at(a, utc("2026-12-10T06:30:00Z"), kJst),
            status_at(b, utc("2026-12-10T06:30:00Z"), kJst));
  // A BOM is no excuse for what follows it.
  EXPECT_EQ(error_of("\xEF\xBB\xBFhello\r\n"), "line 1: expected BEGIN:VCALENDAR, found \"hello\"");
}

}  // namespace
}  // namespace bcp::calendar::test
