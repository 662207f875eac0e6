// The stream hub: subscribers (walls, tools) on GET /v1/stream. Each event is serialised
// once and the same frame is queued to every subscriber, and kept for replays; a snapshot
// is serialised once per journal position. A subscriber whose queue passes its byte bound
// is disconnected (it resumes from its last seq) instead of growing memory.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bcp/daemon/daemon.hpp"
#include "bcp/model/events.hpp"
#include "bcp/daemon/pipeline/event_sink.hpp"

namespace bcp::daemon {

class WsSession;
using Frame = std::shared_ptr<const std::string>;

// The pipeline's last I/O-thread sink: every committed batch is broadcast to the walls.
class StreamHub : public EventSink {
 public:
  explicit StreamHub(Daemon::Core& core);
  // Sends the hello answer and then a snapshot, or the replay of the events after `since`,
  // and adds the session to the live set. Called on the I/O thread after a valid hello.
  void join(const std::shared_ptr<WsSession>& session, std::optional<model::Seq> since);
  // Every stream from its upgrade on, joined or not: closed by close_all at shutdown.
  void add(const std::shared_ptr<WsSession>& session);
  void leave(const std::shared_ptr<WsSession>& session);
  void broadcast(const std::vector<model::Event>& events);
  void on_committed(const std::vector<model::Event>& batch) override { broadcast(batch); }
  // Regional daemon: one town's event, as {"v":1,"type":"event","town":"<id>","event":{…}}.
  void broadcast_town(const std::string& town, const model::Event& event);
  void start_heartbeat();
  void close_all();
  std::size_t size() const { return live_.size(); }
  // Streams open now (metrics.streams), for limits.max_streams.
  std::size_t streams() const;

  static Frame event_frame(const model::Event& event);
  // Fills the replay frames from the journal's tail (at start-up, after the journal replay).
  void prime();

 private:
  // Weak: a session lives only as long as its own I/O, so a closed stream is freed even if
  // nothing called leave(); the registries forget it at the next walk. The live set keeps
  // each subscriber's wall id, for the per-wall gauge.
  using Owner = std::owner_less<std::weak_ptr<WsSession>>;
  using Live = std::map<std::weak_ptr<WsSession>, std::string, Owner>;
  using Registry = std::set<std::weak_ptr<WsSession>, Owner>;

  void on_heartbeat();
  void count_wall(const std::string& display, int delta);  // metrics by configured wall id
  void deliver_all(const Frame& frame);
  model::Seq stream_seq() const;  // the town's last seq, or the region's sum over its towns
  void add_live(const std::shared_ptr<WsSession>& session);
  // The joined sessions still alive; expired entries leave on the way.
  std::vector<std::shared_ptr<WsSession>> alive_live();
  void prune_all();
  Frame snapshot_frame();
  void remember(const model::Event& event, const Frame& frame);
  std::size_t recent_bytes_limit() const;

  Daemon::Core& core_;
  boost::asio::steady_timer heartbeat_timer_;
  Live live_;
  Registry all_;
  // The latest events' frames, oldest first: at most options.max_replay of them and half a
  // subscriber's queue bound in bytes. Replays are served from here.
  std::deque<std::pair<model::Seq, Frame>> recent_;
  std::size_t recent_bytes_ = 0;
  Frame snapshot_;
  model::Seq snapshot_seq_ = -1;
};

}  // namespace bcp::daemon
