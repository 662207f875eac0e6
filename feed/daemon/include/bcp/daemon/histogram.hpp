// A Prometheus histogram of durations with fixed buckets, observed from one thread and
// rendered from another: every counter is an atomic, so a scrape never blocks an observer.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string_view>

namespace bcp::daemon {

class LatencyHistogram {
 public:
  // Upper bounds in seconds. A journal commit is one fsync: a fraction of a millisecond on
  // an SSD, tens of milliseconds on a busy disk, seconds when the disk is failing.
  static constexpr std::array<double, 13> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                  0.1,    0.25,  0.5,    1,     2.5,  5};

  void observe(std::chrono::microseconds d);
  // Writes HELP, TYPE histogram, the cumulative _bucket lines (le="+Inf" last), _sum, _count.
  void write_prometheus(std::ostream& out, std::string_view name, std::string_view help) const;
  std::uint64_t count() const { return count_.load(); }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // last: over kBounds
  std::atomic<std::uint64_t> sum_us_{0};
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace bcp::daemon
