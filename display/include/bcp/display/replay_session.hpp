// A replay on the wall (issue 19): the timeline and the clock together, the operator's
// replay keys (pause, step, seek, speed), and what the REPLAY band says. Pure apart from
// the SDL key codes it maps; the UI thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "bcp/display/replay_journal.hpp"
#include "bcp/display/replay_timeline.hpp"

namespace bcp::display {

// What the wall says about the replay: the band and the header's 再生 pill.
struct ReplayStatus {
  model::TimePoint at{};  // the replayed moment (also the wall's clock)
  double speed = 1;
  bool paused = false;
  bool ended = false;                    // held at the end of what the journal holds
  const JournalStop* stopped = nullptr;  // reading stopped at this malformed line
  std::size_t shown = 0;                 // events shown of `total`
  std::size_t total = 0;
};

// What of the status changes the picture besides the moment (for the wall's redraw key).
std::uint64_t replay_redraw_bits(const ReplayStatus& s);

enum class ReplayKey {
  play_pause,      // Space, K
  next_event,      // .  (pauses)
  previous_event,  // ,  (pauses)
  back_minute,     // J
  forward_minute,  // L
  back_ten,        // Down: 10 minutes back
  forward_ten,     // Up: 10 minutes on
  to_start,        // Home
  to_end,          // End
  faster,          // + (=, keypad +): speed x2
  slower,          // - (keypad -): speed /2
  other,
};
ReplayKey replay_key(int sdl_keycode);

// How a replay begins (bcp-wall --replay … [--speed N] [--at TIME]).
struct ReplayStart {
  std::optional<model::TimePoint> at;    // --at: this moment, paused
  std::optional<model::TimePoint> from;  // ?since=N: playing from this moment
  double speed = 1;
  bool at_end = false;  // --capture alone: the last moment of the journal
};

class ReplaySession {
 public:
  using Steady = std::chrono::steady_clock::time_point;
  static constexpr double kMinSpeed = 1.0 / 16, kMaxSpeed = 1024;

  ReplaySession(ReplayTimeline timeline, std::optional<JournalStop> stop, const ReplayStart& start,
                Steady now);

  model::TimePoint now(Steady at) const { return clock_.now(at); }
  // Shows the moment the clock is at; true when the situation changed.
  bool update(Steady at);
  // Carries out a replay key; false for keys that are not the replay's.
  bool press(ReplayKey key, Steady at);
  ReplayStatus status(Steady at) const;
  // When the picture next changes by itself: the next event or the next replayed second.
  std::optional<Steady> next_change(Steady at) const;

  const model::Situation& situation() const { return timeline_.situation(); }
  const ReplayTimeline& timeline() const { return timeline_; }
  std::uint64_t revision() const { return timeline_.revision(); }

 private:
  void seek(model::TimePoint t, Steady at);
  model::TimePoint begin() const;

  ReplayTimeline timeline_;
  std::optional<JournalStop> stop_;
  ReplayClock clock_;
};

}  // namespace bcp::display
