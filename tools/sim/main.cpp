// bcp-sim: plays a scenario file against a running bcp-feedd, or generates load (--load).
// While it plays, it can also play the town's LINE WORKS tenant on loopback (SimTenant: the
// tenant's thread and the bot staff's thread); the scenario itself plays on the main thread.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "bcp/config/config.hpp"
#include "bcp/tools/load.hpp"
#include "bcp/tools/scenario.hpp"
#include "bcp/tools/sim_tenant.hpp"

namespace {

constexpr const char* kUsage = R"(usage: bcp-sim [--server URL] [--speed N] [--token T] [--operator-token T]
               [--config FILE] [--base DIR] [--tenant HOST:PORT | --no-tenant]
               [--linger S] [--quiet] SCENARIO.json
       bcp-sim [--server URL] [--token T] [--config FILE] --load [--rate N] [--duration S]
               [--staff N] [--groups N] [--connections N] [--checkin-every N] [--quiet]

Plays a scenario (assets/scenarios/*.json) against bcp-feedd through its public HTTP API and
signed LINE WORKS callbacks. Prints one line per step; exits 0 when every step got a 2xx,
1 naming the first step that did not, 2 on bad flags or a bad scenario file.

  --server URL           daemon (default http://127.0.0.1:8470, or BCP_SERVER)
  --speed N              play N times faster than real time (default 1)
  --token T              ingest token (default ingest-sample)
  --operator-token T     operator token (default operator-sample)
  --config FILE          town config for staff, groups and the bot (default
                         config/sample-town/town.json)
  --base DIR             where `jma` step files and `image` photos are found (default .)
  --tenant 127.0.0.1:P   play the town's LINE WORKS tenant there while the scenario runs: the
                         token endpoint (checking the JWT with the public key beside the
                         config's private_key_file), the bot's message endpoints and the
                         files of the scenario's image steps (fetched like LINE WORKS
                         attachments: a 302, then the download, the Bearer on both). The
                         scenario's bot_staff answer what the bot sends them with signed
                         callbacks to the daemon (once the bot has asked them, the
                         check-ins of checkins.spread steps marked skip_with_bot_staff
                         are left out). Default: the config's
                         lineworks_api api_url when it is http://127.0.0.1:PORT (if that
                         port is taken, the scenario plays without a tenant, saying so)
  --no-tenant            do not play the tenant (the bot's sends then fail, nobody answers)
  --linger S             after the last step, wait at most S seconds at 1x (scaled by
                         --speed) for late bot answers (default 120)
  --quiet                print only the result

Load generator (--load, for benchmarks): posts talk messages from the roster's first --staff
staff round robin over the first --groups level-C groups, at --rate posts/s in all (default
50) for --duration seconds (default 10), over --connections keep-alive connections (default
8), with the ingest --token. Each post is due at start + i/rate whatever the answers before
it; posts still unsent a second after the duration are skipped and counted. --checkin-every N
makes every Nth post a check-in to the open roll call ("current": start one first, e.g.
`bcpctl rollcall start --title 負荷試験 --drill`). At the end it prints sent, acknowledged
and errors by status, and the latency of acknowledged posts (p50, p99, max); exits 0 when
every post was acknowledged, 1 otherwise. Example:
  bcp-sim --load --rate 200 --duration 30 --staff 120 --groups 4 --connections 16
)";

[[noreturn]] void usage_error(const std::string& why) {
  std::cerr << "bcp-sim: " << why << " (see --help)\n";
  std::exit(2);
}

double number(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !(d > 0)) usage_error(flag + ": a number > 0, not \"" + v + "\"");
  return d;
}

std::size_t count(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || v[0] == '-' || *end != '\0') usage_error(flag + ": a whole number, not \"" + v + "\"");
  return static_cast<std::size_t>(n);
}

}  // namespace

int main(int argc, char** argv) {
  bcp::tools::PlayOptions options;
  std::string server = std::getenv("BCP_SERVER") ? std::getenv("BCP_SERVER") : "http://127.0.0.1:8470";
  std::string config_file = "config/sample-town/town.json";
  std::string scenario_file;
  bool quiet = false;
  bool load = false;
  bcp::tools::LoadOptions load_options;
  bool token_given = false;
  std::string tenant_flag;  // "" = from the config
  bool no_tenant = false;
  double linger = 120;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--server") {
      server = value();
    } else if (a == "--speed") {
      std::string v = value();
      char* end = nullptr;
      options.speed = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(options.speed > 0)) usage_error("--speed: a number > 0, not \"" + v + "\"");
    } else if (a == "--token") {
      options.ingest_token = value();
      token_given = true;
    } else if (a == "--load") {
      load = true;
    } else if (a == "--rate") {
      load_options.rate = number(a, value());
    } else if (a == "--duration") {
      load_options.duration = number(a, value());
    } else if (a == "--staff") {
      load_options.staff = count(a, value());
    } else if (a == "--groups") {
      load_options.groups = count(a, value());
    } else if (a == "--connections") {
      load_options.connections = count(a, value());
    } else if (a == "--checkin-every") {
      load_options.checkin_every = count(a, value());
    } else if (a == "--operator-token") {
      options.operator_token = value();
    } else if (a == "--config") {
      config_file = value();
    } else if (a == "--base") {
      options.base_dir = value();
    } else if (a == "--tenant") {
      tenant_flag = value();
    } else if (a == "--no-tenant") {
      no_tenant = true;
    } else if (a == "--linger") {
      const std::string v = value();
      char* end = nullptr;
      linger = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(linger >= 0) || linger > 86400)
        usage_error("--linger: seconds from 0 to 86400, not \"" + v + "\"");
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a.rfind("-", 0) == 0) {
      usage_error("unknown flag " + a);
    } else if (scenario_file.empty()) {
      scenario_file = a;
    } else {
      usage_error("one scenario file only");
    }
  }
  if (load && !scenario_file.empty()) usage_error("--load plays no scenario file");
  if (no_tenant && !tenant_flag.empty()) usage_error("--tenant and --no-tenant together");
  std::optional<std::uint16_t> tenant_port;
  if (!tenant_flag.empty()) {
    const auto colon = tenant_flag.rfind(':');
    // The stand-in listens on loopback only: a tenant on the LAN would take the app's secret.
    if (colon == std::string::npos || tenant_flag.substr(0, colon) != "127.0.0.1")
      usage_error("--tenant: 127.0.0.1:PORT, not \"" + tenant_flag + "\"");
    const std::string p = tenant_flag.substr(colon + 1);
    char* end = nullptr;
    const unsigned long n = std::strtoul(p.c_str(), &end, 10);
    if (p.empty() || *end != '\0' || n == 0 || n > 65535) usage_error("--tenant: a port from 1 to 65535, not \"" + p + "\"");
    tenant_port = static_cast<std::uint16_t>(n);
  }
  if (!load && scenario_file.empty()) usage_error("no scenario file given");
  try {
    options.server = bcp::tools::parse_server_url(server);
  } catch (const std::exception& e) {
    usage_error(e.what());
  }
  auto loaded = bcp::config::load_town(config_file);
  if (!loaded.config) {
    std::cerr << "bcp-sim: " << config_file << ": "
              << (loaded.errors.empty() ? "cannot load" : loaded.errors.front().to_string()) << "\n";
    return 2;
  }
  if (load) {
    load_options.server = options.server;
    if (token_given) load_options.token = options.ingest_token;
    try {
      bcp::tools::validate(load_options, *loaded.config);
    } catch (const std::invalid_argument& e) {
      usage_error(e.what());
    }
    std::cout << "bcp-sim: load: " << load_options.rate << " posts/s for " << load_options.duration
              << " s over " << load_options.connections << " connections against " << server << "\n"
              << std::flush;
    auto report = bcp::tools::run_load(load_options, *loaded.config, quiet ? nullptr : &std::cout);
    std::cout << "bcp-sim: load: " << report.summary() << "\n";
    return report.acknowledged == report.planned ? 0 : 1;
  }
  if (!quiet) options.out = &std::cout;
  try {
    auto scenario = bcp::tools::load_scenario(scenario_file);
    std::cout << "bcp-sim: " << scenario.value("title", scenario_file) << " at " << options.speed << "x against "
              << server << "\n";
    std::unique_ptr<bcp::tools::SimTenant> tenant;
    if (!no_tenant && !tenant_port) tenant_port = bcp::tools::loopback_tenant_port(*loaded.config);
    if (!no_tenant && tenant_port) {
      try {
        tenant = std::make_unique<bcp::tools::SimTenant>(
            scenario, *loaded.config,
            bcp::tools::SimTenantOptions{*tenant_port, options.server, options.speed, options.out,
                                         options.base_dir});
      } catch (const bcp::tools::SimTenantError& e) {
        // Asked for by --tenant: an error. Taken from the config: the scenario still plays, as
        // without a tenant (e.g. a second demo on the machine while the first holds the port).
        std::cerr << "bcp-sim: tenant: " << e.what() << "\n";
        if (!tenant_flag.empty()) return 1;
        std::cerr << "bcp-sim: tenant: not played; the scenario plays without it\n";
      }
    }
    if (tenant) {
      bcp::tools::SimTenant* sim = tenant.get();
      if (sim->has_staff()) options.bot_staff_answering = [sim] { return sim->staff_answering(); };
      std::cout << "bcp-sim: tenant: the bot's questions go to the stand-in LINE WORKS tenant on 127.0.0.1:"
                << tenant->port() << " (no internet); "
                << (tenant->has_staff() ? "the scenario's bot_staff answer them" : "the scenario has no bot_staff, nobody answers")
                << "\n"
                << std::flush;
    } else if (!no_tenant && !tenant_port) {
      std::cout << "bcp-sim: tenant: none (the config's lineworks_api is not on 127.0.0.1; --tenant 127.0.0.1:PORT plays one)\n";
    }
    auto result = bcp::tools::play_scenario(scenario, *loaded.config, options);
    if (tenant) {
      if (result.ok && tenant->has_staff() && tenant->staff()->pending() > 0) {
        std::cout << "bcp-sim: tenant: waiting at most " << linger / options.speed << " s for late answers\n" << std::flush;
        tenant->finish(std::chrono::duration<double>(linger / options.speed));
      }
      std::cout << "bcp-sim: tenant: " << tenant->summary() << "\n";
    }
    if (!result.ok) {
      std::cerr << "bcp-sim: failed at " << result.failed_step << "\n";
      return 1;
    }
    std::cout << "bcp-sim: done, " << result.steps << " steps, all accepted";
    if (result.left_to_bot_staff)
      std::cout << " (" << result.left_to_bot_staff << " check-ins left to the bot staff)";
    std::cout << "\n";
    return 0;
  } catch (const bcp::tools::ScenarioError& e) {
    // Also a bad bot_staff section, found before anything was played.
    std::cerr << "bcp-sim: " << scenario_file << ": " << e.what() << "\n";
    return 2;
  }
}
