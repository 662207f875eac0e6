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

TEST(ChimeSound, AnActualAlertSoundsDifferentAndDemotedDrillAlertsStaySilent) {
  auto t0 = time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{2});
  model::Situation s;
  auto raise = [&](const char* id, model::Severity sev, bool drill) {
    model::AlertRaised a;
    a.alert = id;
    a.severity = sev;
    a.drill = drill;
    a.title = id;
    ASSERT_TRUE(model::apply(s, at(t0, a)));
  };
  raise("drill-quake", model::Severity::critical, true);
  raise("drill-bear", model::Severity::warning, true);
  std::set<std::string> none;
  auto drill_only = alerts_wanting_chime(s, none, t0 + seconds(1));
  EXPECT_EQ(drill_only.size(), 2u);
  EXPECT_EQ(chime_sound(s, drill_only), ChimeSound::drill);
  // The real thing during the drill: only it calls for the chime, with the actual sound.
  raise("real-quake", model::Severity::critical, false);
  auto interrupted = alerts_wanting_chime(s, none, t0 + seconds(2));
  EXPECT_EQ(interrupted, Ids{"real-quake"});
  EXPECT_EQ(chime_sound(s, interrupted), ChimeSound::actual);
  // A real advisory alone does not end the drill's mode: the drill chimes as before.
  model::Situation rain;
  model::AlertRaised adv;
  adv.alert = "rain";
  adv.severity = model::Severity::advisory;
  ASSERT_TRUE(model::apply(rain, at(t0, adv)));
  model::AlertRaised d;
  d.alert = "drill";
  d.severity = model::Severity::warning;
  d.drill = true;
  ASSERT_TRUE(model::apply(rain, at(t0, d)));
  EXPECT_EQ(alerts_wanting_chime(rain, none, t0 + seconds(1)), Ids{"drill"});
  EXPECT_EQ(chime_sound(rain, Ids{"drill"}), ChimeSound::drill);
}

// Zero crossings per second / 2 = the frequency of a pure tone.
double frequency(const std::vector<std::int16_t>& v, std::size_t from, std::size_t to, int rate) {
  std::size_t crossings = 0;
  for (std::size_t i = from + 1; i < to; ++i) crossings += (v[i - 1] < 0) != (v[i] < 0);
  return crossings / 2.0 / (static_cast<double>(to - from) / rate);
}

TEST(ChimeSound, TheTwoSoundsDifferInPitchLengthAndLoudness) {
  const int rate = 48000;
  const auto drill = chime_samples(ChimeSound::drill, rate);
  const auto actual = chime_samples(ChimeSound::actual, rate);
  ASSERT_FALSE(drill.empty());
  ASSERT_FALSE(actual.empty());
  // Drill: E6 then C6, 0.45 s each.
  EXPECT_NEAR(frequency(drill, 0, rate * 2 / 10, rate), 1318.5, 15);
  EXPECT_NEAR(frequency(drill, rate * 45 / 100, rate * 65 / 100, rate), 1046.5, 15);
  // Actual: starts low on A5 and rises (C#6, E6), and plays twice.
  EXPECT_NEAR(frequency(actual, 0, rate * 15 / 100, rate), 880.0, 15);
  EXPECT_NEAR(frequency(actual, rate * 22 / 100, rate * 37 / 100, rate), 1108.7, 15);
  EXPECT_NEAR(frequency(actual, rate * 44 / 100, rate * 64 / 100, rate), 1318.5, 15);
  EXPECT_GT(actual.size(), drill.size() * 3 / 2);
  auto peak = [](const std::vector<std::int16_t>& v) {
    int p = 0;
    for (auto x : v) p = std::max(p, std::abs(int(x)));
    return p;
  };
  EXPECT_GT(peak(actual), peak(drill) * 3 / 2);
  EXPECT_LT(peak(actual), 32767);  // loud, never clipping
}

}  // namespace
}  // namespace bcp::display
