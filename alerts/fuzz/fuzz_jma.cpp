// libFuzzer target: any input must either parse or throw AlertParseError, never crash or hang,
// and what parses must be journalable (journalable.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bcp/alerts/jma.hpp"
#include "journalable.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bcp::alerts::JmaOptions opts;
  opts.area_codes = {"222", "150"};
  opts.city_codes = {"0120200"};
  opts.tsunami_area_codes = {"101"};
  try {
    auto r =
        bcp::alerts::parse_jma(std::string_view(reinterpret_cast<const char*>(data), size), opts);
    bcp::alerts::fuzz::require_journalable(r);
  } catch (const bcp::alerts::AlertParseError&) {
  }
  return 0;
}
