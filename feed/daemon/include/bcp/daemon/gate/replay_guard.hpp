// The replay guard: delivery ids (a LINE WORKS callback's body digest, a JMA bulletin's feed
// entry) already taken, so that a delivery replayed by a peer or re-fetched by the poller is
// never stored twice. Bounded: the oldest ids are forgotten first.
//
// Threads: owned by the I/O thread (routes, the JMA poller and start-up's journal replay all
// run there); not safe to share with another thread.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>

namespace bcp::daemon {

class ReplayGuard {
 public:
  static constexpr std::size_t kRemembered = 100'000;

  bool seen(const std::string& origin) const { return seen_.contains(origin); }
  // False when `origin` was taken already.
  bool remember(const std::string& origin);
  // A delivery that was not stored after all (the journal failed): a retry is not a replay.
  void forget(const std::string& origin) { seen_.erase(origin); }

 private:
  std::unordered_set<std::string> seen_;
  std::deque<std::string> order_;  // oldest first, for the bound
};

}  // namespace bcp::daemon
