// The operator's keys, the quit confirmation, the pointer hiding and the chosen monitor's
// return, as pure rules.
#include <SDL_keycode.h>
#include <gtest/gtest.h>

#include "bcp/display/controls.hpp"
#include "bcp/model/reducer.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;

model::TimePoint t0() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{1});
}

model::Situation two_alerts() {
  model::Situation s;
  model::Seq seq = 0;
  auto raise = [&](const char* id, model::Severity sev, int minute) {
    model::AlertRaised a;
    a.alert = id;
    a.severity = sev;
    a.title = id;
    model::Event e;
    e.seq = ++seq;
    e.at = t0() + minutes(minute);
    e.body = a;
    EXPECT_TRUE(model::apply(s, e));
  };
  raise("warn", model::Severity::warning, 0);
  raise("crit", model::Severity::critical, 1);
  return s;
}

TEST(WallControls, KeysMapAsTheHelpSays) {
  EXPECT_EQ(wall_key(SDLK_a), WallKey::acknowledge);
  EXPECT_EQ(wall_key(SDLK_m), WallKey::mute);
  EXPECT_EQ(wall_key(SDLK_RIGHT), WallKey::next_page);
  EXPECT_EQ(wall_key(SDLK_PAGEDOWN), WallKey::next_page);
  EXPECT_EQ(wall_key(SDLK_LEFT), WallKey::previous_page);
  EXPECT_EQ(wall_key(SDLK_SPACE), WallKey::pause);
  EXPECT_EQ(wall_key(SDLK_F11), WallKey::fullscreen);
  EXPECT_EQ(wall_key(SDLK_f), WallKey::fullscreen);
  EXPECT_EQ(wall_key(SDLK_ESCAPE), WallKey::quit);
  EXPECT_EQ(wall_key(SDLK_q), WallKey::quit);
  EXPECT_EQ(wall_key(SDLK_y), WallKey::yes);
  EXPECT_EQ(wall_key(SDLK_x), WallKey::other);
}

TEST(WallControls, AcknowledgeTakesTheTopAlertFirst) {
  auto s = two_alerts();
  WallControls c;
  PageRotation rot;
  rot.reset(1, 0, 0);
  auto now = t0() + minutes(2);
  c.press(WallKey::acknowledge, rot, s, now, 1);
  EXPECT_EQ(c.acked(), std::set<std::string>{"crit"});  // critical outranks the older warning
  c.press(WallKey::acknowledge, rot, s, now, 2);
  EXPECT_EQ(c.acked(), (std::set<std::string>{"crit", "warn"}));
  c.press(WallKey::acknowledge, rot, s, now, 3);  // nothing left: no change, no crash
  EXPECT_EQ(c.acked().size(), 2u);
  // One acknowledged centrally is skipped.
  auto s2 = two_alerts();
  s2.alerts.at("crit").acknowledged_by = "本部";
  WallControls c2;
  c2.press(WallKey::acknowledge, rot, s2, now, 1);
  EXPECT_EQ(c2.acked(), std::set<std::string>{"warn"});
}

TEST(WallControls, MutePagingPauseAndFullScreen) {
  model::Situation s;
  WallControls c;
  PageRotation rot;
  rot.reset(3, 30, 0);
  EXPECT_FALSE(c.muted());
  c.press(WallKey::mute, rot, s, t0(), 1);
  EXPECT_TRUE(c.muted());
  c.press(WallKey::mute, rot, s, t0(), 2);
  EXPECT_FALSE(c.muted());
  c.press(WallKey::next_page, rot, s, t0(), 3);
  EXPECT_EQ(rot.page(), 1u);
  c.press(WallKey::previous_page, rot, s, t0(), 4);
  c.press(WallKey::previous_page, rot, s, t0(), 5);
  EXPECT_EQ(rot.page(), 2u);
  c.press(WallKey::pause, rot, s, t0(), 6);
  EXPECT_TRUE(rot.paused());
  rot.tick(1000);
  EXPECT_EQ(rot.page(), 2u);  // paused: no rotation however long
  c.press(WallKey::pause, rot, s, t0(), 1001);
  EXPECT_FALSE(rot.paused());
  EXPECT_EQ(c.press(WallKey::fullscreen, rot, s, t0(), 1002), ControlRequest::toggle_fullscreen);
  EXPECT_EQ(c.press(WallKey::other, rot, s, t0(), 1003), ControlRequest::none);
}

TEST(WallControls, QuittingNeedsAConfirmation) {
  model::Situation s;
  PageRotation rot;
  rot.reset(1, 0, 0);
  WallControls c;
  c.press(WallKey::quit, rot, s, t0(), 1);
  EXPECT_TRUE(c.asking_to_quit());
  EXPECT_FALSE(c.quit());
  c.press(WallKey::other, rot, s, t0(), 2);  // any other key: keep running
  EXPECT_FALSE(c.asking_to_quit());
  EXPECT_FALSE(c.quit());
  c.press(WallKey::yes, rot, s, t0(), 3);  // Y without a question does nothing
  EXPECT_FALSE(c.quit());
  c.press(WallKey::quit, rot, s, t0(), 4);
  c.press(WallKey::quit, rot, s, t0(), 5);  // Esc twice is not a yes
  EXPECT_FALSE(c.quit());
  c.close_requested(6);  // the window's close button asks too
  EXPECT_TRUE(c.asking_to_quit());
  c.tick(6 + WallControls::kQuitQuestionSeconds + 1);  // unanswered: the question goes
  EXPECT_FALSE(c.asking_to_quit());
  c.press(WallKey::quit, rot, s, t0(), 30);
  c.press(WallKey::yes, rot, s, t0(), 31);
  EXPECT_TRUE(c.quit());
}

// Talk in two groups, `n` messages m1 … mn alternating hq / soumu, one second apart.
model::Situation talk_situation(int n) {
  model::Situation s;
  for (int i = 1; i <= n; ++i) {
    model::TalkMessage m;
    m.group = i % 2 ? "hq" : "soumu";
    m.message_id = "m" + std::to_string(i);
    m.sender = {"s001", "山田", std::nullopt};
    m.text = "text " + std::to_string(i);
    model::Event e;
    e.seq = i;
    e.at = t0() + seconds(i);
    e.body = m;
    EXPECT_TRUE(model::apply(s, e));
  }
  return s;
}

TEST(WallControls, HideKeysMapAsTheHelpSays) {
  EXPECT_EQ(wall_key(SDLK_h), WallKey::hide_list);
  EXPECT_EQ(wall_key(SDLK_1), WallKey::pick_1);
  EXPECT_EQ(wall_key(SDLK_9), WallKey::pick_9);
  EXPECT_EQ(wall_key(SDLK_KP_1), WallKey::pick_1);
  EXPECT_EQ(wall_key(SDLK_KP_5), WallKey::pick_5);
  EXPECT_EQ(wall_key(SDLK_0), WallKey::other);
}

TEST(WallControls, RecentTalkIsTheNewestAcrossGroupsNewestFirst) {
  auto s = talk_situation(12);
  std::vector<std::string> ids;
  for (const auto* e : recent_talk(s, 9)) ids.push_back(e->message.message_id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"m12", "m11", "m10", "m9", "m8", "m7", "m6", "m5", "m4"}));
  EXPECT_EQ(recent_talk(talk_situation(2), 9).size(), 2u);
  EXPECT_TRUE(recent_talk(model::Situation{}, 9).empty());
}

TEST(WallControls, HideNeedsTheListANumberAndYes) {
  auto s = talk_situation(12);
  PageRotation rot;
  rot.reset(1, 0, 0);
  WallControls c;
  // A number without the list does nothing.
  EXPECT_EQ(c.press(WallKey::pick_1, rot, s, t0(), 1), ControlRequest::none);
  EXPECT_FALSE(c.hide_pick());
  c.press(WallKey::hide_list, rot, s, t0(), 2);
  ASSERT_TRUE(c.hide_pick());
  ASSERT_EQ(c.hide_pick()->ids.size(), HidePick::kListed);
  EXPECT_EQ(c.hide_pick()->ids.front(), "m12");
  // The numbers stay fixed while the list is open, whatever arrives meanwhile.
  auto later = talk_situation(13);
  c.press(WallKey::pick_3, rot, later, t0(), 3);
  ASSERT_TRUE(c.hide_pick()->chosen);
  EXPECT_EQ(*c.hide_pick()->chosen, "m10");
  // Any key but Y goes back to the list: nothing is sent.
  EXPECT_EQ(c.press(WallKey::other, rot, s, t0(), 4), ControlRequest::redraw);
  ASSERT_TRUE(c.hide_pick());
  EXPECT_FALSE(c.hide_pick()->chosen);
  // A number past the list chooses nothing.
  c.press(WallKey::hide_list, rot, talk_situation(2), t0(), 5);  // closes
  c.press(WallKey::hide_list, rot, talk_situation(2), t0(), 6);  // opens with two
  c.press(WallKey::pick_5, rot, s, t0(), 7);
  EXPECT_FALSE(c.hide_pick()->chosen);
  c.press(WallKey::pick_2, rot, s, t0(), 8);
  ASSERT_TRUE(c.hide_pick()->chosen);
  EXPECT_EQ(c.press(WallKey::yes, rot, s, t0(), 9), ControlRequest::hide_message);
  EXPECT_EQ(c.hide_request(), "m1");
  EXPECT_FALSE(c.hide_pick());  // closed once sent
  EXPECT_FALSE(c.asking_to_quit());
}

TEST(WallControls, TheHideListClosesWithEscOrByItselfNeverQuitting) {
  auto s = talk_situation(3);
  PageRotation rot;
  rot.reset(1, 0, 0);
  WallControls c;
  c.press(WallKey::hide_list, rot, s, t0(), 1);
  c.press(WallKey::pick_1, rot, s, t0(), 2);
  c.press(WallKey::quit, rot, s, t0(), 3);  // Esc: closes the list, does not ask to quit
  EXPECT_FALSE(c.hide_pick());
  EXPECT_FALSE(c.asking_to_quit());
  c.press(WallKey::hide_list, rot, s, t0(), 10);
  c.tick(10 + WallControls::kHideListSeconds - 1);
  EXPECT_TRUE(c.hide_pick());
  c.tick(10 + WallControls::kHideListSeconds + 1);
  EXPECT_FALSE(c.hide_pick());
  // With the list open, the other keys keep their meaning (A, M, …).
  c.press(WallKey::hide_list, rot, s, t0(), 50);
  c.press(WallKey::mute, rot, s, t0(), 51);
  EXPECT_TRUE(c.muted());
  EXPECT_TRUE(c.hide_pick());
}

TEST(PointerHider, HidesAFewSecondsAfterTheLastMove) {
  PointerHider p(3);
  EXPECT_TRUE(p.visible(0.5));
  EXPECT_FALSE(p.visible(3.1));
  p.moved(10);
  EXPECT_TRUE(p.visible(12.9));
  EXPECT_FALSE(p.visible(13.0));
}

TEST(ChosenDisplay, ComesBackToTheNamedMonitorWhereverItsIndexIs) {
  std::vector<std::string> both = {"DELL U2720Q", "LG 4K"};
  EXPECT_EQ(find_chosen_display("LG 4K", 1, both), 1);
  // Unplugged: absent, even though index 0 still exists.
  EXPECT_EQ(find_chosen_display("LG 4K", 1, {"DELL U2720Q"}), std::nullopt);
  // Back, now enumerated first.
  EXPECT_EQ(find_chosen_display("LG 4K", 1, {"LG 4K", "DELL U2720Q"}), 0);
  // Two identical models: names do not tell them apart, the index does.
  EXPECT_EQ(find_chosen_display("LG 4K", 1, {"LG 4K", "LG 4K"}), 1);
  // No names from the driver.
  EXPECT_EQ(find_chosen_display("", 1, {"", ""}), 1);
  EXPECT_EQ(find_chosen_display("", 1, {""}), std::nullopt);
}

}  // namespace
}  // namespace bcp::display
