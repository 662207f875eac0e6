// Matching normalisation with a map back to the original bytes (for highlight spans).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bcp::alerts::detail {

struct NormalizedText {
  std::string text;
  // For each byte of `text`: the original byte range [first, second) it came from (a whole
  // grapheme cluster, since normalisation works per cluster).
  std::vector<std::pair<size_t, size_t>> origin;
};

NormalizedText normalize_with_map(std::string_view original);

}  // namespace bcp::alerts::detail
