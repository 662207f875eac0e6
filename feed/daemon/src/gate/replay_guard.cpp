#include "bcp/daemon/gate/replay_guard.hpp"

namespace bcp::daemon {

bool ReplayGuard::remember(const std::string& origin) {
  if (seen(origin)) return false;
  const std::uint64_t ticket = next_ticket_++;
  taken_.emplace(origin, ticket);
  taken_order_.emplace(ticket, origin);
  if (taken_order_.size() > kRemembered) {
    taken_.erase(taken_order_.begin()->second);
    taken_order_.erase(taken_order_.begin());
  }
  return true;
}

void ReplayGuard::forget(const std::string& origin) {
  auto it = taken_.find(origin);
  if (it == taken_.end()) return;
  taken_order_.erase(it->second);
  taken_.erase(it);
}

void ReplayGuard::journaled(const std::string& origin) {
  forget(origin);  // taken, now journaled: it moves to the journal's part
  // A replay remembers an origin once: a second event with it adds nothing.
  if (!journaled_.insert(origin).second) return;
  order_.push_back(origin);
  if (order_.size() > kRemembered) {
    journaled_.erase(order_.front());
    order_.pop_front();
  }
}

void ReplayGuard::restore(const std::vector<std::string>& origins) {
  for (const std::string& origin : origins) journaled(origin);
}

}  // namespace bcp::daemon
