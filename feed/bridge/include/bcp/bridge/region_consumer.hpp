// RegionConsumer: reads every town's events from BCP_TOWNS through a durable pull consumer
// and hands each one to the region exactly once, in each town's seq order.
//
// Threads: owns one thread, which does all NATS work and calls `apply`, `heartbeat` and `log`.
// metrics() and stop() may be called from any thread.
//
// Exactly once, in order: the durable consumer is created with js_AddConsumer and then bound
// (a consumer that a subscribe call created is deleted on unsubscribe); a message is acked only
// after `apply` returned. Per town the consumer keeps the last applied seq: a redelivery (an ack
// that was lost, a restart) of a seq at or below it is acked and skipped. Deliveries lost in
// transit (a server killed while a batch was on its way) come back only after the ack wait, so a
// seq above last+1 is not applied out of order: the missing events are read from the stream
// itself (the leader's STREAM.MSG.GET, next message on the town's subject) and applied first.
// Only when the stream does not hold them (retention removed them) is the hole counted as a gap.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bcp/bridge/nats.hpp"
#include "bcp/bridge/stream.hpp"

namespace bcp::bridge {

// One event of one town as the region receives it.
struct TownEvent {
  std::string town;
  std::uint64_t seq = 0;         // the town's journal seq
  std::uint64_t stream_seq = 0;  // where BCP_TOWNS holds it; keep it with `seq` (AppliedMark)
  std::string json;              // the event as the town journaled it
};

// A town's heartbeat (bcp.town.<town>.heartbeat, at least every 5 s while it reaches NATS).
struct TownHeartbeat {
  std::string town;
  std::uint64_t committed = 0;  // the town's journal seq
  std::uint64_t bridged = 0;    // what the stream has acknowledged of it
  std::string at;               // the town's clock, RFC 3339
  std::chrono::system_clock::time_point received{};
};

// What the region has applied of a town. stream_seq 0: not known (then the consumer finds the
// place in the stream by bisection when it has to fill a hole).
struct AppliedMark {
  std::uint64_t seq = 0;
  std::uint64_t stream_seq = 0;
};

struct RegionConsumerOptions {
  ConnectOptions nats;
  std::string durable = "bcp-region";
  std::set<std::string> towns;  // the towns the region follows; empty: every town
  // What the region already applied (from its own store): the consumer never applies a seq at
  // or below these.
  std::map<std::string, AppliedMark> applied;
  // Required. Called on the consumer's thread, per town in seq order. Throwing means "not
  // applied": the event is not acked and comes again (after a back-off).
  std::function<void(const TownEvent&)> apply;
  std::function<void(const TownHeartbeat&)> heartbeat;  // may be empty
  StreamSettings stream;  // used when the region starts before any town created the stream
  std::size_t batch = 256;
  std::chrono::milliseconds fetch_wait{250};
  std::chrono::milliseconds ack_wait{10000};
  std::chrono::milliseconds retry_min{50};
  std::chrono::milliseconds retry_max{1000};
  std::function<void(const std::string&)> log;  // on the consumer's thread; may be empty
};

struct ConsumerMetrics {
  std::map<std::string, AppliedMark> applied;
  std::uint64_t delivered = 0;  // messages fetched
  std::uint64_t applied_events = 0;
  std::uint64_t duplicates = 0;   // redeliveries skipped
  std::uint64_t filled = 0;       // events read from the stream to close a hole
  std::uint64_t gaps = 0;         // holes the stream could not fill
  std::uint64_t rejected = 0;     // messages without a valid town subject or Msg-Id
  std::uint64_t other_towns = 0;  // events of towns the region does not follow (acked)
  std::uint64_t heartbeats = 0;
  std::uint64_t errors = 0;
  bool bound = false;
  std::string last_error;
};

class RegionConsumer {
 public:
  // Starts the thread. Throws std::invalid_argument for options that could never work.
  explicit RegionConsumer(RegionConsumerOptions options);
  ~RegionConsumer();
  RegionConsumer(const RegionConsumer&) = delete;
  RegionConsumer& operator=(const RegionConsumer&) = delete;

  ConsumerMetrics metrics() const;
  // Finishes the batch at hand (acks what was applied, flushes), then stops. Idempotent.
  void stop();

 private:
  void run();
  void open();
  void ensure_consumer();
  void fetch_batch();
  bool handle(natsMsg* msg, bool& failed);
  bool fill_hole(const std::string& town, std::uint64_t current_stream_seq);
  std::uint64_t bisect(const std::string& town, std::uint64_t after, std::uint64_t hi);
  void deliver(const std::string& town, std::uint64_t seq, std::uint64_t stream_seq,
               std::string json);
  void drain_heartbeats();
  void close();
  void back_off(std::chrono::milliseconds delay);
  void on_error(const std::string& what);
  bool stopping() const;
  void say(const std::string& line);

  const RegionConsumerOptions options_;

  // Consumer thread only.
  std::unique_ptr<Connection> conn_;
  SubscriptionPtr events_;
  SubscriptionPtr heartbeats_sub_;
  std::map<std::string, AppliedMark> applied_;
  std::chrono::steady_clock::time_point failing_since_{};  // first error of the current run
  std::uint64_t failed_attempts_ = 0;

  mutable std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_;
  bool stop_ = false;
  ConsumerMetrics metrics_;

  std::thread thread_;
};

}  // namespace bcp::bridge
