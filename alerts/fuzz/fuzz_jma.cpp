// libFuzzer target: any input must either parse or throw AlertParseError, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bcp/alerts/jma.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bcp::alerts::JmaOptions opts;
  opts.area_codes = {"222", "150"};
  opts.city_codes = {"0120200"};
  opts.tsunami_area_codes = {"101"};
  try {
    auto r =
        bcp::alerts::parse_jma(std::string_view(reinterpret_cast<const char*>(data), size), opts);
    (void)r.payload(false);
    (void)r.payload(true);
  } catch (const bcp::alerts::AlertParseError&) {
  }
  return 0;
}
