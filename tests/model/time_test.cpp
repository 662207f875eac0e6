#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using namespace std::chrono;

TEST(Time, FormatsUtcWithMilliseconds) {
  const TimePoint t = sys_days{2026y / 11 / 24} + 5h + 12min + 0s + 123ms;
  EXPECT_EQ(format_time(t), "2026-11-24T05:12:00.123Z");
  EXPECT_EQ(format_time(sys_days{2026y / 1 / 2} + 3ms), "2026-01-02T00:00:00.003Z");
}

TEST(Time, FormatsTimesBeforeTheEpochWithoutNegativeFields) {
  EXPECT_EQ(format_time(TimePoint{} - 1ms), "1969-12-31T23:59:59.999Z");
}

TEST(Time, ParsesWhatItFormats) {
  const TimePoint t = sys_days{2026y / 11 / 24} + 5h + 12min + 7s + 45ms;
  EXPECT_EQ(parse_time(format_time(t)), t);
}

TEST(Time, ParsesOffsetsIntoUtc) {
  EXPECT_EQ(parse_time("2026-11-24T14:12:00+09:00"), parse_time("2026-11-24T05:12:00Z"));
  EXPECT_EQ(parse_time("2026-11-24T00:30:00-02:30"), parse_time("2026-11-24T03:00:00Z"));
  EXPECT_EQ(parse_time("2026-01-01T08:00:00+09:00"), parse_time("2025-12-31T23:00:00.000Z"));
}

TEST(Time, ParsesMissingShortAndLongFractions) {
  const TimePoint whole = sys_days{2026y / 11 / 24} + 5h + 12min;
  EXPECT_EQ(parse_time("2026-11-24T05:12:00Z"), whole);
  EXPECT_EQ(parse_time("2026-11-24T05:12:00.5Z"), whole + 500ms);
  EXPECT_EQ(parse_time("2026-11-24T05:12:00.12Z"), whole + 120ms);
  EXPECT_EQ(parse_time("2026-11-24T05:12:00.123999Z"), whole + 123ms);  // truncated
  EXPECT_EQ(parse_time("2026-11-24t05:12:00z"), whole);
}

TEST(Time, RejectsMalformedTimesNamingThePointer) {
  for (const char* bad :
       {"", "2026-11-24", "2026-11-24T05:12Z", "2026-11-24T05:12:00", "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T05:60:00Z",
        "2026-11-24T05:12:00.Z", "2026-11-24T05:12:00+0900", "2026-11-24T05:12:00+09:00x",
        "26-11-24T05:12:00Z", "2026-11-24T05:12:00 Z"}) {
    SCOPED_TRACE(bad);
    try {
      parse_time(bad, "/at");
      ADD_FAILURE() << "accepted";
    } catch (const CodecError& e) {
      EXPECT_EQ(e.pointer(), "/at");
      EXPECT_EQ(std::string(e.what()), "/at: invalid time " + nlohmann::json(bad).dump() +
                                           " (expected RFC 3339 like 2026-11-24T05:12:00.123Z)");
    }
  }
}

TEST(Time, AcceptsLeapDayOfALeapYear) {
  EXPECT_EQ(format_time(parse_time("2028-02-29T23:59:59.999+00:00")), "2028-02-29T23:59:59.999Z");
}

}  // namespace
}  // namespace bcp::model
