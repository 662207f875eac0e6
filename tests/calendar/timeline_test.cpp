// Timelines: busy intervals from any source -> the status at a moment and its next change,
// without libical (what the daemon's ticks run), and the same answers as evaluating the
// calendar at that moment.
#include <gtest/gtest.h>

#include "calendar_helpers.hpp"

namespace bcp::calendar::test {
namespace {

using model::Availability;
using std::chrono::days;
using std::chrono::hours;

TEST(CalendarTimeline, OverlapsResolveToTheStrongestAndNeighboursDiffer) {
  const model::TimePoint t0 = utc("2026-12-01T00:00:00Z");
  std::vector<BusyInterval> busy = {
      {t0 + hours(1), t0 + hours(9), Availability::remote},   // working from home
      {t0 + hours(3), t0 + hours(4), Availability::meeting},  // a call inside it
      {t0 + hours(3), t0 + hours(5), Availability::meeting},  // and another, overlapping
      {t0 + hours(20), t0 + hours(44), Availability::leave},
      {t0 + hours(30), t0 + hours(32), Availability::trip},  // leave beats trip
      {t0 - hours(5), t0 - hours(1), Availability::trip},    // before the window
      {t0 + days(40), t0 + days(41), Availability::trip},    // after it
  };
  Timeline t = make_timeline(busy, t0, t0 + days(32));
  const std::vector<Timeline::Segment> want = {
      {t0, std::nullopt},
      {t0 + hours(1), Availability::remote},
      {t0 + hours(3), Availability::meeting},
      {t0 + hours(5), Availability::remote},
      {t0 + hours(9), std::nullopt},
      {t0 + hours(20), Availability::leave},
      {t0 + hours(44), std::nullopt},
  };
  EXPECT_EQ(t.segments, want);
  EXPECT_FALSE(t.truncated);
}

TEST(CalendarTimeline, StatusAtAMomentAndTheNextChangeWithinTheLookahead) {
  const model::TimePoint t0 = utc("2026-12-01T00:00:00Z");
  Timeline t = make_timeline({{t0 + hours(2), t0 + hours(3), Availability::meeting},
                              {t0 + days(20), t0 + days(21), Availability::leave}},
                             t0, t0 + days(32));
  const std::chrono::seconds week = days(7);
  CalendarStatus s = status_at(t, t0, week);
  EXPECT_FALSE(s.status);
  EXPECT_EQ(s.until, t0 + hours(2));
  EXPECT_FALSE(s.note);
  s = status_at(t, t0 + hours(2), week);  // a boundary belongs to what starts there
  EXPECT_EQ(s.status, Availability::meeting);
  EXPECT_EQ(s.until, t0 + hours(3));
  EXPECT_EQ(s.note, "予定表より");
  // The leave is more than a week ahead: no `until` yet; with a longer look-ahead there is.
  EXPECT_FALSE(status_at(t, t0 + hours(3), week).until);
  EXPECT_EQ(status_at(t, t0 + hours(3), days(31)).until, t0 + days(20));
  // Outside the window nothing is known.
  EXPECT_FALSE(status_at(t, t0 - hours(1), week).status);
  CalendarStatus outside = status_at(t, t0 + days(32), week);
  EXPECT_FALSE(outside.status);
  EXPECT_FALSE(outside.until);
}

TEST(CalendarTimeline, OneExpansionAnswersEveryMomentOfItsWindowLikeAFreshEvaluation) {
  for (const char* name : {"weekly-standup.ics", "leave-and-trip.ics", "timezones.ics"}) {
    SCOPED_TRACE(name);
    Calendar cal = parse_ics(fixture(name));
    const model::TimePoint from = utc("2026-10-20T00:00:00Z");
    Timeline t = expand(cal, from, days(60), kJst);
    for (model::TimePoint at = from; at < from + days(29); at += std::chrono::minutes(97)) {
      CalendarStatus fresh = status_at(cal, at, kJst);
      CalendarStatus cached = status_at(t, at, days(31));
      ASSERT_EQ(cached, fresh) << model::format_time(at);
    }
  }
}

}  // namespace
}  // namespace bcp::calendar::test
