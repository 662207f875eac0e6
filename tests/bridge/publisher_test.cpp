// TownPublisher and RegionConsumer over a real 3-node cluster, without failures: three towns
// at once, restarts of the publisher, the hand-off running over, the local mark, and the
// states it must refuse to "fix" by itself.
#include <gtest/gtest.h>

#include "bridge_test_support.hpp"

namespace bcp::bridge {
namespace {

using bcp::test::NatsCluster;
using bcp::test::wait_until;
using namespace testing;

TEST(TownPublisher, ThreeTownsBurstArriveExactlyOnceInEachTownsOrder) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  Town minami("minami", cluster.urls(), temp_dir("minami"));
  Town higashi("higashi", cluster.urls(), temp_dir("higashi"));
  std::vector<Town*> towns{&kita, &minami, &higashi};
  kita.ingest(40);  // journaled before the bridge started: sent too
  for (Town* t : towns) t->start_publisher();
  Region region;
  region.start(region.options(cluster.urls()));
  {
    Burst burst(towns, 400);
    burst.join();
  }
  ASSERT_TRUE(wait_until([&] { return caught_up(region, towns); }, 30s))
      << region.last("kita") << "/" << kita.last_seq();
  for (Town* t : towns) {
    expect_exactly_once(region, *t);
    const auto m = t->publisher()->metrics();
    EXPECT_EQ(m.bridged, t->last_seq());
    EXPECT_EQ(m.lag, 0u);
    EXPECT_EQ(m.state, PublisherState::live);
  }
  auto c = connect_to(cluster);
  for (Town* t : towns) expect_stream_holds_exactly(*c, *t);
  const auto cm = region.consumer()->metrics();
  EXPECT_EQ(cm.applied_events, 440u + 400u + 400u);
  EXPECT_EQ(cm.gaps, 0u);
  EXPECT_EQ(cm.rejected, 0u);
}

TEST(TownPublisher, RestartResumesFromTheStreamsLastMessageWithoutGapOrDouble) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  kita.start_publisher();
  Region region;
  region.start(region.options(cluster.urls()));
  for (int round = 0; round < 3; ++round) {
    Burst burst({&kita}, 300);
    // Stop in the middle of the burst, while publishes are in flight.
    ASSERT_TRUE(
        wait_until([&] { return kita.publisher()->metrics().bridged >= 100u * (round + 1); }, 20s));
    kita.stop_publisher();
    if (round == 1) std::filesystem::remove(kita.mark_file());  // the stream alone knows
    kita.start_publisher();
    burst.join();
  }
  ASSERT_TRUE(wait_until([&] { return caught_up(region, {&kita}); }, 30s));
  expect_exactly_once(region, kita);
  auto c = connect_to(cluster);
  expect_stream_holds_exactly(*c, kita);
  EXPECT_GE(kita.publisher()->metrics().resyncs, 1u);
}

TEST(TownPublisher, AHandoffThatRunsOverIsRefilledFromTheJournal) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  auto o = kita.options();
  o.handoff_events = 8;
  o.batch = 16;
  kita.start_publisher(o);
  Region region;
  region.start(region.options(cluster.urls()));
  kita.ingest(500);  // in one go: far more than the hand-off holds
  ASSERT_TRUE(wait_until([&] { return caught_up(region, {&kita}); }, 30s));
  expect_exactly_once(region, kita);
  EXPECT_GT(kita.publisher()->metrics().journal_reads, 0u);
}

TEST(TownPublisher, AJournalReadThatFailsIsRetriedWithoutAGap) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  auto o = kita.options();
  o.handoff_events = 4;  // most events must be read back from the journal
  o.batch = 8;
  auto read = o.read;
  std::atomic<int> failures{0};
  o.read = [&, read](std::uint64_t after, std::size_t limit) {
    // Once a std::exception, once anything else: neither may end the publisher's thread.
    if (after >= 20 && failures < 2) {
      if (failures++ == 0) throw std::runtime_error("database is locked");
      throw 42;
    }
    return read(after, limit);
  };
  kita.start_publisher(o);
  Region region;
  region.start(region.options(cluster.urls()));
  kita.ingest(100);
  ASSERT_TRUE(wait_until([&] { return caught_up(region, {&kita}); }, 30s));
  expect_exactly_once(region, kita);
  EXPECT_EQ(failures.load(), 2);
  EXPECT_GE(kita.publisher()->metrics().errors, 2u);
}

TEST(TownPublisher, WhenRetentionRemovedItsMessagesItGoesOnAfterTheLocalMark) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  kita.start_publisher();
  kita.ingest(50);
  ASSERT_TRUE(wait_until([&] { return kita.publisher()->metrics().bridged == 50; }, 20s));
  kita.stop_publisher();
  auto c = connect_to(cluster);
  c->purge_subject(kStreamName, events_subject("kita"));  // what max_age does to a quiet town
  ASSERT_FALSE(c->last_msg(kStreamName, events_subject("kita")));
  kita.ingest(5);
  kita.start_publisher();
  ASSERT_TRUE(wait_until([&] { return kita.publisher()->metrics().bridged == 55; }, 20s));
  // Only 51..55 were sent again, not 1..55.
  auto first = c->next_msg(kStreamName, events_subject("kita"), 1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->msg_id, "kita:51");
  EXPECT_EQ(kita.publisher()->metrics().published, 5u);
}

TEST(TownPublisher, AStreamAheadOfTheJournalBlocksInsteadOfSkippingNewEvents) {
  NatsCluster cluster;
  {
    Town old_kita("kita", cluster.urls(), temp_dir("old"));
    old_kita.start_publisher();
    old_kita.ingest(30);
    ASSERT_TRUE(wait_until([&] { return old_kita.publisher()->metrics().bridged == 30; }, 20s));
  }
  // Same town id, fresh journal (a replaced data directory): its seqs 1..10 are not the
  // stream's kita:1..10, and must not be silently dropped as "already there".
  Town kita("kita", cluster.urls(), temp_dir("new"));
  kita.ingest(10);
  kita.start_publisher();
  ASSERT_TRUE(wait_until(
      [&] { return kita.publisher()->metrics().state == PublisherState::blocked; }, 20s));
  const auto m = kita.publisher()->metrics();
  EXPECT_NE(m.last_error.find("up to seq 30"), std::string::npos) << m.last_error;
  EXPECT_EQ(m.published, 0u);
  EXPECT_EQ(m.lag, 10u);
}

TEST(TownPublisher, AForeignMessageOnTheTownsSubjectBlocksIt) {
  NatsCluster cluster;
  auto c = connect_to(cluster);
  ensure_stream(*c, StreamSettings{}, 3);
  c->js_publish(events_subject("kita"), "{}", "someone-else-1", 0);
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  kita.ingest(3);
  kita.start_publisher();
  ASSERT_TRUE(wait_until(
      [&] { return kita.publisher()->metrics().state == PublisherState::blocked; }, 20s));
  EXPECT_NE(kita.publisher()->metrics().last_error.find("someone-else-1"), std::string::npos);
}

TEST(TownPublisher, HeartbeatsCarryCommittedAndBridgedAndKeepComingWithoutEvents) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  kita.ingest(7);
  kita.start_publisher();
  Region region;
  region.start(region.options(cluster.urls()));
  ASSERT_TRUE(wait_until(
      [&] {
        auto beats = region.heartbeats();
        int quiet = 0;
        for (const auto& b : beats) quiet += b.town == "kita" && b.committed == 7 && b.bridged == 7;
        return quiet >= 3;  // 3 heartbeats while the town is quiet
      },
      10s));
  const auto beats = region.heartbeats();
  EXPECT_FALSE(beats.front().at.empty());
  for (std::size_t i = 1; i < beats.size(); ++i) {
    EXPECT_LE(beats[i].received - beats[i - 1].received, std::chrono::seconds(5));
  }
}

}  // namespace
}  // namespace bcp::bridge
