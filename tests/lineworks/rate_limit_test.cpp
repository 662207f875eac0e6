// The pacing arithmetic, on exact time points: no 60-second window ever holds more than
// messages_per_minute starts, a 429 holds everyone back, and the backoff doubles up to its cap.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "bcp/lineworks/rate_limit.hpp"

namespace bcp::lineworks {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

// The most starts inside any half-open window [t, t + width).
std::size_t busiest_window(const std::vector<Clock::time_point>& starts, Clock::duration width) {
  std::size_t best = 0, first = 0;
  for (std::size_t last = 0; last < starts.size(); ++last) {
    while (starts[last] - starts[first] >= width) ++first;
    best = std::max(best, last - first + 1);
  }
  return best;
}

TEST(RateLimiter, ThousandMessagesAt240PerMinuteNeverExceedTheLimitAndTakeTheirTime) {
  RateLimiter limiter(240);
  EXPECT_EQ(limiter.interval(), 250ms);
  const Clock::time_point t0{};
  std::vector<Clock::time_point> starts;
  for (int i = 0; i < 1000; ++i) starts.push_back(limiter.reserve(t0));  // all asked at once
  EXPECT_EQ(busiest_window(starts, 60s), 240u);
  EXPECT_EQ(starts.front(), t0);
  EXPECT_EQ(starts.back() - t0, 999 * 250ms);  // 4 min 9.75 s to the last person
}

TEST(RateLimiter, IdleTimeIsNotSavedUpForABurst) {
  RateLimiter limiter(60);
  const Clock::time_point t0{};
  EXPECT_EQ(limiter.reserve(t0), t0);
  // Nothing for ten minutes, then three at once: still one a second.
  const Clock::time_point later = t0 + 10min;
  EXPECT_EQ(limiter.reserve(later), later);
  EXPECT_EQ(limiter.reserve(later), later + 1s);
  EXPECT_EQ(limiter.reserve(later), later + 2s);
}

TEST(RateLimiter, APauseHoldsEveryReservationBack) {
  RateLimiter limiter(6000);  // 10 ms
  const Clock::time_point t0{};
  limiter.reserve(t0);
  limiter.pause_until(t0 + 3s);
  EXPECT_EQ(limiter.paused_until(), t0 + 3s);
  EXPECT_EQ(limiter.reserve(t0 + 1s), t0 + 3s);
  EXPECT_EQ(limiter.reserve(t0 + 1s), t0 + 3s + 10ms);
  limiter.pause_until(t0 + 2s);  // an earlier end never shortens a pause
  EXPECT_EQ(limiter.paused_until(), t0 + 3s);
}

TEST(Backoff, DoublesFromTheBaseAndStopsAtTheCap) {
  std::vector<long long> delays;
  for (int failures = 1; failures <= 8; ++failures)
    delays.push_back(backoff_delay(failures, 1000ms, 60'000ms).count());
  EXPECT_EQ(delays, (std::vector<long long>{1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000}));
  EXPECT_EQ(backoff_delay(1000, 1000ms, 60'000ms), 60'000ms);  // no overflow far out
  EXPECT_EQ(backoff_delay(0, 50ms, 80ms), 50ms);
}

}  // namespace
}  // namespace bcp::lineworks
