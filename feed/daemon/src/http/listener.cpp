// The listener: accepts TCP connections on the daemon's address, bounds how many are open
// (limits.max_connections, a short 503 past it), backs off when out of descriptors, and hands
// each connection to an HttpSession on one of the HTTP threads. The first stage a request
// meets.
//
// Threads: the I/O thread only (ConnectionSlot: released on whichever thread ends it).
#include <algorithm>
#include <string>
#include <vector>

#include "bcp/daemon/log.hpp"
#include "http/http_session.hpp"
#include "http/http_threads.hpp"
#include "pipeline/core.hpp"

namespace bcp::daemon {

ConnectionSlot::ConnectionSlot(Daemon::Core& core) : core_(&core) { core.metrics.connections++; }

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    core_ = std::exchange(other.core_, nullptr);
  }
  return *this;
}

void ConnectionSlot::release() {
  Daemon::Core* core = std::exchange(core_, nullptr);
  if (!core) return;
  // The graceful stop waits for the last connection to go. A stream's slot is released on
  // the stream thread: the stop timer is the I/O thread's, so that is told by posting.
  if (--core->metrics.connections != 0) return;
  auto last_gone = [core] {
    if (core->metrics.connections == 0 && core->stopping && core->stop_timer)
      core->stop_timer->cancel();
  };
  if (core->ioc.get_executor().running_in_this_thread()) {
    last_gone();
  } else {
    net::post(core->ioc, last_gone);
  }
}

namespace {
// Out of descriptors or kernel memory: accepting again at once fails again at once.
bool is_resource_exhaustion(const boost::system::error_code& ec) {
  return ec == net::error::no_descriptors ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == net::error::no_buffer_space || ec == net::error::no_memory;
}
constexpr std::chrono::milliseconds kFirstAcceptBackoff{100};
constexpr std::chrono::milliseconds kMaxAcceptBackoff{1000};
}  // namespace

void Daemon::Core::start_accept() {
  if (stopping) return;
  acceptor.async_accept(http->next(),
                        [this](boost::system::error_code ec, net::ip::tcp::socket socket) {
                          on_accept(ec, std::move(socket));
                        });
}

void Daemon::Core::on_accept(boost::system::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping) return;
  if (ec) {
    // Pause instead of spinning: with no descriptor left, every retry fails at once (and
    // each would log a line), so wait 100 ms, doubling up to 1 s, until a connection closes.
    // One log line when an episode starts, one when it ends.
    metrics.accept_failures++;
    if (accept_failures_in_episode++ == 0) {
      log(LogLevel::error, "http",
          "accept failed: " + ec.message() +
              (is_resource_exhaustion(ec) ? " (out of descriptors or memory)" : "") +
              "; pausing accepts, retrying every 100 ms to 1 s");
    }
    accept_backoff = accept_backoff.count() == 0 ? kFirstAcceptBackoff
                                                 : std::min(accept_backoff * 2, kMaxAcceptBackoff);
    if (!accept_backoff_timer) accept_backoff_timer = std::make_unique<net::steady_timer>(ioc);
    accept_backoff_timer->expires_after(accept_backoff);
    accept_backoff_timer->async_wait([this](boost::system::error_code e) {
      if (!e) start_accept();
    });
    return;
  }
  if (accept_failures_in_episode > 0) {
    log(LogLevel::warning, "http",
        "accepting again after " + std::to_string(accept_failures_in_episode) + " failed accepts");
    accept_failures_in_episode = 0;
    accept_backoff = std::chrono::milliseconds{0};
  }
  if (static_cast<std::size_t>(metrics.connections.load()) >= options.max_connections) {
    // Over the limit: a short 503 is kinder than a silent close.
    static const std::string kBusy = [] {
      const std::string body =
          R"json({"error":"too many open connections (limits.max_connections)"})json";
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: "
             "close\r\n"
             "Retry-After: 5\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);  // a peer that does not read must not stall the loop
    net::write(socket, net::buffer(kBusy), ignored);
    socket.close(ignored);
  } else {
    if (options.socket_send_buffer > 0) {
      boost::system::error_code ignored;
      socket.set_option(net::socket_base::send_buffer_size(options.socket_send_buffer), ignored);
    }
    ConnectionSlot slot(*this);
    std::make_shared<HttpSession>(*this, *http, std::move(socket), std::move(slot))->run();
  }
  start_accept();
}

void Daemon::Core::shutdown_sessions() {
  // Posted to each session's thread; the sessions leave the registry later, in their destructors.
  if (http) http->close_idle();
}

}  // namespace bcp::daemon
