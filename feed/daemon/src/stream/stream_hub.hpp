// The stream hub: subscribers (walls, tools) on GET /v1/stream. Each event's frame — its
// WebSocket header and payload — is built once and the same bytes are queued to every
// subscriber, and kept for replays; a snapshot is serialised once per journal position. A
// subscriber whose queue passes its byte bound is disconnected (it resumes from its last seq)
// instead of growing memory.
//
// Threads: this class is the I/O thread's half (it reads the situation and the journal);
// the sessions and the subscriber set live on the stream thread it owns (ops/io_thread.hpp,
// subscribers.hpp), and the frames built here are posted to them in commit order.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/pipeline/event_sink.hpp"
#include "bcp/model/events.hpp"
#include "stream/frame.hpp"
#include "ops/io_thread.hpp"
#include "stream/subscribers.hpp"

namespace bcp::daemon {

class WsSession;

// The pipeline's last I/O-thread sink: every committed batch is broadcast to the walls.
class StreamHub : public EventSink {
 public:
  explicit StreamHub(Daemon::Core& core);
  ~StreamHub() override;

  // Answers a valid hello: posts the hello answer and then a snapshot, or the replay of the
  // events after `since`, to the session, which then joins the live set. I/O thread.
  void join(std::weak_ptr<WsSession> session, std::optional<model::Seq> since);
  void broadcast(const std::vector<model::Event>& events);
  void on_committed(const std::vector<model::Event>& batch) override { broadcast(batch); }
  // Regional daemon: one town's event, as {"v":1,"type":"event","town":"<id>","event":{…}}.
  void broadcast_town(const std::string& town, const model::Event& event);
  // Starts the stream thread and the heartbeat (Daemon::run).
  void start();
  // Closes every stream (posted to the stream thread) and stops the heartbeat.
  void close_all();
  // Ends the stream thread once close_all's work is done (after the I/O thread's run()).
  void stop_thread();
  // Streams open now (metrics.streams). Any thread.
  std::size_t streams() const;
  // Counts one more stream in metrics.streams unless limits.max_streams are open (false):
  // one check-and-count, as upgrades come from several HTTP threads at once. The WsSession
  // built after it uncounts it in its destructor. Any thread.
  bool reserve_stream();

  // Where the sessions' sockets and timers live.
  boost::asio::io_context& stream_context() { return thread_.context(); }
  // The stream thread's half; the sessions call it from there.
  Subscribers& subscribers() { return subscribers_; }

  static Frame event_frame(const model::Event& event);
  // Fills the replay frames from the journal's tail (at start-up, after the journal replay).
  void prime();

 private:
  void start_heartbeat();
  void on_heartbeat();
  model::Seq stream_seq() const;  // the town's last seq, or the region's sum over its towns
  Frame snapshot_frame();
  void remember(const model::Event& event, const Frame& frame);
  std::size_t recent_bytes_limit() const;

  Daemon::Core& core_;
  boost::asio::steady_timer heartbeat_timer_;
  // The latest events' frames, oldest first: at most options.max_replay of them and half a
  // subscriber's queue bound in bytes. Replays are served from here.
  std::deque<std::pair<model::Seq, Frame>> recent_;
  std::size_t recent_bytes_ = 0;
  Frame snapshot_;
  model::Seq snapshot_seq_ = -1;
  // Joined by the destructor before any member goes; the sessions' pending handlers are
  // destroyed with its context.
  IoThread thread_{"stream"};
  Subscribers subscribers_;
};

}  // namespace bcp::daemon
