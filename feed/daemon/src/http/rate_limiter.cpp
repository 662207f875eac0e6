#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace bcp::daemon {

std::optional<std::chrono::seconds> TokenRateLimiter::admit(std::string_view token,
                                                            Clock::time_point now) {
  if (limit_.requests_per_minute <= 0) return std::nullopt;  // 0: no limit
  const double per_second = limit_.requests_per_minute / 60.0;
  const double depth = static_cast<double>(std::max(1, limit_.burst));
  auto it = buckets_.find(token);
  if (it == buckets_.end()) it = buckets_.emplace(std::string(token), Bucket{depth, now}).first;
  Bucket& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.refilled).count();
  if (elapsed > 0) {
    b.tokens = std::min(depth, b.tokens + elapsed * per_second);
    b.refilled = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  const double wait = (1 - b.tokens) / per_second;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

}  // namespace bcp::daemon
