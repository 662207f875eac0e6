// RegionConsumer: the durable consumer survives the region's restarts, deliveries lost on
// the way (a region that fetched and died) are filled from the stream in order, an event the
// region fails to apply comes again, and foreign or unfollowed messages are acked aside.
#include <gtest/gtest.h>

#include "bridge_test_support.hpp"

namespace bcp::bridge {
namespace {

using bcp::test::NatsCluster;
using bcp::test::wait_until;
using namespace testing;

bool durable_exists(Connection& c, const std::string& durable) {
  jsConsumerInfo* info = nullptr;
  jsErrCode jerr = jsErrCode(0);
  const bool found =
      js_GetConsumerInfo(&info, c.js(), kStreamName, durable.c_str(), nullptr, &jerr) == NATS_OK;
  if (info) jsConsumerInfo_Destroy(info);
  return found;
}

// What a region process that fetched a batch and then died leaves behind: `count` messages
// delivered to the durable and never acked.
void fetch_and_drop(Connection& c, const std::string& durable, int count) {
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = kStreamName;
  so.Consumer = durable.c_str();
  natsSubscription* sub = nullptr;
  jsErrCode jerr = jsErrCode(0);
  ASSERT_EQ(js_PullSubscribe(&sub, c.js(), kStreamSubjects, durable.c_str(), nullptr, &so, &jerr),
            NATS_OK)
      << jerr;
  natsMsgList list{nullptr, 0};
  ASSERT_EQ(natsSubscription_Fetch(&list, sub, count, 5000, &jerr), NATS_OK) << jerr;
  EXPECT_EQ(list.Count, count);
  natsMsgList_Destroy(&list);
  natsSubscription_Destroy(sub);  // not Unsubscribe: that would delete the durable
}

TEST(RegionConsumer, StopAndRestartResumesTheDurableWhereItStood) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  Town minami("minami", cluster.urls(), temp_dir("minami"));
  kita.start_publisher();
  minami.start_publisher();
  Region region;
  region.start(region.options(cluster.urls()));
  Burst burst({&kita, &minami}, 600);
  for (int round = 1; round <= 3; ++round) {
    ASSERT_TRUE(wait_until([&] { return region.last("kita") >= 150u * round; }, 30s));
    region.stop();  // finishes its batch, acks, flushes
    auto c = connect_to(cluster);
    EXPECT_TRUE(durable_exists(*c, "bcp-region"));
    region.start(region.options(cluster.urls()));  // carries the applied marks over
  }
  burst.join();
  ASSERT_TRUE(wait_until([&] { return caught_up(region, {&kita, &minami}); }, 30s));
  expect_exactly_once(region, kita);
  expect_exactly_once(region, minami);
  // The restarted consumer went on after the ack floor: nothing from the start came again.
  EXPECT_EQ(region.consumer()->metrics().duplicates, 0u);
}

class LostDeliveries : public ::testing::TestWithParam<bool> {};

// The region applied 1..20, then a process fetched 21..50 and died without acking. The next
// one is handed 51.. first (21..50 wait for the ack timeout); it must read 21..50 from the
// stream and apply them before 51, and skip their redelivery later.
TEST_P(LostDeliveries, AreFilledFromTheStreamInOrderAndTheirRedeliverySkipped) {
  const bool stream_seq_known = GetParam();
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  Town minami("minami", cluster.urls(), temp_dir("minami"));
  kita.start_publisher();
  minami.start_publisher();
  Region region;
  auto o = region.options(cluster.urls());
  o.towns = {"kita"};
  o.ack_wait = 2s;
  region.start(o);
  kita.ingest(20);
  ASSERT_TRUE(wait_until([&] { return region.last("kita") == 20; }, 20s));
  region.stop();
  for (int i = 0; i < 10; ++i) {  // interleaved, so that the stream is not kita alone
    kita.ingest(8);
    minami.ingest(5);
  }
  ASSERT_TRUE(wait_until(
      [&] {
        return kita.publisher()->metrics().bridged == 100 &&
               minami.publisher()->metrics().bridged == 50;
      },
      20s));
  auto c = connect_to(cluster);
  fetch_and_drop(*c, "bcp-region", 30);  // 30 of the 130 messages after kita:20
  auto next = region.options(cluster.urls());
  next.towns = {"kita"};
  if (!stream_seq_known) next.applied["kita"].stream_seq = 0;  // found by bisection then
  region.start(next);
  ASSERT_TRUE(wait_until([&] { return region.last("kita") == 100; }, 20s));
  expect_exactly_once(region, kita);
  const auto m = region.consumer()->metrics();
  EXPECT_GT(m.filled, 0u);
  EXPECT_EQ(m.gaps, 0u);
  // After the 2 s ack wait the dropped deliveries come again and are skipped.
  ASSERT_TRUE(wait_until([&] { return region.consumer()->metrics().duplicates > 0; }, 20s));
  EXPECT_EQ(region.applied("kita").size(), 100u);
  EXPECT_GT(region.consumer()->metrics().other_towns, 0u);
}

INSTANTIATE_TEST_SUITE_P(StreamSeq, LostDeliveries, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Known" : "Unknown"; });

TEST(RegionConsumer, AnEventTheRegionFailedToApplyComesAgainInOrder) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  kita.start_publisher();
  Region region;
  auto o = region.options(cluster.urls());
  auto record = o.apply;
  std::atomic<int> failures{0};
  o.apply = [&, record](const TownEvent& e) {
    if (e.seq == 17 && failures < 2) {
      // Once a std::exception, once anything else: neither may end the consumer's thread.
      if (failures++ == 0) throw std::runtime_error("the region's store is full");
      throw 17;
    }
    record(e);
  };
  region.start(o);
  kita.ingest(40);
  ASSERT_TRUE(wait_until([&] { return region.last("kita") == 40; }, 30s));
  expect_exactly_once(region, kita);
  EXPECT_EQ(failures.load(), 2);
  EXPECT_GE(region.consumer()->metrics().errors, 2u);
}

TEST(RegionConsumer, ForeignMessagesAreSetAsideWithoutStoppingTheTowns) {
  NatsCluster cluster;
  Town kita("kita", cluster.urls(), temp_dir("kita"));
  kita.start_publisher();
  kita.ingest(5);
  ASSERT_TRUE(wait_until([&] { return kita.publisher()->metrics().bridged == 5; }, 20s));
  auto c = connect_to(cluster);
  c->js_publish(events_subject("nishi"), "{}", "not-a-town-seq", 0);  // no <town>:<seq>
  c->publish(heartbeat_subject("nishi"), "{not json");
  kita.ingest(5);
  Region region;
  region.start(region.options(cluster.urls()));
  ASSERT_TRUE(wait_until([&] { return region.last("kita") == 10; }, 20s));
  expect_exactly_once(region, kita);
  EXPECT_EQ(region.consumer()->metrics().rejected, 1u);
  EXPECT_TRUE(region.applied("nishi").empty());
}

TEST(RegionConsumer, RefusesAnIncompatibleDurableOfTheSameName) {
  NatsCluster cluster;
  auto c = connect_to(cluster);
  ensure_stream(*c, StreamSettings{}, 3);
  jsConsumerConfig cc;
  jsConsumerConfig_Init(&cc);
  cc.Durable = "bcp-region";
  cc.AckPolicy = js_AckNone;
  jsErrCode jerr = jsErrCode(0);
  ASSERT_EQ(js_AddConsumer(nullptr, c->js(), kStreamName, &cc, nullptr, &jerr), NATS_OK) << jerr;
  Region region;
  region.start(region.options(cluster.urls()));
  ASSERT_TRUE(wait_until([&] { return !region.consumer()->metrics().last_error.empty(); }, 20s));
  EXPECT_NE(region.consumer()->metrics().last_error.find("explicit acks"), std::string::npos);
  EXPECT_FALSE(region.consumer()->metrics().bound);
}

}  // namespace
}  // namespace bcp::bridge
