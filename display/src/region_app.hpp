// The regional wall's loop (region_app.cpp), entered from run_wall for a region.json or a saved
// GET /v1/region answer.
#pragma once

#include <nlohmann/json.hpp>

#include "bcp/display/cli.hpp"
#include "bcp/display/region_wall.hpp"
#include "bcp/display/screen.hpp"

namespace bcp::display {

int run_region_wall(const Options& options);
// A GET /v1/region answer (an object with a "towns" array).
bool is_region_document(const nlohmann::json& doc);

}  // namespace bcp::display
