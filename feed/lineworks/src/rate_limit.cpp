#include "bcp/lineworks/rate_limit.hpp"

#include <algorithm>

namespace bcp::lineworks {

RateLimiter::RateLimiter(int per_minute)
    : interval_(std::chrono::duration_cast<Clock::duration>(std::chrono::minutes(1)) /
                std::max(per_minute, 1)) {}

RateLimiter::Clock::time_point RateLimiter::reserve(Clock::time_point now) {
  const Clock::time_point slot = std::max({now, next_, paused_until_});
  next_ = slot + interval_;
  return slot;
}

void RateLimiter::pause_until(Clock::time_point until) {
  paused_until_ = std::max(paused_until_, until);
}

std::chrono::milliseconds backoff_delay(int failures, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap) {
  if (failures < 1) failures = 1;
  std::chrono::milliseconds delay = base;
  for (int i = 1; i < failures && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

}  // namespace bcp::lineworks
