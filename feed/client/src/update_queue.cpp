#include "bcp/client/stream_client.hpp"

namespace bcp::client {

std::string_view to_string(ConnectionState s) {
  switch (s) {
    case ConnectionState::connecting: return "connecting";
    case ConnectionState::live: return "live";
    case ConnectionState::reconnecting: return "reconnecting";
    case ConnectionState::auth_failed: return "auth_failed";
    case ConnectionState::version_mismatch: return "version_mismatch";
  }
  return "unknown";
}

void UpdateQueue::push(Update u) {
  {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(u));
  }
  cv_.notify_all();
}

std::size_t UpdateQueue::drain(std::vector<Update>& out) {
  std::lock_guard lock(mutex_);
  std::size_t n = items_.size();
  for (Update& u : items_) out.push_back(std::move(u));
  items_.clear();
  return n;
}

bool UpdateQueue::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return cv_.wait_until(lock, deadline, [this] { return !items_.empty(); });
}

}  // namespace bcp::client
