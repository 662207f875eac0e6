// libFuzzer target: any input must either parse or throw AlertParseError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bcp/alerts/cap.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto r = bcp::alerts::parse_cap(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)r.payload(false);
    (void)r.payload(true);
  } catch (const bcp::alerts::AlertParseError&) {
  }
  return 0;
}
