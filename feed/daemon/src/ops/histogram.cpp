#include "bcp/daemon/histogram.hpp"

#include <string>

namespace bcp::daemon {

void LatencyHistogram::observe(std::chrono::microseconds d) {
  const auto us = static_cast<std::uint64_t>(d.count() < 0 ? 0 : d.count());
  const double seconds = static_cast<double>(us) / 1e6;
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i]++;
  sum_us_ += us;
  count_++;
}

void LatencyHistogram::write_prometheus(std::ostream& out, std::string_view name,
                                        std::string_view help) const {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
  // Buckets are read once and summed here, so the lines of one scrape agree with each
  // other (+Inf equals _count) even while the committer observes.
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load();
    out << name << "_bucket{le=\"" << kBounds[i] << "\"} " << cumulative << "\n";
  }
  cumulative += buckets_[kBounds.size()].load();
  out << name << "_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << name << "_sum " << std::to_string(static_cast<double>(sum_us_.load()) / 1e6) << "\n"
      << name << "_count " << cumulative << "\n";
}

}  // namespace bcp::daemon
