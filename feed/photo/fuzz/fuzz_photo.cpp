// libFuzzer target: whatever bytes a LINE WORKS download could be, through both entry points.
// The limits are smaller than the daemon's so that each run stays fast; the checks are the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bcp/photo/photo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  bcp::photo::Limits limits;
  limits.max_pixels = 4'000'000;
  limits.max_long_side = 256;
  std::string error;
  if (auto out = bcp::photo::reencode(bytes, limits, error)) {
    // What reencode writes must read back, at the size it says.
    auto again = bcp::photo::decode_rgba(out->jpeg, 4096, limits, error);
    if (!again || again->width != out->width || again->height != out->height) __builtin_trap();
  }
  bcp::photo::decode_rgba(bytes, 64, limits, error);
  return 0;
}
