#include "bcp/display/replay_session.hpp"

#include <SDL_keycode.h>

#include <algorithm>

namespace bcp::display {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

model::TimePoint start_of(const ReplayTimeline& t, const ReplayStart& s) {
  if (s.at) return *s.at;
  if (s.at_end && t.last_time()) return *t.last_time();
  if (s.from) return *s.from;
  return t.first_time().value_or(model::TimePoint{});
}

model::TimePoint limit_of(const ReplayTimeline& t, const ReplayStart& s) {
  model::TimePoint end = t.last_time().value_or(start_of(t, s));
  // --at after the last event: the journal may well be complete, so that moment is shown.
  return s.at ? std::max(end, *s.at) : end;
}

}  // namespace

std::uint64_t replay_redraw_bits(const ReplayStatus& s) {
  return (s.paused ? 1ull << 59 : 0) ^ (s.ended ? 1ull << 58 : 0) ^
         (static_cast<std::uint64_t>(s.speed * 16) << 16);
}

ReplayKey replay_key(int k) {
  switch (k) {
    case SDLK_SPACE:
    case SDLK_k:
      return ReplayKey::play_pause;
    case SDLK_PERIOD:
      return ReplayKey::next_event;
    case SDLK_COMMA:
      return ReplayKey::previous_event;
    case SDLK_j:
      return ReplayKey::back_minute;
    case SDLK_l:
      return ReplayKey::forward_minute;
    case SDLK_DOWN:
      return ReplayKey::back_ten;
    case SDLK_UP:
      return ReplayKey::forward_ten;
    case SDLK_HOME:
      return ReplayKey::to_start;
    case SDLK_END:
      return ReplayKey::to_end;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS:
      return ReplayKey::faster;
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
      return ReplayKey::slower;
    default:
      return ReplayKey::other;
  }
}

ReplaySession::ReplaySession(ReplayTimeline timeline, std::optional<JournalStop> stop,
                             const ReplayStart& start, Steady now)
    : timeline_(std::move(timeline)),
      stop_(std::move(stop)),
      clock_(start_of(timeline_, start), limit_of(timeline_, start),
             std::clamp(start.speed, kMinSpeed, kMaxSpeed), start.at.has_value() || start.at_end,
             now) {
  timeline_.show_until(clock_.now(now));
}

model::TimePoint ReplaySession::begin() const {
  return timeline_.first_time().value_or(clock_.limit());
}

bool ReplaySession::update(Steady at) { return timeline_.show_until(clock_.now(at)); }

void ReplaySession::seek(model::TimePoint t, Steady at) {
  // Before the first event the wall shows the town before anything happened.
  clock_.jump(std::max(t, begin() - milliseconds(1)), at);
  timeline_.show_until(clock_.now(at));
}

bool ReplaySession::press(ReplayKey key, Steady at) {
  const model::TimePoint t = clock_.now(at);
  switch (key) {
    case ReplayKey::play_pause:
      if (clock_.paused() && clock_.at_end(at) && timeline_.size() > 0) seek(begin(), at);
      clock_.set_paused(!clock_.paused(), at);
      return true;
    case ReplayKey::next_event:
      clock_.set_paused(true, at);
      if (timeline_.shown() < timeline_.size()) seek(timeline_.time_of(timeline_.shown()), at);
      return true;
    case ReplayKey::previous_event: {
      clock_.set_paused(true, at);
      std::size_t n = timeline_.shown();
      if (n == 0) return true;
      // Events sharing one moment come and go together: go to just after the group before.
      std::size_t first = timeline_.count_until(timeline_.time_of(n - 1) - milliseconds(1));
      seek(first > 0 ? timeline_.time_of(first - 1) : begin() - milliseconds(1), at);
      return true;
    }
    case ReplayKey::back_minute:
      seek(t - minutes(1), at);
      return true;
    case ReplayKey::forward_minute:
      seek(t + minutes(1), at);
      return true;
    case ReplayKey::back_ten:
      seek(t - minutes(10), at);
      return true;
    case ReplayKey::forward_ten:
      seek(t + minutes(10), at);
      return true;
    case ReplayKey::to_start:
      seek(begin(), at);
      return true;
    case ReplayKey::to_end:
      seek(clock_.limit(), at);
      return true;
    case ReplayKey::faster:
      clock_.set_speed(std::min(kMaxSpeed, clock_.speed() * 2), at);
      return true;
    case ReplayKey::slower:
      clock_.set_speed(std::max(kMinSpeed, clock_.speed() / 2), at);
      return true;
    case ReplayKey::other:
      return false;
  }
  return false;
}

ReplayStatus ReplaySession::status(Steady at) const {
  ReplayStatus s;
  s.at = clock_.now(at);
  s.speed = clock_.speed();
  s.paused = clock_.paused();
  s.ended = clock_.at_end(at);
  s.stopped = stop_ ? &*stop_ : nullptr;
  s.shown = timeline_.shown();
  s.total = timeline_.size();
  return s;
}

std::optional<ReplaySession::Steady> ReplaySession::next_change(Steady at) const {
  if (clock_.paused() || clock_.at_end(at)) return std::nullopt;
  model::TimePoint t = clock_.now(at);
  model::TimePoint next_second =
      std::chrono::floor<std::chrono::seconds>(t) + std::chrono::seconds(1);
  auto wake = clock_.when(std::min(next_second, clock_.limit()), at);
  if (timeline_.shown() < timeline_.size()) {
    auto ev = clock_.when(timeline_.time_of(timeline_.shown()), at);
    if (ev && (!wake || *ev < *wake)) wake = ev;
  }
  return wake;
}

}  // namespace bcp::display
