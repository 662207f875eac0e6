// The chime's repeat / acknowledge / mute decisions, without an audio device.
#include <gtest/gtest.h>

#include "bcp/display/chime_policy.hpp"
#include "bcp/model/reducer.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;
using Ids = std::vector<std::string>;

TEST(ChimePolicy, NewAlertChimesAtOnceAndRepeatsUntilAcknowledged) {
  ChimePolicy p(20);
  EXPECT_FALSE(p.update({}, false, 0));
  EXPECT_FALSE(p.next_due(false));
  EXPECT_TRUE(p.update({"a1"}, false, 1));
  EXPECT_FALSE(p.update({"a1"}, false, 1.1));  // once per arrival, not per frame
  EXPECT_FALSE(p.update({"a1"}, false, 20.9));
  ASSERT_TRUE(p.next_due(false));
  EXPECT_DOUBLE_EQ(*p.next_due(false), 21);
  EXPECT_TRUE(p.update({"a1"}, false, 21));  // still unacknowledged: again
  EXPECT_FALSE(p.update({"a1"}, false, 30));
  EXPECT_TRUE(p.update({"a1"}, false, 41));
  // Acknowledged (here or by an alert.acknowledged from anywhere): it drops out, silence.
  EXPECT_FALSE(p.update({}, false, 61));
  EXPECT_FALSE(p.update({}, false, 100));
  EXPECT_FALSE(p.next_due(false));
}

TEST(ChimePolicy, SecondAlertChimesAtOnceEvenWithinTheRepeatInterval) {
  ChimePolicy p(20);
  EXPECT_TRUE(p.update({"a1"}, false, 0));
  EXPECT_TRUE(p.update({"a1", "a2"}, false, 5));
  EXPECT_FALSE(p.update({"a1", "a2"}, false, 6));
  EXPECT_FALSE(p.update({"a2"}, false, 10));  // a1 acknowledged: a2 keeps the rhythm
  EXPECT_TRUE(p.update({"a2"}, false, 25));
}

TEST(ChimePolicy, MuteSilencesAndUnmuteResumes) {
  ChimePolicy p(20);
  EXPECT_TRUE(p.update({"a1"}, false, 0));
  EXPECT_FALSE(p.update({"a1"}, true, 20));  // muted at the repeat
  EXPECT_FALSE(p.next_due(true));
  EXPECT_FALSE(p.update({"a1", "a2"}, true, 25));  // a new one while muted: still silent
  EXPECT_TRUE(p.update({"a1", "a2"}, false, 26));  // unmuted: the unannounced a2 at once
  EXPECT_FALSE(p.update({"a1", "a2"}, false, 27));
  ChimePolicy q(20);
  EXPECT_FALSE(q.update({"b"}, true, 0));  // arrived muted
  EXPECT_TRUE(q.update({"b"}, false, 3));  // heard as soon as unmuted
}

TEST(ChimePolicy, AnAlertThatReturnsIsNewAgain) {
  // Acknowledged alerts are forgotten; an alert id seen again (say, re-raised) chimes.
  ChimePolicy p(20);
  EXPECT_TRUE(p.update({"a1"}, false, 0));
  EXPECT_FALSE(p.update({}, false, 1));
  EXPECT_TRUE(p.update({"a1"}, false, 2));
}

model::Event at(model::TimePoint t, model::Payload body) {
  static model::Seq seq = 0;
  model::Event e;
  e.seq = ++seq;
  e.at = t;
  e.body = std::move(body);
  return e;
}

TEST(ChimePolicy, WhichAlertsWantTheChime) {
  auto t0 = time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{1});
  model::Situation s;
  auto raise = [&](const char* id, model::Severity sev) {
    model::AlertRaised a;
    a.alert = id;
    a.severity = sev;
    a.title = id;
    ASSERT_TRUE(model::apply(s, at(t0, a)));
  };
  raise("crit", model::Severity::critical);
  raise("warn", model::Severity::warning);
  raise("adv", model::Severity::advisory);
  raise("info", model::Severity::info);
  raise("acked", model::Severity::critical);
  raise("gone", model::Severity::warning);
  ASSERT_TRUE(model::apply(s, at(t0, model::AlertAcknowledged{"acked", "operator"})));
  ASSERT_TRUE(model::apply(s, at(t0, model::AlertCancelled{"gone", std::nullopt})));
  std::set<std::string> local;
  auto ids = alerts_wanting_chime(s, local, t0 + seconds(5));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (Ids{"crit", "warn"}));
  local.insert("warn");  // the A key on this wall
  EXPECT_EQ(alerts_wanting_chime(s, local, t0 + seconds(5)), Ids{"crit"});
}

}  // namespace
}  // namespace bcp::display
