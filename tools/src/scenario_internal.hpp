// Shared between the player's source files; not part of the library's interface.
#pragma once

#include <string>
#include <vector>

#include "bcp/tools/scenario.hpp"

namespace bcp::tools::detail {

// `n` answers split by `fractions` ({"safe": 0.9, …}) over `names`, in the order of `names`.
std::vector<std::string> allocate(const nlohmann::json& fractions, const std::vector<std::string>& names,
                                  std::size_t n, const std::string& where);

std::vector<PlannedStep> expand_spread(const nlohmann::json& step, double at, std::size_t index,
                                       const config::TownConfig& town);

}  // namespace bcp::tools::detail
