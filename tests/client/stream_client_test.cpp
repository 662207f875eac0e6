// StreamClient + SituationMirror against a real bcp-feedd on 127.0.0.1 (ephemeral port).
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "bcp/client/stream_client.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using bcp::daemon::test::TestDaemon;

int post(std::uint16_t port, const std::string& target, const nlohmann::json& body, const std::string& token) {
  net::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::authorization, "Bearer " + token);
  req.set(http::field::content_type, "application/json");
  req.body() = body.dump();
  req.prepare_payload();
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return res.result_int();
}

nlohmann::json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "本部"}}}, {"text", text}};
}

// Drains the queue into the mirror until `done` holds or the deadline passes.
template <typename Pred>
bool pump_until(bcp::client::UpdateQueue& q, bcp::client::SituationMirror& m, Pred done,
                std::chrono::seconds limit = 10s) {
  auto deadline = Clock::now() + limit;
  std::vector<bcp::client::Update> updates;
  while (!done()) {
    if (!q.wait_until(deadline)) return done();
    updates.clear();
    q.drain(updates);
    for (const auto& u : updates) m.take(u, Clock::now());
  }
  return true;
}

std::size_t talk_count(const bcp::model::Situation& s) {
  auto it = s.talk.find("hq");
  return it == s.talk.end() ? 0 : it->second.total;
}

TEST(StreamClient, SnapshotThenLiveEventsMatchTheDaemon) {
  TestDaemon d;
  ASSERT_EQ(post(d.port(), "/v1/talk", talk("before"), "ingest-sample"), 200);

  bcp::client::UpdateQueue q;
  bcp::client::SituationMirror mirror;
  bcp::client::StreamClient client({.url = "ws://127.0.0.1:" + std::to_string(d.port()) + "/v1/stream",
                                    .token = "display-sample"},
                                   q);
  client.start();
  ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.has_data(); }));
  EXPECT_EQ(mirror.state(), bcp::client::ConnectionState::live);
  EXPECT_EQ(talk_count(mirror.situation()), 1u);
  EXPECT_EQ(mirror.situation().directory.staff.size(), 120u);

  for (int i = 0; i < 5; ++i) ASSERT_EQ(post(d.port(), "/v1/talk", talk("live " + std::to_string(i)), "ingest-sample"), 200);
  ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.situation().last_seq == 6; }));
  EXPECT_EQ(talk_count(mirror.situation()), 6u);
  EXPECT_EQ(mirror.situation().talk.at("hq").recent.back().message.text, "live 4");
  // Heartbeats keep the silence short while nothing happens.
  ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.silence_seconds(Clock::now()).value_or(99) < 1.0; }));
}

TEST(StreamClient, ResumesAcrossADaemonRestartWithoutLosingEvents) {
  bcp::client::UpdateQueue q;
  bcp::client::SituationMirror mirror;
  std::unique_ptr<bcp::client::StreamClient> client;
  TestDaemon d;
  const std::uint16_t port = d.port();
  {
    client = std::make_unique<bcp::client::StreamClient>(
        bcp::client::ClientOptions{.url = "ws://127.0.0.1:" + std::to_string(port) + "/v1/stream",
                                   .token = "display-sample",
                                   .initial_backoff = 50ms,
                                   .max_backoff = 200ms},
        q);
    client->start();
    ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.has_data(); }));
    ASSERT_EQ(post(port, "/v1/talk", talk("one"), "ingest-sample"), 200);
    ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.situation().last_seq == 1; }));
    d.stop();  // the client notices and keeps retrying
  }
  ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.state() == bcp::client::ConnectionState::reconnecting; }));
  d.restart();  // the same data directory and port
  // Posted while the client may not be connected yet: it must arrive by replay or live.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post(port, "/v1/talk", talk("after " + std::to_string(i)), "ingest-sample"), 200);
  ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.situation().last_seq == 4; }));
  EXPECT_EQ(mirror.state(), bcp::client::ConnectionState::live);
  EXPECT_EQ(talk_count(mirror.situation()), 4u);
  client->stop();
}

TEST(StreamClient, UnknownTokenEndsInAuthFailedWithoutRetrying) {
  TestDaemon d;
  bcp::client::UpdateQueue q;
  bcp::client::SituationMirror mirror;
  bcp::client::StreamClient client(
      {.url = "ws://127.0.0.1:" + std::to_string(d.port()) + "/v1/stream", .token = "not-a-token"}, q);
  client.start();
  ASSERT_TRUE(pump_until(q, mirror, [&] { return mirror.state() == bcp::client::ConnectionState::auth_failed; }));
  EXPECT_FALSE(mirror.has_data());
  EXPECT_NE(mirror.state_detail().find("token"), std::string::npos);
}

TEST(SituationMirror, HeartbeatsMoveDataAsOfButNotTheRevision) {
  bcp::client::SituationMirror m;
  auto t0 = Clock::now();
  EXPECT_FALSE(m.silence_seconds(t0).has_value());
  auto rev = m.revision();
  bcp::model::TimePoint server = bcp::model::parse_time("2026-11-24T05:00:00.000Z");
  m.take(bcp::client::HeartbeatUpdate{0, server}, t0);
  EXPECT_EQ(m.revision(), rev);
  EXPECT_EQ(m.data_as_of(), server);
  EXPECT_NEAR(*m.silence_seconds(t0 + 7s), 7.0, 1e-6);
  m.take(bcp::client::StateUpdate{bcp::client::ConnectionState::live, ""}, t0);
  EXPECT_GT(m.revision(), rev);
}

}  // namespace
