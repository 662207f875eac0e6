// The stream hub: subscribers (walls, tools) on GET /v1/stream. Each event is serialised
// once and the same frame is queued to every subscriber; a subscriber whose queue passes
// the bound is disconnected (it resumes from its last seq) instead of growing memory.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bcp/daemon/daemon.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

class WsSession;
using Frame = std::shared_ptr<const std::string>;

class StreamHub {
 public:
  explicit StreamHub(Daemon::Core& core);
  // Sends the hello answer and then a snapshot, or the replay of the events after `since`,
  // and adds the session to the live set. Called on the I/O thread after a valid hello.
  void join(const std::shared_ptr<WsSession>& session, std::optional<model::Seq> since);
  void leave(const std::shared_ptr<WsSession>& session);
  void broadcast(const std::vector<model::Event>& events);
  // Regional daemon: one town's event, as {"v":1,"type":"event","town":"<id>","event":{…}}.
  void broadcast_town(const std::string& town, const model::Event& event);
  void start_heartbeat();
  void close_all();
  std::size_t size() const { return live_.size(); }

  static Frame event_frame(const model::Event& event);

 private:
  void on_heartbeat();
  void count_wall(const WsSession& session, int delta);  // metrics by configured wall id
  void deliver_all(const Frame& frame);
  model::Seq stream_seq() const;  // the town's last seq, or the region's sum over its towns
  Daemon::Core& core_;
  boost::asio::steady_timer heartbeat_timer_;
  std::set<std::shared_ptr<WsSession>> live_;
};

}  // namespace bcp::daemon
