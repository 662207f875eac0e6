// LINE WORKS calendar answers (notes/lineworks-api.md §4) read through the same evaluation as
// an .ics: all-day, timed in Asia/Tokyo and in another zone, recurring with RRULE and EXDATE
// (a cancelled instance), TRANSPARENT and declined events ignored, titles never written out,
// and answers that cannot be used refused naming the JSON pointer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bcp/calendar/isolated.hpp"
#include "bcp/calendar/lineworks_events.hpp"
#include "calendar_helpers.hpp"

namespace bcp::calendar {
namespace {

using nlohmann::json;
using test::kJst;
using test::utc;

json timed(const char* start, const char* end, const char* zone = "Asia/Tokyo") {
  return {{"eventId", "ev"},
          {"summary", "打合せ"},
          {"start", {{"dateTime", start}, {"timeZone", zone}}},
          {"end", {{"dateTime", end}, {"timeZone", zone}}}};
}

json answer(std::vector<json> components) {
  json events = json::array();
  for (json& c : components)
    events.push_back({{"eventComponents", json::array({c})}, {"organizerCalendarId", "cal-1"}});
  return {{"events", events}};
}

// What the calendar says at each moment, through the .ics evaluation.
class LineWorksCalendarRead : public ::testing::Test {
 protected:
  std::string ics_of(const json& body, const char* user = "u1") {
    std::string error;
    auto converted = lineworks_calendar_to_ics(body.dump(), user, error);
    EXPECT_TRUE(converted) << error;
    return converted ? converted->ics : std::string();
  }
  std::optional<model::Availability> at(const json& body, const char* when) {
    EvaluationOptions o;
    o.from = utc("2026-12-01T00:00:00Z");
    o.utc_offset_minutes = kJst;
    Evaluation e = evaluate(ics_of(body), o);
    EXPECT_EQ(e.outcome, Evaluation::Outcome::ok) << e.error;
    return status_at(e.timeline, utc(when), std::chrono::days{31}).status;
  }
  std::string error_of(const std::string& body) {
    std::string error;
    auto converted = lineworks_calendar_to_ics(body, "u1", error);
    EXPECT_FALSE(converted) << "accepted: " << body;
    return error;
  }
};

TEST_F(LineWorksCalendarRead, AnAllDayEventIsLeaveForThatDayInTheTownsOffset) {
  json day = {
      {"summary", "x"}, {"start", {{"date", "2026-12-03"}}}, {"end", {{"date", "2026-12-04"}}}};
  const json body = answer({day});
  EXPECT_EQ(at(body, "2026-12-02T14:59:00Z"), std::nullopt);  // 23:59 JST on the 2nd
  EXPECT_EQ(at(body, "2026-12-02T15:00:00Z"), model::Availability::leave);
  EXPECT_EQ(at(body, "2026-12-03T14:59:00Z"), model::Availability::leave);
  EXPECT_EQ(at(body, "2026-12-03T15:00:00Z"), std::nullopt);
}

TEST_F(LineWorksCalendarRead, TimedEventsAreReadInTheirOwnZone) {
  const json tokyo = answer({timed("2026-12-03T10:00:00", "2026-12-03T11:00:00")});
  EXPECT_EQ(at(tokyo, "2026-12-03T00:59:00Z"), std::nullopt);
  EXPECT_EQ(at(tokyo, "2026-12-03T01:00:00Z"), model::Availability::meeting);  // 10:00 JST
  EXPECT_EQ(at(tokyo, "2026-12-03T02:00:00Z"), std::nullopt);
  // 09:00 in New York in December (EST, UTC-5) is 14:00 UTC.
  const json ny = answer({timed("2026-12-03T09:00:00", "2026-12-03T10:00:00", "America/New_York")});
  EXPECT_EQ(at(ny, "2026-12-03T13:59:00Z"), std::nullopt);
  EXPECT_EQ(at(ny, "2026-12-03T14:00:00Z"), model::Availability::meeting);
  EXPECT_EQ(at(ny, "2026-12-03T15:00:00Z"), std::nullopt);
  // A dateTime with its own offset is that instant, whatever timeZone says.
  const json offset = answer({timed("2026-12-03T10:00:00+09:00", "2026-12-03T11:00:00+09:00")});
  EXPECT_EQ(at(offset, "2026-12-03T01:30:00Z"), model::Availability::meeting);
  EXPECT_EQ(at(offset, "2026-12-03T02:00:00Z"), std::nullopt);
}

TEST_F(LineWorksCalendarRead, RecurrenceFollowsRruleAndACancelledInstanceIsAnExdate) {
  json weekly = timed("2026-12-03T10:00:00", "2026-12-03T11:00:00");
  weekly["recurrence"] = {"RRULE:FREQ=WEEKLY;BYDAY=TH", "EXDATE;TZID=Asia/Tokyo:20261210T100000"};
  const json body = answer({weekly});
  EXPECT_EQ(at(body, "2026-12-03T01:30:00Z"), model::Availability::meeting);
  EXPECT_EQ(at(body, "2026-12-10T01:30:00Z"), std::nullopt) << "the cancelled instance";
  EXPECT_EQ(at(body, "2026-12-17T01:30:00Z"), model::Availability::meeting);
  EXPECT_EQ(at(body, "2026-12-24T01:30:00Z"), model::Availability::meeting);
}

TEST_F(LineWorksCalendarRead, TransparentAndDeclinedEventsAreIgnored) {
  json free_time = timed("2026-12-03T10:00:00", "2026-12-03T11:00:00");
  free_time["transparency"] = "TRANSPARENT";
  EXPECT_EQ(at(answer({free_time}), "2026-12-03T01:30:00Z"), std::nullopt);
  json opaque = free_time;
  opaque["transparency"] = "OPAQUE";
  EXPECT_EQ(at(answer({opaque}), "2026-12-03T01:30:00Z"), model::Availability::meeting);

  json declined = timed("2026-12-03T10:00:00", "2026-12-03T11:00:00");
  declined["attendees"] = {{{"id", "u1"}, {"partstat", "DECLINED"}},
                           {{"id", "u2"}, {"partstat", "ACCEPTED"}}};
  EXPECT_EQ(at(answer({declined}), "2026-12-03T01:30:00Z"), std::nullopt);
  std::string error;
  auto converted = lineworks_calendar_to_ics(answer({declined}).dump(), "u1", error);
  ASSERT_TRUE(converted);
  EXPECT_EQ(converted->events, 1u);
  EXPECT_EQ(converted->declined, 1u);
  // Declined by someone else: the person asked for is still there.
  converted = lineworks_calendar_to_ics(answer({declined}).dump(), "u2", error);
  ASSERT_TRUE(converted);
  EXPECT_EQ(converted->declined, 0u);
}

TEST_F(LineWorksCalendarRead, TheTitleDecidesTheKindLikeAnIcsSummaryAndIsNeverWritten) {
  json trip = timed("2026-12-03T09:00:00", "2026-12-03T18:00:00");
  trip["summary"] = "出張 仙台 極秘案件";
  trip["description"] = "内部資料 極秘";
  trip["location"] = "仙台市役所";
  json leave = timed("2026-12-04T09:00:00", "2026-12-04T18:00:00");
  leave["summary"] = "有給休暇";
  json remote = timed("2026-12-07T09:00:00", "2026-12-07T18:00:00");
  remote["summary"] = "在宅勤務";
  const json body = answer({trip, leave, remote});
  EXPECT_EQ(at(body, "2026-12-03T01:00:00Z"), model::Availability::trip);
  EXPECT_EQ(at(body, "2026-12-04T01:00:00Z"), model::Availability::leave);
  EXPECT_EQ(at(body, "2026-12-07T01:00:00Z"), model::Availability::remote);
  const std::string ics = ics_of(body);
  for (const char* secret : {"極秘", "仙台", "有給", "在宅", "SUMMARY", "DESCRIPTION", "LOCATION"})
    EXPECT_EQ(ics.find(secret), std::string::npos) << secret << " in\n" << ics;
}

TEST_F(LineWorksCalendarRead, AnEmptyCalendarIsFreeTime) {
  EXPECT_EQ(at(json{{"events", json::array()}}, "2026-12-03T01:30:00Z"), std::nullopt);
}

TEST_F(LineWorksCalendarRead, UnusableAnswersAreRefusedNamingThePointerAndNoText) {
  EXPECT_EQ(error_of("<html>").rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(error_of("[]"), ": expected an object, got an array");
  EXPECT_EQ(error_of("{}"), "/events: required");
  EXPECT_EQ(error_of(R"({"events": [{"eventComponents": {}}]})"),
            "/events/0/eventComponents: expected an array, got an object");
  json bad = timed("2026-12-03 10:00", "2026-12-03T11:00:00");
  EXPECT_EQ(error_of(answer({bad}).dump()),
            "/events/0/eventComponents/0/start/dateTime: expected \"YYYY-MM-DDThh:mm:ss\" (with "
            "timeZone), got \"2026-12-03 10:00\"");
  bad = timed("2026-12-03T10:00:00", "2026-12-03T11:00:00");
  bad["end"] = {{"date", "2026-12-04"}};
  EXPECT_EQ(error_of(answer({bad}).dump()),
            "/events/0/eventComponents/0/end: all day where start is not, or not where it is");
  bad = timed("2026-12-03T10:00:00", "2026-12-03T11:00:00", "Asia/Tokyo\r\nSUMMARY:x");
  EXPECT_EQ(error_of(answer({bad}).dump()).rfind("/events/0/eventComponents/0/start/timeZone: ", 0),
            0u);
  bad = timed("2026-12-03T10:00:00", "2026-12-03T11:00:00");
  bad["summary"] = 7;
  EXPECT_EQ(error_of(answer({bad}).dump()),
            "/events/0/eventComponents/0/summary: expected a string, got a number");
  bad["summary"] = "x";
  bad["transparency"] = "SEE-THROUGH";
  EXPECT_EQ(error_of(answer({bad}).dump()),
            "/events/0/eventComponents/0/transparency: expected \"OPAQUE\" or \"TRANSPARENT\", got "
            "\"SEE-THROUGH\"");
  bad.erase("transparency");
  // A line break would end the RRULE and start a property of the sender's choosing.
  bad["recurrence"] = {"RRULE:FREQ=DAILY\r\nSUMMARY:極秘"};
  EXPECT_EQ(
      error_of(answer({bad}).dump()),
      "/events/0/eventComponents/0/recurrence/0: expected printable ASCII (one property line)");
  bad["recurrence"] = {"SUMMARY:secret"};
  const std::string not_a_rule = error_of(answer({bad}).dump());
  EXPECT_EQ(not_a_rule,
            "/events/0/eventComponents/0/recurrence/0: expected an RRULE, EXDATE or RDATE line");
  EXPECT_EQ(not_a_rule.find("secret"), std::string::npos);
  bad["recurrence"] = json::array();
  for (int i = 0; i < 101; ++i) bad["recurrence"].push_back("RDATE:20261203T010000Z");
  EXPECT_EQ(error_of(answer({bad}).dump()),
            "/events/0/eventComponents/0/recurrence: more than 100 lines");
  // Nesting is bounded before anything is read.
  const std::string deep = error_of(std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(deep.rfind("not JSON: ", 0), 0u) << deep;
  EXPECT_NE(deep.find("nested too deeply (more than 16 levels"), std::string::npos) << deep;
}

TEST_F(LineWorksCalendarRead, TooManyEventsAreRefusedNotCut) {
  std::vector<json> many(11, timed("2026-12-03T10:00:00", "2026-12-03T11:00:00"));
  LineWorksCalendarLimits limits;
  limits.max_events = 10;
  std::string error;
  EXPECT_FALSE(lineworks_calendar_to_ics(answer(many).dump(), "u1", error, limits));
  EXPECT_EQ(error, "/events: more than 10 events");
}

}  // namespace
}  // namespace bcp::calendar
