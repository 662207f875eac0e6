// The stream thread: an io_context of its own, run by one thread, where every WebSocket
// session lives (its reads, its writes, the subscriber set). Fan-out to hundreds of walls
// never waits behind HTTP ingest on the I/O thread, and the I/O thread never waits on a
// wall's socket. The I/O thread hands work to it only by posting (in order: one thread runs
// the handlers in the order they were posted).
//
// Threads: start() and stop() on the I/O thread or the daemon's owner; context() from any.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <thread>

namespace bcp::daemon {

class StreamThread {
 public:
  StreamThread() = default;
  StreamThread(const StreamThread&) = delete;
  StreamThread& operator=(const StreamThread&) = delete;
  ~StreamThread() { stop(); }

  boost::asio::io_context& context() { return ioc_; }
  // Runs the thread until stop(); a second call does nothing.
  void start();
  // Runs what was posted before it (the close of every stream), then ends the thread and
  // joins it. Handlers still pending are destroyed with the context.
  void stop();

 private:
  boost::asio::io_context ioc_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::thread thread_;
};

}  // namespace bcp::daemon
