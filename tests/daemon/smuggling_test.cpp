// Issue 12, class 15: a request whose body length is ambiguous (RFC 9112 §6.3) is answered
// 400 and its connection closed, so the body can never be read as a second, smuggled request.
// And /metrics answers only on loopback (class 16).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>

#include "bcp/daemon/peer.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

// A complete, valid request: if the daemon ever parsed it, it would journal a talk message.
std::string smuggled_request() {
  const std::string body = json{
      {"group", "hq"},
      {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
      {"text", "smuggled"}}.dump();
  return "POST /v1/talk HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ingest-sample\r\n"
         "Content-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The first request's head: a talk post whose framing lines are `framing`.
std::string head(const std::string& framing, const std::string& version = "HTTP/1.1") {
  return "POST /v1/talk " + version +
         "\r\nHost: t\r\nAuthorization: Bearer ingest-sample\r\nContent-Type: "
         "application/json\r\n" +
         framing + "\r\n";
}

struct Variant {
  std::string name;
  std::string framing;  // header lines, each ending in \r\n
  int status = 400;
  std::string version = "HTTP/1.1";
};

class Smuggling : public ::testing::Test {
 protected:
  // Sends head + smuggled request as the body and checks: the answer, the close, nothing stored.
  void expect_refused_and_closed(const Variant& v) {
    SCOPED_TRACE(v.name);
    const std::int64_t before = d_.seq();
    int fd = connect_raw(d_.port());
    ASSERT_GE(fd, 0);
    const std::string second = smuggled_request();
    const std::string cl = "Content-Length: " + std::to_string(second.size()) + "\r\n";
    std::string framing = v.framing;
    // "{CL}" stands for a Content-Length matching the body, where a variant has one.
    if (auto at = framing.find("{CL}"); at != std::string::npos) framing.replace(at, 4, cl);
    ASSERT_TRUE(send_all(fd, head(framing, v.version) + second));
    HttpResult r = read_response(fd, 5s);
    EXPECT_EQ(r.status, v.status) << r.body << r.error;
    if (r.status == v.status) {
      EXPECT_TRUE(r.json().is_object() && r.json()["error"].is_string()) << r.body;
    }
    EXPECT_TRUE(wait_closed(fd, 5s)) << "the connection stays open after a refused framing";
    ::close(fd);
    // Nothing journaled, neither the first request nor the smuggled one.
    EXPECT_EQ(d_.seq(), before);
    for (const json& e : d_.events(before)) {
      ADD_FAILURE() << "stored: " << e.dump().substr(0, 200);
    }
  }
  TestDaemon d_;
};

TEST_F(Smuggling, TransferEncodingNotEndingInChunkedIs400AndClosed) {
  for (const Variant& v : {
           Variant{"gzip alone", "Transfer-Encoding: gzip\r\n"},
           Variant{"chunked, gzip", "Transfer-Encoding: chunked, gzip\r\n"},
           Variant{"identity", "Transfer-Encoding: identity\r\n"},
           Variant{"upper case GZIP", "Transfer-Encoding: GZIP\r\n"},
           Variant{"empty value", "Transfer-Encoding: \r\n"},
           Variant{"chunked followed by a comma and junk", "Transfer-Encoding: chunked, x\r\n"},
       }) {
    expect_refused_and_closed(v);
  }
}

TEST_F(Smuggling, TransferEncodingWithContentLengthIs400AndClosed) {
  for (const Variant& v : {
           Variant{"TE gzip then CL", "Transfer-Encoding: gzip\r\n{CL}"},
           Variant{"CL then TE gzip", "{CL}Transfer-Encoding: gzip\r\n"},
           Variant{"TE chunked then CL", "Transfer-Encoding: chunked\r\n{CL}"},
           Variant{"CL then TE chunked", "{CL}Transfer-Encoding: chunked\r\n"},
           Variant{"CL then TE identity", "{CL}Transfer-Encoding: identity\r\n"},
       }) {
    expect_refused_and_closed(v);
  }
}

TEST_F(Smuggling, TwoTransferEncodingLinesAre400AndClosed) {
  for (const Variant& v : {
           Variant{"gzip then chunked",
                   "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"},
           Variant{"chunked then gzip",
                   "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"},
           Variant{"chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"},
           Variant{"different case names",
                   "transfer-encoding: identity\r\nTRANSFER-ENCODING: chunked\r\n"},
       }) {
    expect_refused_and_closed(v);
  }
}

TEST_F(Smuggling, ObsFoldIs400AndClosed) {
  for (const Variant& v : {
           Variant{"folded coding list", "Transfer-Encoding: gzip,\r\n chunked\r\n"},
           Variant{"folded with a tab", "Transfer-Encoding: gzip\r\n\t, chunked\r\n"},
           Variant{"folded empty TE", "Transfer-Encoding:\r\n chunked\r\n"},
           Variant{"fold in another header", "{CL}X-Note: a\r\n b\r\n"},
       }) {
    expect_refused_and_closed(v);
  }
}

TEST_F(Smuggling, OtherCodingsAndHttp10AreRefusedAndClosed) {
  for (const Variant& v : {
           Variant{"gzip, chunked: not implemented", "Transfer-Encoding: gzip, chunked\r\n", 501},
           Variant{"x-custom, chunked: not implemented", "Transfer-Encoding: x-custom, chunked\r\n",
                   501},
           Variant{"chunked, chunked", "Transfer-Encoding: chunked, chunked\r\n"},
           Variant{"HTTP/1.0 with chunked", "Transfer-Encoding: chunked\r\n", 400, "HTTP/1.0"},
       }) {
    expect_refused_and_closed(v);
  }
}

TEST_F(Smuggling, SoundFramingStillWorksAndPipelines) {
  // A chunked body is taken; a Content-Length body pipelined behind it is the next request.
  const std::string body = json{
      {"group", "hq"},
      {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
      {"text", "chunked"}}.dump();
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const std::string chunked =
      head("Transfer-Encoding: chunked\r\n") + size + "\r\n" + body + "\r\n0\r\n\r\n";
  int fd = connect_raw(d_.port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(send_all(fd, chunked + smuggled_request()));
  std::string carry;
  HttpResult first = read_response(fd, 5s, &carry);
  EXPECT_EQ(first.status, 200) << first.body << first.error;
  HttpResult second = read_response(fd, 5s, &carry);
  EXPECT_EQ(second.status, 200) << second.body << second.error;
  ::close(fd);
  auto events = d_.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["text"], "chunked");
  EXPECT_EQ(events[1]["text"], "smuggled");  // here a real second request, not a body
}

// ---- /metrics only on loopback -------------------------------------------------------------

TEST(MetricsPeer, OnlyLoopbackAddressesCount) {
  namespace ip = boost::asio::ip;
  for (const char* yes : {"127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback_peer(ip::make_address(yes))) << yes;
  }
  for (const char* no : {"0.0.0.0", "10.0.0.1", "192.168.1.20", "128.0.0.1", "::", "fe80::1",
                         "::ffff:10.0.0.1", "::127.0.0.1", "2001:db8::1"}) {
    EXPECT_FALSE(is_loopback_peer(ip::make_address(no))) << no;
  }
  EXPECT_FALSE(is_loopback_peer(ip::address()));  // unknown peer
}

// A non-loopback IPv4 address of this host, if it has one.
std::optional<std::string> lan_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* i = list; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    auto* a = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if ((ntohl(a->sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN];
    if (::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text)) found = text;
  }
  ::freeifaddrs(list);
  return found;
}

// GET `target` from `address`:port over a raw socket; the status, 0 when none.
int status_from(const std::string& address, std::uint16_t port, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 0;
  }
  send_all(fd, "GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  HttpResult r = read_response(fd, 5s);
  ::close(fd);
  return r.status;
}

TEST(MetricsPeer, MetricsFromTheLanIs403WhileHealthzAnswers) {
  auto lan = lan_address();
  if (!lan) GTEST_SKIP() << "this host has no non-loopback IPv4 address to connect from";
  TestDaemon d([](DaemonOptions& o) { o.host = "0.0.0.0"; });
  EXPECT_EQ(status_from(*lan, d.port(), "/metrics"), 403);
  EXPECT_EQ(status_from(*lan, d.port(), "/metrics?x=1"), 403);
  EXPECT_EQ(status_from(*lan, d.port(), "/healthz"), 200);
  EXPECT_EQ(status_from("127.0.0.1", d.port(), "/metrics"), 200);
  EXPECT_GE(d.refused("unauthorized"), 2);
}

}  // namespace
}  // namespace bcp::daemon::test
