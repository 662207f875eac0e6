// The replay guard: delivery ids (a LINE WORKS callback's body digest, a JMA bulletin's feed
// entry) already taken, so that a delivery replayed by a peer or re-fetched by the poller is
// never stored twice. Bounded: the oldest ids are forgotten first.
//
// Two parts, so that a start-up snapshot (pipeline/snapshots.hpp) holds exactly what a replay
// of the journal rebuilds: the origins of journaled events, in seq order (journaled(): the
// start-up replay, then the pipeline as an I/O sink), and the deliveries taken but not (yet)
// journaled (remember(): the routes, before their commit; forget() when it failed).
//
// Threads: owned by the I/O thread (routes, the JMA poller, the pipeline's I/O sinks and
// start-up's journal replay all run there); not safe to share with another thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bcp/daemon/pipeline/event_sink.hpp"

namespace bcp::daemon {

class ReplayGuard : public EventSink {
 public:
  // Per part: at most this many journaled origins, and as many taken ones.
  static constexpr std::size_t kRemembered = 100'000;

  bool seen(const std::string& origin) const {
    return journaled_.contains(origin) || taken_.contains(origin);
  }
  // A delivery taken now, before its events are journaled. False when it was seen already.
  bool remember(const std::string& origin);
  // A delivery that was not stored after all (the journal failed): a retry is not a replay.
  void forget(const std::string& origin);
  // An event with this origin is in the journal (replay and commits, in seq order).
  void journaled(const std::string& origin);
  void on_committed(const std::vector<model::Event>& batch) override {
    for (const model::Event& e : batch) {
      if (e.origin) journaled(*e.origin);
    }
  }
  // The journaled origins, oldest first: what a replay of the journal up to now rebuilds.
  std::vector<std::string> journaled_origins() const { return {order_.begin(), order_.end()}; }
  // Start-up from a snapshot, before anything else: journaled() of each, in order.
  void restore(const std::vector<std::string>& origins);

 private:
  std::unordered_set<std::string> journaled_;
  std::deque<std::string> order_;  // journaled, oldest first, for the bound
  // Taken and not journaled, each with the ticket that orders them for their own bound.
  std::unordered_map<std::string, std::uint64_t> taken_;
  std::map<std::uint64_t, std::string> taken_order_;
  std::uint64_t next_ticket_ = 0;
};

}  // namespace bcp::daemon
