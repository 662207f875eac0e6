// libFuzzer target: any input must either parse or throw AlertParseError, never crash or hang,
// and what parses must be journalable (journalable.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bcp/alerts/cap.hpp"
#include "journalable.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto r = bcp::alerts::parse_cap(std::string_view(reinterpret_cast<const char*>(data), size));
    bcp::alerts::fuzz::require_journalable(r);
  } catch (const bcp::alerts::AlertParseError&) {
  }
  return 0;
}
