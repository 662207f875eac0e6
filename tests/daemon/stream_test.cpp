// GET /v1/stream: hello, snapshot or replay, live events in seq order without gaps, errors,
// and the bounded queue that cuts a subscriber which does not read.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket.hpp>

#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

std::vector<std::int64_t> seqs_of(const std::vector<json>& events) {
  std::vector<std::int64_t> out;
  for (const json& e : events) out.push_back(e["seq"].get<std::int64_t>());
  return out;
}

std::vector<std::int64_t> range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (std::int64_t s = first; s <= last; ++s) out.push_back(s);
  return out;
}

void expect_snapshot_start(Subscriber& sub, std::int64_t seq) {
  auto hello = sub.next();
  ASSERT_TRUE(hello) << sub.error();
  EXPECT_EQ((*hello)["v"], 1);
  EXPECT_EQ((*hello)["type"], "hello");
  EXPECT_EQ((*hello)["mode"], "snapshot");
  EXPECT_EQ((*hello)["seq"], seq);
  auto snapshot = sub.next();
  ASSERT_TRUE(snapshot) << sub.error();
  EXPECT_EQ((*snapshot)["type"], "snapshot");
  EXPECT_EQ((*snapshot)["seq"], seq);
}

TEST(Stream, EveryEndpointReachesTwoSubscribersInTheSameOrder) {
  TestDaemon d;
  Subscriber a(d.port(), std::nullopt);
  Subscriber b(d.port(), std::nullopt);
  expect_snapshot_start(a, 0);
  expect_snapshot_start(b, 0);

  auto ok = [](const HttpResult& r) {
    EXPECT_GE(r.status, 200) << r.body;
    EXPECT_LT(r.status, 300) << r.body;
    return r.json();
  };
  ok(d.post_json("/v1/talk", talk("ストリーム"), kIngest));
  ok(d.post_json("/v1/availability", {{"staff", "s002"}, {"status", "en_route"}}, kIngest));
  const std::string rc =
      ok(d.post_json("/v1/rollcalls", {{"title", "安否"}}, kOperator))["rollcall"];
  ok(d.post_json("/v1/rollcalls/" + rc + "/checkins",
                 {{"staff", "s001"}, {"safety", "safe"}, {"can_work", "yes"}}, kIngest));
  ok(d.post_json("/v1/rollcalls/current/checkins",
                 {{"staff", "s002"}, {"safety", "safe"}, {"can_work", "no"}}, kIngest));
  ok(post_lineworks(d.port(), lw_text("lw-s003", "ch-hq", "LINE WORKSから").dump()));
  ok(post_lineworks(d.port(), json({{"type", "postback"},
                                    {"source", {{"userId", "lw-s004"}}},
                                    {"data", "anpi=serious_injury&work=no"}})
                                  .dump()));
  ok(post_lineworks(d.port(),
                    json({{"type", "joined"}, {"source", {{"channelId", "ch-soumu"}}}}).dump()));
  const std::string alert = ok(d.post_json(
      "/v1/alerts", {{"kind", "earthquake"}, {"severity", "critical"}, {"title", "震度5強"}},
      kOperator))["alert"];
  ok(d.post_json("/v1/alerts/" + alert + "/ack", json::object(), kOperator));
  ok(d.post_json("/v1/alerts/" + alert + "/cancel", {{"reason", "誤報"}}, kOperator));
  ok(d.post_json("/v1/rollcalls/" + rc + "/close", json::object(), kOperator));
  const std::vector<std::string> types = {
      "talk.message",     "staff.availability", "rollcall.started", "rollcall.checkin",
      "rollcall.checkin", "talk.message",       "rollcall.checkin", "notice",
      "alert.raised",     "alert.acknowledged", "alert.cancelled",  "rollcall.closed"};
  const std::int64_t last = d.seq();
  ASSERT_EQ(last, static_cast<std::int64_t>(types.size()));

  std::vector<json> got_a = a.events_until(last);
  std::vector<json> got_b = b.events_until(last);
  EXPECT_EQ(seqs_of(got_a), range(1, last)) << a.error();
  EXPECT_EQ(seqs_of(got_b), range(1, last)) << b.error();
  std::vector<std::string> got_types;
  for (const json& e : got_a) got_types.push_back(e["type"]);
  EXPECT_EQ(got_types, types);
  EXPECT_EQ(got_a, got_b);
  // The stream carries exactly what the journal holds.
  EXPECT_EQ(got_a, d.events(0));

  // A wall folding the stream over its snapshot agrees with the daemon.
  model::Situation wall;
  wall.directory = d.snapshot().directory;
  for (const json& e : got_a) model::apply(wall, model::event_from_json(e));
  EXPECT_EQ(model::situation_to_json(wall), model::situation_to_json(d.snapshot()));
}

TEST(Stream, SinceNullGetsSnapshotThenHeartbeats) {
  TestDaemon d;
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(d.post_json("/v1/talk", talk("s" + std::to_string(i)), kIngest).status, 200);
  Subscriber sub(d.port(), std::nullopt);
  auto hello = sub.next();
  ASSERT_TRUE(hello) << sub.error();
  EXPECT_EQ(*hello, json({{"v", 1}, {"type", "hello"}, {"seq", 3}, {"mode", "snapshot"}}));
  auto snapshot = sub.next();
  ASSERT_TRUE(snapshot);
  EXPECT_EQ((*snapshot)["type"], "snapshot");
  EXPECT_EQ((*snapshot)["seq"], 3);
  EXPECT_EQ(model::situation_from_json((*snapshot)["situation"]), d.snapshot());
  // heartbeat_interval is 200 ms in the fixture.
  auto heartbeat = sub.next(2s);
  ASSERT_TRUE(heartbeat) << sub.error();
  EXPECT_EQ((*heartbeat)["type"], "heartbeat");
  EXPECT_EQ((*heartbeat)["seq"], 3);
  EXPECT_NO_THROW(model::parse_time((*heartbeat)["at"].get<std::string>()));
}

TEST(Stream, SinceNGetsReplayThenLive) {
  TestDaemon d;
  for (int i = 1; i <= 5; ++i)
    ASSERT_EQ(d.post_json("/v1/talk", talk("r" + std::to_string(i)), kIngest).status, 200);
  Subscriber sub(d.port(), 2);
  auto hello = sub.next();
  ASSERT_TRUE(hello) << sub.error();
  EXPECT_EQ(*hello, json({{"v", 1}, {"type", "hello"}, {"seq", 5}, {"mode", "replay"}}));
  std::vector<json> replayed = sub.events_until(5);
  EXPECT_EQ(seqs_of(replayed), range(3, 5)) << sub.error();
  ASSERT_FALSE(replayed.empty());
  EXPECT_EQ(replayed[0]["text"], "r3");
  ASSERT_EQ(d.post_json("/v1/talk", talk("live"), kIngest).status, 200);
  std::vector<json> live = sub.events_until(6);
  EXPECT_EQ(seqs_of(live), std::vector<std::int64_t>{6});

  // Up to date: an empty replay, then live.
  Subscriber current(d.port(), 6);
  EXPECT_EQ((*current.next())["mode"], "replay");
  // Ahead of the journal (another daemon's seq): a snapshot, never a silent gap.
  Subscriber ahead(d.port(), 999);
  expect_snapshot_start(ahead, 6);
}

TEST(Stream, VersionMismatchNamesBothVersions) {
  TestDaemon d;
  Subscriber sub(d.port(), std::nullopt, kDisplay, 2);
  auto frame = sub.next();
  ASSERT_TRUE(frame) << sub.error();
  EXPECT_EQ((*frame)["type"], "error");
  EXPECT_EQ((*frame)["code"], "version_mismatch");
  EXPECT_EQ((*frame)["daemon_version"], 1);
  EXPECT_EQ((*frame)["client_version"], 2);
  const std::string message = (*frame)["message"];
  EXPECT_NE(message.find('1'), std::string::npos) << message;
  EXPECT_NE(message.find('2'), std::string::npos) << message;
  // Then the daemon closes the stream: nothing else arrives.
  EXPECT_FALSE(sub.next(2s));
}

TEST(Stream, UnauthorizedTokenGetsErrorFrame) {
  TestDaemon d;
  for (const char* token : {"wrong-token", kIngest, ""}) {
    Subscriber sub(d.port(), std::nullopt, token);
    auto frame = sub.next();
    ASSERT_TRUE(frame) << token << ": " << sub.error();
    EXPECT_EQ((*frame)["type"], "error") << token;
    EXPECT_EQ((*frame)["code"], "unauthorized") << token;
    EXPECT_FALSE(sub.next(2s)) << token;
  }
  EXPECT_EQ(d.metric("bcp_stream_subscribers"), 0);
}

TEST(Stream, NoHelloInTimeGetsErrorFrame) {
  TestDaemon d([](DaemonOptions& o) { o.hello_timeout = 300ms; });
  Subscriber silent(d.port(), std::nullopt, kDisplay, 1, /*send_hello=*/false);
  auto frame = silent.next(3s);
  ASSERT_TRUE(frame) << silent.error();
  EXPECT_EQ((*frame)["type"], "error");
  EXPECT_EQ((*frame)["code"], "hello_timeout");
  EXPECT_FALSE(silent.next(2s));
}

TEST(Stream, SubscriberThatNeverReadsIsDroppedOthersGetEverything) {
  TestDaemon d([](DaemonOptions& o) {
    o.socket_send_buffer = 4096;
    o.max_subscriber_queue_bytes = 32 * 1024;  // the bound is in bytes (issue 12, class 7)
  });
  // The slow wall: a tiny receive window and nobody reading it.
  StalledSubscriber slow(d.port(), std::nullopt);

  constexpr int kEvents = 40;
  Subscriber normal(d.port(), 0);
  ASSERT_EQ((*normal.next())["mode"], "replay");
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 2; }, 5s));
  std::vector<json> received;
  std::thread reader([&] { received = normal.events_until(kEvents, 30s); });
  const std::string big(6 * 1024, 'a');  // under the talk text limit, over the queue in a few
  for (int i = 1; i <= kEvents; ++i) {
    ASSERT_EQ(d.post_json("/v1/talk", talk(std::to_string(i) + big), kIngest).status, 200) << i;
  }
  reader.join();
  EXPECT_EQ(seqs_of(received), range(1, kEvents)) << normal.error();
  EXPECT_TRUE(
      wait_until([&] { return d.metric("bcp_stream_subscribers_dropped_total") >= 1; }, 5s));
  EXPECT_EQ(d.metric("bcp_stream_subscribers"), 1);
  EXPECT_EQ(d.seq(), kEvents);
}

}  // namespace
}  // namespace bcp::daemon::test
