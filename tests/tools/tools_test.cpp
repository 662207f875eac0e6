// bcp-sim's player against an in-process bcp-feedd: plays the shipped scenarios at high
// speed and checks the final roll-call tallies in the daemon's snapshot.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bcp/client/stream_client.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/tools/http_client.hpp"
#include "bcp/tools/scenario.hpp"
#include "daemon_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using bcp::daemon::test::sample_town;

class ToolsTest : public bcp::daemon::test::DaemonTest {
 protected:
  bcp::tools::PlayResult play(const std::string& scenario, double speed) {
    bcp::tools::PlayOptions o;
    o.server = {"127.0.0.1", daemon_->port()};
    o.speed = speed;
    o.base_dir = BCP_SOURCE_DIR;
    o.out = &log_;
    auto s = bcp::tools::load_scenario(fs::path(BCP_SOURCE_DIR) / "assets/scenarios" / scenario);
    return bcp::tools::play_scenario(s, sample_town(), o);
  }

  json snapshot() {
    bcp::tools::HttpClient http({"127.0.0.1", daemon_->port()});
    auto res = http.get("/v1/snapshot", "display-sample");
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }

  // The only roll call in the snapshot (each test plays one scenario on a fresh daemon).
  json only_rollcall() {
    json s = snapshot();
    EXPECT_EQ(s["rollcall_order"].size(), 1u);
    return s["rollcalls"][s["rollcall_order"][0].get<std::string>()];
  }

  std::ostringstream log_;
};

TEST_F(ToolsTest, QuickCheckEndsWithTheTalliesItImplies) {
  auto result = play("quick-check.json", 50);
  ASSERT_TRUE(result.ok) << result.failed_step << "\n" << log_.str();
  EXPECT_EQ(result.steps, 17u);

  json rc = only_rollcall();
  EXPECT_TRUE(rc["started"]["drill"].get<bool>());
  EXPECT_TRUE(rc.contains("closed_at"));
  const json& t = rc["total"];
  EXPECT_EQ(t["in_scope"], 120);
  EXPECT_EQ(t["answered"], 10);
  EXPECT_EQ(t["by_safety"], (json{{"safe", 7}, {"minor_injury", 2}, {"serious_injury", 1}, {"needs_help", 0}}));
  EXPECT_EQ(t["by_can_work"], (json{{"yes", 6}, {"later", 2}, {"no", 2}, {"unknown", 0}}));

  json s = snapshot();
  ASSERT_EQ(s["alerts"].size(), 1u);
  EXPECT_TRUE(s["alerts"].begin().value()["cancelled"].get<bool>());
  EXPECT_EQ(s["talk"]["hq"]["total"], 2);  // one via the API, one via LINE WORKS
  EXPECT_EQ(s["staff"]["s003"]["availability"]["status"], "en_route");
  EXPECT_TRUE(s["notices"].empty()) << "a LINE WORKS answer went astray: " << s["notices"].dump();
}

TEST_F(ToolsTest, EarthquakeDrillAtHighSpeed) {
  auto result = play("earthquake-drill.json", 200);
  ASSERT_TRUE(result.ok) << result.failed_step << "\n" << log_.str();

  json rc = only_rollcall();
  EXPECT_TRUE(rc.contains("closed_at"));
  const json& t = rc["total"];
  EXPECT_EQ(t["in_scope"], 120);
  EXPECT_EQ(t["answered"], 110);  // 8 % never answer
  EXPECT_EQ(t["by_safety"], (json{{"safe", 95}, {"minor_injury", 9}, {"serious_injury", 3}, {"needs_help", 3}}));
  EXPECT_EQ(t["by_can_work"], (json{{"yes", 83}, {"later", 16}, {"no", 11}, {"unknown", 0}}));

  json s = snapshot();
  bool bear = false, quake_cancelled = false;
  for (const auto& [id, a] : s["alerts"].items()) {
    if (a["alert"]["kind"] == "bear") bear = true;
    if (a["alert"]["kind"] == "earthquake") quake_cancelled = a["cancelled"].get<bool>();
  }
  EXPECT_TRUE(bear) << "the ヒグマ report should trip the town's bear rule";
  EXPECT_TRUE(quake_cancelled);
}

// What the room sees: a wall subscribed from the start folds the stream with the shared
// reducer and ends with the same roll-call numbers, without asking the daemon.
TEST_F(ToolsTest, EarthquakeDrillEndsWithTheseNumbersOnAWallsOwnState) {
  using Clock = std::chrono::steady_clock;
  bcp::client::UpdateQueue queue;
  bcp::client::SituationMirror wall;
  bcp::client::StreamClient client(
      {.url = "ws://127.0.0.1:" + std::to_string(daemon_->port()) + "/v1/stream", .token = "display-sample"},
      queue);
  client.start();
  std::vector<bcp::client::Update> updates;
  auto pump_until = [&](auto done) {
    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!done()) {
      if (!queue.wait_until(deadline)) return done();
      updates.clear();
      queue.drain(updates);
      for (const auto& u : updates) wall.take(u, Clock::now());
    }
    return true;
  };
  ASSERT_TRUE(pump_until([&] { return wall.has_data(); }));

  auto result = play("earthquake-drill.json", 200);
  ASSERT_TRUE(result.ok) << result.failed_step << "\n" << log_.str();
  const bcp::model::Seq last = snapshot()["last_seq"].get<bcp::model::Seq>();
  ASSERT_TRUE(pump_until([&] { return wall.situation().last_seq == last; }))
      << "wall at seq " << wall.situation().last_seq << ", daemon at " << last;

  const bcp::model::Situation& s = wall.situation();
  ASSERT_EQ(s.rollcall_order.size(), 1u);
  const bcp::model::RollcallState& rc = s.rollcalls.at(s.rollcall_order.front());
  EXPECT_TRUE(rc.started.drill);
  EXPECT_FALSE(rc.open());
  EXPECT_EQ(rc.total.in_scope, 120u);
  EXPECT_EQ(rc.total.answered, 110u);
  EXPECT_EQ(rc.total.by_safety, (std::array<std::size_t, 4>{95, 9, 3, 3}));
  EXPECT_EQ(rc.total.by_can_work, (std::array<std::size_t, 4>{83, 16, 11, 0}));
  EXPECT_EQ(rc.scope.size() - rc.latest.size(), 10u) << "not-yet-answered list";
  client.stop();
}

TEST_F(ToolsTest, RefusedStepIsNamed) {
  json scenario = {{"steps", json::array({json{{"at", 0}, {"do", "talk"}, {"group", "jinji"}, {"staff", "s001"},
                                               {"text", "人事の話"}}})}};
  bcp::tools::PlayOptions o;
  o.server = {"127.0.0.1", daemon_->port()};
  auto result = bcp::tools::play_scenario(scenario, sample_town(), o);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.failed_step.find("step 1 (talk): 403"), std::string::npos) << result.failed_step;
}

TEST(ScenarioPlan, UnknownStepIsABadScenario) {
  json scenario = {{"steps", json::array({json{{"at", 0}, {"do", "dance"}}})}};
  EXPECT_THROW(bcp::tools::plan_scenario(scenario, sample_town()), bcp::tools::ScenarioError);
}

TEST(Signature, MatchesOpenssl) {
  // printf '%s' '{}' | openssl dgst -sha256 -hmac sample-bot-secret -binary | base64
  EXPECT_EQ(bcp::tools::lineworks_signature("sample-bot-secret", "{}"), "05EoPNF/M3l2V2me/uCN8rROAuh/A5wxjL0LTZT1Vbk=");
}

}  // namespace
