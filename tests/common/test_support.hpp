// Helpers for tests of bcp-feedd over real sockets on 127.0.0.1: an HTTP client, the daemon
// as a child process, raw-socket helpers and a WebSocket subscriber (the in-process daemon is
// daemon_fixture.hpp). Every wait has a deadline, so a broken daemon fails a test
// instead of hanging the suite.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::daemon::test {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr const char* kIngest = "ingest-sample";
inline constexpr const char* kOperator = "operator-sample";
inline constexpr const char* kDisplay = "display-sample";
inline constexpr const char* kBotId = "2000001";
inline constexpr const char* kBotSecret = "sample-bot-secret";

// A scratch directory removed afterwards whatever the outcome.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct HttpResult {
  int status = 0;  // 0 = no answer (connection failed, cut or timed out)
  std::string body;
  std::string content_type;
  std::string retry_after;      // the Retry-After header, "" when absent
  std::string cache_control;    // the Cache-Control header
  std::string etag;             // the ETag header
  std::string error;            // why status is 0
  nlohmann::json json() const;  // the body parsed; a discarded value when it is not JSON
};

Headers bearer(const std::string& token);

// One request on a fresh connection, with a deadline for the whole exchange. A POST without
// a Content-Type header is sent as application/json.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = "", const Headers& headers = {},
                        std::chrono::milliseconds timeout = 5s);

// Fetches /metrics and returns the value of one sample, e.g.
// metric(port, "bcp_items_refused_total{reason=\"malformed\"}"); -1 when absent.
double metric(std::uint16_t port, const std::string& sample);
// GET /healthz seq; -1 when the daemon does not answer 200.
std::int64_t healthz_seq(std::uint16_t port);

// Polls `condition` until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// bcp-feedd as a child process (fork/exec of the built binary) on a free port.
class ChildDaemon {
 public:
  // port 0: pick a free port; config empty: the sample town (a region.json runs the region).
  ChildDaemon(fs::path data_dir, std::uint16_t port = 0, fs::path config = {});
  ~ChildDaemon();  // kill -9 if still running
  ChildDaemon(const ChildDaemon&) = delete;
  ChildDaemon& operator=(const ChildDaemon&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // The child's RLIMIT_NOFILE, soft and hard (so it cannot lift it), from the next start().
  void limit_descriptors(int limit) { fd_limit_ = limit; }
  // The child's stdout and stderr, appended over restarts.
  fs::path log_path() const { return data_dir_.parent_path() / "feedd.log"; }
  // Starts the child and waits until /healthz answers; false (with the log's tail in
  // `why`) when it does not within the deadline.
  bool start(std::string* why, std::chrono::milliseconds timeout = 10s);
  void kill9();
  // Sends `sig` and waits for the exit; the exit status as waitpid gives it, -1 on timeout.
  int signal_and_wait(int sig, std::chrono::milliseconds timeout = 10s);

 private:
  fs::path data_dir_;
  std::uint16_t port_;
  fs::path config_;
  pid_t pid_ = -1;
  int fd_limit_ = 0;  // 0: inherited
};

std::string binary_path();
std::uint16_t free_port();

// ---- raw sockets (POSIX): for clients that misbehave on purpose --------------------------
// Connected blocking socket to 127.0.0.1:port, or -1. `rcvbuf` > 0 shrinks SO_RCVBUF first.
int connect_raw(std::uint16_t port, int rcvbuf = 0);
bool send_all(int fd, std::string_view data);
// Reads one HTTP response (headers + Content-Length body) or until close/timeout. `carry`
// keeps bytes read past the response (pipelining) for the next call.
HttpResult read_response(int fd, std::chrono::milliseconds timeout, std::string* carry = nullptr);
// True when the peer closed (EOF or reset) within `timeout`; data read meanwhile is dropped.
bool wait_closed(int fd, std::chrono::milliseconds timeout);

// ---- LINE WORKS ---------------------------------------------------------------------------
std::string lineworks_signature(const std::string& secret, const std::string& body);
// POST /callback/lineworks signed with the sample bot's secret.
HttpResult post_lineworks(std::uint16_t port, const std::string& body);
json lw_text(const std::string& user, const std::string& channel, const std::string& text);

// ---- WebSocket subscriber -------------------------------------------------------------------
class Subscriber {
 public:
  // Connects to /v1/stream and sends the hello (`since` null when absent) unless told not to.
  Subscriber(std::uint16_t port, std::optional<std::int64_t> since,
             const std::string& token = kDisplay, int version = 1, bool send_hello = true);
  // The next frame, or nullopt when none arrives in time or the stream ends.
  std::optional<json> next(std::chrono::milliseconds timeout = 5s);
  // The next non-heartbeat frame.
  std::optional<json> next_non_heartbeat(std::chrono::milliseconds timeout = 5s);
  // Event frames until one with seq >= `seq` arrived (inclusive); stops early on timeout.
  std::vector<json> events_until(std::int64_t seq, std::chrono::milliseconds timeout = 10s);
  const std::string& error() const { return error_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::string error_;
};

// A wall that subscribes and then never reads: a 4 KiB receive window, the hello sent as
// "slow" (since `since`, null when absent), nothing read after it. For the queue bounds.
class StalledSubscriber {
 public:
  StalledSubscriber(std::uint16_t port, std::optional<std::int64_t> since);

 private:
  boost::asio::io_context ioc_;
  std::optional<boost::beast::websocket::stream<boost::asio::ip::tcp::socket>> ws_;
};

}  // namespace bcp::daemon::test
