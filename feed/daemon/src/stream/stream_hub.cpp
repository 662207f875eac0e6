#include "stream/stream_hub.hpp"

#include <algorithm>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/frames.hpp"
#include "bridge/region_service.hpp"
#include "pipeline/core.hpp"
#include "stream/ws_session.hpp"

namespace bcp::daemon {
StreamHub::StreamHub(Daemon::Core& core)
    : core_(core), heartbeat_timer_(core.ioc), subscribers_(core.metrics, thread_.context()) {}

StreamHub::~StreamHub() { stop_thread(); }

Frame StreamHub::event_frame(const model::Event& event) {
  // Spliced rather than nested in a json object so the event is dumped exactly once.
  return text_frame(model::encode_event_frame(model::to_json(event).dump()));
}

model::Seq StreamHub::stream_seq() const {
  return core_.region ? static_cast<model::Seq>(core_.region->total_seq()) : core_.situation.last_seq;
}

Frame StreamHub::snapshot_frame() {
  // One serialisation per journal position, shared by every wall that joins there.
  const model::Seq last = core_.situation.last_seq;
  if (!snapshot_ || snapshot_seq_ != last) {
    snapshot_ = text_frame(
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

void StreamHub::join(std::weak_ptr<WsSession> session, std::optional<model::Seq> since) {
  std::vector<Frame> first;
  if (core_.region) {
    // A region's wall always starts from a snapshot of every town (its seq is a sum, not a
    // position it could resume from); the towns' events follow, each tagged with its town.
    const model::Seq total = stream_seq();
    first.push_back(
        text_frame(model::encode(model::HelloAnswerFrame{total, model::StreamMode::snapshot})));
    first.push_back(text_frame(model::encode(
        model::RegionSnapshotFrame{total, core_.region->snapshot_json(core_.now())})));
    return subscribers_.admit(std::move(session), std::move(first));
  }
  const model::Seq last = core_.situation.last_seq;
  // A replay is sent from the frames already made for the live stream, shared with every
  // other subscriber; one that reaches further back than they do gets the snapshot instead.
  const bool covered =
      since && *since <= last &&
      (*since == last || (!recent_.empty() && recent_.front().first <= *since + 1 &&
                          recent_.back().first == last));
  first.push_back(text_frame(model::encode(model::HelloAnswerFrame{
      last, covered ? model::StreamMode::replay : model::StreamMode::snapshot})));
  if (covered) {
    // Everything up to `last` is applied and in recent_; later events are posted to the
    // stream thread after this admission, so the stream has neither gaps nor duplicates.
    for (const auto& [seq, frame] : recent_) {
      if (seq > *since) first.push_back(frame);
    }
  } else {
    first.push_back(snapshot_frame());
  }
  subscribers_.admit(std::move(session), std::move(first));
}

std::size_t StreamHub::streams() const {
  return static_cast<std::size_t>(std::max<std::int64_t>(0, core_.metrics.streams.load()));
}

bool StreamHub::reserve_stream() {
  const auto limit = static_cast<std::int64_t>(core_.options.max_streams);
  std::int64_t open = core_.metrics.streams.load();
  while (open < limit) {
    if (core_.metrics.streams.compare_exchange_weak(open, open + 1)) return true;
  }
  return false;
}

void StreamHub::broadcast(const std::vector<model::Event>& events) {
  std::vector<Frame> frames;
  frames.reserve(events.size());
  for (const model::Event& e : events) {
    Frame frame = event_frame(e);
    remember(e, frame);
    frames.push_back(std::move(frame));
  }
  // With no stream open there is nobody to wake the stream thread for (it was woken once per
  // batch of an ingest run with no wall). A wall that connects after this gets these frames
  // from the replay kept above: its hello is answered here, after this batch. The heartbeat
  // still goes every interval and prunes what left.
  if (streams() == 0) return;
  subscribers_.deliver(std::move(frames));
}

void StreamHub::broadcast_town(const std::string& town, const model::Event& event) {
  subscribers_.deliver({text_frame(model::encode_town_event_frame(town, model::to_json(event).dump()))});
}

void StreamHub::start() {
  thread_.start();
  start_heartbeat();
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
  subscribers_.deliver({text_frame(model::encode(model::HeartbeatFrame{stream_seq(), core_.now()}))});
}

void StreamHub::close_all() {
  heartbeat_timer_.cancel();
  subscribers_.close_all();
}

void StreamHub::stop_thread() { thread_.stop(); }

}  // namespace bcp::daemon
