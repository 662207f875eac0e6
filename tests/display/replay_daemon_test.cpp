// Replay against a real bcp-feedd (issue 19): the sample drill is played into an in-process
// daemon by the scenario player (bcp-sim's), the journal is read back through GET /v1/events
// as the wall reads it, and the replay's last moment must be the daemon's own snapshot. The
// built bcp-wall then replays straight from the daemon's URL.
#include <gtest/gtest.h>
#include <stb_image.h>

#include <filesystem>
#include <sstream>

#include "../common/run_process.hpp"
#include "bcp/client/journal_fetch.hpp"
#include "bcp/display/replay_journal.hpp"
#include "bcp/display/replay_timeline.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/tools/scenario.hpp"
#include "daemon_fixture.hpp"

namespace bcp::display {
namespace {

namespace fs = std::filesystem;
using daemon::test::TempDir;
using daemon::test::TestDaemon;
using daemon::test::wait_until;
using namespace std::chrono_literals;

void play_drill(const TestDaemon& d) {
  tools::PlayOptions o;
  o.server = {"127.0.0.1", d.port()};
  o.speed = 200;
  o.base_dir = BCP_SOURCE_DIR;
  auto scenario =
      tools::load_scenario(fs::path(BCP_SOURCE_DIR) / "assets/scenarios/earthquake-drill.json");
  auto result = tools::play_scenario(scenario, daemon::test::sample_town(), o);
  ASSERT_TRUE(result.ok) << result.failed_step;
}

struct Read {
  std::vector<model::Event> events;
  std::optional<JournalStop> stop;
  bool ok = false;
  std::string error;
};

Read read_from_daemon(const TestDaemon& d, std::size_t page) {
  std::string error;
  auto url = client::parse_events_url(
      "http://127.0.0.1:" + std::to_string(d.port()) + "/v1/events?since=0", error);
  EXPECT_TRUE(url) << error;
  client::FetchOptions o;
  o.token = daemon::test::kOperator;
  o.page = page;
  JournalReader reader;
  std::size_t n = 0;
  Read r;
  r.ok = client::fetch_journal(
      *url, 0, o, [&](const nlohmann::json& e) { return reader.add_event(e, ++n); }, r.error);
  r.events = reader.take_events();
  r.stop = reader.stop();
  return r;
}

TEST(ReplayDaemon, TheReplaysLastMomentIsTheLiveDaemonsSnapshot) {
  TestDaemon d;
  play_drill(d);
  // Photos may still be fetched after the last step: compare once journal and snapshot agree
  // on the last seq.
  Read r;
  model::Situation live;
  ASSERT_TRUE(wait_until(
      [&] {
        r = read_from_daemon(d, 37);  // small pages: paging is part of what is tested
        live = d.snapshot();
        return r.ok && !r.events.empty() && r.events.back().seq == live.last_seq;
      },
      20s))
      << r.error;
  EXPECT_FALSE(r.stop) << r.stop->to_string();
  ASSERT_GT(r.events.size(), 130u);  // the drill: ~110 answers, talk, alerts, availability

  model::Situation start;
  start.directory = daemon::test::sample_town().directory();
  ReplayTimeline t(start, r.events);
  t.show_count(t.size());
  EXPECT_EQ(model::situation_to_json(t.situation()).dump(), model::situation_to_json(live).dump());
  EXPECT_EQ(t.situation(), live);
  // And the roll call the drill implies (the scenario's comment): 110 of 120 answered.
  ASSERT_EQ(t.situation().rollcall_order.size(), 1u);
  const auto& rc = t.situation().rollcalls.at(t.situation().rollcall_order[0]);
  EXPECT_EQ(rc.total.answered, 110u);
  EXPECT_FALSE(rc.open());

  // Seeking back and forth lands on the same final situation again.
  t.show_count(t.size() / 2);
  EXPECT_NE(t.situation(), live);
  t.show_until(*t.last_time());
  EXPECT_EQ(t.situation(), live);
}

TEST(ReplayDaemon, FetchRefusesATokenWithoutTheOperatorRole) {
  TestDaemon d;
  std::string error;
  auto url = client::parse_events_url("http://127.0.0.1:" + std::to_string(d.port()), error);
  ASSERT_TRUE(url) << error;
  client::FetchOptions o;
  o.token = daemon::test::kDisplay;
  EXPECT_FALSE(client::fetch_journal(
      *url, 0, o, [](const nlohmann::json&) { return true; }, error));
  EXPECT_NE(error.find("operator token"), std::string::npos) << error;
}

TEST(ReplayDaemon, EventsUrlIsParsedStrictly) {
  std::string error;
  auto u = client::parse_events_url("http://10.0.0.5:8470/v1/events?limit=5&since=42", error);
  ASSERT_TRUE(u) << error;
  EXPECT_EQ(u->host, "10.0.0.5");
  EXPECT_EQ(u->port, "8470");
  EXPECT_EQ(u->since, 42);
  EXPECT_FALSE(client::parse_events_url("https://h/v1/events", error));
  EXPECT_FALSE(client::parse_events_url("http://h:99999/v1/events", error));
  EXPECT_FALSE(client::parse_events_url("http://h/v1/snapshot", error));
  EXPECT_FALSE(client::parse_events_url("http://h/v1/events?since=-1", error));
}

TEST(ReplayDaemon, WallReplaysStraightFromTheDaemon) {
  const std::string wall = std::string(BCP_BINARY_DIR) + "/display/bcp-wall";
  if (!fs::exists(wall)) GTEST_SKIP() << wall << " is not built";
  TestDaemon d;
  play_drill(d);
  TempDir dir;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  env.emplace_back("SDL_VIDEODRIVER=dummy");
  const std::string base = "http://127.0.0.1:" + std::to_string(d.port());
  auto run = [&](const std::string& url, const std::string& token) {
    return bcp::test::run_process(
        wall,
        {"--config", std::string(BCP_SOURCE_DIR) + "/config/sample-town/town.json", "--replay", url,
         "--token", token, "--headless", "--size", "1280x720", "--capture",
         (dir.path() / "wall.png").string()},
        dir.path(), env);
  };
  auto ok = run(base + "/v1/events?since=60", daemon::test::kOperator);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("replaying"), std::string::npos) << ok.err;
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load((dir.path() / "wall.png").c_str(), &w, &h, &n, 4);
  ASSERT_TRUE(px);
  // The REPLAY band's blue in the bottom banner's place, under the text.
  const unsigned char* p = px + (static_cast<std::size_t>(h - 3) * w + w / 2) * 4;
  EXPECT_EQ((p[0] << 16) | (p[1] << 8) | p[2], 0x0072B2);
  stbi_image_free(px);

  auto refused = run(base + "/v1/events", daemon::test::kDisplay);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("operator token"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace bcp::display
