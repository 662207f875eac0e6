#include "test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "bcp/common/hmac.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("bcp-dtest-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

json HttpResult::json() const { return nlohmann::json::parse(body, nullptr, false); }

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const Headers& headers,
                        std::chrono::milliseconds timeout) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req.set(k, v);
    if (beast::iequals(k, "Content-Type")) has_type = true;
  }
  if (method == "POST" && !has_type) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(false);

  HttpResult result;
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  beast::error_code failure;
  stream.expires_after(timeout);
  stream.async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) return void(failure = ec);
        http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
          if (ec) return void(failure = ec);
          http::async_read(stream, buffer, res, [&](beast::error_code ec, std::size_t) {
            if (ec) return void(failure = ec);
            result.status = static_cast<int>(res.result_int());
            result.body = res.body();
            result.content_type = std::string(res[http::field::content_type]);
            result.retry_after = std::string(res[http::field::retry_after]);
            result.cache_control = std::string(res[http::field::cache_control]);
            result.etag = std::string(res[http::field::etag]);
          });
        });
      });
  ioc.run();
  if (failure) result.error = failure.message();
  return result;
}

double metric(std::uint16_t port, const std::string& sample) {
  HttpResult r = http_request(port, "GET", "/metrics");
  if (r.status != 200) return -1;
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 &&
        line[sample.size()] == ' ') {
      return std::stod(line.substr(sample.size() + 1));
    }
  }
  return -1;
}

std::int64_t healthz_seq(std::uint16_t port) {
  HttpResult r = http_request(port, "GET", "/healthz", "", {}, 2s);
  if (r.status != 200) return -1;
  json j = r.json();
  if (!j.is_object() || j.value("status", "") != "ok" || !j["seq"].is_number_integer()) return -1;
  return j["seq"].get<std::int64_t>();
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// ---- child process ------------------------------------------------------------------------

std::string binary_path() { return std::string(BCP_BINARY_DIR) + "/feed/daemon/bcp-feedd"; }

std::uint16_t free_port() {
  // Bind port 0 and close: the kernel does not hand the same port out again at once, and a
  // race with another process is caught by the caller retrying start().
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

ChildDaemon::ChildDaemon(fs::path data_dir, std::uint16_t port, fs::path config)
    : data_dir_(std::move(data_dir)), port_(port), config_(std::move(config)) {}

ChildDaemon::~ChildDaemon() {
  if (pid_ > 0) kill9();
}

bool ChildDaemon::start(std::string* why, std::chrono::milliseconds timeout) {
  if (!fs::exists(binary_path())) {
    if (why) *why = binary_path() + " does not exist: build the bcp-feedd target too";
    return false;
  }
  const bool fixed_port = port_ != 0;
  const fs::path log = log_path();
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!fixed_port) port_ = free_port();
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    const std::string config = config_.empty()
                                   ? std::string(BCP_SOURCE_DIR) + "/config/sample-town/town.json"
                                   : config_.string();
    const std::string bin = binary_path();
    const std::string data = data_dir_.string();
    const std::string log_file = log.string();
    const int fd_limit = fd_limit_;
    pid_ = ::fork();
    if (pid_ == 0) {
      if (fd_limit > 0) {
        rlimit rl{static_cast<rlim_t>(fd_limit), static_cast<rlim_t>(fd_limit)};
        if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) ::_exit(126);
      }
      int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      ::execl(bin.c_str(), bin.c_str(), "--config", config.c_str(), "--listen", listen.c_str(),
              "--data", data.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (pid_ < 0) break;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken, or worse
        pid_ = -1;
        break;
      }
      if (healthz_seq(port_) >= 0) return true;
      std::this_thread::sleep_for(20ms);
    }
    if (pid_ > 0) {  // alive but not answering in time: give up
      kill9();
      break;
    }
    if (fixed_port) break;
  }
  if (why) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    *why = "bcp-feedd did not come up on port " + std::to_string(port_) + "; log tail:\n" +
           s.substr(s.size() > 2000 ? s.size() - 2000 : 0);
  }
  return false;
}

void ChildDaemon::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ChildDaemon::signal_and_wait(int sig, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(10ms);
  }
  return -1;
}

// ---- raw sockets ----------------------------------------------------------------------------

int connect_raw(std::uint16_t port, int rcvbuf) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

namespace {
// Reads what is there within the deadline; 0 on EOF, -1 on error or timeout.
ssize_t read_some(int fd, char* buf, std::size_t size,
                  std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return -1;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return -1;
  return ::recv(fd, buf, size, 0);
}
}  // namespace

HttpResult read_response(int fd, std::chrono::milliseconds timeout, std::string* carry) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data;
  if (carry) data.swap(*carry);
  HttpResult result;
  char buf[16384];
  std::size_t header_end = std::string::npos;
  std::size_t content_length = 0;
  for (;;) {
    if (header_end == std::string::npos &&
        (header_end = data.find("\r\n\r\n")) != std::string::npos) {
      std::string head = data.substr(0, header_end);
      if (head.size() < 12 || head.compare(0, 5, "HTTP/") != 0) break;
      result.status = std::stoi(head.substr(9, 3));
      std::string lower = head;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto cl = lower.find("\r\ncontent-length:");
      if (cl != std::string::npos) content_length = std::stoul(head.substr(cl + 17));
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) {
      result.body = data.substr(header_end + 4, content_length);
      if (carry) *carry = data.substr(header_end + 4 + content_length);
      return result;
    }
    ssize_t n = read_some(fd, buf, sizeof buf, deadline);
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  result.error = "incomplete response (" + std::to_string(data.size()) + " bytes)";
  result.status = 0;
  return result;
}

bool wait_closed(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r <= 0) return false;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
}

// ---- LINE WORKS ------------------------------------------------------------------------------

std::string lineworks_signature(const std::string& secret, const std::string& body) {
  return bcp::common::hmac_sha256_base64(secret, body);
}

HttpResult post_lineworks(std::uint16_t port, const std::string& body) {
  return http_request(
      port, "POST", "/callback/lineworks", body,
      {{"X-WORKS-BotId", kBotId}, {"X-WORKS-Signature", lineworks_signature(kBotSecret, body)}});
}

json lw_text(const std::string& user, const std::string& channel, const std::string& text) {
  return {{"type", "message"},
          {"source", {{"userId", user}, {"channelId", channel}, {"domainId", 1}}},
          {"issuedTime", "2026-11-24T05:12:00.123Z"},
          {"content", {{"type", "text"}, {"text", text}}}};
}

// ---- WebSocket subscriber -----------------------------------------------------------------------

Subscriber::Subscriber(std::uint16_t port, std::optional<std::int64_t> since,
                       const std::string& token, int version, bool send_hello)
    : ws_(ioc_) {
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  tcp_layer.expires_after(5s);
  tcp_layer.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws_.handshake("127.0.0.1", "/v1/stream");
  if (!send_hello) return;
  json hello = {{"v", version}, {"type", "hello"}, {"display", "main"}, {"token", token}};
  hello["since"] = since ? json(*since) : json(nullptr);
  ws_.text(true);
  ws_.write(net::buffer(hello.dump()));
}

StalledSubscriber::StalledSubscriber(std::uint16_t port, std::optional<std::int64_t> since) {
  tcp::socket raw(ioc_);
  raw.open(tcp::v4());
  raw.set_option(net::socket_base::receive_buffer_size(4096));
  raw.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  ws_.emplace(std::move(raw));
  ws_->handshake("127.0.0.1", "/v1/stream");
  json hello = {{"v", 1}, {"type", "hello"}, {"display", "slow"}, {"token", kDisplay}};
  hello["since"] = since ? json(*since) : json(nullptr);
  ws_->write(net::buffer(hello.dump()));
}

std::optional<json> Subscriber::next(std::chrono::milliseconds timeout) {
  if (!error_.empty()) return std::nullopt;
  // The tcp_stream's timer bounds the read: it closes the socket when the deadline passes.
  beast::get_lowest_layer(ws_).expires_after(timeout);
  beast::error_code failure;
  bool done = false;
  ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
    failure = ec;
    done = true;
  });
  ioc_.restart();
  ioc_.run();
  if (!done || failure) {
    error_ = done ? failure.message() : "no completion";
    return std::nullopt;
  }
  json frame = json::parse(beast::buffers_to_string(buffer_.data()), nullptr, false);
  buffer_.consume(buffer_.size());
  return frame;
}

std::optional<json> Subscriber::next_non_heartbeat(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = next(left);
    if (!frame || frame->value("type", "") != "heartbeat") return frame;
  }
}

std::vector<json> Subscriber::events_until(std::int64_t seq, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<json> events;
  while (events.empty() || events.back()["seq"].get<std::int64_t>() < seq) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto frame = next_non_heartbeat(left);
    if (!frame) break;
    if (frame->value("type", "") != "event") {
      error_ = "unexpected frame " + frame->dump().substr(0, 200);
      break;
    }
    events.push_back((*frame)["event"]);
  }
  return events;
}

}  // namespace bcp::daemon::test
