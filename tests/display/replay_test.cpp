// Replay as pure rules (issue 19): reading an export line by line and stopping at the first
// bad one, the time line against a fresh fold, the replay clock, and the operator's keys.
#include <SDL_keycode.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bcp/display/cli.hpp"
#include "bcp/display/replay_journal.hpp"
#include "bcp/display/replay_session.hpp"
#include "bcp/display/replay_timeline.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "replay_support.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;
using test::drill_t0;
using test::sample_directory;
using test::sample_drill;
using Steady = std::chrono::steady_clock::time_point;

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

JournalFile read(const std::string& text) {
  std::istringstream in(text);
  return read_journal(in);
}

model::Situation fold(const std::vector<model::Event>& events, std::size_t count) {
  model::Situation s = sample_directory();
  for (std::size_t i = 0; i < count; ++i) model::apply(s, events[i]);
  return s;
}

TEST(ReplayJournal, ReadsAnExportLineByLine) {
  auto lines = sample_drill().lines();
  lines.insert(lines.begin() + 2, "");  // blank lines are allowed
  auto f = read(join(lines));
  EXPECT_FALSE(f.stop);
  EXPECT_EQ(f.events, sample_drill().events());
}

TEST(ReplayJournal, AcceptsPagesAsGetEventsAnswersThem) {
  auto events = sample_drill().lines();
  nlohmann::json page1 = {{"events", nlohmann::json::array()}, {"last_seq", 64}};
  nlohmann::json page2 = page1;
  for (std::size_t i = 0; i < events.size(); ++i)
    (i < 10 ? page1 : page2)["events"].push_back(nlohmann::json::parse(events[i]));
  auto f = read(page1.dump() + "\n" + page2.dump() + "\n");
  EXPECT_FALSE(f.stop);
  EXPECT_EQ(f.events, sample_drill().events());
}

TEST(ReplayJournal, MalformedLineStopsThereWithItsNumberAndNoContent) {
  auto lines = sample_drill().lines();
  lines[4] = R"({"type":"talk.message","text":"秘密の本文 secret-content" )";  // cut off
  auto f = read(join(lines));
  ASSERT_TRUE(f.stop);
  EXPECT_EQ(f.stop->line, 5u);
  EXPECT_EQ(f.events.size(), 4u);  // the lines before it, nothing after
  EXPECT_NE(f.stop->to_string().find("line 5: not JSON"), std::string::npos) << f.stop->why;
  EXPECT_EQ(f.stop->why.find("secret"), std::string::npos) << f.stop->why;
}

TEST(ReplayJournal, RefusesWhatWouldShowAWrongState) {
  auto lines = sample_drill().lines();
  auto stop_of = [](std::vector<std::string> ls) {
    auto f = read(join(ls));
    EXPECT_TRUE(f.stop);
    return f.stop.value_or(JournalStop{});
  };
  {  // a line missing from the middle
    auto ls = lines;
    ls.erase(ls.begin() + 3);
    auto s = stop_of(ls);
    EXPECT_EQ(s.line, 4u);
    EXPECT_NE(s.why.find("/seq: 5 after 3 (events missing)"), std::string::npos) << s.why;
  }
  {  // an export that does not begin at the journal's beginning
    auto ls = std::vector<std::string>(lines.begin() + 5, lines.end());
    auto s = stop_of(ls);
    EXPECT_EQ(s.line, 1u);
    EXPECT_NE(s.why.find("from seq 1"), std::string::npos) << s.why;
  }
  {  // an unknown event type: the codec names the field
    auto ls = lines;
    auto j = nlohmann::json::parse(ls[2]);
    j["type"] = "talk.msg";
    ls[2] = j.dump();
    auto s = stop_of(ls);
    EXPECT_EQ(s.line, 3u);
    EXPECT_NE(s.why.find("/type"), std::string::npos) << s.why;
  }
  {  // classified content never reaches a wall, not even from a file
    auto ls = lines;
    auto j = nlohmann::json::parse(ls[0]);
    j["level"] = "B";
    ls[0] = j.dump();
    auto s = stop_of(ls);
    EXPECT_EQ(s.line, 1u);
    EXPECT_NE(s.why.find("level C"), std::string::npos) << s.why;
  }
  {  // a line nested a thousand deep is refused before parsing
    auto ls = lines;
    ls[1] = std::string(1000, '[') + std::string(1000, ']');
    auto s = stop_of(ls);
    EXPECT_EQ(s.line, 2u);
    EXPECT_NE(s.why.find("nested deeper"), std::string::npos) << s.why;
  }
  {  // an event without a seq is not a journal export
    auto ls = lines;
    auto j = nlohmann::json::parse(ls[0]);
    j.erase("seq");
    ls[0] = j.dump();
    EXPECT_NE(stop_of(ls).why.find("/seq: missing"), std::string::npos);
  }
}

TEST(ReplayJournal, OverlongLineIsRefusedWithoutReadingItWhole) {
  JournalLimits limits;
  limits.max_line_bytes = 1000;
  auto lines = sample_drill().lines();
  std::istringstream in(lines[0] + "\n" + std::string(50'000, 'x') + "\n" + lines[1] + "\n");
  auto f = read_journal(in, limits);
  ASSERT_TRUE(f.stop);
  EXPECT_EQ(f.stop->line, 2u);
  EXPECT_NE(f.stop->why.find("longer than 1000 bytes"), std::string::npos);
  EXPECT_EQ(f.events.size(), 1u);
}

TEST(ReplayJournal, TheShippedSampleExportStillReplays) {
  // assets/replays/earthquake-drill.jsonl is the sample drill as bcpctl events --all wrote
  // it (docs/operations.md "After the drill" replays it): it must stay readable.
  std::ifstream in(std::string(BCP_SOURCE_DIR) + "/assets/replays/earthquake-drill.jsonl");
  ASSERT_TRUE(in);
  auto f = read_journal(in);
  EXPECT_FALSE(f.stop) << f.stop->to_string();
  ReplayTimeline t(sample_directory(), f.events);
  t.show_count(t.size());
  ASSERT_EQ(t.situation().rollcall_order.size(), 1u);
  const auto& rc = t.situation().rollcalls.at(t.situation().rollcall_order[0]);
  EXPECT_EQ(rc.total.answered, 110u);  // the scenario's tally
  EXPECT_EQ(rc.total.in_scope, 120u);
}

TEST(ReplayTimeline, EveryMomentEqualsAFreshFoldForwardAndBack) {
  auto events = sample_drill().events();
  ReplayTimeline t(sample_directory(), events);
  const auto t0 = drill_t0();
  // Forward, back, forward again: the same situation as folding that many events anew.
  for (int s : {0, 65, 30, 200, 100, 61, 10, 500}) {
    t.show_until(t0 + seconds(s));
    std::size_t expect = 0;
    while (expect < events.size() && *events[expect].received <= t0 + seconds(s)) ++expect;
    EXPECT_EQ(t.shown(), expect) << s;
    EXPECT_EQ(t.situation(), fold(events, expect)) << s;
  }
}

TEST(ReplayTimeline, LongJournalSeeksBackFromCheckpoints) {
  test::JournalBuilder j;
  j.start(drill_t0(), "rc");
  for (int k = 0; k < 5000; ++k)
    j.talk(drill_t0() + milliseconds(100 * k), "s002", "通話" + std::to_string(k));
  ReplayTimeline t(sample_directory(), j.events());
  t.show_count(4999);
  t.show_count(1234);
  EXPECT_EQ(t.situation(), fold(j.events(), 1234));
  t.show_count(3001);
  EXPECT_EQ(t.situation(), fold(j.events(), 3001));
  t.show_count(0);
  EXPECT_EQ(t.situation(), sample_directory());
}

TEST(ReplayTimeline, AHiddenPostShowsAtNoMomentNotEvenBeforeItsHide) {
  test::JournalBuilder j;
  j.talk(drill_t0(), "s002", "本部を設置しました");
  j.talk(drill_t0() + seconds(10), "s003", "死者12名（誤った数字）");
  const std::string wrong = std::get<model::TalkMessage>(j.events().back().body).message_id;
  j.talk(drill_t0() + seconds(20), "s004", "庁舎被害なし");
  j.add(model::TalkHidden{wrong, "誤情報", "operator-sample"}, drill_t0() + seconds(60));
  ReplayTimeline t(sample_directory(), j.events());
  EXPECT_EQ(t.size(), 3u);  // the hidden message is not on the line at all
  for (int s : {0, 10, 15, 20, 59, 60, 90, 30, 11}) {
    t.show_until(drill_t0() + seconds(s));
    const std::string shown = model::situation_to_json(t.situation()).dump();
    EXPECT_EQ(shown.find("死者12名"), std::string::npos) << "at +" << s << " s";
    if (s >= 20) EXPECT_NE(shown.find("庁舎被害なし"), std::string::npos) << s;
  }
}

TEST(ReplayTimeline, ClockStepsOnTheDaemonDoNotReorderEvents) {
  auto b = sample_drill();
  auto events = b.events();
  // The host's clock stepped back by a minute while event 6 was journaled.
  events[5].received = *events[4].received - minutes(1);
  ReplayTimeline t(sample_directory(), events);
  EXPECT_EQ(t.time_of(5), t.time_of(4));
  t.show_until(t.time_of(4));
  EXPECT_EQ(t.shown(), 6u);  // seq order kept: 5 and 6 arrive together
}

TEST(ReplayClock, RunsAtSpeedHoldsAtTheLimitAndPauses) {
  const auto t0 = drill_t0();
  const Steady s0{};
  ReplayClock c(t0, t0 + minutes(10), 10, false, s0);
  EXPECT_EQ(c.now(s0), t0);
  EXPECT_EQ(c.now(s0 + seconds(3)), t0 + seconds(30));
  EXPECT_EQ(c.now(s0 + minutes(5)), t0 + minutes(10));  // nothing after the journal's end
  EXPECT_TRUE(c.at_end(s0 + minutes(5)));
  c.set_paused(true, s0 + seconds(3));
  EXPECT_EQ(c.now(s0 + seconds(30)), t0 + seconds(30));
  c.set_paused(false, s0 + seconds(30));
  EXPECT_EQ(c.now(s0 + seconds(31)), t0 + seconds(40));
  c.set_speed(1, s0 + seconds(31));
  EXPECT_EQ(c.now(s0 + seconds(33)), t0 + seconds(42));
  ASSERT_TRUE(c.when(t0 + seconds(52), s0 + seconds(33)));
  EXPECT_EQ(*c.when(t0 + seconds(52), s0 + seconds(33)), s0 + seconds(43));
  c.jump(t0 - minutes(1), s0 + seconds(33));
  EXPECT_EQ(c.now(s0 + seconds(33)), t0 - minutes(1));
}

TEST(ReplaySession, AtShowsThatMomentPausedAndKeysStepAndSeek) {
  auto events = sample_drill().events();
  const auto t0 = drill_t0();
  const Steady s0{};
  ReplayStart start;
  start.at = t0 + seconds(100);
  ReplaySession r(ReplayTimeline(sample_directory(), events), std::nullopt, start, s0);
  EXPECT_EQ(r.now(s0 + minutes(3)), t0 + seconds(100));  // paused: real time does not move it
  EXPECT_EQ(r.timeline().shown(), 26u);                  // 5 + answers at 60, 62, …, 100
  auto st = r.status(s0);
  EXPECT_TRUE(st.paused);
  EXPECT_EQ(st.at, t0 + seconds(100));

  EXPECT_TRUE(r.press(replay_key(SDLK_PERIOD), s0));  // the next event
  EXPECT_EQ(r.timeline().shown(), 27u);
  EXPECT_EQ(r.now(s0), t0 + seconds(102));
  EXPECT_TRUE(r.press(replay_key(SDLK_COMMA), s0));  // and back
  EXPECT_EQ(r.timeline().shown(), 26u);
  EXPECT_EQ(r.now(s0), t0 + seconds(100));
  r.press(replay_key(SDLK_l), s0);  // a minute on
  EXPECT_EQ(r.now(s0), t0 + seconds(160));
  EXPECT_EQ(r.timeline().shown(), 5u + 51u);
  r.press(replay_key(SDLK_j), s0);
  r.press(replay_key(SDLK_j), s0);
  EXPECT_EQ(r.now(s0), t0 + seconds(40));
  EXPECT_EQ(r.timeline().shown(), 5u);
  r.press(replay_key(SDLK_END), s0);
  EXPECT_EQ(r.timeline().shown(), events.size());
  EXPECT_TRUE(r.status(s0).ended);
  r.press(replay_key(SDLK_HOME), s0);
  EXPECT_EQ(r.timeline().shown(), 1u);
  EXPECT_FALSE(r.press(replay_key(SDLK_a), s0));  // not a replay key: the wall's own
}

TEST(ReplaySession, PlaysAtSpeedAndWakesForTheNextEvent) {
  auto events = sample_drill().events();
  const Steady s0{};
  ReplayStart start;
  start.speed = 10;
  ReplaySession r(ReplayTimeline(sample_directory(), events), std::nullopt, start, s0);
  EXPECT_EQ(r.timeline().shown(), 1u);
  EXPECT_FALSE(r.status(s0).paused);
  // The alert at +10 s is due after 1 s of real time; the next replayed second sooner.
  auto wake = r.next_change(s0);
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake, s0 + milliseconds(100));
  r.update(s0 + seconds(1));
  EXPECT_EQ(r.timeline().shown(), 2u);
  r.press(replay_key(SDLK_PLUS), s0 + seconds(1));
  EXPECT_EQ(r.status(s0).speed, 20);
  r.update(s0 + seconds(2));  // +10 s + 20 s = +30 s: the roll call has started
  EXPECT_EQ(r.timeline().shown(), 5u);
  r.press(replay_key(SDLK_SPACE), s0 + seconds(2));
  EXPECT_TRUE(r.status(s0 + seconds(9)).paused);
  EXPECT_FALSE(r.next_change(s0 + seconds(9)));  // paused: nothing changes by itself
  r.update(s0 + seconds(9));
  EXPECT_EQ(r.timeline().shown(), 5u);
}

TEST(ReplaySession, PlayingAtTheEndStartsAgain) {
  const Steady s0{};
  ReplayStart start;
  start.at_end = true;
  ReplaySession r(ReplayTimeline(sample_directory(), sample_drill().events()), std::nullopt, start,
                  s0);
  EXPECT_TRUE(r.status(s0).ended);
  r.press(ReplayKey::play_pause, s0);
  EXPECT_EQ(r.timeline().shown(), 1u);
  EXPECT_FALSE(r.status(s0).paused);
}

TEST(ReplayCli, FlagsAndTheirRules) {
  auto ok = parse_args({"--config", "t.json", "--replay", "x.jsonl", "--speed", "10", "--at",
                        "2026-11-24T14:05:00+09:00", "--headless", "--capture", "a.png"});
  ASSERT_TRUE(std::holds_alternative<Options>(ok));
  const auto& o = std::get<Options>(ok);
  EXPECT_EQ(o.replay, "x.jsonl");
  EXPECT_EQ(o.speed, 10);
  ASSERT_TRUE(o.at);
  EXPECT_EQ(*o.at, drill_t0() + minutes(5));
  auto err = [](std::vector<std::string> a) {
    auto r = parse_args(a);
    return std::holds_alternative<CliError>(r) ? std::get<CliError>(r).message : "";
  };
  EXPECT_NE(err({"--config", "t.json", "--at", "2026-11-24T14:05:00Z"}), "");
  EXPECT_NE(err({"--config", "t.json", "--replay", "x", "--at", "yesterday"}).find("RFC 3339"),
            std::string::npos);
  EXPECT_NE(err({"--config", "t.json", "--replay", "x", "--speed", "0"}), "");
  EXPECT_NE(err({"--replay", "x"}).find("--config"), std::string::npos);
  EXPECT_NE(err({"--config", "t.json", "--replay", "x", "--feed", "ws://h/v1/stream"}), "");
}

}  // namespace
}  // namespace bcp::display
