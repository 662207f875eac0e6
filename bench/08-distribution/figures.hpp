// What bench-distribution measures, computed from the stand-in tenant's records (every message
// request with the time it was read; the tenant answers at once) and from bcp-feedd's /metrics.
// Pure functions, no threads.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bcp/tools/lineworks_tenant.hpp"

namespace bcp::bench {

using Clock = std::chrono::steady_clock;
using Requests = std::vector<tools::LineWorksTenant::MessageRequest>;

struct SendFigures {
  int requests = 0;                 // every message request the tenant read
  int accepted = 0;                 // answered 201 (questions and the announcement)
  int too_many = 0;                 // answered 429
  std::map<int, int> other_status;  // anything else (0: it hung)
  int questions = 0;                // 201s to a person (a 1:1 room)
  int people_reached = 0;           // distinct people among them
  int missing = 0;                  // expected people never reached
  int repeated = 0;                 // questions beyond the first to the same person
  int unexpected = 0;               // 201s to someone not in scope
  // Seconds since the roll call was started (POST /v1/rollcalls sent).
  double first_send_s = 0, last_send_s = 0, last_question_s = 0;
  double achieved_per_minute = 0;  // (accepted - 1) / (last - first)
  double rate_ratio = 0;           // ÷ configured
  double ideal_s = 0;              // (accepted - 1) sends at exactly the configured pace
  // The most 201s in any tenth of a minute, ÷ a tenth of the configured rate: a burst that a
  // per-minute window cannot see within a distribution shorter than a minute shows here.
  int peak_tenth_minute = 0;
  double peak_ratio = 0;
  // Gaps between consecutive 201s: how regular the pacing was, and the time lost in gaps
  // longer than twice the configured interval (stalls).
  double gap_p50_ms = 0, gap_p99_ms = 0, gap_max_ms = 0;
  int stalls = 0;
  double stalled_s = 0;
};

SendFigures send_figures(const Requests& requests, Clock::time_point rollcall_started,
                         const std::set<std::string>& expected_users, int configured_per_minute);

nlohmann::json to_json(const SendFigures& f);

// Prometheus text → "name{labels}" (as written) → value. Lines it cannot read are skipped.
std::map<std::string, double> parse_metrics(const std::string& text);
std::optional<double> metric(const std::map<std::string, double>& metrics, const std::string& key);
// The first of `keys` that is there.
std::optional<double> metric(const std::map<std::string, double>& metrics, const std::vector<std::string>& keys);

}  // namespace bcp::bench
