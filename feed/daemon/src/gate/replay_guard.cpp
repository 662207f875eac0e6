#include "bcp/daemon/gate/replay_guard.hpp"

namespace bcp::daemon {

bool ReplayGuard::remember(const std::string& origin) {
  if (!seen_.insert(origin).second) return false;
  order_.push_back(origin);
  if (order_.size() > kRemembered) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace bcp::daemon
