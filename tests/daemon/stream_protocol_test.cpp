// The WebSocket protocol the stream speaks itself since its frames are built once and written
// in gathered writes (ws_session.cpp): pings answered, the close handshake, protocol errors
// closed with their code, silent peers cut while reading walls stay, and frames that waited
// for a slow wall carried together.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <thread>

#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

// A wall's WebSocket (Beast, the peer the protocol is checked against), joined with a hello.
class Wall {
 public:
  explicit Wall(std::uint16_t port, int receive_buffer = 0) : ws_(ioc_) {
    tcp::socket& s = ws_.next_layer();
    s.open(tcp::v4());
    if (receive_buffer > 0) s.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1", "/v1/stream");
    const json hello = {{"v", 1}, {"type", "hello"}, {"display", "main"}, {"token", kDisplay}, {"since", 0}};
    ws_.write(boost::asio::buffer(hello.dump()));
  }
  json read() {
    boost::beast::flat_buffer buffer;
    ws_.read(buffer);
    return json::parse(boost::beast::buffers_to_string(buffer.data()));
  }
  websocket::stream<tcp::socket>& ws() { return ws_; }

 private:
  boost::asio::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

TEST(StreamProtocol, AWallsPingIsAnsweredWithItsPayload) {
  TestDaemon d;
  Wall wall(d.port());
  ASSERT_EQ(wall.read()["mode"], "replay");
  std::string pong;
  wall.ws().control_callback([&](websocket::frame_type kind, boost::beast::string_view payload) {
    if (kind == websocket::frame_type::pong) pong = std::string(payload);
  });
  wall.ws().ping("are you there");
  // The pong is read on the way to the next frame (a heartbeat comes every second).
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (pong.empty() && std::chrono::steady_clock::now() < deadline) wall.read();
  EXPECT_EQ(pong, "are you there");
}

TEST(StreamProtocol, AWallsCloseIsEchoedAndTheConnectionEnds) {
  TestDaemon d;
  Wall wall(d.port());
  ASSERT_EQ(wall.read()["mode"], "replay");
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 1; }, 5s));
  // Beast's close() sends the close and reads until the daemon's close arrives.
  wall.ws().close(websocket::close_reason(websocket::close_code::going_away, "wall switched off"));
  EXPECT_EQ(wall.ws().reason().code, websocket::close_code::going_away);
  // close() returns once the daemon ended the TCP connection (a client's teardown reads
  // until the server's EOF).
  EXPECT_FALSE(wall.ws().is_open());
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 0; }, 5s));
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_streams") == 0; }, 5s));
}

TEST(StreamProtocol, AnUnmaskedFrameIsClosedAsAProtocolErrorAndOthersGoOn) {
  TestDaemon d;
  Wall broken(d.port());
  Wall other(d.port());
  ASSERT_EQ(broken.read()["mode"], "replay");
  ASSERT_EQ(other.read()["mode"], "replay");
  // A text frame as a server would send it: clients must mask (RFC 6455 §5.1).
  boost::asio::write(broken.ws().next_layer(), boost::asio::buffer(std::string("\x81\x02hi", 4)));
  boost::beast::error_code ec;
  for (int i = 0; i < 100 && !ec; ++i) {
    boost::beast::flat_buffer buffer;
    broken.ws().read(buffer, ec);
  }
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(broken.ws().reason().code, websocket::close_code::protocol_error);
  EXPECT_NE(std::string(broken.ws().reason().reason).find("masked"), std::string::npos)
      << broken.ws().reason().reason;

  ASSERT_EQ(d.post_json("/v1/talk", talk("まだ届く"), kIngest).status, 200);
  json event = other.read();
  while (event["type"] == "heartbeat") event = other.read();
  EXPECT_EQ(event["type"], "event");
  EXPECT_EQ(event["event"]["seq"], 1);
}

TEST(StreamProtocol, ARefusedHelloEndsWithAPolicyClose) {
  TestDaemon d;
  boost::asio::io_context ioc;
  websocket::stream<tcp::socket> ws(ioc);
  ws.next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), d.port()));
  ws.handshake("127.0.0.1", "/v1/stream");
  ws.write(boost::asio::buffer(json{{"v", 1}, {"type", "hello"}, {"token", "not-a-token"}}.dump()));
  boost::beast::flat_buffer buffer;
  ws.read(buffer);
  EXPECT_EQ(json::parse(boost::beast::buffers_to_string(buffer.data()))["code"], "unauthorized");
  boost::beast::error_code ec;
  buffer.clear();
  ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(ws.reason().code, websocket::close_code::policy_error);
}

TEST(StreamProtocol, ASilentPeerIsCutWhileAWallThatAnswersPingsStays) {
  TestDaemon d([](DaemonOptions& o) { o.stream_idle_timeout = 1500ms; });
  Subscriber reading(d.port(), 0);
  Wall silent(d.port());
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 2; }, 5s));
  std::atomic<bool> stop{false};
  std::atomic<int> heartbeats{0};
  // Reads without pause: Beast answers the daemon's pings while it reads.
  std::thread reader([&] {
    while (!stop) {
      auto frame = reading.next(500ms);
      if (frame && (*frame)["type"] == "heartbeat") heartbeats++;
    }
  });
  // The silent one reads nothing and so answers no ping: cut after the idle limit.
  EXPECT_TRUE(wait_closed(silent.ws().next_layer().native_handle(), 10s));
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 1; }, 5s));
  // Two more idle limits later the reading wall is still there and still fed.
  const int before = heartbeats;
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(d.metric("bcp_stream_subscribers"), 1);
  EXPECT_GE(heartbeats - before, 2);
  stop = true;
  reader.join();
  EXPECT_TRUE(reading.error().empty()) << reading.error();
}

TEST(StreamProtocol, FramesThatWaitedForASlowWallGoOutTogether) {
  TestDaemon d([](DaemonOptions& o) { o.socket_send_buffer = 4096; });
  Wall slow(d.port(), 4096);
  ASSERT_EQ(slow.read()["mode"], "replay");
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 1; }, 5s));
  const double frames_before = d.metric("bcp_stream_frames_sent_total");
  const double writes_before = d.metric("bcp_stream_writes_total");
  // The wall reads nothing while 100 events of 2 KiB are committed: its window and the
  // daemon's send buffer fill after a few, and the rest wait in its queue.
  constexpr int kEvents = 100;
  const std::string text(2000, 'x');
  for (int i = 1; i <= kEvents; ++i) {
    ASSERT_EQ(d.post_json("/v1/talk", talk(std::to_string(i) + text), kIngest).status, 200) << i;
  }
  std::vector<std::int64_t> seqs;
  while (seqs.size() < kEvents) {
    json frame = slow.read();
    if (frame["type"] == "event") seqs.push_back(frame["event"]["seq"].get<std::int64_t>());
  }
  for (int i = 0; i < kEvents; ++i) ASSERT_EQ(seqs[i], i + 1);
  ASSERT_TRUE(wait_until(
      [&] { return d.metric("bcp_stream_frames_sent_total") - frames_before >= kEvents; }, 5s));
  const double frames = d.metric("bcp_stream_frames_sent_total") - frames_before;
  const double writes = d.metric("bcp_stream_writes_total") - writes_before;
  // One write per frame would be 100 writes; waiting frames share one.
  EXPECT_LT(writes * 4, frames) << writes << " writes for " << frames << " frames";
}

}  // namespace
}  // namespace bcp::daemon::test
