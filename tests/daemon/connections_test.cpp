// Issue 12, class 6: streams are counted (with a cap of their own, and against the
// connection limit); running out of file descriptors pauses accepting instead of spinning;
// a closed connection leaves nothing behind.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <fstream>
#include <sstream>

#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

const char kUpgrade[] =
    "GET /v1/stream HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

// A subscriber that has joined: hello and snapshot read.
std::unique_ptr<Subscriber> joined(std::uint16_t port) {
  auto s = std::make_unique<Subscriber>(port, std::nullopt);
  auto hello = s->next_non_heartbeat();
  auto snapshot = s->next_non_heartbeat();
  if (!hello || (*hello)["type"] != "hello" || !snapshot || (*snapshot)["type"] != "snapshot") {
    ADD_FAILURE() << "subscriber did not join: " << s->error();
  }
  return s;
}

// Raw WebSocket upgrade; the HTTP status of the answer (101 when upgraded), fd kept open.
int upgrade(std::uint16_t port, int* fd_out) {
  int fd = connect_raw(port);
  if (fd < 0) return 0;
  send_all(fd, kUpgrade);
  HttpResult r = read_response(fd, 5s);
  *fd_out = fd;
  if (r.status == 0 && r.error.find("incomplete") != std::string::npos) return 0;
  return r.status;
}

TEST(Connections, StreamsOverTheirCapAreRefusedAndTheOthersKeepStreaming) {
  TestDaemon d([](DaemonOptions& o) { o.max_streams = 3; });
  auto a = joined(d.port());
  auto b = joined(d.port());
  auto c = joined(d.port());
  EXPECT_EQ(d.metric("bcp_streams"), 3);

  // The fourth, as a wall would open it: a clear 503 naming the limit, not a silent close.
  int extra = -1;
  int fd = connect_raw(d.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, kUpgrade));
  HttpResult refused = read_response(fd, 5s);
  EXPECT_EQ(refused.status, 503) << refused.body << refused.error;
  EXPECT_NE(refused.body.find("too many streams"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("max_streams"), std::string::npos) << refused.body;
  EXPECT_TRUE(wait_closed(fd, 5s));
  ::close(fd);
  EXPECT_EQ(d.metric("bcp_streams_refused_total"), 1);

  // The three keep streaming: each gets the next event.
  HttpResult r = d.post_json("/v1/talk", talk("after the refusal"), kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::int64_t seq = r.json()["seq"];
  for (Subscriber* s : {a.get(), b.get(), c.get()}) {
    auto events = s->events_until(seq);
    ASSERT_EQ(events.size(), 1u) << s->error();
    EXPECT_EQ(events[0]["text"], "after the refusal");
  }

  // One leaves: its place is free again.
  a.reset();
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_streams") == 2; }, 5s));
  auto again = joined(d.port());
  EXPECT_EQ(d.metric("bcp_streams"), 3);

  // A stream that never sent its hello holds a place too: otherwise the cap is free to fill.
  again.reset();
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_streams") == 2; }, 5s));
  EXPECT_EQ(upgrade(d.port(), &extra), 101);
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_streams") == 3; }, 5s));
  int over = -1;
  EXPECT_EQ(upgrade(d.port(), &over), 503);
  ::close(over);
  ::close(extra);
  EXPECT_EQ(d.metric("bcp_streams_refused_total"), 2);
}

// Upgrades are parsed on several HTTP threads at once: the cap is checked and counted in one
// step, so however they interleave, exactly max_streams of them become streams.
TEST(Connections, UpgradesOnSeveralHttpThreadsAtOnceNeverPassTheStreamCap) {
  constexpr int kCap = 5;
  constexpr int kClients = 32;
  TestDaemon d([](DaemonOptions& o) {
    o.max_streams = kCap;
    o.http_threads = 4;
  });
  // Connected first (accepted round-robin onto the four threads), then all upgraded together.
  std::vector<int> fds;
  for (int i = 0; i < kClients; ++i) {
    fds.push_back(connect_raw(d.port()));
    ASSERT_GE(fds.back(), 0);
  }
  // (+1: the /metrics read asking)
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_http_sessions") == kClients + 1; }, 5s));
  std::atomic<int> ready{0};
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      ready++;
      while (ready.load() < kClients) std::this_thread::yield();
      if (send_all(fds[i], kUpgrade)) statuses[i] = read_response(fds[i], 5s).status;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 101), kCap);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 503), kClients - kCap);
  EXPECT_EQ(d.metric("bcp_streams"), kCap);
  EXPECT_EQ(d.metric("bcp_streams_refused_total"), kClients - kCap);
  for (int fd : fds) ::close(fd);
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_streams") == 0; }, 5s));
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_connections") == 1; }, 5s));
}

TEST(Connections, StreamsCountAgainstTheConnectionLimit) {
  TestDaemon d([](DaemonOptions& o) {
    o.max_connections = 4;
    o.max_streams = 4;
  });
  auto a = joined(d.port());
  auto b = joined(d.port());
  auto c = joined(d.port());
  // Three streams and this request: the limit is reached with the request's own connection.
  EXPECT_EQ(d.metric("bcp_connections"), 4);
  // The fourth stream takes the last place, once the connection that asked is gone (the
  // daemon may still hold it for a moment: then the upgrade is a 503 and is tried again).
  std::unique_ptr<Subscriber> e;
  ASSERT_TRUE(wait_until(
      [&] {
        try {
          e = joined(d.port());
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      5s));
  HttpResult busy = d.get("/healthz");
  EXPECT_EQ(busy.status, 503) << busy.body << busy.error;
  EXPECT_NE(busy.body.find("too many open connections"), std::string::npos) << busy.body;
  EXPECT_TRUE(busy.json().is_object()) << "the 503's body must be whole JSON: " << busy.body;
  e.reset();
  ASSERT_TRUE(wait_until([&] { return d.seq() == 0; }, 5s)) << "a freed stream frees a connection";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Connections, OutOfDescriptorsPausesAcceptingAndRecovers) {
  rlimit own{};
  ::getrlimit(RLIMIT_NOFILE, &own);
  constexpr int kChildLimit = 64;
  constexpr int kClients = 120;  // well past what the child can hold
  if (own.rlim_cur < kClients + 64) GTEST_SKIP() << "RLIMIT_NOFILE " << own.rlim_cur << " too low";
  TempDir dir;
  ChildDaemon child(dir.path() / "data");
  child.limit_descriptors(kChildLimit);
  std::string why;
  ASSERT_TRUE(child.start(&why)) << why;

  // Connections the kernel completes in the listen backlog; the daemon accepts until EMFILE.
  std::vector<int> clients;
  for (int i = 0; i < kClients; ++i) {
    int fd = connect_raw(child.port());
    if (fd >= 0) clients.push_back(fd);
  }
  ASSERT_GT(clients.size(), static_cast<std::size_t>(kChildLimit));
  ASSERT_TRUE(wait_until(
      [&] { return read_text(child.log_path()).find("accept failed") != std::string::npos; }, 10s))
      << read_text(child.log_path()).substr(0, 2000);
  // Out of descriptors for a while: a spinning accept loop writes hundreds of thousands of
  // lines in this time; a paused one nothing more.
  std::this_thread::sleep_for(1500ms);
  const std::string during = read_text(child.log_path());
  // One line per episode (a connection of the start-up's health checks closing late may end
  // the first one).
  EXPECT_LE(count(during, "accept failed"), 2u) << during.substr(0, 2000);

  // Some close: the daemon accepts again within its backoff (at most 1 s) and answers.
  for (int fd : clients) ::close(fd);
  ASSERT_TRUE(wait_until([&] { return healthz_seq(child.port()) >= 0; }, 10s))
      << read_text(child.log_path()).substr(0, 4000);
  const double failures = metric(child.port(), "bcp_accept_failures_total");
  EXPECT_GE(failures, 1);
  EXPECT_LE(failures, 40) << "retries must back off (100 ms doubling to 1 s)";
  const std::string after = read_text(child.log_path());
  EXPECT_GE(count(after, "accepting again"), 1u) << after.substr(0, 4000);
  // Accepting the closed backlog may run out once or twice more on the way; each is one line.
  EXPECT_LE(count(after, "accept failed"), 10u) << "one line per episode";
  EXPECT_LT(after.size(), 64u * 1024) << "the log exploded: " << after.size() << " bytes";

  // And the daemon still takes an event.
  HttpResult r =
      http_request(child.port(), "POST", "/v1/talk", talk("after EMFILE").dump(), bearer(kIngest));
  EXPECT_EQ(r.status, 200) << r.body << r.error;
}

TEST(Connections, ClosedConnectionsLeaveNothingBehind) {
  TestDaemon d;
  // Complete requests, keep-alive or not.
  for (int i = 0; i < 1000; ++i) {
    HttpResult r = d.get("/healthz");
    ASSERT_EQ(r.status, 200) << i << ": " << r.error;
  }
  // Connections closed at once, in the middle of a header, in the middle of a body.
  for (int i = 0; i < 1000; ++i) {
    int fd = connect_raw(d.port());
    ASSERT_GE(fd, 0) << i;
    if (i % 3 == 1) send_all(fd, "GET /healthz HTTP/1.1\r\nHo");
    if (i % 3 == 2) {
      send_all(fd, "POST /v1/talk HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{\"gr");
    }
    ::close(fd);
  }
  // Streams: joined and dropped, upgraded and dropped before the hello.
  for (int i = 0; i < 20; ++i) joined(d.port()).reset();
  for (int i = 0; i < 20; ++i) {
    int fd = -1;
    EXPECT_EQ(upgrade(d.port(), &fd), 101);
    ::close(fd);
  }
  // What is left is the connection asking.
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_http_sessions") == 1; }, 10s))
      << d.metric("bcp_http_sessions");
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_connections") == 1; }, 10s))
      << d.metric("bcp_connections");
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_streams") == 0; }, 10s))
      << d.metric("bcp_streams");
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 0; }, 10s))
      << d.metric("bcp_stream_subscribers");
}

}  // namespace
}  // namespace bcp::daemon::test
