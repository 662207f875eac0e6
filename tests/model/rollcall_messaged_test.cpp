// rollcall.messaged (the bot's sends of a roll call's distribution): the codec (wire names,
// round trip, the strict refusals of `why`), the reducer (the per-person delivery record and
// `messaged`, events it ignores) and the snapshot (kept compactly, optional in older ones).
#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using namespace bcp::model::testing;
using nlohmann::json;

RollcallMessaged sent(std::string staff, MessageStep step = MessageStep::question,
                      std::string rollcall = "rc1") {
  return {std::move(rollcall), std::move(staff), step, SendOutcome::sent, std::nullopt};
}

RollcallMessaged failed(std::string staff, std::string why,
                        MessageStep step = MessageStep::question) {
  return {"rc1", std::move(staff), step, SendOutcome::failed, std::move(why)};
}

// The codec's message for `j`, or "" when it decodes.
std::string refusal_of(const json& j) {
  try {
    event_from_json(j);
    return "";
  } catch (const CodecError& e) {
    return e.what();
  }
}

TEST(RollcallMessagedCodec, RoundTripsWithItsWireNames) {
  Event e = make_event(12, at_second(30), sent("s001"));
  json j = to_json(e);
  EXPECT_EQ(j["type"], "rollcall.messaged");
  EXPECT_EQ(j["rollcall"], "rc1");
  EXPECT_EQ(j["staff"], "s001");
  EXPECT_EQ(j["step"], "question");
  EXPECT_EQ(j["outcome"], "sent");
  EXPECT_EQ(j["at"], "2026-11-24T05:00:30.000Z");
  EXPECT_FALSE(j.contains("why"));
  EXPECT_EQ(event_from_json(json::parse(j.dump())), e);

  Event f = make_event(13, at_second(31),
                       failed("s002", "HTTP 403: 利用権限がありません", MessageStep::reminder));
  json k = to_json(f);
  EXPECT_EQ(k["step"], "reminder");
  EXPECT_EQ(k["outcome"], "failed");
  EXPECT_EQ(k["why"], "HTTP 403: 利用権限がありません");
  EXPECT_EQ(event_from_json(json::parse(k.dump())), f);
}

TEST(RollcallMessagedCodec, RefusesAReasonWithSentAndRequiresOneWithFailed) {
  const json good_sent = to_json(make_event(1, at_second(0), sent("s001")));
  const json good_failed = to_json(make_event(2, at_second(0), failed("s001", "timeout")));

  json sent_with_why = good_sent;
  sent_with_why["why"] = "HTTP 500";
  EXPECT_NE(refusal_of(sent_with_why).find("/why: only with outcome \"failed\""), std::string::npos)
      << refusal_of(sent_with_why);

  json failed_without_why = good_failed;
  failed_without_why.erase("why");
  EXPECT_NE(refusal_of(failed_without_why).find("/why: missing required field"), std::string::npos)
      << refusal_of(failed_without_why);

  json failed_empty_why = good_failed;
  failed_empty_why["why"] = "";
  EXPECT_NE(refusal_of(failed_empty_why).find("/why: empty"), std::string::npos);

  // 200 characters are fine in any script; 201 are not, counted in characters, not bytes.
  json at_limit = good_failed;
  std::string two_hundred;
  for (int i = 0; i < 200; ++i) two_hundred += "失";
  at_limit["why"] = two_hundred;
  EXPECT_EQ(refusal_of(at_limit), "");
  json over = good_failed;
  over["why"] = two_hundred + "x";
  EXPECT_NE(refusal_of(over).find("/why: 201 characters, over the limit of 200"), std::string::npos)
      << refusal_of(over);
}

TEST(RollcallMessagedCodec, StrictLikeEveryOtherEvent) {
  const json good = to_json(make_event(1, at_second(0), sent("s001")));
  const auto says = [&](const char* field, json value, const char* words) {
    json bad = good;
    if (value.is_discarded()) {
      bad.erase(field);
    } else {
      bad[field] = std::move(value);
    }
    const std::string message = refusal_of(bad);
    EXPECT_NE(message.find(words), std::string::npos) << field << ": " << message;
  };
  says("step", "nudge", "/step: unknown value \"nudge\" (expected question|reminder)");
  says("outcome", "delivered", "/outcome: unknown value \"delivered\" (expected sent|failed)");
  says("outcome", true, "/outcome");
  says("staff", "", "/staff");
  says("staff", json(json::value_t::discarded), "/staff: missing required field");
  says("rollcall", 7, "/rollcall");
  says("step", json(json::value_t::discarded), "/step: missing required field");
  says("at", json(json::value_t::discarded), "/at: missing required field");
  says("extra", 1, "extra");
}

TEST(RollcallMessagedReducer, KeepsEachPersonsSendsAndCountsDistinctQuestions) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(0), rollcall("rc1", true, {"soumu"})));
  apply(s, make_event(2, at_second(1), sent("s001")));
  apply(s, make_event(3, at_second(2), failed("s003", "HTTP 500")));
  apply(s, make_event(4, at_second(5), sent("s003")));  // the retry went through
  // A question resent after a crash (in flight at the kill) is still one person messaged.
  apply(s, make_event(5, at_second(6), sent("s001")));
  apply(s, make_event(6, at_second(300), sent("s001", MessageStep::reminder)));
  apply(s, make_event(7, at_second(900), sent("s001", MessageStep::reminder)));
  apply(s,
        make_event(8, at_second(901), failed("s005", "no LINE WORKS user", MessageStep::reminder)));

  const RollcallState& r = s.rollcalls.at("rc1");
  EXPECT_EQ(r.messaged, 2u);
  const StaffDelivery& first = r.delivery.at("s001");
  EXPECT_EQ(first.messaged_at, at_second(1));
  EXPECT_EQ(first.reminders, 2u);
  EXPECT_EQ(first.reminded_at, at_second(900));
  EXPECT_TRUE(first.failures.empty());
  const StaffDelivery& retried = r.delivery.at("s003");
  EXPECT_EQ(retried.messaged_at, at_second(5));
  ASSERT_EQ(retried.failures.size(), 1u);
  EXPECT_EQ(retried.failures[0],
            (DeliveryFailure{at_second(2), MessageStep::question, "HTTP 500"}));
  const StaffDelivery& never = r.delivery.at("s005");
  EXPECT_FALSE(never.messaged_at);
  EXPECT_EQ(never.reminders, 0u);
  ASSERT_EQ(never.failures.size(), 1u);
  EXPECT_EQ(never.failures[0].step, MessageStep::reminder);
  EXPECT_FALSE(r.delivery.contains("s008")) << "nobody sent to: no entry";
  // Sending is not answering.
  EXPECT_EQ(r.total.answered, 0u);
}

TEST(RollcallMessagedReducer, KeepsOnlyTheLastFiveFailuresOfAPerson) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(0), rollcall("rc1", true, {})));
  for (int i = 0; i < 12; ++i) {
    apply(s,
          make_event(2 + i, at_second(10 + i), failed("s002", "HTTP 500 #" + std::to_string(i))));
  }
  const auto& failures = s.rollcalls.at("rc1").delivery.at("s002").failures;
  ASSERT_EQ(failures.size(), StaffDelivery::kFailureLimit);
  EXPECT_EQ(failures.front().why, "HTTP 500 #7");
  EXPECT_EQ(failures.back().why, "HTTP 500 #11");
  EXPECT_EQ(failures.back().at, at_second(21));
  EXPECT_EQ(s.rollcalls.at("rc1").messaged, 0u);
}

TEST(RollcallMessagedReducer, IgnoresUnknownRollCallsAndStaffOutOfScope) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(0), rollcall("rc1", false, {"soumu"})));
  const Situation before = s;
  // s002 is in 企画課, outside rc1's scope; s999 is in no roster; rc9 never started.
  EXPECT_NO_THROW(apply(s, make_event(2, at_second(1), sent("s002"))));
  EXPECT_NO_THROW(apply(s, make_event(3, at_second(2), sent("s999"))));
  EXPECT_NO_THROW(
      apply(s, make_event(4, at_second(3), sent("s001", MessageStep::question, "rc9"))));
  EXPECT_NO_THROW(apply(s, make_event(5, at_second(4), failed("s002", "HTTP 500"))));
  EXPECT_EQ(s.rollcalls, before.rollcalls);
  EXPECT_EQ(s.last_seq, 5);

  // A closed roll call still records the sends that finish after the close (in flight then).
  apply(s, make_event(6, at_second(10), RollcallClosed{"rc1"}));
  apply(s, make_event(7, at_second(11), sent("s001", MessageStep::reminder)));
  EXPECT_EQ(s.rollcalls.at("rc1").delivery.at("s001").reminders, 1u);
}

TEST(RollcallMessagedSnapshot, KeptCompactlyAndOptionalInOldSnapshots) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(0), rollcall("rc1", true, {})));
  apply(s, make_event(2, at_second(0), rollcall("rc2", false, {})));
  apply(s, make_event(3, at_second(1), sent("s001")));
  apply(s, make_event(4, at_second(2), failed("s002", "HTTP 400: 宛先が不正")));
  apply(s, make_event(5, at_second(300), sent("s002", MessageStep::reminder)));

  json j = situation_to_json(s);
  const json& delivery = j["rollcalls"]["rc1"]["delivery"];
  EXPECT_EQ(delivery["messaged"], 1);
  EXPECT_EQ(delivery["staff"]["s001"], (json{{"messaged_at", "2026-11-24T05:00:01.000Z"}}))
      << "only what happened: no zero reminders, no empty failures";
  EXPECT_EQ(delivery["staff"]["s002"]["reminders"], 1);
  EXPECT_EQ(delivery["staff"]["s002"]["reminded_at"], "2026-11-24T05:05:00.000Z");
  EXPECT_EQ(delivery["staff"]["s002"]["failures"],
            json::parse(R"([{"at":"2026-11-24T05:00:02.000Z","step":"question",
                             "why":"HTTP 400: 宛先が不正"}])"));
  EXPECT_FALSE(j["rollcalls"]["rc2"].contains("delivery")) << "no sends, no delivery object";

  // Through text, as GET /v1/snapshot and the stream's snapshot frame carry it.
  EXPECT_EQ(situation_from_json(json::parse(j.dump())), s);

  // A snapshot from before the distribution reads, with no delivery.
  json old = j;
  old["rollcalls"]["rc1"].erase("delivery");
  Situation read = situation_from_json(old);
  EXPECT_TRUE(read.rollcalls.at("rc1").delivery.empty());
  EXPECT_EQ(read.rollcalls.at("rc1").messaged, 0u);

  // The snapshot is strict too, and bounded like the reducer.
  json bad = j;
  bad["rollcalls"]["rc1"]["delivery"]["staff"]["s002"]["failures"][0]["step"] = "nudge";
  EXPECT_THROW(situation_from_json(bad), CodecError);
  json misspelt = j;
  misspelt["rollcalls"]["rc1"]["delivery"]["staff"]["s001"]["remindrs"] = 1;
  EXPECT_THROW(situation_from_json(misspelt), CodecError);
  json too_many = j;
  json& failures = too_many["rollcalls"]["rc1"]["delivery"]["staff"]["s002"]["failures"];
  while (failures.size() <= StaffDelivery::kFailureLimit) failures.push_back(failures[0]);
  try {
    situation_from_json(too_many);
    FAIL() << "six failures accepted";
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("more than 5 failures"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bcp::model
