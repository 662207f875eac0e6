#include "bcp/display/staleness.hpp"

namespace bcp::display {

std::string_view to_string(FeedHealth h) {
  switch (h) {
    case FeedHealth::connecting:
      return "connecting";
    case FeedHealth::live:
      return "live";
    case FeedHealth::stale:
      return "stale";
    case FeedHealth::lost:
      return "lost";
    case FeedHealth::auth_failed:
      return "auth_failed";
    case FeedHealth::version_mismatch:
      return "version_mismatch";
    case FeedHealth::offline_file:
      return "offline_file";
    case FeedHealth::replay:
      return "replay";
  }
  return "?";
}

FeedHealth classify_feed(client::ConnectionState state, bool has_data,
                         std::optional<double> silence, const StalenessThresholds& t) {
  // A refused token or another protocol never heals by waiting, so it wins over the data.
  if (state == client::ConnectionState::auth_failed) return FeedHealth::auth_failed;
  if (state == client::ConnectionState::version_mismatch) return FeedHealth::version_mismatch;
  if (!has_data) return FeedHealth::connecting;
  // Staleness is measured from the last frame, not the socket state: a half-open TCP
  // connection still says "live" while nothing arrives.
  if (!silence) return FeedHealth::lost;
  if (*silence >= t.lost_after_seconds) return FeedHealth::lost;
  if (*silence >= t.stale_after_seconds) return FeedHealth::stale;
  return FeedHealth::live;
}

}  // namespace bcp::display
