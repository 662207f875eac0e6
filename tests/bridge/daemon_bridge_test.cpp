// bcp-feedd with a `bridge` section (issue 18): the town daemon runs the TownPublisher beside
// ingest. Real bcp-feedd children against a real 3-node nats-server cluster on loopback.
#include <gtest/gtest.h>

#include "daemon_towns.hpp"
#include "nats_cluster.hpp"

namespace bcp::bridge::testing {
namespace {

std::unique_ptr<Connection> connect(const test::NatsCluster& cluster) {
  ConnectOptions o;
  o.servers = cluster.urls();
  o.request_wait = 1500ms;
  return Connection::connect(o);
}

fs::path scratch(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::temp_directory_path() /
                 ("bcp-dbridge-" + std::to_string(getpid()) + "-" + info->name() + "-" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(TownDaemonBridge, PostedEventsArriveOnTheStreamInOrderWithTheirMsgIds) {
  test::NatsCluster cluster;
  TownDaemon town(scratch("hoshikawa"), "hoshikawa", cluster.urls());
  town.start();
  for (int i = 1; i <= 25; ++i) ASSERT_EQ(town.post_talk("【訓練】報告 " + std::to_string(i)), 200);
  ASSERT_EQ(town.seq(), 25);
  ASSERT_TRUE(test::wait_until([&] { return town.metric("bcp_bridge_bridged_seq") == 25; }, 20s))
      << "bridged " << town.metric("bcp_bridge_bridged_seq");
  EXPECT_EQ(town.metric("bcp_bridge_lag_events"), 0);
  EXPECT_EQ(town.metric("bcp_bridge_committed_seq"), 25);
  EXPECT_EQ(town.metric("bcp_bridge_state{state=\"live\"}"), 1);
  EXPECT_EQ(town.metric("bcp_bridge_connected"), 1);

  auto c = connect(cluster);
  expect_stream_is(*c, "hoshikawa", 25);
  // The payload is the event as GET /v1/events serves it.
  const auto held = stream_of(*c, "hoshikawa");
  const json last = json::parse(held.back().data);
  EXPECT_EQ(last.at("type"), "talk.message");
  EXPECT_EQ(last.at("text"), "【訓練】報告 25");
  EXPECT_EQ(last.at("group"), "hq");
}

TEST(TownDaemonBridge, KillNineDuringABurstThenRestartLeavesNoGapAndNoDuplicate) {
  test::NatsCluster cluster;
  TownDaemon town(scratch("sorano"), "sorano", cluster.urls());
  town.start();
  {
    HttpBurst burst(town);
    ASSERT_TRUE(test::wait_until([&] { return town.metric("bcp_bridge_bridged_seq") >= 40; }, 20s));
    town.kill9();  // mid-burst: events committed but not yet bridged die with the process
    burst.stop();
    EXPECT_GE(burst.acknowledged(), 40);
  }
  town.start();
  const std::int64_t before_restart = town.seq();
  ASSERT_GE(before_restart, 40);
  {
    HttpBurst more(town, 30);
    more.join();
    EXPECT_EQ(more.acknowledged(), 30);
  }
  const std::int64_t committed = town.seq();
  ASSERT_EQ(committed, before_restart + 30);
  ASSERT_TRUE(test::wait_until(
      [&] { return town.metric("bcp_bridge_bridged_seq") == static_cast<double>(committed); }, 30s))
      << "bridged " << town.metric("bcp_bridge_bridged_seq") << " of " << committed;
  auto c = connect(cluster);
  expect_stream_is(*c, "sorano", committed);
  // The restarted publisher found its place from the stream: nothing was sent twice as new.
  EXPECT_EQ(town.metric("bcp_bridge_lag_events"), 0);
}

TEST(TownDaemonBridge, ATownWithoutBridgeSectionServesAsBeforeWithoutBridgeMetrics) {
  daemon::test::TestDaemon d;  // the sample town: no `bridge` section
  ASSERT_EQ(d.post_json("/v1/talk", talk("ok"), daemon::test::kIngest).status, 200);
  EXPECT_EQ(d.seq(), 1);
  EXPECT_EQ(d.metric("bcp_journal_seq"), 1);
  EXPECT_EQ(d.metric("bcp_bridge_bridged_seq"), -1);  // absent
  EXPECT_EQ(d.get("/metrics").body.find("bcp_bridge_"), std::string::npos);
}

}  // namespace
}  // namespace bcp::bridge::testing
