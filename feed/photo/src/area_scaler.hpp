// Scales RGBA rows down by area averaging (each output pixel is the exact, alpha-weighted mean
// of the source area it covers), fed one source row at a time so a decoder never needs the whole
// full-size image in memory. Integer arithmetic: the same input gives the same bytes everywhere.
// No thread of its own; one instance per decode.
#pragma once

#include <cstdint>
#include <vector>

namespace bcp::photo::detail {

class AreaScaler {
 public:
  // Allocates everything the rows will need (may throw std::bad_alloc); dst_* <= src_*, all >= 1.
  void reset(int src_width, int src_height, int dst_width, int dst_height);
  // One source row of src_width RGBA pixels, top to bottom. Never allocates, never throws: the
  // decoders call it between setjmp and a possible longjmp.
  void add_row(const std::uint8_t* rgba) noexcept;
  bool complete() const noexcept { return rows_seen_ == src_height_; }
  int width() const noexcept { return dst_width_; }
  int height() const noexcept { return dst_height_; }
  // The scaled RGBA pixels (valid once complete()).
  std::vector<std::uint8_t> take() noexcept { return std::move(output_); }

 private:
  void emit_row(int dst_y) noexcept;

  // Where source column x goes: output column `first` gets weight `first_weight`, the next one
  // the rest of dst_width_ (a source pixel straddles at most two output pixels when shrinking).
  struct ColumnShare {
    int first = 0;
    std::uint32_t first_weight = 0;
  };
  int src_width_ = 0, src_height_ = 0, dst_width_ = 0, dst_height_ = 0;
  int rows_seen_ = 0;
  std::vector<ColumnShare> columns_;
  std::vector<std::uint64_t> row_sums_;  // the current source row, reduced horizontally
  std::vector<std::uint64_t> current_;   // output row being filled
  std::vector<std::uint64_t> next_;      // the output row after it (a straddling source row)
  std::vector<std::uint8_t> output_;
};

}  // namespace bcp::photo::detail
