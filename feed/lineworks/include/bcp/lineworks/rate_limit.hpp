// The client's pacing: requests spread evenly at the configured messages_per_minute, held
// back as a whole after a 429, and the capped exponential backoff between retries of one
// failed request. Pure arithmetic on time points (no clock, no I/O), so it is tested exactly.
#pragma once

#include <chrono>

namespace bcp::lineworks {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_minute` ≥ 1: one request every 60 s / per_minute, so that no 60-second window ever
  // holds more than per_minute starts, and no burst trips LINE WORKS' concurrency limit.
  explicit RateLimiter(int per_minute);

  // The moment the caller's request may start, reserved for it: not before `now`, not
  // before a pause ends, and one interval after the previous reservation.
  Clock::time_point reserve(Clock::time_point now);
  // A 429: nobody starts before `until` (reservations already handed out are re-checked by
  // their holders against paused_until()).
  void pause_until(Clock::time_point until);
  Clock::time_point paused_until() const { return paused_until_; }
  Clock::duration interval() const { return interval_; }

 private:
  Clock::duration interval_;
  Clock::time_point next_{};
  Clock::time_point paused_until_{};
};

// The wait before retry number `failures` (1 = after the first failure): base, 2·base,
// 4·base, … never more than `cap`.
std::chrono::milliseconds backoff_delay(int failures, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap);

}  // namespace bcp::lineworks
