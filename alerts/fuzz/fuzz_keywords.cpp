// libFuzzer target for talk text: normalisation and span mapping on arbitrary bytes (chat
// messages are user input; invalid UTF-8 must not crash or produce out-of-range spans).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "bcp/alerts/keyword_rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bcp::alerts::KeywordMatcher matcher({"クマ", "熊", "ヒグマ", "くま", "bear"},
                                                   {"熊本", "くまなく"});
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& s : matcher.find(text)) {
    if (s.begin >= s.end || s.end > text.size()) std::abort();
  }
  return 0;
}
