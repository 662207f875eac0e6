#include "stream/stream_hub.hpp"

#include <algorithm>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/frames.hpp"
#include "bridge/region_service.hpp"
#include "pipeline/core.hpp"
#include "stream/ws_session.hpp"

namespace bcp::daemon {
namespace {
Frame hub_frame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }
}  // namespace

StreamHub::StreamHub(Daemon::Core& core) : core_(core), heartbeat_timer_(core.ioc) {}

Frame StreamHub::event_frame(const model::Event& event) {
  // Spliced rather than nested in a json object so the event is dumped exactly once.
  return hub_frame(model::encode_event_frame(model::to_json(event).dump()));
}

model::Seq StreamHub::stream_seq() const {
  return core_.region ? static_cast<model::Seq>(core_.region->total_seq()) : core_.situation.last_seq;
}

Frame StreamHub::snapshot_frame() {
  // One serialisation per journal position, shared by every wall that joins there.
  const model::Seq last = core_.situation.last_seq;
  if (!snapshot_ || snapshot_seq_ != last) {
    snapshot_ = hub_frame(
        model::encode_snapshot_frame(last, model::situation_to_json(core_.situation).dump()));
    snapshot_seq_ = last;
    core_.metrics.snapshots_built++;
  }
  return snapshot_;
}

std::size_t StreamHub::recent_bytes_limit() const {
  // Half a subscriber's queue: a replay always leaves room for the live events behind it.
  return core_.options.max_subscriber_queue_bytes / 2;
}

void StreamHub::remember(const model::Event& event, const Frame& frame) {
  if (std::holds_alternative<model::TalkHidden>(event.body)) {
    // A message taken off the wall must not travel to a wall again, not even for the moment
    // before its talk.hidden: a wall resuming from before the hide gets the snapshot instead
    // (skipping the message in a replay would break the gap-free stream).
    recent_.clear();
    recent_bytes_ = 0;
  }
  recent_.emplace_back(event.seq, frame);
  recent_bytes_ += frame->size();
  while (!recent_.empty() &&
         (recent_.size() > core_.options.max_replay || recent_bytes_ > recent_bytes_limit())) {
    recent_bytes_ -= recent_.front().second->size();
    recent_.pop_front();
  }
}

void StreamHub::prime() {
  // The journal's tail, so that walls resuming right after a restart are replayed too.
  const model::Seq last = core_.situation.last_seq;
  const model::Seq from =
      std::max<model::Seq>(0, last - static_cast<model::Seq>(core_.options.max_replay));
  for (model::Seq since = from; since < last;) {
    auto chunk = core_.journal->read(since, 1000);
    if (chunk.empty()) break;
    for (const model::Event& e : chunk) remember(e, event_frame(e));
    since = chunk.back().seq;
  }
}

void StreamHub::join(const std::shared_ptr<WsSession>& session, std::optional<model::Seq> since) {
  if (core_.region) {
    // A region's wall always starts from a snapshot of every town (its seq is a sum, not a
    // position it could resume from); the towns' events follow, each tagged with its town.
    const model::Seq total = stream_seq();
    session->deliver(
        hub_frame(model::encode(model::HelloAnswerFrame{total, model::StreamMode::snapshot})));
    session->deliver(hub_frame(model::encode(
        model::RegionSnapshotFrame{total, core_.region->snapshot_json(core_.now())})));
    add_live(session);
    return;
  }
  const model::Seq last = core_.situation.last_seq;
  // A replay is sent from the frames already made for the live stream, shared with every
  // other subscriber; one that reaches further back than they do gets the snapshot instead.
  const bool covered =
      since && *since <= last &&
      (*since == last || (!recent_.empty() && recent_.front().first <= *since + 1 &&
                          recent_.back().first == last));
  session->deliver(hub_frame(model::encode(model::HelloAnswerFrame{
      last, covered ? model::StreamMode::replay : model::StreamMode::snapshot})));
  if (covered) {
    // Everything up to `last` is applied and in recent_; later events reach the session
    // through broadcast(), so the stream has neither gaps nor duplicates.
    for (const auto& [seq, frame] : recent_) {
      if (seq > *since) session->deliver(frame);
    }
  } else {
    session->deliver(snapshot_frame());
  }
  add_live(session);
}

void StreamHub::add_live(const std::shared_ptr<WsSession>& session) {
  if (live_.emplace(session, session->display()).second) count_wall(session->display(), +1);
  core_.metrics.subscribers = static_cast<std::int64_t>(live_.size());
}

void StreamHub::add(const std::shared_ptr<WsSession>& session) {
  prune_all();
  all_.insert(session);
}

void StreamHub::leave(const std::shared_ptr<WsSession>& session) {
  if (auto it = live_.find(session); it != live_.end()) {
    count_wall(it->second, -1);
    live_.erase(it);
  }
  core_.metrics.subscribers = static_cast<std::int64_t>(live_.size());
}

std::size_t StreamHub::streams() const {
  return static_cast<std::size_t>(std::max<std::int64_t>(0, core_.metrics.streams.load()));
}

std::vector<std::shared_ptr<WsSession>> StreamHub::alive_live() {
  std::vector<std::shared_ptr<WsSession>> out;
  out.reserve(live_.size());
  for (auto it = live_.begin(); it != live_.end();) {
    if (auto s = it->first.lock()) {
      out.push_back(std::move(s));
      ++it;
    } else {
      count_wall(it->second, -1);
      it = live_.erase(it);
    }
  }
  core_.metrics.subscribers = static_cast<std::int64_t>(live_.size());
  return out;
}

void StreamHub::prune_all() {
  for (auto it = all_.begin(); it != all_.end();) it = it->expired() ? all_.erase(it) : std::next(it);
}

void StreamHub::count_wall(const std::string& display, int delta) {
  auto& walls = core_.metrics.wall_subscribers;
  if (auto it = walls.find(display); it != walls.end()) it->second += delta;
}

void StreamHub::broadcast(const std::vector<model::Event>& events) {
  // deliver() may drop a session (and so erase it from live_): deliver to a copy.
  const auto subscribers = alive_live();
  for (const model::Event& e : events) {
    Frame frame = event_frame(e);
    remember(e, frame);
    for (const auto& s : subscribers) s->deliver(frame);
  }
}

void StreamHub::broadcast_town(const std::string& town, const model::Event& event) {
  deliver_all(hub_frame(model::encode_town_event_frame(town, model::to_json(event).dump())));
}

void StreamHub::deliver_all(const Frame& frame) {
  for (const auto& s : alive_live()) s->deliver(frame);
}

void StreamHub::start_heartbeat() {
  heartbeat_timer_.expires_after(core_.options.heartbeat_interval);
  heartbeat_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_heartbeat();
  });
}

void StreamHub::on_heartbeat() {
  if (core_.stopping) return;
  // Rescheduled first: a failure below costs one beat, not every later one.
  start_heartbeat();
  Frame frame = hub_frame(model::encode(model::HeartbeatFrame{stream_seq(), core_.now()}));
  deliver_all(frame);
  prune_all();
}

void StreamHub::close_all() {
  heartbeat_timer_.cancel();
  // Streams that never sent their hello are closed too, so none holds the shutdown up.
  std::vector<std::shared_ptr<WsSession>> streams;
  for (const auto& weak : all_) {
    if (auto s = weak.lock()) streams.push_back(std::move(s));
  }
  live_.clear();
  all_.clear();
  core_.metrics.subscribers = 0;
  for (auto& [wall, n] : core_.metrics.wall_subscribers) n = 0;
  for (const auto& s : streams) s->abort("daemon shutting down");
}

}  // namespace bcp::daemon
