// The per-token rate limit of the HTTP API (config `rate_limit`, docs/protocol.md): one
// token bucket per configured token, `burst` requests deep, refilled at
// `requests_per_minute`. Used on the I/O thread only. Keys are configured token names, so
// the table never holds more entries than the config has tokens.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bcp/config/config.hpp"

namespace bcp::daemon {

class TokenRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit TokenRateLimiter(config::RateLimit limit) : limit_(limit) {}

  // nullopt: admitted (one request taken from the bucket). Otherwise refused, and the whole
  // seconds after which the next request will be admitted (for Retry-After, at least 1).
  std::optional<std::chrono::seconds> admit(std::string_view token, Clock::time_point now);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point refilled;
  };
  config::RateLimit limit_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace bcp::daemon
