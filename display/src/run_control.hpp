// How both run loops of bcp-wall (the town wall, app.cpp, and the regional wall,
// region_app.cpp) stop and report a fatal problem. The stop flag is set from the signal
// handler and read by the main thread.
#pragma once

#include <string>

namespace bcp::display {

// SIGINT and SIGTERM end the run loop at its next frame.
void stop_on_signals();
void request_stop();
bool stop_requested();

// Prints "bcp-wall: MSG" to stderr and returns CODE, for `return fail(...)` from a run.
int fail(const std::string& msg, int code = 1);

}  // namespace bcp::display
