#include "stream_hub.hpp"

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/protocol.hpp"
#include "core.hpp"
#include "region_service.hpp"
#include "ws_session.hpp"

namespace bcp::daemon {
namespace {
Frame make_frame(const nlohmann::json& j) { return std::make_shared<const std::string>(j.dump()); }
}  // namespace

StreamHub::StreamHub(Daemon::Core& core) : core_(core), heartbeat_timer_(core.ioc) {}

Frame StreamHub::event_frame(const model::Event& event) {
  // Spliced rather than nested in a json object so the event is dumped exactly once.
  std::string text = R"({"v":1,"type":"event","event":)";
  text += model::to_json(event).dump();
  text += '}';
  return std::make_shared<const std::string>(std::move(text));
}

model::Seq StreamHub::stream_seq() const {
  return core_.region ? static_cast<model::Seq>(core_.region->total_seq()) : core_.situation.last_seq;
}

void StreamHub::join(const std::shared_ptr<WsSession>& session, std::optional<model::Seq> since) {
  if (core_.region) {
    // A region's wall always starts from a snapshot of every town (its seq is a sum, not a
    // position it could resume from); the towns' events follow, each tagged with its town.
    const model::Seq total = stream_seq();
    session->deliver(make_frame({{"v", model::kProtocolVersion},
                                 {"type", model::kFrameHello},
                                 {"seq", total},
                                 {"mode", "snapshot"}}));
    session->deliver(make_frame({{"v", model::kProtocolVersion},
                                 {"type", model::kFrameSnapshot},
                                 {"seq", total},
                                 {"region", core_.region->snapshot_json(core_.now())}}));
    if (live_.insert(session).second) count_wall(*session, +1);
    core_.metrics.subscribers = static_cast<std::int64_t>(live_.size());
    return;
  }
  const model::Seq last = core_.situation.last_seq;
  const bool replay = since && *since <= last &&
                      static_cast<std::size_t>(last - *since) <= core_.options.max_replay;
  session->deliver(make_frame({{"v", model::kProtocolVersion},
                               {"type", model::kFrameHello},
                               {"seq", last},
                               {"mode", replay ? "replay" : "snapshot"}}));
  if (replay) {
    // Everything up to `last` is committed and applied; later events reach the session
    // through broadcast(), so the stream has neither gaps nor duplicates.
    for (const model::Event& e : core_.journal->read(*since, static_cast<std::size_t>(last - *since))) {
      session->deliver(event_frame(e));
    }
  } else {
    session->deliver(make_frame({{"v", model::kProtocolVersion},
                                 {"type", model::kFrameSnapshot},
                                 {"seq", last},
                                 {"situation", model::situation_to_json(core_.situation)}}));
  }
  if (live_.insert(session).second) count_wall(*session, +1);
  core_.metrics.subscribers = static_cast<std::int64_t>(live_.size());
}

void StreamHub::leave(const std::shared_ptr<WsSession>& session) {
  if (live_.erase(session)) count_wall(*session, -1);
  core_.metrics.subscribers = static_cast<std::int64_t>(live_.size());
}

void StreamHub::count_wall(const WsSession& session, int delta) {
  auto& walls = core_.metrics.wall_subscribers;
  if (auto it = walls.find(session.display()); it != walls.end()) it->second += delta;
}

void StreamHub::broadcast(const std::vector<model::Event>& events) {
  for (const model::Event& e : events) {
    Frame frame = event_frame(e);
    // deliver() may drop a session (and so erase it from live_): iterate over a copy.
    auto subscribers = live_;
    for (const auto& s : subscribers) s->deliver(frame);
  }
}

void StreamHub::broadcast_town(const std::string& town, const model::Event& event) {
  std::string text = R"({"v":1,"type":"event","town":)";
  text += nlohmann::json(town).dump();
  text += R"(,"event":)";
  text += model::to_json(event).dump();
  text += '}';
  deliver_all(std::make_shared<const std::string>(std::move(text)));
}

void StreamHub::deliver_all(const Frame& frame) {
  auto subscribers = live_;
  for (const auto& s : subscribers) s->deliver(frame);
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
  Frame frame = make_frame({{"v", model::kProtocolVersion},
                            {"type", model::kFrameHeartbeat},
                            {"seq", stream_seq()},
                            {"at", model::format_time(core_.now())}});
  deliver_all(frame);
}

void StreamHub::close_all() {
  heartbeat_timer_.cancel();
  auto subscribers = live_;
  live_.clear();
  core_.metrics.subscribers = 0;
  for (auto& [wall, n] : core_.metrics.wall_subscribers) n = 0;
  for (const auto& s : subscribers) s->abort("daemon shutting down");
}

}  // namespace bcp::daemon
