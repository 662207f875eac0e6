// The bounded hand-off (see handoff.hpp).
#include "handoff.hpp"

namespace bcp::bridge::detail {

void Handoff::offer(std::uint64_t seq, std::string_view json) {
  {
    std::lock_guard lock(mutex_);
    const bool in_order = events_.empty() || seq > events_.back().seq;
    const bool room = events_.size() < max_events_ && bytes_ + json.size() <= max_bytes_;
    if (in_order && room) {
      events_.push_back(JournalEvent{seq, std::string(json)});
      bytes_ += json.size();
    }
    if (seq > committed_) committed_ = seq;
  }
  changed_.notify_all();
}

void Handoff::mark(std::uint64_t seq) {
  {
    std::lock_guard lock(mutex_);
    if (seq > committed_) committed_ = seq;
  }
  changed_.notify_all();
}

std::uint64_t Handoff::committed() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

void Handoff::wait_for_work(std::uint64_t after, std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, until, [&] { return stopped_ || committed_ > after; });
}

void Handoff::sleep_until(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, until, [&] { return stopped_; });
}

void Handoff::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
}

bool Handoff::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

std::size_t Handoff::held_events() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

std::vector<JournalEvent> Handoff::take(std::uint64_t after, std::size_t limit) {
  std::vector<JournalEvent> out;
  std::lock_guard lock(mutex_);
  while (!events_.empty() && events_.front().seq <= after) {
    bytes_ -= events_.front().json.size();
    events_.pop_front();
  }
  std::uint64_t next = after + 1;
  while (out.size() < limit && !events_.empty() && events_.front().seq == next) {
    bytes_ -= events_.front().json.size();
    out.push_back(std::move(events_.front()));
    events_.pop_front();
    ++next;
  }
  return out;
}

}  // namespace bcp::bridge::detail
