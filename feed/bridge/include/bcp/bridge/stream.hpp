// The names the towns and the region share on NATS (DESIGN.md, "Several towns: the regional
// room"), and the stream that carries them. Pure functions except ensure_stream, which runs on
// the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bcp/bridge/nats.hpp"

namespace bcp::bridge {

inline constexpr const char* kStreamName = "BCP_TOWNS";
inline constexpr const char* kStreamSubjects = "bcp.town.*.events";
inline constexpr const char* kHeartbeatSubjects = "bcp.town.*.heartbeat";

// A town id is one subject token and the part of a Msg-Id before the colon: 1-64 of
// A-Z a-z 0-9 _ -. (config/ checks the same rule when it loads a bridge or region.)
bool valid_town_id(std::string_view town);

std::string events_subject(std::string_view town);     // bcp.town.<town>.events
std::string heartbeat_subject(std::string_view town);  // bcp.town.<town>.heartbeat (core NATS)
std::string msg_id(std::string_view town, std::uint64_t seq);  // <town>:<seq>

// The town of bcp.town.<town>.events (or .heartbeat when `kind` says so); nullopt otherwise.
std::optional<std::string> town_of_subject(std::string_view subject,
                                           std::string_view kind = "events");
// The seq of "<town>:<seq>" when it names `town`; nullopt for anything else.
std::optional<std::uint64_t> seq_of_msg_id(std::string_view id, std::string_view town);

struct StreamSettings {
  // 0: min(3, number of configured servers), the contract's rule.
  int replicas = 0;
  // Explicit, so that it is visible in `nats stream info` and in the docs. Resending after
  // an unknown outcome happens seconds later; the ExpectLastSubjectSeq chain of the publisher
  // guards the rest.
  std::chrono::seconds duplicate_window{120};
  // A region that has been away longer than this misses events (the towns keep them all in
  // their journals); 0 keeps them for ever.
  std::chrono::hours max_age{24 * 7};
};

enum class StreamOutcome { created, existing };

// Creates BCP_TOWNS when it is missing; leaves a compatible existing one alone (its replicas
// and limits are the operator's). Throws BridgeError for an incompatible one (wrong subjects,
// work-queue or interest retention, sealed, no duplicate window), NatsError otherwise.
StreamOutcome ensure_stream(Connection& connection, const StreamSettings& settings,
                            std::size_t server_count);

}  // namespace bcp::bridge
