// The bridge while nats-server nodes fail: kill -9 of a follower and of the stream leader
// during a burst, the whole link down and back, and a cluster without quorum. In every case
// the region ends with exactly 1..N of each town, in order, none twice, and the stream holds
// each town's events once.
#include <gtest/gtest.h>

#include "bridge_test_support.hpp"

namespace bcp::bridge {
namespace {

using bcp::test::NatsCluster;
using bcp::test::wait_until;
using namespace testing;

struct ThreeTowns {
  explicit ThreeTowns(const NatsCluster& cluster)
      : kita("kita", cluster.urls(), temp_dir("kita")),
        minami("minami", cluster.urls(), temp_dir("minami")),
        higashi("higashi", cluster.urls(), temp_dir("higashi")) {
    for (Town* t : all()) t->start_publisher();
  }
  std::vector<Town*> all() { return {&kita, &minami, &higashi}; }
  Town kita, minami, higashi;
};

void expect_all_exactly_once(const NatsCluster& cluster, Region& region, ThreeTowns& towns) {
  ASSERT_TRUE(wait_until([&] { return caught_up(region, towns.all()); }, 60s))
      << "kita " << region.last("kita") << "/" << towns.kita.last_seq() << ", state "
      << state_name(towns.kita.publisher()->metrics().state) << ": "
      << towns.kita.publisher()->metrics().last_error << "\n"
      << cluster.all_log_tails();
  for (Town* t : towns.all()) expect_exactly_once(region, *t);
  const auto m = region.consumer()->metrics();
  test_log("caught up: region applied " + std::to_string(m.applied_events) + ", filled " +
           std::to_string(m.filled) + ", redeliveries skipped " + std::to_string(m.duplicates) +
           ", kita publisher errors " + std::to_string(towns.kita.publisher()->metrics().errors));
  EXPECT_EQ(m.gaps, 0u);
  auto c = connect_to(cluster);
  for (Town* t : towns.all()) expect_stream_holds_exactly(*c, *t);
}

int leader_index(const NatsCluster& cluster) {
  std::string leader;
  wait_until([&] { return !(leader = cluster.stream_leader(kStreamName)).empty(); }, 20s);
  return cluster.index_of(leader);
}

TEST(Failover, KillingAFollowerDuringABurstLosesAndDoublesNothing) {
  NatsCluster cluster;
  ThreeTowns towns(cluster);
  Region region;
  region.start(region.options(cluster.urls()));
  Burst burst(towns.all(), 500);
  ASSERT_TRUE(wait_until([&] { return towns.kita.publisher()->metrics().bridged >= 100; }, 20s));
  const int leader = leader_index(cluster);
  ASSERT_GE(leader, 0);
  const int follower = (leader + 1) % cluster.size();
  test_log("killing the follower " + cluster.node(follower).name);
  cluster.kill(follower);
  burst.join();
  expect_all_exactly_once(cluster, region, towns);
}

TEST(Failover, KillingTheStreamLeaderDuringABurstLosesAndDoublesNothing) {
  NatsCluster cluster;
  ThreeTowns towns(cluster);
  Region region;
  region.start(region.options(cluster.urls()));
  Burst burst(towns.all(), 500);
  ASSERT_TRUE(wait_until([&] { return towns.kita.publisher()->metrics().bridged >= 100; }, 20s));
  const int leader = leader_index(cluster);
  ASSERT_GE(leader, 0);
  test_log("killing the stream leader " + cluster.node(leader).name);
  cluster.kill(leader);
  burst.join();
  expect_all_exactly_once(cluster, region, towns);
  // A new leader was elected among the two left, and the publishers went through errors.
  const std::string now = cluster.stream_leader(kStreamName);
  EXPECT_FALSE(now.empty());
  EXPECT_NE(now, cluster.node(leader).name);
  EXPECT_GT(towns.kita.publisher()->metrics().errors, 0u);
  EXPECT_GT(towns.kita.publisher()->metrics().resyncs, 1u);
  // The killed node comes back with its store and the towns go on.
  test_log("restarting " + cluster.node(leader).name);
  cluster.restart(leader);
  test_log("restarted");
  for (Town* t : towns.all()) t->ingest(20);
  expect_all_exactly_once(cluster, region, towns);
}

TEST(Failover, LinkDownTheTownKeepsIngestingAndCatchesUpWhenItReturns) {
  NatsCluster cluster;
  ThreeTowns towns(cluster);
  Region region;
  region.start(region.options(cluster.urls()));
  for (Town* t : towns.all()) t->ingest(50);
  ASSERT_TRUE(wait_until([&] { return caught_up(region, towns.all()); }, 30s));
  test_log("stopping all servers");
  cluster.stop_all();
  // Ingest goes on: committed() never waits for NATS.
  for (Town* t : towns.all()) t->ingest(300);
  ASSERT_TRUE(wait_until([&] { return !towns.kita.publisher()->metrics().connected; }, 10s));
  auto m = towns.kita.publisher()->metrics();
  EXPECT_EQ(m.committed, 350u);
  EXPECT_EQ(m.bridged, 50u);
  EXPECT_EQ(m.lag, 300u);
  test_log("restarting all servers");
  cluster.restart_all();
  test_log("all servers healthy");
  expect_all_exactly_once(cluster, region, towns);
  EXPECT_EQ(towns.kita.publisher()->metrics().lag, 0u);
}

TEST(Failover, WithoutQuorumHeartbeatsStillTellTheRegionWhatIsWaiting) {
  NatsCluster cluster;
  ThreeTowns towns(cluster);
  Region region;
  region.start(region.options(cluster.urls()));
  for (Town* t : towns.all()) t->ingest(30);
  ASSERT_TRUE(wait_until([&] { return caught_up(region, towns.all()); }, 30s));
  const int leader = leader_index(cluster);
  test_log("killing two of three servers");
  cluster.kill((leader + 1) % 3);
  cluster.kill((leader + 2) % 3);
  for (Town* t : towns.all()) t->ingest(20);
  // The stream cannot store (1 of 3), but the town is alive: its heartbeats arrive over the
  // one server left and say that 50 are committed and only 30 bridged.
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& b : region.heartbeats()) {
          if (b.town == "kita" && b.committed == 50 && b.bridged == 30) return true;
        }
        return false;
      },
      20s));
  EXPECT_EQ(region.last("kita"), 30u);
  test_log("restarting one of them");
  cluster.restart((leader + 1) % 3);
  test_log("it is healthy");
  expect_all_exactly_once(cluster, region, towns);
  cluster.restart((leader + 2) % 3);
  for (Town* t : towns.all()) t->ingest(10);
  expect_all_exactly_once(cluster, region, towns);
}

}  // namespace
}  // namespace bcp::bridge
