// ensure_stream against a real 3-node cluster: created as the contract says, an existing
// compatible stream left alone, an incompatible one refused with a reason.
#include <gtest/gtest.h>

#include "bridge_test_support.hpp"

namespace bcp::bridge {
namespace {

using bcp::test::NatsCluster;
using namespace std::chrono_literals;

std::unique_ptr<Connection> connect_to(const std::vector<std::string>& servers) {
  ConnectOptions o;
  o.servers = servers;
  return Connection::connect(o);
}

TEST(EnsureStream, CreatesTheTownsStreamWithThreeReplicasAndAnExplicitWindow) {
  NatsCluster cluster;
  auto c = connect_to(cluster.urls());
  EXPECT_EQ(ensure_stream(*c, StreamSettings{}, cluster.urls().size()), StreamOutcome::created);
  auto info = c->stream_info(kStreamName);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->subjects, std::vector<std::string>{"bcp.town.*.events"});
  EXPECT_EQ(info->replicas, 3);
  EXPECT_EQ(info->duplicate_window, 120s);
  EXPECT_EQ(info->max_age, std::chrono::hours(24 * 7));
  EXPECT_EQ(info->retention, js_LimitsPolicy);
  EXPECT_EQ(info->storage, js_FileStorage);
  // A second town finds it and leaves it alone.
  EXPECT_EQ(ensure_stream(*c, StreamSettings{}, 3), StreamOutcome::existing);
}

TEST(EnsureStream, ReplicasAreMinOfThreeAndTheServersConfigured) {
  NatsCluster cluster;
  auto c = connect_to({cluster.url(1)});
  ensure_stream(*c, StreamSettings{}, /*server_count=*/1);
  EXPECT_EQ(c->stream_info(kStreamName)->replicas, 1);
  c->delete_stream(kStreamName);
  ensure_stream(*c, StreamSettings{}, /*server_count=*/5);
  EXPECT_EQ(c->stream_info(kStreamName)->replicas, 3);
}

TEST(EnsureStream, LeavesACompatibleStreamAsTheOperatorMadeIt) {
  NatsCluster cluster;
  auto c = connect_to(cluster.urls());
  StreamSettings operators;
  operators.replicas = 2;
  operators.duplicate_window = 300s;
  operators.max_age = std::chrono::hours(48);
  ensure_stream(*c, operators, 3);
  EXPECT_EQ(ensure_stream(*c, StreamSettings{}, 3), StreamOutcome::existing);
  auto info = c->stream_info(kStreamName);
  EXPECT_EQ(info->replicas, 2);
  EXPECT_EQ(info->duplicate_window, 300s);
  EXPECT_EQ(info->max_age, std::chrono::hours(48));
}

TEST(EnsureStream, RefusesAnIncompatibleStreamAndSaysWhy) {
  NatsCluster cluster;
  auto c = connect_to(cluster.urls());
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  const char* subjects[] = {"bcp.town.*.events"};
  cfg.Name = kStreamName;
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Retention = js_WorkQueuePolicy;
  cfg.Storage = js_MemoryStorage;
  jsErrCode jerr = jsErrCode(0);
  ASSERT_EQ(js_AddStream(nullptr, c->js(), &cfg, nullptr, &jerr), NATS_OK) << jerr;
  try {
    ensure_stream(*c, StreamSettings{}, 3);
    FAIL() << "accepted a work-queue stream";
  } catch (const BridgeError& e) {
    EXPECT_NE(std::string(e.what()).find("not limits retention"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("BCP_TOWNS"), std::string::npos) << e.what();
  }
  c->delete_stream(kStreamName);
  const char* other[] = {"bcp.other.>"};
  cfg.Subjects = other;
  cfg.Retention = js_LimitsPolicy;
  ASSERT_EQ(js_AddStream(nullptr, c->js(), &cfg, nullptr, &jerr), NATS_OK) << jerr;
  EXPECT_THROW(ensure_stream(*c, StreamSettings{}, 3), BridgeError);
}

}  // namespace
}  // namespace bcp::bridge
