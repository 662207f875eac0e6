// bcp-sim's load generator: talk messages (and optionally roll-call check-ins) posted at a
// fixed rate through the daemon's public API over a bounded number of keep-alive
// connections, as many staff in many groups would. Open loop: post i is due at start +
// i / rate whatever the answers before it, so a slow daemon shows up as latency and errors
// instead of silently lowering the rate. Bounded: rate x duration posts (at most
// kMaxLoadPosts), nothing new starts after the duration.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/tools/http_client.hpp"

namespace bcp::tools {

inline constexpr std::size_t kMaxLoadPosts = 1'000'000;
inline constexpr std::size_t kMaxLoadConnections = 256;

struct LoadOptions {
  ServerUrl server;
  std::string token = "ingest-sample";  // ingest role
  double rate = 50;                     // posts per second, all connections together
  double duration = 10;                 // seconds
  std::size_t staff = 120;              // senders: the roster's first N staff
  std::size_t groups = 4;               // the town's first N level-C groups, round robin
  std::size_t connections = 8;
  // Every Nth post is a check-in to the open roll call ("current") instead of a talk
  // message; 0 = talk only. Without an open roll call the daemon refuses them (counted).
  std::size_t checkin_every = 0;
  std::chrono::milliseconds timeout{5000};  // per request
};

// Throws std::invalid_argument naming the bad option (rate, duration, counts, the town).
void validate(const LoadOptions& options, const config::TownConfig& town);

struct LoadPost {
  std::size_t index = 0;  // 0-based position in the schedule
  std::string kind;       // "talk" or "checkin"
  std::string marker;     // text (talk) or note (check-in): "load <run>-<index>", unique
  bool sent = false;      // false: skipped, over a second behind schedule at the duration's end
  int status = 0;         // 0 = no answer (connection failed or timed out)
  std::int64_t seq = 0;   // from the 2xx answer
  double latency_ms = 0;  // request sent -> answer read
};

struct LoadReport {
  std::size_t planned = 0;                        // rate x duration
  std::size_t sent = 0;
  std::size_t acknowledged = 0;                   // 2xx
  std::size_t errors = 0;                         // everything else
  std::map<int, std::size_t> errors_by_status;    // 0 = no answer
  double elapsed_s = 0;                           // first post due -> last answer
  double p50_ms = 0, p99_ms = 0, max_ms = 0;      // of acknowledged posts
  std::vector<LoadPost> posts;                    // every planned post, by index
  std::string summary() const;                    // two lines, for the terminal
};

// Runs the load; `progress` (optional) gets one line per second.
LoadReport run_load(const LoadOptions& options, const config::TownConfig& town,
                    std::ostream* progress = nullptr);

}  // namespace bcp::tools
