// The replayed past (issue 19): a journal's events on a time line, folded with the same
// reducer the daemon and the live walls run, and the replay clock that says which moment
// is shown. Pure (the caller passes the steady time), so seeking and pausing are unit-tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::display {

// The situation at any moment of a journal: every event that had reached the daemon by
// then (its arrival_time, made non-decreasing along seq so that the line is well ordered).
class ReplayTimeline {
 public:
  // `initial`: the situation before the first event (the config's directory). Talk
  // messages that a talk.hidden in `events` took off the wall are dropped from the line.
  ReplayTimeline(model::Situation initial, std::vector<model::Event> events);

  std::size_t size() const { return events_.size(); }
  model::TimePoint time_of(std::size_t index) const { return times_[index]; }
  // The first and last event's moment; nullopt for an empty journal.
  std::optional<model::TimePoint> first_time() const;
  std::optional<model::TimePoint> last_time() const;

  // Shows every event at or before `t` (forward by applying, backward from a checkpoint).
  // Returns true when the situation changed.
  bool show_until(model::TimePoint t);
  // Shows exactly the first `count` events.
  bool show_count(std::size_t count);
  std::size_t shown() const { return shown_; }
  const model::Situation& situation() const { return current_; }
  const std::vector<model::Event>& events() const { return events_; }
  // Moves whenever the shown situation changes (the wall's redraw key).
  std::uint64_t revision() const { return revision_; }

  // How many events are at or before `t`.
  std::size_t count_until(model::TimePoint t) const;

 private:
  void apply_next();

  model::Situation initial_;
  std::vector<model::Event> events_;
  std::vector<model::TimePoint> times_;
  // Copies of the situation every `interval_` events, taken on the way forward: seeking
  // back replays at most `interval_` events, and there are at most ~32 copies.
  std::size_t interval_;
  std::vector<std::pair<std::size_t, model::Situation>> checkpoints_;
  model::Situation current_;
  std::size_t shown_ = 0;
  std::uint64_t revision_ = 1;
};

// Which replayed moment is shown at a steady-clock instant: runs at `speed` times real time,
// stops at `limit` (the journal's end: nothing after it is known), pauses and jumps.
class ReplayClock {
 public:
  using Steady = std::chrono::steady_clock::time_point;
  ReplayClock(model::TimePoint start, model::TimePoint limit, double speed, bool paused,
              Steady now);

  model::TimePoint now(Steady at) const;
  bool paused() const { return paused_; }
  double speed() const { return speed_; }
  model::TimePoint limit() const { return limit_; }
  // Playing but held at the limit: the journal has nothing more.
  bool at_end(Steady at) const { return now(at) >= limit_; }

  void set_paused(bool paused, Steady at);
  void set_speed(double speed, Steady at);
  // Shows `t` from now on (clamped to the limit), keeping paused or playing.
  void jump(model::TimePoint t, Steady at);
  // The steady instant at which the replayed clock reaches `t` (nullopt: never, paused).
  std::optional<Steady> when(model::TimePoint t, Steady at) const;

 private:
  model::TimePoint anchor_time_;
  Steady anchor_steady_;
  model::TimePoint limit_;
  double speed_;
  bool paused_;
};

}  // namespace bcp::display
