// bcp-wall --replay: reads the journal (a file, or the daemon's GET /v1/events) once before
// the first frame, checks it, and builds the replay session the wall's Source plays.
#pragma once

#include <memory>
#include <string>

#include "bcp/config/config.hpp"
#include "bcp/display/cli.hpp"
#include "bcp/display/replay_session.hpp"

namespace bcp::display {

// nullptr with `error` (one line) when there is nothing right to show: the journal cannot be
// read, holds no events, or --at asks for a moment after a malformed line. A malformed line
// after some good ones is not an error: the replay stops there (stderr and the band say so).
std::unique_ptr<ReplaySession> open_replay(const Options& o, const config::TownConfig& town,
                                           std::string& error);

}  // namespace bcp::display
