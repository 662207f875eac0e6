// bench-distribution (bench/08-distribution): a roll call for a town of N staff, every one with
// a LINE WORKS account, distributed by the real bcp-feedd (a child process) through the
// stand-in LINE WORKS tenant (in this process, on loopback). One round per configured
// messages_per_minute, each on a fresh daemon and tenant:
//   1. the talk load alone (POST /v1/talk, bcp-sim's load generator: open loop, fixed rate),
//      after a short warm-up load that is not measured;
//   2. POST /v1/rollcalls {"title", "drill": true} for everyone, and at once the same talk load;
//   3. waiting (bounded) until the tenant has given every person their question a 201;
//   4. the talk load alone again (the noise between two loads without a distribution).
// Everything is timed on one steady clock; the tenant stamps each request when it reads it and
// answers at once, and enforces the configured limit per minute window with a little slack,
// answering 429 beyond it (as LINE WORKS would a client that bursts).
// Prints one JSON document of figures; the run script turns them into verdicts.
//
// Threads: main (orchestration and the talk load's own workers, tools::run_load), the tenant's
// (inside LineWorksTenant). The daemon is another process.
//
// Usage: bench-distribution --feedd BIN --sample-town DIR --work DIR --staff N
//          --talk-rate POSTS_PER_S --talk-seconds S --round PER_MINUTE:PORT [--round …] [--out FILE]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/tools/http_client.hpp"
#include "bcp/tools/load.hpp"
#include "bench_town.hpp"
#include "child_feedd.hpp"
#include "figures.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using bcp::bench::Clock;

// The daemon's outbox gauges (issue 15): the names bcp-feedd writes (bcp_distribution_*), and
// the bcp_bot_messages_* of the benchmark's brief, should the daemon be renamed to them.
const std::vector<std::string> kQueued = {"bcp_distribution_queued", "bcp_bot_messages_queued"};
const std::vector<std::string> kInFlight = {"bcp_distribution_in_flight", "bcp_bot_messages_in_flight"};
constexpr const char* kOperatorToken = "operator-sample";
constexpr const char* kIngestToken = "ingest-sample";

struct Round {
  int per_minute = 0;
  std::uint16_t port = 0;
};

struct Options {
  fs::path feedd, sample_town, work, out;
  int staff = 0;
  double talk_rate = 0, talk_seconds = 0;
  std::vector<Round> rounds;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "bench-distribution: %s\nusage: bench-distribution --feedd BIN --sample-town DIR --work DIR "
               "--staff N --talk-rate POSTS_PER_S --talk-seconds S --round PER_MINUTE:PORT [--round …] "
               "[--out FILE]\n",
               why.c_str());
  std::exit(2);
}

double number(const std::string& flag, const std::string& text, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= lo && v <= hi))
    usage(flag + ": expected a number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" + text + "'");
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--feedd") o.feedd = value;
    else if (flag == "--sample-town") o.sample_town = value;
    else if (flag == "--work") o.work = value;
    else if (flag == "--out") o.out = value;
    else if (flag == "--staff") o.staff = static_cast<int>(number(flag, value, 1, 100'000));
    else if (flag == "--talk-rate") o.talk_rate = number(flag, value, 1, 10'000);
    else if (flag == "--talk-seconds") o.talk_seconds = number(flag, value, 0.5, 600);
    else if (flag == "--round") {
      const auto colon = value.find(':');
      if (colon == std::string::npos) usage("--round: expected PER_MINUTE:PORT, got '" + value + "'");
      o.rounds.push_back({static_cast<int>(number(flag, value.substr(0, colon), 1, 60'000)),
                          static_cast<std::uint16_t>(number(flag, value.substr(colon + 1), 1, 65'535))});
    } else {
      usage("unknown flag " + flag);
    }
  }
  if (o.feedd.empty() || o.sample_town.empty() || o.work.empty()) usage("--feedd, --sample-town and --work are needed");
  if (o.staff == 0 || o.talk_rate == 0 || o.talk_seconds == 0) usage("--staff, --talk-rate and --talk-seconds are needed");
  if (o.rounds.empty()) usage("no --round given");
  return o;
}

double since(Clock::time_point from, Clock::time_point to = Clock::now()) {
  return std::chrono::duration<double>(to - from).count();
}

std::map<std::string, double> read_metrics(bcp::tools::HttpClient& api, std::string* raw = nullptr) {
  const bcp::tools::HttpResponse r = api.get("/metrics", "", "text/plain");
  if (r.status != 200) throw std::runtime_error("GET /metrics answered " + std::to_string(r.status));
  if (raw) *raw = r.body;
  return bcp::bench::parse_metrics(r.body);
}

// The talk load once, with what the daemon did meanwhile (its CPU, its journal commits).
json talk_phase(bcp::tools::HttpClient& api, const bcp::bench::ChildFeedd& feedd,
                const bcp::tools::LoadOptions& load, const bcp::config::TownConfig& town,
                Clock::time_point rollcall_started) {
  const auto m0 = read_metrics(api);
  const double cpu0 = feedd.cpu_seconds();
  const auto start = Clock::now();
  const bcp::tools::LoadReport report = bcp::tools::run_load(load, town);
  const auto end = Clock::now();
  const double cpu1 = feedd.cpu_seconds();
  const auto m1 = read_metrics(api);
  json errors = json::object();
  for (const auto& [status, count] : report.errors_by_status) errors[std::to_string(status)] = count;
  json phase = {{"planned", report.planned},       {"sent", report.sent},
                {"acknowledged", report.acknowledged}, {"errors", report.errors},
                {"errors_by_status", errors},      {"p50_ms", report.p50_ms},
                {"p99_ms", report.p99_ms},         {"max_ms", report.max_ms},
                {"started_s", since(rollcall_started, start)}, {"ended_s", since(rollcall_started, end)},
                {"feedd_cpu_percent", 100.0 * (cpu1 - cpu0) / std::max(since(start, end), 1e-3)}};
  const auto count0 = bcp::bench::metric(m0, "bcp_commit_latency_seconds_count");
  const auto count1 = bcp::bench::metric(m1, "bcp_commit_latency_seconds_count");
  const auto sum0 = bcp::bench::metric(m0, "bcp_commit_latency_seconds_sum");
  const auto sum1 = bcp::bench::metric(m1, "bcp_commit_latency_seconds_sum");
  if (count0 && count1 && sum0 && sum1 && *count1 > *count0) {
    phase["commits"] = *count1 - *count0;
    phase["commit_mean_ms"] = 1000.0 * (*sum1 - *sum0) / (*count1 - *count0);
  }
  return phase;
}

// Waits (bounded) until the outbox holds nothing queued or in flight; false when it still does.
bool outbox_settled(bcp::tools::HttpClient& api, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto m = read_metrics(api);
    const auto queued = bcp::bench::metric(m, kQueued);
    const auto in_flight = bcp::bench::metric(m, kInFlight);
    if (!queued || !in_flight) return false;  // the daemon does not say: not assumed settled
    if (*queued == 0 && *in_flight == 0) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

json run_round(const Options& o, const Round& round, const std::set<std::string>& users) {
  const fs::path dir = o.work / ("round-" + std::to_string(round.per_minute));
  bcp::tools::LineWorksTenant tenant(bcp::bench::sample_app_tenant(o.sample_town, users));
  // The configured limit per minute window, with 2 % (at least 2) slack for the timer jitter of
  // an evenly paced client; a client that bursts over its pace is answered 429.
  const int tenant_limit = round.per_minute + std::max(2, round.per_minute / 50);
  tenant.set_rate_limit(tenant_limit, std::chrono::minutes(1));
  const fs::path town_file = bcp::bench::write_bench_town(
      {o.sample_town, dir, o.staff, tenant.auth_url(), tenant.api_url(), round.per_minute});
  bcp::config::LoadResult loaded = bcp::config::load_town(town_file);
  if (!loaded.config)
    throw std::runtime_error(town_file.string() + ": " +
                             (loaded.errors.empty() ? "cannot load" : loaded.errors.front().to_string()));
  const bcp::config::TownConfig& town = *loaded.config;

  std::fprintf(stderr, "bench-distribution: %d staff at %d/min (tenant limit %d per minute window)\n",
               o.staff, round.per_minute, tenant_limit);
  bcp::bench::ChildFeedd feedd(o.feedd, town_file, dir / "data", round.port, dir / "feedd.log");
  bcp::tools::HttpClient api({"127.0.0.1", round.port}, std::chrono::seconds(15));

  // The talk load lasts the configured seconds, but at most 80 % of the distribution's ideal
  // time, so that its "during" run lies inside the distribution.
  const double ideal_s = o.staff * 60.0 / round.per_minute;
  bcp::tools::LoadOptions load;
  load.server = {"127.0.0.1", round.port};
  load.token = kIngestToken;
  load.rate = o.talk_rate;
  load.duration = std::min(o.talk_seconds, std::max(1.0, 0.8 * ideal_s));
  load.staff = std::min<std::size_t>(120, town.staff.size());
  load.groups = 4;
  load.connections = 8;

  // A short load first, not measured: the first connections and the journal's cold pages
  // would otherwise make the "alone" run look slower than it is.
  bcp::tools::LoadOptions warm_up = load;
  warm_up.duration = std::min(2.0, load.duration);
  bcp::tools::run_load(warm_up, town);

  const auto before_anchor = Clock::now();
  json before = talk_phase(api, feedd, load, town, before_anchor);

  const double cpu_start = feedd.cpu_seconds();
  const auto started = Clock::now();
  const bcp::tools::HttpResponse r = api.post_json(
      "/v1/rollcalls", kOperatorToken,
      json{{"title", "負荷試験 安否確認 " + std::to_string(o.staff) + "名"}, {"drill", true}}.dump());
  if (r.status != 201)
    throw std::runtime_error("POST /v1/rollcalls answered " + std::to_string(r.status) + ": " + r.error_message());
  const double rollcall_ack_ms = since(started) * 1000.0;
  // The first load's times, like the others', are counted from the roll call's start.
  for (const char* key : {"started_s", "ended_s"}) before[key] = before[key].get<double>() - since(before_anchor, started);
  json during = talk_phase(api, feedd, load, town, started);
  const double cpu_after_talk = feedd.cpu_seconds();
  const auto after_talk = Clock::now();

  // Everyone reached, or the bound: the ideal time half again, plus half a minute.
  const auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(ideal_s * 1.5 + 30.0 - since(started)));
  // The predicate runs under the tenant's lock at every request: it looks only at the new ones.
  std::set<std::string> reached;
  std::size_t looked_at = 0;
  const bool completed = tenant.wait_for(
      [&](const bcp::bench::Requests& requests) {
        for (; looked_at < requests.size(); ++looked_at) {
          const auto& q = requests[looked_at];
          if (q.status == 201 && q.kind == "users" && users.count(q.to)) reached.insert(q.to);
        }
        return reached.size() == users.size();
      },
      std::max(budget, std::chrono::milliseconds(1000)));
  const auto done = Clock::now();
  const double cpu_done = feedd.cpu_seconds();
  const bool settled = outbox_settled(api, std::chrono::seconds(15));

  json after = talk_phase(api, feedd, load, town, started);
  std::string metrics_text;
  const auto metrics = read_metrics(api, &metrics_text);
  std::ofstream(dir / "metrics.txt") << metrics_text;
  const int exit_status = feedd.stop();

  const bcp::bench::SendFigures sends =
      bcp::bench::send_figures(tenant.message_requests(), started, users, round.per_minute);
  if (sends.accepted == 0)
    throw std::runtime_error("the tenant got no accepted message at " + std::to_string(round.per_minute) +
                             "/min: nothing to measure (see " + (dir / "feedd.log").string() + ")");
  // The share of the "during" load that lay inside the distribution (start → last 201).
  const double d0 = during["started_s"], d1 = during["ended_s"];
  const double overlap = std::max(0.0, std::min(d1, sends.last_send_s) - std::max(d0, 0.0)) / std::max(d1 - d0, 1e-3);

  json figures = to_json(sends);
  json out = {{"configured_per_minute", round.per_minute},
              {"tenant_limit_per_minute_window", tenant_limit},
              {"staff", o.staff},
              {"completed", completed},
              {"outbox_settled", settled},
              {"sends", figures},
              {"rollcall_ack_ms", rollcall_ack_ms},
              {"token_requests", tenant.token_requests().size()},
              {"talk_seconds", load.duration},
              {"talk_rate", load.rate},
              {"talk", {{"before", before}, {"during", during}, {"after", after}}},
              {"during_inside_distribution", overlap},
              {"feedd_cpu_percent_distribution", 100.0 * (cpu_done - cpu_start) / std::max(since(started, done), 1e-3)},
              {"feedd_exit_status", exit_status}};
  // The daemon's CPU while it only distributed (after the talk load, when that was long enough).
  if (since(after_talk, done) >= 5.0)
    out["feedd_cpu_percent_distribution_only"] = 100.0 * (cpu_done - cpu_after_talk) / since(after_talk, done);
  const double p_before = before["p99_ms"], p_during = during["p99_ms"], p_after = after["p99_ms"];
  out["talk_p99_ratio"] = p_before > 0 ? p_during / p_before : 0.0;
  out["talk_p99_noise_ratio"] = p_before > 0 ? p_after / p_before : 0.0;
  json bot = json::object();
  for (const auto& [key, value] : metrics)
    if (key.rfind("bcp_bot_", 0) == 0 || key.rfind("bcp_distribution_", 0) == 0) bot[key] = value;
  out["bot_metrics"] = bot;
  std::fprintf(stderr,
               "bench-distribution: %d/min: %d of %d reached, %.1f/min achieved (%.3f), last person at %.1f s, "
               "%d x 429; talk p99 %.2f -> %.2f ms (after %.2f)\n",
               round.per_minute, sends.people_reached, o.staff, sends.achieved_per_minute, sends.rate_ratio,
               sends.last_question_s, sends.too_many, p_before, p_during, p_after);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  try {
    const std::set<std::string> users = bcp::bench::generated_users(o.staff);
    json rounds = json::array();
    for (const Round& round : o.rounds) rounds.push_back(run_round(o, round, users));
    const json result = {{"staff", o.staff}, {"rounds", rounds}};
    if (o.out.empty()) {
      std::cout << result.dump(1) << "\n";
    } else {
      std::ofstream out(o.out);
      out << result.dump(1) << "\n";
      if (!out.flush()) throw std::runtime_error(o.out.string() + ": cannot write");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-distribution: %s\n", e.what());
    return 1;
  }
}
