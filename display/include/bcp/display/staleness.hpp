// How fresh the wall's data is, from the stream client's connection facts. Pure, so the
// thresholds are unit-tested without a daemon.
#pragma once

#include <optional>
#include <string_view>

#include "bcp/client/stream_client.hpp"

namespace bcp::display {

enum class FeedHealth {
  connecting,        // no data yet
  live,              // heard from the daemon within stale_after
  stale,             // silent for stale_after .. lost_after: data kept, marked
  lost,              // silent for lost_after or more: data kept, marked loudly
  auth_failed,       // full-screen explanation
  version_mismatch,  // full-screen explanation
  offline_file,      // rendering a snapshot file (--situation), no feed at all
  replay,            // replaying a journal (--replay): the past, never LIVE
};
std::string_view to_string(FeedHealth h);

struct StalenessThresholds {
  double stale_after_seconds = 5;
  double lost_after_seconds = 30;
};

// `silence` is SituationMirror::silence_seconds (nullopt before the first frame).
FeedHealth classify_feed(client::ConnectionState state, bool has_data,
                         std::optional<double> silence, const StalenessThresholds& t);

}  // namespace bcp::display
