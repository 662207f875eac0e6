// Frame-time figures (--bench, BCP_WALL_STATS=1): kept as a bounded ring, no growth.
#pragma once

#include <algorithm>
#include <array>
#include <cstdio>

namespace bcp::display {

class FrameStats {
 public:
  void add(double ms) {
    ring_[n_ % ring_.size()] = ms;
    ++n_;
  }
  std::size_t count() const { return n_; }
  void print(std::FILE* out, int w, int h) const {
    std::size_t m = std::min(n_, ring_.size());
    if (m == 0) return;
    std::array<double, 512> v{};
    std::copy(ring_.begin(), ring_.begin() + m, v.begin());
    std::sort(v.begin(), v.begin() + m);
    std::fprintf(
        out, "bcp-wall: %dx%d frames %zu  render ms min %.1f  median %.1f  p95 %.1f  max %.1f\n", w,
        h, n_, v[0], v[m / 2], v[std::min(m - 1, m * 95 / 100)], v[m - 1]);
  }

 private:
  std::array<double, 512> ring_{};
  std::size_t n_ = 0;
};

}  // namespace bcp::display
