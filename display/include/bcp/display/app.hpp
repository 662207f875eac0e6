// The wall's main loop: wires config, stream client, mirror, screen and keyboard together.
#pragma once

#include "bcp/display/cli.hpp"

namespace bcp::display {

// Runs until quit; returns the process exit code. Problems are one line on stderr.
int run_wall(const Options& options);

}  // namespace bcp::display
