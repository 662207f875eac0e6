// TownPublisher: carries one town's journal onto the BCP_TOWNS stream, in seq order, with
// Nats-Msg-Id <town>:<seq>, and publishes the town's heartbeat.
//
// Threads: owns one thread, which does all NATS work and calls `read` and `log`.
// committed()/committed_up_to() are called by the daemon's event sink (one thread, in seq
// order) and never block on NATS: they raise a mark and maybe keep the event's text in a
// bounded hand-off; whatever did not fit is read back from the journal through `read`.
// metrics() and stop() may be called from any thread.
//
// Order and resume: one publish at a time, the next only after the previous was acknowledged,
// each naming the stream seq of the one before (ExpectLastSubjectSeq), so the stream holds the
// town's events as 1..N without holes or doubles. On start and after any error it asks the
// stream for the last message on bcp.town.<town>.events and goes on after it; when the stream
// holds none (retention removed it, the stream was re-created) it goes on after the local
// "bridged up to" mark. A timeout, "no responders" or a leader change is thus retried with the
// same Msg-Id once the stream answers again.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bcp/bridge/nats.hpp"
#include "bcp/bridge/stream.hpp"

namespace bcp::bridge {

namespace detail {
class Handoff;
}

// One committed event as the bridge carries it: the town's seq and the event's JSON text.
struct JournalEvent {
  std::uint64_t seq = 0;
  std::string json;
};

// Committed events with seq > after, in seq order, at most `limit`. Called on the publisher's
// thread; may throw (counted as an error and retried after a back-off).
using JournalReader =
    std::function<std::vector<JournalEvent>(std::uint64_t after, std::size_t limit)>;

struct TownPublisherOptions {
  ConnectOptions nats;
  std::string town;  // a valid_town_id
  JournalReader read;
  std::uint64_t committed = 0;      // the journal's last seq when the publisher starts
  std::filesystem::path mark_file;  // the "bridged up to" mark; empty: none kept
  StreamSettings stream;
  std::size_t batch = 256;  // events read from the journal at once
  std::size_t handoff_events = 4096;
  std::size_t handoff_bytes = 8u << 20;
  // The heartbeat on bcp.town.<town>.heartbeat (core NATS, not stored); the contract asks for
  // one at least every 5 s.
  std::chrono::milliseconds heartbeat_every{2000};
  std::chrono::milliseconds retry_min{50};
  std::chrono::milliseconds retry_max{1000};
  std::function<void(const std::string&)> log;  // on the publisher's thread; may be empty
};

enum class PublisherState {
  connecting,  // no connection to any server yet (or it was closed)
  resyncing,   // asking the stream where the town stands
  live,        // caught up or publishing
  retrying,    // a NATS error; retrying after a back-off
  blocked,     // the stream or subject is in a state it cannot fix (see last_error)
  stopped,
};
const char* state_name(PublisherState s);

struct PublisherMetrics {
  std::uint64_t committed = 0;   // the journal's last seq as handed over
  std::uint64_t bridged = 0;     // the last seq the stream acknowledged
  std::uint64_t lag = 0;         // committed - bridged
  std::uint64_t published = 0;   // acknowledged publishes (duplicates included)
  std::uint64_t duplicates = 0;  // acknowledged as already stored
  std::uint64_t errors = 0;      // failed NATS calls, journal reads, mark writes
  std::uint64_t resyncs = 0;     // times it asked the stream where to go on
  std::uint64_t journal_reads = 0;
  std::uint64_t heartbeats = 0;
  bool connected = false;
  PublisherState state = PublisherState::connecting;
  std::string last_error;  // empty until the first error
};

class TownPublisher {
 public:
  // Starts the thread; it connects and resumes on its own. Throws std::invalid_argument for
  // options that could never work (no servers, bad town id, no reader).
  explicit TownPublisher(TownPublisherOptions options);
  ~TownPublisher();
  TownPublisher(const TownPublisher&) = delete;
  TownPublisher& operator=(const TownPublisher&) = delete;

  // The event `seq` (and all before it) is committed.
  void committed(std::uint64_t seq, std::string_view json);
  // All events up to `seq` are committed; the publisher reads their text from the journal.
  void committed_up_to(std::uint64_t seq);

  PublisherMetrics metrics() const;
  // Stops the thread (an in-flight publish is cut short; the next start resumes from the
  // stream). Idempotent; the destructor calls it.
  void stop();

 private:
  void run();
  void open_connection();
  void resync();
  bool publish_some();
  void heartbeat_if_due();
  void back_off(std::chrono::milliseconds delay);
  void on_error(const std::string& what, PublisherState state);
  void save_mark();
  void note_recovered();
  void set_state(PublisherState s);
  void say(const std::string& line);

  const TownPublisherOptions options_;
  const std::string subject_;
  const std::string heartbeat_subject_;
  std::unique_ptr<detail::Handoff> handoff_;

  // Publisher thread only.
  std::unique_ptr<Connection> conn_;
  bool need_resync_ = true;
  bool stream_ready_ = false;
  std::uint64_t prev_stream_seq_ = 0;  // stream seq of the town's last stored message
  std::uint64_t mark_ = 0;             // the mark as last written (or loaded)
  std::uint64_t mark_saved_ = 0;
  std::chrono::steady_clock::time_point next_heartbeat_{};
  std::string startup_note_;
  std::chrono::steady_clock::time_point failing_since_{};  // first error of the current run of them
  std::uint64_t failed_attempts_ = 0;  // said once the thread runs, so that `log` stays on it

  mutable std::mutex conn_mutex_;  // guards conn_ against stop()'s close()
  std::atomic<std::uint64_t> bridged_{0};
  std::atomic<std::uint64_t> published_{0}, duplicates_{0}, errors_{0}, resyncs_{0},
      journal_reads_{0}, heartbeats_{0};
  std::atomic<bool> connected_{false};
  mutable std::mutex status_mutex_;
  PublisherState state_ = PublisherState::connecting;
  std::string last_error_;

  std::thread thread_;
};

}  // namespace bcp::bridge
