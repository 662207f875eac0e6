#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using namespace bcp::model::testing;

class ReducerTest : public ::testing::Test {
 protected:
  Situation s = small_town_situation();
  Seq next_seq = 1;
  int clock = 0;

  // Applies the payload as the next journaled event, one second after the previous one.
  bool feed(Payload body) { return apply(s, make_event(next_seq++, at_second(++clock), body)); }
};

TEST_F(ReducerTest, TalkMessageIsAppendedAndCounted) {
  EXPECT_TRUE(feed(talk("hq", "s001", "one")));
  EXPECT_TRUE(feed(talk("hq", "s002", "two")));
  EXPECT_TRUE(feed(talk("soumu", "s003", "three")));
  ASSERT_EQ(s.talk["hq"].recent.size(), 2u);
  EXPECT_EQ(s.talk["hq"].recent[0].message.text, "one");
  EXPECT_EQ(s.talk["hq"].recent[1].message.text, "two");
  EXPECT_EQ(s.talk["hq"].recent[1].seq, 2);
  EXPECT_EQ(s.talk["hq"].recent[1].at, at_second(2));
  EXPECT_EQ(s.talk["hq"].total, 2u);
  EXPECT_EQ(s.talk["soumu"].total, 1u);
  EXPECT_EQ(s.last_seq, 3);
}

TEST_F(ReducerTest, TalkUpdatesLastSeenOnlyForRosterStaff) {
  feed(talk("hq", "s001", "hello"));
  feed(talk("hq", "external", "outside member"));
  EXPECT_EQ(s.staff["s001"].last_seen, at_second(1));
  EXPECT_FALSE(s.staff.contains("external"));
}

TEST_F(ReducerTest, TalkHistoryIsBoundedDroppingOldest) {
  s.talk_history_limit = 3;
  for (int i = 0; i < 5; ++i) feed(talk("hq", "s001", "m" + std::to_string(i)));
  ASSERT_EQ(s.talk["hq"].recent.size(), 3u);
  EXPECT_EQ(s.talk["hq"].recent.front().message.text, "m2");
  EXPECT_EQ(s.talk["hq"].recent.back().message.text, "m4");
  EXPECT_EQ(s.talk["hq"].total, 5u);
}

TEST_F(ReducerTest, TalkHiddenRemovesTheMessageTextAttachmentsAndAll) {
  TalkMessage photo = talk("hq", "s001", "personal document");
  photo.attachments.push_back(
      {AttachmentKind::image, "scan.jpg", std::nullopt, std::nullopt, std::nullopt});
  feed(talk("hq", "s002", "before"));
  feed(photo);
  feed(talk("soumu", "s003", "elsewhere"));
  feed(talk("hq", "s002", "after"));
  ASSERT_EQ(s.talk["hq"].recent.size(), 3u);
  EXPECT_TRUE(feed(TalkHidden{"m-personal document", "個人情報", "operator-sample"}));
  ASSERT_EQ(s.talk["hq"].recent.size(), 2u);
  EXPECT_EQ(s.talk["hq"].recent[0].message.text, "before");
  EXPECT_EQ(s.talk["hq"].recent[1].message.text, "after");
  EXPECT_EQ(s.talk["soumu"].recent.size(), 1u);
  // Nothing of the message is left anywhere in the situation's JSON (snapshots, streams).
  const std::string dumped = situation_to_json(s).dump();
  EXPECT_EQ(dumped.find("personal document"), std::string::npos);
  EXPECT_EQ(dumped.find("scan.jpg"), std::string::npos);
  EXPECT_EQ(s.last_seq, 5);
}

TEST_F(ReducerTest, TalkHiddenOfAnUnknownIdChangesNothingButTheSeq) {
  feed(talk("hq", "s001", "stays"));
  Situation before = s;
  EXPECT_TRUE(feed(TalkHidden{"no-such-message", "typo", "operator-sample"}));
  before.last_seq = 2;
  EXPECT_EQ(s, before);
}

TEST(DropHiddenMessages, AReplayNeverShowsAHiddenMessageNotEvenBeforeTheHide) {
  std::vector<Event> events;
  events.push_back(make_event(1, at_second(1), talk("hq", "s001", "kept")));
  events.push_back(make_event(2, at_second(2), talk("hq", "s002", "wrong casualty figure")));
  events.push_back(make_event(3, at_second(3), talk("soumu", "s003", "also kept")));
  events.push_back(make_event(4, at_second(9),
                              TalkHidden{"m-wrong casualty figure", "誤情報", "operator-sample"}));
  EXPECT_EQ(drop_hidden_messages(events), 1u);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].seq, 1);
  EXPECT_EQ(events[1].seq, 3);
  EXPECT_TRUE(std::holds_alternative<TalkHidden>(events[2].body));
  // At the moment before the hide, the replayed situation has no trace of it.
  Situation s = small_town_situation();
  for (const Event& e : events) {
    if (e.seq <= 3) apply(s, e);
  }
  EXPECT_EQ(situation_to_json(s).dump().find("wrong casualty"), std::string::npos);
  EXPECT_EQ(s.talk["hq"].recent.size(), 1u);
  std::vector<Event> none = {make_event(1, at_second(1), talk("hq", "s001", "x"))};
  EXPECT_EQ(drop_hidden_messages(none), 0u);
  EXPECT_EQ(none.size(), 1u);
}

TEST_F(ReducerTest, RepeatedSeqIsIgnored) {
  const Event e = make_event(5, at_second(1), talk("hq", "s001", "once"));
  EXPECT_TRUE(apply(s, e));
  const Situation after_first = s;
  EXPECT_FALSE(apply(s, e));
  EXPECT_FALSE(apply(s, make_event(3, at_second(2), talk("hq", "s001", "older"))));
  EXPECT_EQ(s, after_first);
  EXPECT_EQ(s.talk["hq"].total, 1u);
  EXPECT_EQ(s.last_seq, 5);
}

TEST_F(ReducerTest, UnjournaledEventsApplyWithoutMovingLastSeq) {
  apply(s, make_event(4, at_second(1), talk("hq", "s001", "a")));
  EXPECT_TRUE(apply(s, make_event(0, at_second(2), talk("hq", "s001", "preview"))));
  EXPECT_TRUE(apply(s, make_event(0, at_second(3), talk("hq", "s001", "preview"))));
  EXPECT_EQ(s.last_seq, 4);
  EXPECT_EQ(s.talk["hq"].total, 3u);
}

TEST_F(ReducerTest, LastSeenNeverMovesBackwards) {
  apply(s, make_event(1, at_second(10), talk("hq", "s001", "late clock")));
  apply(s, make_event(2, at_second(5), talk("hq", "s001", "delivered late")));
  EXPECT_EQ(s.staff["s001"].last_seen, at_second(10));
}

TEST_F(ReducerTest, StaffAvailabilityKeepsTheLatest) {
  StaffAvailability a{"s002", Availability::meeting, at_second(100), "庁議",
                      AvailabilitySource::calendar};
  feed(a);
  a.status = Availability::in_office;
  a.until.reset();
  a.note.reset();
  a.source = AvailabilitySource::manual;
  feed(a);
  const StaffState& st = s.staff["s002"];
  ASSERT_TRUE(st.availability);
  EXPECT_EQ(st.availability->status, Availability::in_office);
  EXPECT_EQ(st.availability->source, AvailabilitySource::manual);
  EXPECT_EQ(st.availability_at, at_second(2));
  EXPECT_EQ(st.last_seen, at_second(2));
}

TEST_F(ReducerTest, RollcallStartedScopesAllStaffInRosterOrder) {
  feed(rollcall("rc-1", false, {}));
  const RollcallState& r = s.rollcalls.at("rc-1");
  EXPECT_EQ(r.scope, (std::vector<std::string>{"s001", "s002", "s003", "s004", "s005", "s006",
                                               "s007", "s008"}));
  EXPECT_EQ(r.total.in_scope, 8u);
  EXPECT_EQ(r.total.answered, 0u);
  EXPECT_EQ(r.by_department.at("soumu").in_scope, 4u);
  EXPECT_EQ(r.by_department.at("kikaku").in_scope, 3u);
  EXPECT_EQ(r.by_department.at("kensetsu").in_scope, 1u);
  EXPECT_EQ(r.started_at, at_second(1));
  EXPECT_TRUE(r.open());
  EXPECT_EQ(s.rollcall_order, std::vector<std::string>{"rc-1"});
}

TEST_F(ReducerTest, RollcallScopeByDepartment) {
  feed(rollcall("rc-1", true, {"kikaku", "kensetsu"}));
  const RollcallState& r = s.rollcalls.at("rc-1");
  EXPECT_EQ(r.scope, (std::vector<std::string>{"s002", "s004", "s006", "s007"}));
  EXPECT_EQ(r.total.in_scope, 4u);
  EXPECT_FALSE(r.by_department.contains("soumu"));
  EXPECT_EQ(r.by_department.at("kikaku").in_scope, 3u);

  // Out of scope: refused by the daemon, ignored here too.
  feed(checkin("rc-1", "s001", Safety::safe));
  EXPECT_EQ(s.rollcalls.at("rc-1").total.answered, 0u);
  EXPECT_TRUE(s.rollcalls.at("rc-1").latest.empty());
}

TEST_F(ReducerTest, StartingAnExistingRollcallAgainChangesNothing) {
  feed(rollcall("rc-1", false, {}));
  feed(checkin("rc-1", "s001", Safety::safe));
  const RollcallState before = s.rollcalls.at("rc-1");
  EXPECT_TRUE(feed(rollcall("rc-1", true, {"soumu"})));
  EXPECT_EQ(s.rollcalls.at("rc-1"), before);
  EXPECT_EQ(s.rollcall_order.size(), 1u);
}

TEST_F(ReducerTest, CheckinCountsBySafetyWorkAndDepartment) {
  feed(rollcall("rc-1", false, {}));
  feed(checkin("rc-1", "s001", Safety::safe, CanWork::yes));
  feed(checkin("rc-1", "s002", Safety::minor_injury, CanWork::later));
  feed(checkin("rc-1", "s003", Safety::needs_help, CanWork::no));
  const RollcallState& r = s.rollcalls.at("rc-1");
  EXPECT_EQ(r.total.answered, 3u);
  EXPECT_EQ(r.total.by_safety, (std::array<std::size_t, 4>{1, 1, 0, 1}));
  EXPECT_EQ(r.total.by_can_work, (std::array<std::size_t, 4>{1, 1, 1, 0}));
  EXPECT_EQ(r.by_department.at("soumu").answered, 2u);
  EXPECT_EQ(r.by_department.at("soumu").by_safety, (std::array<std::size_t, 4>{1, 0, 0, 1}));
  EXPECT_EQ(r.by_department.at("kikaku").answered, 1u);
  EXPECT_EQ(r.by_department.at("kensetsu").answered, 0u);
  EXPECT_EQ(r.latest.at("s002").answer.safety, Safety::minor_injury);
  EXPECT_EQ(r.latest.at("s002").seq, 3);
  EXPECT_EQ(s.staff["s003"].last_seen, at_second(4));
}

TEST_F(ReducerTest, ChangedAnswerReplacesTheEarlierOneWithoutDoubleCounting) {
  feed(rollcall("rc-1", false, {}));
  feed(checkin("rc-1", "s001", Safety::safe, CanWork::yes));
  feed(checkin("rc-1", "s001", Safety::serious_injury, CanWork::no));
  const RollcallState& r = s.rollcalls.at("rc-1");
  EXPECT_EQ(r.total.answered, 1u);
  EXPECT_EQ(r.total.by_safety, (std::array<std::size_t, 4>{0, 0, 1, 0}));
  EXPECT_EQ(r.total.by_can_work, (std::array<std::size_t, 4>{0, 0, 1, 0}));
  EXPECT_EQ(r.by_department.at("soumu").answered, 1u);
  EXPECT_EQ(r.by_department.at("soumu").by_safety, (std::array<std::size_t, 4>{0, 0, 1, 0}));
  EXPECT_EQ(r.latest.at("s001").answer.safety, Safety::serious_injury);
  EXPECT_EQ(r.latest.at("s001").at, at_second(3));
  // The curve moves only when another person answered.
  ASSERT_EQ(r.curve.size(), 2u);
  EXPECT_EQ(r.curve[0].answered, 0u);
  EXPECT_EQ(r.curve[1].answered, 1u);
  EXPECT_EQ(r.curve[1].at, at_second(2));
}

TEST_F(ReducerTest, MilestonesAreReachedOnceAtTheRightAnswer) {
  feed(rollcall("rc-1", false, {}));  // 8 in scope: 25% = 2, 50% = 4, 75% = 6, 90% = 7.2 -> 8
  const std::vector<std::string> order = {"s001", "s002", "s003", "s004",
                                          "s005", "s006", "s007", "s008"};
  for (std::size_t i = 0; i < order.size(); ++i) {
    feed(checkin("rc-1", order[i], Safety::safe));
    feed(checkin("rc-1", order[i], Safety::minor_injury));  // a correction must not count
  }
  // The i-th person (1-based) answers at second 2i (started at 1, each answer plus its fix).
  const RollcallState& r = s.rollcalls.at("rc-1");
  EXPECT_EQ(r.reached[0], at_second(2 * 2));
  EXPECT_EQ(r.reached[1], at_second(2 * 4));
  EXPECT_EQ(r.reached[2], at_second(2 * 6));
  EXPECT_EQ(r.reached[3], at_second(2 * 8));
  EXPECT_EQ(r.curve.size(), 9u);
  EXPECT_EQ(r.curve.back().answered, 8u);
}

TEST_F(ReducerTest, MilestoneNotReachedBelowThreshold) {
  feed(rollcall("rc-1", false, {}));
  feed(checkin("rc-1", "s001", Safety::safe));  // 12.5 %
  EXPECT_FALSE(s.rollcalls.at("rc-1").reached[0]);
}

TEST_F(ReducerTest, CheckinsForUnknownOrClosedRollcallsAreIgnored) {
  feed(checkin("nope", "s001", Safety::safe));
  EXPECT_TRUE(s.rollcalls.empty());
  feed(rollcall("rc-1", false, {}));
  feed(RollcallClosed{"rc-1"});
  EXPECT_EQ(s.rollcalls.at("rc-1").closed_at, at_second(3));
  EXPECT_FALSE(s.rollcalls.at("rc-1").open());
  feed(checkin("rc-1", "s001", Safety::safe));
  EXPECT_EQ(s.rollcalls.at("rc-1").total.answered, 0u);
  feed(RollcallClosed{"rc-1"});  // closing twice keeps the first time
  EXPECT_EQ(s.rollcalls.at("rc-1").closed_at, at_second(3));
  EXPECT_EQ(s.last_seq, 5);
}

TEST_F(ReducerTest, AlertLifecycle) {
  AlertRaised a = alert("a-1", Severity::warning);
  a.expires = at_second(1000);
  feed(a);
  AlertState st = s.alerts.at("a-1");
  EXPECT_EQ(st.raised_at, at_second(1));
  EXPECT_EQ(st.updated_at, at_second(1));
  EXPECT_EQ(st.updates, 0u);
  EXPECT_TRUE(st.active(at_second(2)));

  feed(AlertUpdated{.alert = "a-1", .severity = Severity::critical, .body = "2頭目撃"});
  st = s.alerts.at("a-1");
  EXPECT_EQ(st.alert.severity, Severity::critical);
  EXPECT_EQ(st.alert.body, "2頭目撃");
  EXPECT_EQ(st.alert.title, "クマ出没");  // absent fields stay
  EXPECT_EQ(st.alert.expires, at_second(1000));
  EXPECT_EQ(st.updates, 1u);
  EXPECT_EQ(st.updated_at, at_second(2));

  feed(AlertAcknowledged{"a-1", "s001"});
  EXPECT_EQ(s.alerts.at("a-1").acknowledged_by, "s001");
  EXPECT_EQ(s.alerts.at("a-1").acknowledged_at, at_second(3));
  EXPECT_TRUE(s.alerts.at("a-1").active(at_second(4)));

  feed(AlertCancelled{"a-1", "捕獲済み"});
  EXPECT_TRUE(s.alerts.at("a-1").cancelled);
  EXPECT_EQ(s.alerts.at("a-1").cancel_reason, "捕獲済み");
  EXPECT_FALSE(s.alerts.at("a-1").active(at_second(5)));
}

TEST_F(ReducerTest, AlertExpiresByTheClock) {
  AlertRaised a = alert("a-1", Severity::advisory);
  a.expires = at_second(60);
  feed(a);
  const AlertState& st = s.alerts.at("a-1");
  EXPECT_TRUE(st.active(at_second(59)));
  EXPECT_FALSE(st.active(at_second(60)));
  EXPECT_FALSE(st.active(at_second(61)));
  feed(alert("a-2", Severity::info));  // no expiry: active for ever until cancelled
  EXPECT_TRUE(s.alerts.at("a-2").active(at_second(1000000)));
}

TEST_F(ReducerTest, RaisingAnExistingAlertAgainUpdatesIt) {
  feed(alert("a-1", Severity::advisory));
  feed(AlertAcknowledged{"a-1", "s002"});
  AlertRaised again = alert("a-1", Severity::critical);
  again.title = "クマ 人身被害";
  feed(again);
  ASSERT_EQ(s.alerts.size(), 1u);
  const AlertState& st = s.alerts.at("a-1");
  EXPECT_EQ(st.alert.severity, Severity::critical);
  EXPECT_EQ(st.alert.title, "クマ 人身被害");
  EXPECT_EQ(st.raised_at, at_second(1));
  EXPECT_EQ(st.updated_at, at_second(3));
  EXPECT_EQ(st.updates, 1u);
  EXPECT_EQ(st.acknowledged_by, "s002");
}

TEST_F(ReducerTest, EventsForUnknownAlertsAreIgnored) {
  feed(AlertUpdated{.alert = "ghost", .severity = Severity::critical});
  feed(AlertCancelled{"ghost", std::nullopt});
  feed(AlertAcknowledged{"ghost", "s001"});
  EXPECT_TRUE(s.alerts.empty());
  EXPECT_EQ(s.last_seq, 3);
}

TEST_F(ReducerTest, NoticesAreBounded) {
  s.notice_limit = 2;
  feed(Notice{"a", NoticeLevel::info});
  feed(Notice{"b", NoticeLevel::warning});
  feed(Notice{"c", NoticeLevel::info});
  ASSERT_EQ(s.notices.size(), 2u);
  EXPECT_EQ(s.notices.front().notice.text, "b");
  EXPECT_EQ(s.notices.back().notice.text, "c");
  EXPECT_EQ(s.notices.back().seq, 3);
}

TEST_F(ReducerTest, OrderMattersForAnswersAndTheLaterOneWins) {
  Situation other = small_town_situation();
  const Event start = make_event(1, at_second(1), rollcall("rc-1", false, {}));
  const Event safe = make_event(2, at_second(2), checkin("rc-1", "s001", Safety::safe));
  const Event hurt = make_event(3, at_second(3), checkin("rc-1", "s001", Safety::minor_injury));
  apply(s, start);
  apply(s, safe);
  apply(s, hurt);
  EXPECT_EQ(s.rollcalls.at("rc-1").latest.at("s001").answer.safety, Safety::minor_injury);
  // A check-in before its roll call started has nothing to attach to.
  apply(other, make_event(1, at_second(2), checkin("rc-1", "s001", Safety::safe)));
  apply(other, make_event(2, at_second(1), rollcall("rc-1", false, {})));
  EXPECT_EQ(other.rollcalls.at("rc-1").total.answered, 0u);
}

TEST_F(ReducerTest, ACheckinCountsOnlyInTheRollcallItNames) {
  // An actual and a drill roll call open at once: the daemon refuses "current" as
  // ambiguous (409) and resolves the id before journaling; the reducer counts the answer
  // in exactly the roll call named, never in both.
  feed(rollcall("real", false, {}));
  feed(rollcall("drill", true, {"soumu"}));
  feed(checkin("drill", "s001", Safety::minor_injury, CanWork::later));
  feed(checkin("real", "s001", Safety::safe, CanWork::yes));
  feed(checkin("drill", "s002", Safety::safe));  // kikaku: outside the drill's scope
  const RollcallState& real = s.rollcalls.at("real");
  const RollcallState& drill = s.rollcalls.at("drill");
  EXPECT_EQ(real.total.answered, 1u);
  EXPECT_EQ(real.latest.at("s001").answer.safety, Safety::safe);
  EXPECT_EQ(drill.total.answered, 1u);
  EXPECT_EQ(drill.total.by_safety, (std::array<std::size_t, 4>{0, 1, 0, 0}));
  EXPECT_EQ(drill.total.in_scope, 4u);
  EXPECT_FALSE(drill.latest.contains("s002"));
  EXPECT_FALSE(real.latest.contains("s002"));
  EXPECT_EQ(s.open_rollcall(false), &real);
  EXPECT_EQ(s.open_rollcall(true), &drill);
}

TEST_F(ReducerTest, UnknownStaffAnswersAreIgnored) {
  feed(rollcall("rc-1", false, {}));
  feed(checkin("rc-1", "s999", Safety::safe));
  EXPECT_EQ(s.rollcalls.at("rc-1").total.answered, 0u);
  EXPECT_FALSE(s.staff.contains("s999"));
}

}  // namespace
}  // namespace bcp::model
