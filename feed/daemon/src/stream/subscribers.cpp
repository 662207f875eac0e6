#include "stream/subscribers.hpp"

#include <boost/asio/post.hpp>

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
  boost::asio::post(stream_, [this, session = std::move(session), first = std::move(first)] {
    admit_now(session, first);
  });
}

void Subscribers::deliver(std::vector<Frame> frames) {
  boost::asio::post(stream_, [this, frames = std::move(frames)] { deliver_now(frames); });
}

void Subscribers::close_all() {
  boost::asio::post(stream_, [this] { close_all_now(); });
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
