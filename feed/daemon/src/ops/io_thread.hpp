// An io_context of its own, run by one thread. The stream thread (every WebSocket session,
// stream/stream_hub.hpp) is one, and so is each HTTP thread (http/http_threads.hpp): a wall's
// socket or a client's slow request never waits behind the I/O thread that owns the situation,
// and that thread never waits on theirs. Work reaches the thread only by posting, and runs in
// the order it was posted (one thread runs the handlers).
//
// Threads: start() and stop() on the thread that owns it; context() from any.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace bcp::daemon {

class IoThread {
 public:
  // `name` is the log component of a handler that throws there ("stream", "http").
  explicit IoThread(std::string_view name) : name_(name) {}
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;
  ~IoThread() { stop(); }

  boost::asio::io_context& context() { return ioc_; }
  // Runs the thread until stop(); a second call does nothing.
  void start();
  // Runs what was posted before it (the closes of its connections), then ends the thread and
  // joins it. Handlers still pending are destroyed with the context.
  void stop();

 private:
  std::string name_;
  boost::asio::io_context ioc_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::thread thread_;
};

}  // namespace bcp::daemon
