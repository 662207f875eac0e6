// Source health over real sockets: the JMA poller against a feed server answering 500 turns
// degraded, then failing once the threshold passes -- journaled, in /healthz and /metrics --
// and ok again when the feed answers; LINE WORKS callbacks that stop coming are quiet, never
// failing. Thresholds of one second, polls every 20 ms; every wait has a deadline.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bcp/model/codec.hpp"
#include "jma_feed_server.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

const fs::path kBulletins = fs::path(BCP_TESTDATA_DIR) / "jma";
const fs::path kFixtures = fs::path(BCP_SOURCE_DIR) / "tests/alerts/fixtures";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json jma_alerts(const std::string& url) {
  return {{"jma",
           {{"area_codes", {"213"}},
            {"city_codes", {"0321500"}},
            {"thresholds", {{"critical", "5-"}, {"warning", "4"}, {"advisory", "3"}}},
            {"poller", {{"url", url}, {"timeout_seconds", 2}}}}}};
}

// The sample town polling `url` every 20 ms, failing after `failing_after` s.
TestDaemon polling_daemon(const std::string& url, int failing_after) {
  return TestDaemon([](DaemonOptions& o) { o.jma_poll_interval = std::chrono::milliseconds(20); },
                    [&](config::TownConfig& town) {
                      town.alerts = jma_alerts(url);
                      town.source_health.failing_after_seconds = failing_after;
                    });
}

json source_detail(const TestDaemon& d, const std::string& source) {
  HttpResult h = d.get("/healthz");
  if (h.status != 200) return json();
  json j = h.json();
  if (!j.contains("sources") || !j["sources"].contains(source)) return json();
  return j["sources"][source];
}

std::string state_of(const TestDaemon& d, const std::string& source) {
  json s = source_detail(d, source);
  return s.is_object() && s.contains("state") ? s["state"].get<std::string>() : "";
}

std::vector<json> source_events(const TestDaemon& d, const std::string& source) {
  std::vector<json> out;
  for (const json& e : d.events()) {
    if (e.value("type", "") == "source.state" && e.value("source", "") == source) out.push_back(e);
  }
  return out;
}

TEST(SourceHealth, JmaAnswering500IsDegradedThenFailingAfterTheThresholdThenOkAgain) {
  JmaFeedServer server(kBulletins);
  server.set_feed(read_text(kFixtures / "atom-eqvol.xml"), "Fri, 13 Jun 2008 23:48:00 GMT");
  for (int i = 0; i < 100'000; ++i) server.fail_feed(500, "SECRET-500-PAGE");
  // Three seconds of degraded: long enough to be seen even on a loaded machine.
  TestDaemon d = polling_daemon(server.feed_url(), 3);

  // At once degraded (the first failure), not yet failing, and nothing journaled for it.
  ASSERT_TRUE(wait_until([&] { return state_of(d, "jma") == "degraded"; }, 10s))
      << d.get("/healthz").body;
  EXPECT_TRUE(source_events(d, "jma").empty()) << "degraded must not be journaled";
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="jma",state="degraded"})"), 1);

  ASSERT_TRUE(wait_until([&] { return state_of(d, "jma") == "failing"; }, 10s))
      << d.get("/healthz").body;
  json detail = source_detail(d, "jma");
  EXPECT_EQ(detail["why"], "HTTP 500");
  EXPECT_GE(detail["failures"].get<int>(), 2);
  EXPECT_FALSE(detail.contains("last_ok")) << "the feed never answered";
  // since = the first failure, at least the threshold before now.
  const model::TimePoint since = model::parse_time(detail["since"].get<std::string>());
  EXPECT_LE(since, std::chrono::time_point_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now()) -
                       3s);
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="jma",state="failing"})"), 1);
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="jma",state="ok"})"), 0);
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="jma",state="degraded"})"), 0);

  // Journaled once, with the reason and without content; the snapshot (what a wall starts
  // from) has it too.
  ASSERT_TRUE(wait_until([&] { return source_events(d, "jma").size() == 1; }, 10s));
  json failing = source_events(d, "jma").front();
  EXPECT_EQ(failing["state"], "failing");
  EXPECT_EQ(failing["why"], "HTTP 500");
  EXPECT_EQ(failing["since"], detail["since"]);
  EXPECT_EQ(failing.dump().find("SECRET"), std::string::npos) << failing.dump();
  model::Situation s = d.snapshot();
  ASSERT_TRUE(s.sources.contains("jma"));
  EXPECT_EQ(s.sources.at("jma").state, model::SourceHealth::failing);

  // The feed answers again: ok, journaled, metrics follow.
  server.clear_feed_failures();
  ASSERT_TRUE(wait_until([&] { return state_of(d, "jma") == "ok"; }, 10s))
      << d.get("/healthz").body;
  EXPECT_TRUE(source_detail(d, "jma").contains("last_ok"));
  EXPECT_FALSE(source_detail(d, "jma").contains("why"));
  ASSERT_TRUE(wait_until([&] { return source_events(d, "jma").size() == 2; }, 10s));
  EXPECT_EQ(source_events(d, "jma").back()["state"], "ok");
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="jma",state="ok"})"), 1);
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="jma",state="failing"})"), 0);
  EXPECT_EQ(d.snapshot().sources.at("jma").state, model::SourceHealth::ok);
}

TEST(SourceHealth, ARestartedDaemonKeepsFailingSinceTheFirstFailure) {
  JmaFeedServer server(kBulletins);
  server.set_feed(read_text(kFixtures / "atom-eqvol.xml"), "Fri, 13 Jun 2008 23:48:00 GMT");
  for (int i = 0; i < 100'000; ++i) server.fail_feed(500, "");
  TempDir data;
  std::string since;
  auto options = [&](DaemonOptions& o) {
    o.jma_poll_interval = std::chrono::milliseconds(20);
    o.data_dir = data.path();
  };
  auto town = [&](config::TownConfig& t) {
    t.alerts = jma_alerts(server.feed_url());
    t.source_health.failing_after_seconds = 1;
  };
  {
    TestDaemon first(options, town);
    ASSERT_TRUE(wait_until([&] { return source_events(first, "jma").size() == 1; }, 10s));
    since = source_events(first, "jma").front()["since"].get<std::string>();
  }
  TestDaemon second(options, town);
  ASSERT_TRUE(wait_until([&] { return state_of(second, "jma") == "failing"; }, 10s));
  EXPECT_EQ(source_detail(second, "jma")["since"], since);
  EXPECT_EQ(source_events(second, "jma").size(), 1u) << "the restart journaled it again";
}

TEST(SourceHealth, SilentLineWorksCallbacksAreQuietNotFailingAndOkAgainWithTheNext) {
  TestDaemon d({}, [](config::TownConfig& town) {
    town.source_health.quiet_after_seconds = 1;
    town.source_health.failing_after_seconds = 1;
  });
  EXPECT_EQ(state_of(d, "lineworks"), "ok");
  EXPECT_EQ(source_detail(d, "lineworks")["kind"], "pushed");
  EXPECT_EQ(state_of(d, "jma"), "") << "no poller configured, no jma source";
  ASSERT_TRUE(wait_until([&] { return state_of(d, "lineworks") == "quiet"; }, 10s));
  ASSERT_TRUE(wait_until([&] { return source_events(d, "lineworks").size() == 1; }, 10s));
  EXPECT_EQ(source_events(d, "lineworks").front()["state"], "quiet");
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="lineworks",state="quiet"})"), 1);
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="lineworks",state="failing"})"), 0);

  // A badly signed callback is not LINE WORKS speaking; a signed one is.
  HttpResult bad = d.post("/callback/lineworks", lw_text("u-1", "ch-hq", "x").dump(),
                          {{"X-WORKS-BotId", kBotId}, {"X-WORKS-Signature", "bad"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(state_of(d, "lineworks"), "quiet");
  HttpResult good = post_lineworks(d.port(), lw_text("u-1", "ch-hq", "おはよう").dump());
  EXPECT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(state_of(d, "lineworks"), "ok");
  ASSERT_TRUE(wait_until([&] { return source_events(d, "lineworks").size() == 2; }, 10s));
  EXPECT_EQ(source_events(d, "lineworks").back()["state"], "ok");
}

// The NATS bridge (issue 18) is a source too: a town whose servers do not answer shows it
// degraded at once, failing after the threshold, with the publisher's state as the reason --
// journaled, in /healthz and in /metrics -- while ingest goes on.
TEST(SourceHealth, ABridgeWhoseNatsServersDoNotAnswerIsDegradedThenFailing) {
  const std::uint16_t dead = free_port();  // nothing listens there
  TestDaemon d({}, [&](config::TownConfig& town) {
    town.bridge = config::BridgeConfig{{"nats://127.0.0.1:" + std::to_string(dead)}, "sample"};
    town.source_health.failing_after_seconds = 2;
  });
  ASSERT_TRUE(wait_until([&] { return state_of(d, "nats") == "degraded"; }, 20s))
      << d.get("/healthz").body;
  ASSERT_TRUE(wait_until([&] { return state_of(d, "nats") == "failing"; }, 20s))
      << d.get("/healthz").body;
  const json detail = source_detail(d, "nats");
  ASSERT_TRUE(detail["why"].is_string()) << detail.dump();
  EXPECT_EQ(detail["why"].get<std::string>().rfind("publisher ", 0), 0u) << detail.dump();
  EXPECT_EQ(detail["kind"], "polled");
  EXPECT_EQ(d.metric(R"(bcp_source_state{source="nats",state="failing"})"), 1);
  ASSERT_TRUE(wait_until([&] { return source_events(d, "nats").size() == 1; }, 10s));
  EXPECT_EQ(source_events(d, "nats").front()["state"], "failing");
  // The link to the region is down; the town's own wall keeps taking talk.
  EXPECT_EQ(d.post_json("/v1/talk",
                        json{{"group", "hq"}, {"text", "NATS が落ちても受け付ける"},
                             {"sender", {{"id", "s001"}}}},
                        kIngest)
                .status,
            200);
}

}  // namespace
}  // namespace bcp::daemon::test
