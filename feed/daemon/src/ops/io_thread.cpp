#include "ops/io_thread.hpp"

#include <pthread.h>

#include <boost/asio/post.hpp>

#include "bcp/daemon/log.hpp"

namespace bcp::daemon {

void IoThread::start() {
  if (thread_.joinable()) return;
  ioc_.restart();
  guard_.emplace(ioc_.get_executor());
  thread_ = std::thread([this] {
    // Named for `top -H` and a profile: "bcp-http", "bcp-stream" (15 characters at most).
    pthread_setname_np(pthread_self(), ("bcp-" + name_).substr(0, 15).c_str());
    const std::string what = "a handler on the " + name_ + " thread";
    // As on the I/O thread: a handler that throws loses its own work only; run() again.
    for (;;) {
      const bool finished = run_guarded(name_, what, [this] { ioc_.run(); });
      if (finished || ioc_.stopped()) break;
    }
  });
}

void IoThread::stop() {
  if (!thread_.joinable()) return;
  guard_.reset();
  // After everything already posted (the aborts of a close_all), not before it.
  boost::asio::post(ioc_, [this] { ioc_.stop(); });
  thread_.join();
}

}  // namespace bcp::daemon
