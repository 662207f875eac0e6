// The town wall's frame loop (wall_loop.cpp), which run_wall (app.cpp) starts once the
// config is read and the screen is open.
// Threads: the loop runs on the main thread and owns everything it keeps. Three others work
// beside it, each behind its own class: the live Source's stream client thread (drained
// through its queue, source.hpp), HideSender's worker per hide request (hide_sender.hpp), the
// photo cache's loader threads (photo_cache.hpp: fetch and decode, pixels handed back under
// its mutex) and SDL's audio thread, which plays what Chime queued.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "bcp/display/cli.hpp"
#include "bcp/display/layout.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"
#include "source.hpp"

namespace bcp::display {

// The clock the wall shows outside a replay, in the journal's milliseconds.
inline model::TimePoint wall_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// Everything the loop needs that comes from the config or the flags.
struct WallSetup {
  Layout layout = default_layout();
  WallSettings settings;
  std::unique_ptr<Source> source;
  std::string feed_url;
  // Where the H key sends its hide requests, and with which operator token ("" = none).
  std::string daemon_host, daemon_port, operator_token;
  // The stream's display token: the talk's photos are fetched from the same daemon with it.
  std::string display_token;
};

// Draws frames on `screen` until quit, a signal, a finished capture or bench, or a fatal
// problem; returns the process exit code.
int run_frame_loop(const Options& o, WallSetup& setup, Screen& screen);

}  // namespace bcp::display
