// The HTTP threads: every HTTP connection lives on one of them from its accept to its close —
// the reads, the header and framing checks, Beast's parse, the answer's write. The I/O thread,
// which owns the situation, gets each parsed request by a post and only routes, admits,
// reduces and answers it (the answer is posted back). Connections are spread round-robin.
//
// The registry of live sessions is how the I/O thread reaches them at shutdown: it holds weak
// pointers, a session enters when it starts and leaves in its destructor, and a close is
// posted to the session's own thread.
//
// Threads: start(), stop() and close_idle() on the I/O thread or the daemon's
// owner; next() on the I/O thread (the acceptor); enter() and leave() on a session's thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "ops/io_thread.hpp"

namespace bcp::daemon {

class HttpSession;

class HttpThreads {
 public:
  // `count` threads (at least one); `gauge` follows the number of live sessions
  // (bcp_http_sessions).
  HttpThreads(std::size_t count, std::atomic<std::int64_t>& gauge);
  ~HttpThreads();
  HttpThreads(const HttpThreads&) = delete;
  HttpThreads& operator=(const HttpThreads&) = delete;

  // The thread count DaemonOptions::http_threads asks for: 0 is one per core, at most 4.
  static std::size_t count_for(std::size_t asked);

  std::size_t size() const { return threads_.size(); }
  void start();
  // The context the next accepted connection lives on.
  boost::asio::io_context& next();

  void enter(const std::shared_ptr<HttpSession>& session);
  void leave(HttpSession* session);
  // A close posted to the thread of every live session waiting for a request (the graceful
  // stop).
  void close_idle();
  // Posts a close to every live session's thread, runs it, then ends and joins every thread.
  // Handlers still pending are destroyed with the contexts (with this object), taking their
  // sessions with them.
  void stop();

 private:
  void close_all();
  template <typename F>
  void for_each_session(F&& f);

  // Before the threads: a session destroyed with a context still leaves the registry.
  std::atomic<std::int64_t>& gauge_;
  std::mutex mutex_;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  std::size_t next_ = 0;
};

}  // namespace bcp::daemon
