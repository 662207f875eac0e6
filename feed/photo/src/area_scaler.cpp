#include "area_scaler.hpp"

#include <algorithm>

namespace bcp::photo::detail {

// Coordinates are kept in units of 1/(src*dst) so every boundary is an integer: source pixel x
// spans [x*dst, (x+1)*dst) and output pixel d spans [d*src, (d+1)*src). Each output pixel then
// collects exactly src_width horizontal and src_height vertical units of weight.

void AreaScaler::reset(int src_width, int src_height, int dst_width, int dst_height) {
  src_width_ = src_width;
  src_height_ = src_height;
  dst_width_ = dst_width;
  dst_height_ = dst_height;
  rows_seen_ = 0;
  columns_.assign(static_cast<std::size_t>(src_width), {});
  for (int x = 0; x < src_width; ++x) {
    const std::uint64_t start = static_cast<std::uint64_t>(x) * dst_width;
    const std::uint64_t end = start + dst_width;
    const int first = static_cast<int>(start / src_width);
    const std::uint64_t boundary = static_cast<std::uint64_t>(first + 1) * src_width;
    columns_[x].first = first;
    columns_[x].first_weight = static_cast<std::uint32_t>(std::min(end, boundary) - start);
  }
  const std::size_t channels = static_cast<std::size_t>(dst_width) * 4;
  row_sums_.assign(channels, 0);
  current_.assign(channels, 0);
  next_.assign(channels, 0);
  output_.assign(channels * static_cast<std::size_t>(dst_height), 0);
}

void AreaScaler::add_row(const std::uint8_t* rgba) noexcept {
  if (rows_seen_ >= src_height_) return;
  // Horizontal: colour channels premultiplied by alpha so transparent pixels add no colour.
  std::fill(row_sums_.begin(), row_sums_.end(), 0);
  for (int x = 0; x < src_width_; ++x) {
    const std::uint8_t* p = rgba + static_cast<std::size_t>(x) * 4;
    const std::uint64_t a = p[3];
    const std::uint64_t values[4] = {p[0] * a, p[1] * a, p[2] * a, a};
    const ColumnShare share = columns_[x];
    std::uint64_t* first = &row_sums_[static_cast<std::size_t>(share.first) * 4];
    const std::uint64_t rest = static_cast<std::uint64_t>(dst_width_) - share.first_weight;
    for (int c = 0; c < 4; ++c) first[c] += values[c] * share.first_weight;
    if (rest != 0 && share.first + 1 < dst_width_) {
      for (int c = 0; c < 4; ++c) first[4 + c] += values[c] * rest;
    }
  }
  // Vertical: the same split between the output row being filled and the next one.
  const int y = rows_seen_++;
  const std::uint64_t start = static_cast<std::uint64_t>(y) * dst_height_;
  const std::uint64_t end = start + dst_height_;
  const int dst_y = static_cast<int>(start / src_height_);
  const std::uint64_t boundary = static_cast<std::uint64_t>(dst_y + 1) * src_height_;
  const std::uint64_t here = std::min(end, boundary) - start;
  const std::uint64_t below = end - start - here;
  for (std::size_t i = 0; i < row_sums_.size(); ++i) {
    current_[i] += row_sums_[i] * here;
    next_[i] += row_sums_[i] * below;
  }
  if (end >= boundary) {
    emit_row(dst_y);
    current_.swap(next_);
    std::fill(next_.begin(), next_.end(), 0);
  }
}

void AreaScaler::emit_row(int dst_y) noexcept {
  if (dst_y < 0 || dst_y >= dst_height_) return;
  const std::uint64_t area = static_cast<std::uint64_t>(src_width_) * src_height_;
  std::uint8_t* out = &output_[static_cast<std::size_t>(dst_y) * dst_width_ * 4];
  for (int x = 0; x < dst_width_; ++x) {
    const std::uint64_t* sum = &current_[static_cast<std::size_t>(x) * 4];
    const std::uint64_t alpha_sum = sum[3];  // sum of a*weight
    std::uint8_t* p = out + static_cast<std::size_t>(x) * 4;
    if (alpha_sum == 0) {
      p[0] = p[1] = p[2] = p[3] = 0;
      continue;
    }
    // colour = sum(c*a*w) / sum(a*w); alpha = sum(a*w) / area.
    for (int c = 0; c < 3; ++c) {
      const std::uint64_t v = (sum[c] + alpha_sum / 2) / alpha_sum;
      p[c] = static_cast<std::uint8_t>(std::min<std::uint64_t>(v, 255));
    }
    const std::uint64_t a = (alpha_sum + area / 2) / area;
    p[3] = static_cast<std::uint8_t>(std::min<std::uint64_t>(a, 255));
  }
}

}  // namespace bcp::photo::detail
