// Issue 12, class 16: what a client sends can reach the log (a wall's display name, an id),
// and NUL, ESC or C1 controls written raw would split records or drive an operator's
// terminal. Every log line escapes them.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "bcp/daemon/log.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

TEST(LogEscape, ControlCharactersAndInvalidBytesAreEscaped) {
  using namespace std::string_literals;
  EXPECT_EQ(escape_for_log("plain ascii"), "plain ascii");
  EXPECT_EQ(escape_for_log("役場前にクマ"), "役場前にクマ");
  EXPECT_EQ(escape_for_log("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(escape_for_log("nul\0here"s), "nul\\x00here");
  EXPECT_EQ(escape_for_log("\x1b[2J\x1b]0;owned\x07"), "\\x1b[2J\\x1b]0;owned\\x07");
  EXPECT_EQ(escape_for_log("del\x7f"), "del\\x7f");
  // C1 controls as UTF-8 (U+009B is CSI) and as raw bytes.
  EXPECT_EQ(escape_for_log("\xC2\x9B"
                           "31m"),
            "\\u009b31m");
  EXPECT_EQ(escape_for_log("\x9B"
                           "31m"),
            "\\x9b31m");
  // Invalid UTF-8: truncated, overlong, surrogate, past U+10FFFF.
  EXPECT_EQ(escape_for_log("\xE6\x9D"), "\\xe6\\x9d");
  EXPECT_EQ(escape_for_log("\xC0\xAF"), "\\xc0\\xaf");
  EXPECT_EQ(escape_for_log("\xED\xA0\x80"), "\\xed\\xa0\\x80");
  EXPECT_EQ(escape_for_log("\xF4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
  EXPECT_EQ(escape_for_log("\xFF"), "\\xff");
  // A backslash is doubled, so an escape in the log is always one the logger wrote.
  EXPECT_EQ(escape_for_log("C:\\x1b"), "C:\\\\x1b");
}

// Runs `f` with file descriptor 2 redirected into a file and returns what was written.
std::string captured_stderr(const std::function<void()>& f) {
  TempDir dir;
  const std::string path = (dir.path() / "stderr").string();
  std::fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ::dup2(fd, 2);
  ::close(fd);
  f();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(LogEscape, AWallsDisplayNameIsLoggedEscaped) {
  using namespace std::string_literals;
  std::string log_text = captured_stderr([] {
    TestDaemon d;
    set_min_log_level(LogLevel::info);
    // The display name is the wall's own text and goes to the log as it came.
    json hello = {{"v", 1},
                  {"type", "hello"},
                  {"token", kDisplay},
                  {"since", nullptr},
                  {"display", "main\x1b[2J\0\x07\nINFO forged line\xC2\x9B"s}};
    namespace net = boost::asio;
    net::io_context ioc;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws(ioc);
    boost::beast::get_lowest_layer(ws).expires_after(5s);
    boost::beast::get_lowest_layer(ws).connect({net::ip::make_address("127.0.0.1"), d.port()});
    ws.handshake("127.0.0.1", "/v1/stream");
    ws.write(net::buffer(hello.dump()));
    boost::beast::flat_buffer buffer;
    ws.read(buffer);  // the daemon's hello: joined, so the join was logged
    EXPECT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 1; }, 5s));
    set_min_log_level(LogLevel::error);
  });
  const auto at = log_text.find("subscriber joined display=");
  ASSERT_NE(at, std::string::npos) << log_text;
  const std::string line = log_text.substr(at, log_text.find('\n', at) - at);
  EXPECT_EQ(line.substr(0, line.find(" token=")),
            "subscriber joined display=main\\x1b[2J\\x00\\x07\\nINFO forged line\\u009b");
  for (char c : log_text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_FALSE((u < 0x20 && c != '\n') || u == 0x7F)
        << "raw control byte " << int(u) << " in the log";
  }
}

}  // namespace
}  // namespace bcp::daemon::test
