#include "http/http_threads.hpp"

#include <algorithm>
#include <thread>

#include "http/http_session.hpp"

namespace bcp::daemon {

namespace {
constexpr std::size_t kMaxAutoThreads = 4;
}

HttpThreads::HttpThreads(std::size_t count, std::atomic<std::int64_t>& gauge) : gauge_(gauge) {
  for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i)
    threads_.push_back(std::make_unique<IoThread>("http"));
}

HttpThreads::~HttpThreads() {
  for (auto& thread : threads_) thread->stop();
  // The contexts go first, while the registry their sessions leave still exists.
  threads_.clear();
}

std::size_t HttpThreads::count_for(std::size_t asked) {
  if (asked > 0) return asked;
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxAutoThreads);
}

void HttpThreads::start() {
  for (auto& thread : threads_) thread->start();
}

boost::asio::io_context& HttpThreads::next() {
  IoThread& thread = *threads_[next_];
  next_ = (next_ + 1) % threads_.size();
  return thread.context();
}

void HttpThreads::enter(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(session.get(), session);
  gauge_ = static_cast<std::int64_t>(sessions_.size());
}

void HttpThreads::leave(HttpSession* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
  gauge_ = static_cast<std::int64_t>(sessions_.size());
}

template <typename F>
void HttpThreads::for_each_session(F&& f) {
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard lock(mutex_);
    live.reserve(sessions_.size());
    for (auto& [raw, weak] : sessions_)
      if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  // Outside the lock: a session released here leaves the registry in its destructor.
  for (auto& session : live) f(session);
}

void HttpThreads::close_idle() {
  for_each_session([](const std::shared_ptr<HttpSession>& s) { s->close_if_idle(); });
}

void HttpThreads::close_all() {
  for_each_session([](const std::shared_ptr<HttpSession>& s) { s->close_now(); });
}

void HttpThreads::stop() {
  close_all();
  for (auto& thread : threads_) thread->stop();
}

}  // namespace bcp::daemon
