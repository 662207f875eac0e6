#include "stream/stream_thread.hpp"

#include <boost/asio/post.hpp>

#include "bcp/daemon/log.hpp"

namespace bcp::daemon {

void StreamThread::start() {
  if (thread_.joinable()) return;
  ioc_.restart();
  guard_.emplace(ioc_.get_executor());
  thread_ = std::thread([this] {
    // As on the I/O thread: a handler that throws loses its own work only; run() again.
    for (;;) {
      const bool finished = run_guarded("stream", "a handler on the stream thread", [this] { ioc_.run(); });
      if (finished || ioc_.stopped()) break;
    }
  });
}

void StreamThread::stop() {
  if (!thread_.joinable()) return;
  guard_.reset();
  // After everything already posted (StreamHub::close_all's aborts), not before it.
  boost::asio::post(ioc_, [this] { ioc_.stop(); });
  thread_.join();
}

}  // namespace bcp::daemon
