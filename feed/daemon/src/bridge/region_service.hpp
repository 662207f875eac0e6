// The regional daemon's heart (DESIGN.md, "Several towns"): bcp-feedd started with a
// region.json follows several towns. Each town's events come over NATS JetStream through one
// durable pull consumer (bcp::bridge::RegionConsumer), are folded by the same reducer into that
// town's own situation, kept in that town's own journal under data_dir/towns/<id>/, and
// streamed to the region's walls tagged with their town. GET /v1/region summarises every town
// with its link state (live / stale / lost) from the age of its last event and heartbeat.
//
// Threads: three. The consumer thread (inside RegionConsumer) decodes each event and hands it
// to the store thread and to the I/O thread; the store thread (owned here) group-commits the
// towns' journals; the daemon's I/O thread owns every town's situation, link state and the
// stream. An event is acked once handed over: if the region dies before the store committed it,
// the next start finds the town's journal behind and the consumer reads what is missing from
// the stream itself (RegionConsumer fills holes before anything later), so nothing is lost and
// nothing is applied twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bcp/bridge/region_consumer.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::daemon {

enum class LinkState { live, stale, lost };
const char* link_name(LinkState s);

// How long silence may last before a town's link is stale or lost. A town sends a heartbeat
// every 2 s (at least every 5 s by contract): two missed heartbeats are "stale", a minute
// without anything is "lost".
struct LinkThresholds {
  std::chrono::milliseconds stale_after{10'000};
  std::chrono::milliseconds lost_after{60'000};
};

// One town as the region holds it. I/O thread only (the journal is the store thread's).
struct RegionTownState {
  std::string id;
  std::string name;
  model::Situation situation;
  std::optional<model::TimePoint> last_event_at;  // when the region applied its last event
  std::optional<model::TimePoint> heartbeat_at;   // when the last heartbeat arrived
  std::uint64_t heartbeat_committed = 0;          // the town's journal seq, per its heartbeat
  std::uint64_t heartbeat_bridged = 0;
  std::optional<model::TimePoint> behind_since;  // heartbeat said committed > what we applied
};

// What the region says about a town at `now`: link state and the summary /v1/region serves.
LinkState link_of(const RegionTownState& town, model::TimePoint now, const LinkThresholds& limits);
nlohmann::json town_summary(const RegionTownState& town, model::TimePoint now,
                            const LinkThresholds& limits);

// The daemon's own settings for a region: its name, tokens, walls, display, listen and data
// directory; no departments, staff or groups (those are the towns').
config::TownConfig region_as_town(const config::RegionConfig& region);

class RegionService {
 public:
  // Opens every town's journal under data_dir/towns/<id>/ and replays it into its situation.
  // Throws std::runtime_error (a corrupt journal, ...): the daemon never starts half-working.
  RegionService(Daemon::Core& core, const config::RegionConfig& region);
  ~RegionService();
  RegionService(const RegionService&) = delete;
  RegionService& operator=(const RegionService&) = delete;

  // Starts the store thread and the consumer (call from Daemon::run).
  void start();
  // Stops the consumer (its batch finished and acked), then commits what the store holds.
  void stop();

  // I/O thread.
  nlohmann::json region_json(model::TimePoint now) const;
  nlohmann::json snapshot_json(model::TimePoint now) const;  // the stream's snapshot frame body
  std::uint64_t total_seq() const;  // sum of the towns' applied seqs (the stream's "seq")
  std::string prometheus_text(model::TimePoint now) const;
  const std::map<std::string, RegionTownState>& towns() const { return towns_; }

 private:
  struct Pending {
    std::string town;
    model::Event event;
  };
  void on_event(const bridge::TownEvent& e);          // consumer thread
  void on_heartbeat(const bridge::TownHeartbeat& h);  // consumer thread
  void run_store();                                   // store thread
  void commit(std::deque<Pending>& batch);            // store thread

  Daemon::Core& core_;
  const std::string name_;
  const std::vector<std::string> servers_;
  LinkThresholds limits_;
  std::vector<std::string> order_;                            // towns in region.json order
  std::map<std::string, RegionTownState> towns_;              // I/O thread
  std::map<std::string, std::unique_ptr<Journal>> journals_;  // store thread (after start)
  std::map<std::string, bridge::AppliedMark> replayed_;       // what the journals held at start

  std::mutex store_mutex_;
  std::condition_variable store_wake_;
  std::deque<Pending> store_queue_;  // guarded by store_mutex_
  bool store_stop_ = false;          // guarded by store_mutex_
  std::atomic<std::uint64_t> store_errors_{0};
  std::atomic<std::uint64_t> undecodable_{0};
  std::thread store_thread_;
  std::unique_ptr<bridge::RegionConsumer> consumer_;
};

}  // namespace bcp::daemon
