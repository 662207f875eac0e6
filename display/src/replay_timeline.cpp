#include "bcp/display/replay_timeline.hpp"

#include <algorithm>

#include "bcp/display/replay_journal.hpp"
#include "bcp/model/reducer.hpp"

namespace bcp::display {

ReplayTimeline::ReplayTimeline(model::Situation initial, std::vector<model::Event> events)
    : initial_(std::move(initial)), events_(std::move(events)), current_(initial_) {
  // A post taken off the wall stays off in the replay, also at moments before its hide.
  model::drop_hidden_messages(events_);
  times_.reserve(events_.size());
  for (const auto& e : events_) {
    // A clock step on the daemon's host must not reorder the line: seq decides the order.
    model::TimePoint t = arrival_time(e);
    if (!times_.empty()) t = std::max(t, times_.back());
    times_.push_back(t);
  }
  interval_ = std::max<std::size_t>(1000, events_.size() / 32 + 1);
}

std::optional<model::TimePoint> ReplayTimeline::first_time() const {
  if (times_.empty()) return std::nullopt;
  return times_.front();
}

std::optional<model::TimePoint> ReplayTimeline::last_time() const {
  if (times_.empty()) return std::nullopt;
  return times_.back();
}

std::size_t ReplayTimeline::count_until(model::TimePoint t) const {
  return static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), t) -
                                  times_.begin());
}

void ReplayTimeline::apply_next() {
  model::apply(current_, events_[shown_]);
  ++shown_;
  if (shown_ % interval_ == 0 && (checkpoints_.empty() || checkpoints_.back().first < shown_)) {
    checkpoints_.emplace_back(shown_, current_);
  }
}

bool ReplayTimeline::show_count(std::size_t count) {
  count = std::min(count, events_.size());
  if (count == shown_) return false;
  if (count < shown_) {
    // The reducer only goes forward: start again from the last copy at or before `count`.
    auto it = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), count,
                               [](std::size_t c, const auto& cp) { return c < cp.first; });
    if (it == checkpoints_.begin()) {
      current_ = initial_;
      shown_ = 0;
    } else {
      --it;
      current_ = it->second;
      shown_ = it->first;
    }
  }
  while (shown_ < count) apply_next();
  ++revision_;
  return true;
}

bool ReplayTimeline::show_until(model::TimePoint t) { return show_count(count_until(t)); }

// ---- clock ---------------------------------------------------------------------------------

ReplayClock::ReplayClock(model::TimePoint start, model::TimePoint limit, double speed, bool paused,
                         Steady now)
    : anchor_time_(start),
      anchor_steady_(now),
      limit_(std::max(start, limit)),
      speed_(speed),
      paused_(paused) {}

model::TimePoint ReplayClock::now(Steady at) const {
  if (paused_) return anchor_time_;
  auto real = std::chrono::duration<double, std::milli>(at - anchor_steady_).count();
  auto ms = static_cast<long long>(std::max(0.0, real) * speed_);
  // Past the limit the clock holds: what came after the journal's end is not known.
  auto remaining = (limit_ - anchor_time_).count();
  return anchor_time_ + std::chrono::milliseconds(std::min<long long>(ms, remaining));
}

void ReplayClock::set_paused(bool paused, Steady at) {
  if (paused == paused_) return;
  anchor_time_ = now(at);
  anchor_steady_ = at;
  paused_ = paused;
}

void ReplayClock::set_speed(double speed, Steady at) {
  anchor_time_ = now(at);
  anchor_steady_ = at;
  speed_ = speed;
}

void ReplayClock::jump(model::TimePoint t, Steady at) {
  anchor_time_ = std::min(t, limit_);
  anchor_steady_ = at;
}

std::optional<ReplayClock::Steady> ReplayClock::when(model::TimePoint t, Steady at) const {
  model::TimePoint shown = now(at);
  if (t <= shown) return at;
  if (paused_ || t > limit_ || speed_ <= 0) return std::nullopt;
  auto real = std::chrono::duration<double, std::milli>((t - shown).count() / speed_);
  return at + std::chrono::duration_cast<std::chrono::steady_clock::duration>(real);
}

}  // namespace bcp::display
