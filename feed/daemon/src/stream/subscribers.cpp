#include "stream/subscribers.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "bcp/daemon/metrics.hpp"
#include "stream/ws_session.hpp"

namespace bcp::daemon {

Subscribers::Subscribers(Metrics& metrics, boost::asio::io_context& stream)
    : metrics_(metrics), stream_(stream) {}

void Subscribers::add(const std::shared_ptr<WsSession>& session) {
  prune_all();
  all_.insert(session);
}

void Subscribers::leave(const std::shared_ptr<WsSession>& session) {
  if (auto it = live_.find(session); it != live_.end()) {
    count_wall(it->second, -1);
    live_.erase(it);
  }
  publish_count();
}

void Subscribers::admit(std::weak_ptr<WsSession> session, std::vector<Frame> first) {
  append(Admission{std::move(session), std::move(first)});
}

void Subscribers::deliver(std::vector<Frame> frames) {
  std::lock_guard lock(mutex_);
  for (Frame& frame : frames) pending_.emplace_back(std::move(frame));
  if (!std::exchange(flush_posted_, true)) boost::asio::post(stream_, [this] { flush(); });
}

void Subscribers::close_all() { append(CloseAll{}); }

void Subscribers::append(Item item) {
  std::lock_guard lock(mutex_);
  pending_.push_back(std::move(item));
  if (!std::exchange(flush_posted_, true)) boost::asio::post(stream_, [this] { flush(); });
}

void Subscribers::flush() {
  {
    std::lock_guard lock(mutex_);
    taken_.swap(pending_);
    flush_posted_ = false;
  }
  // In order: the frames before an admission go to those already live, the admitted session
  // gets its first frames and then every frame after them.
  auto deliver_run = [this] {
    if (!run_.empty()) deliver_now(run_);
    run_.clear();
  };
  for (Item& item : taken_) {
    if (auto* frame = std::get_if<Frame>(&item)) {
      run_.push_back(std::move(*frame));
    } else if (auto* admission = std::get_if<Admission>(&item)) {
      deliver_run();
      admit_now(admission->session, admission->first);
    } else {
      deliver_run();
      close_all_now();
    }
  }
  deliver_run();
  taken_.clear();
}

void Subscribers::admit_now(const std::weak_ptr<WsSession>& weak, const std::vector<Frame>& first) {
  auto session = weak.lock();
  if (!session || !session->open()) return;
  if (closed_) return session->abort("daemon shutting down");
  session->deliver(first);
  if (!session->open()) return;  // its queue could not take the first frames
  if (live_.emplace(session, session->display()).second) count_wall(session->display(), +1);
  publish_count();
}

void Subscribers::deliver_now(const std::vector<Frame>& frames) {
  // deliver() may drop a session (and so erase it from live_): deliver to a copy.
  collect_alive();
  for (const auto& s : alive_) s->deliver(frames);
  alive_.clear();
}

void Subscribers::collect_alive() {
  alive_.clear();
  for (auto it = live_.begin(); it != live_.end();) {
    if (auto s = it->first.lock()) {
      alive_.push_back(std::move(s));
      ++it;
    } else {
      count_wall(it->second, -1);
      it = live_.erase(it);
    }
  }
  publish_count();
}

void Subscribers::prune_all() {
  for (auto it = all_.begin(); it != all_.end();) it = it->expired() ? all_.erase(it) : std::next(it);
}

void Subscribers::close_all_now() {
  closed_ = true;
  // Streams that never sent their hello are closed too, so none holds the shutdown up.
  std::vector<std::shared_ptr<WsSession>> streams;
  for (const auto& weak : all_) {
    if (auto s = weak.lock()) streams.push_back(std::move(s));
  }
  live_.clear();
  all_.clear();
  metrics_.subscribers = 0;
  for (auto& [wall, n] : metrics_.wall_subscribers) n = 0;
  for (const auto& s : streams) s->abort("daemon shutting down");
}

void Subscribers::count_wall(const std::string& display, int delta) {
  auto& walls = metrics_.wall_subscribers;
  if (auto it = walls.find(display); it != walls.end()) it->second += delta;
}

void Subscribers::publish_count() { metrics_.subscribers = static_cast<std::int64_t>(live_.size()); }

}  // namespace bcp::daemon
