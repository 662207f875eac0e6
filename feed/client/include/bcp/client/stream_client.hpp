// Stream client for walls and tools. Runs its own network thread (Asio stays inside the
// implementation: this header includes none, so display/ never sees Asio) and hands
// updates to the consumer through a thread-safe queue; the consumer folds them into its
// own Situation with the shared reducer (SituationMirror).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::client {

enum class ConnectionState {
  connecting,        // first attempt under way
  live,              // hello answered, receiving
  reconnecting,      // lost; retrying with backoff
  auth_failed,       // the daemon refused the token (no retry until restarted)
  version_mismatch,  // the daemon speaks another protocol version (no retry)
};
std::string_view to_string(ConnectionState s);

struct SnapshotUpdate {
  model::Situation situation;
};
struct HeartbeatUpdate {
  model::Seq seq = 0;
  model::TimePoint server_time{};
};
struct StateUpdate {
  ConnectionState state = ConnectionState::connecting;
  std::string detail;  // human-readable reason ("protocol version 2, wall speaks 1", ...)
};
using Update = std::variant<SnapshotUpdate, model::Event, HeartbeatUpdate, StateUpdate>;

// Multi-producer, single-consumer hand-over; drain() never blocks.
class UpdateQueue {
 public:
  void push(Update u);
  // Moves everything queued into `out` (appending); returns how many.
  std::size_t drain(std::vector<Update>& out);
  // Blocks until something is queued or `deadline` passes (for tools and tests).
  bool wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Update> items_;
};

struct ClientOptions {
  std::string url = "ws://127.0.0.1:8470/v1/stream";
  std::string token;
  std::string display = "main";
  std::optional<model::Seq> since;  // resume point; nullopt = ask for a snapshot
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{10'000};
};

class StreamClient {
 public:
  StreamClient(ClientOptions options, UpdateQueue& queue);
  ~StreamClient();  // stops
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;
  void start();  // spawns the network thread
  void stop();   // closes and joins

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Consumer side: the local copy of the situation plus connection facts for the UI.
class SituationMirror {
 public:
  // Applies one update. Events are folded with model::apply; a snapshot replaces the state.
  void take(const Update& u, std::chrono::steady_clock::time_point now);
  const model::Situation& situation() const { return situation_; }
  ConnectionState state() const { return state_; }
  const std::string& state_detail() const { return detail_; }
  bool has_data() const { return has_data_; }
  // Seconds since the last frame of any kind (heartbeat, event, snapshot); nullopt before one.
  std::optional<double> silence_seconds(std::chrono::steady_clock::time_point now) const;
  // Wall-clock time of the newest data (for "data as of HH:MM:SS").
  std::optional<model::TimePoint> data_as_of() const { return data_as_of_; }
  // Changes each time the situation changes; the wall redraws content only then.
  std::uint64_t revision() const { return revision_; }

 private:
  model::Situation situation_;
  ConnectionState state_ = ConnectionState::connecting;
  std::string detail_;
  bool has_data_ = false;
  std::optional<std::chrono::steady_clock::time_point> last_frame_;
  std::optional<model::TimePoint> data_as_of_;
  std::uint64_t revision_ = 0;
};

}  // namespace bcp::client
