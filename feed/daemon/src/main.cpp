// bcp-feedd: wires config, journal, HTTP/WebSocket server and signals together.
//
// Threads: the main thread becomes the daemon's I/O thread (Daemon::run); a signal thread
// owned here waits in sigwait for SIGINT/SIGTERM and calls Daemon::stop, which only posts to
// the I/O thread and stops the commit queue. The other threads are listed in
// docs/architecture.md ("Threads").
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include "adapters/alert_sources.hpp"
#include "bcp/alerts/keyword_rules.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/log.hpp"

namespace {

constexpr const char* kUsage = R"(usage: bcp-feedd --config FILE [--listen HOST:PORT] [--data DIR] [--check-config]

Receives LINE WORKS bot callbacks, API calls, CAP and JMA alerts, journals them in SQLite
and streams them to bcp-wall displays.

  --config FILE      the town's config (e.g. config/sample-town/town.json), or a
                     region.json (config/sample-region/region.json): the regional
                     daemon, following its towns over NATS JetStream
  --listen HOST:PORT address to listen on (default: the config's, else 127.0.0.1:8470)
  --data DIR         data directory for the journal (default: the config's data_dir)
  --check-config     validate the whole config, print every problem, exit 0 or 1
                     (1 when the daemon would not start; problems in `alerts` are
                     warnings: the daemon starts and keeps the defaults there)
  --help             this text
)";

int fail(const std::string& why) {
  std::fprintf(stderr, "bcp-feedd: %s (see --help)\n", why.c_str());
  return 2;
}

// The sections config::load_town leaves to their owners. A `rules` problem is an error: the
// daemon refuses to start on it. An `alerts` problem is a warning: the daemon starts, keeps
// the default and logs it, so that a typo there never keeps talk and check-ins out (and an
// ExecStartPre=--check-config must not either).
struct AlertSectionCheck {
  std::vector<bcp::config::ConfigError> errors;
  std::vector<bcp::config::ConfigError> warnings;
};

AlertSectionCheck check_alert_sections(const std::string& file, const nlohmann::json& rules,
                                       const nlohmann::json& alerts) {
  AlertSectionCheck check;
  std::vector<bcp::alerts::RuleConfigProblem> rule_problems;
  bcp::alerts::parse_keyword_rules(rules, rule_problems);
  for (const auto& p : rule_problems) check.errors.push_back({file, "/rules" + p.where, p.message});
  std::vector<std::string> jma_problems;
  bcp::daemon::parse_jma_settings(alerts, /*utc_offset_minutes=*/540, jma_problems);
  for (const std::string& p : jma_problems) {
    // Each is "/pointer: message".
    const std::size_t colon = p.find(": ");
    if (colon == std::string::npos) {
      check.warnings.push_back({file, "/alerts", p});
    } else {
      check.warnings.push_back({file, p.substr(0, colon), p.substr(colon + 2)});
    }
  }
  return check;
}

// A town that load_town refused is still read raw for its rules and alerts sections, so one
// run lists every problem. A file that is not JSON was already reported.
AlertSectionCheck check_alert_sections_raw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const nlohmann::json root = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) return {};
  // A section of the wrong type was reported by load_town; it is skipped here.
  nlohmann::json rules = root.value("rules", nlohmann::json::array());
  nlohmann::json alerts = root.value("alerts", nlohmann::json::object());
  if (!rules.is_array()) rules = nlohmann::json::array();
  if (!alerts.is_object()) alerts = nlohmann::json::object();
  return check_alert_sections(path, rules, alerts);
}

// What the bot will do when it speaks (lineworks_api, rollcall_distribution), one line each,
// without any secret: an IT officer sees at once where it sends and how fast everyone is reached.
void print_lineworks_sections(const bcp::config::TownConfig& town) {
  if (const auto& api = town.lineworks_api) {
    std::size_t reachable = 0;
    for (const auto& s : town.staff) reachable += s.lineworks_user.has_value();
    // One call per person: at N a minute the last of them is asked after this long.
    const long long seconds =
        static_cast<long long>((reachable * 60 + api->messages_per_minute - 1) /
                               static_cast<std::size_t>(api->messages_per_minute));
    std::printf(
        "  lineworks_api: bot %s as %s via %s, %d messages/min: %zu staff with a LINE WORKS "
        "account asked within about %lld s\n",
        api->bot_id.c_str(), api->service_account.c_str(), api->api_url.c_str(),
        api->messages_per_minute, reachable, seconds);
  }
  if (const auto& d = town.rollcall_distribution) {
    std::string reminders;
    for (int s : d->reminders_after_seconds)
      reminders += (reminders.empty() ? "" : ", ") + std::to_string(s);
    std::string groups;
    for (const auto& g : d->announce_groups) groups += (groups.empty() ? "" : ", ") + g;
    std::printf("  rollcall_distribution: %s, reminders after %s, announced in %s\n",
                d->enabled ? "on" : "off", reminders.empty() ? "none" : (reminders + " s").c_str(),
                groups.empty() ? "no group" : groups.c_str());
  }
}

// --check-config: every problem on stderr as `file: /pointer: message` (warnings prefixed
// `warning: `), exit 1 when any would keep the daemon from starting.
int check_config(const std::string& path, const bcp::config::LoadResult& loaded) {
  const bcp::config::TownConfig* town = loaded.config ? &*loaded.config : nullptr;
  AlertSectionCheck alerts = town ? check_alert_sections(town->file.string(), town->rules, town->alerts)
                                  : check_alert_sections_raw(path);
  std::vector<bcp::config::ConfigError> errors = loaded.errors;
  errors.insert(errors.end(), alerts.errors.begin(), alerts.errors.end());
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  for (const auto& w : alerts.warnings) std::fprintf(stderr, "warning: %s\n", w.to_string().c_str());
  const std::string warnings =
      alerts.warnings.empty() ? ""
                              : "; " + std::to_string(alerts.warnings.size()) +
                                    " warning(s) in alerts: the daemon keeps the defaults there";
  if (!errors.empty() || !town) {
    std::fprintf(stderr, "bcp-feedd: %zu problem(s) in the config%s\n", errors.size(), warnings.c_str());
    return 1;
  }
  const std::string rate = town->rate_limit.requests_per_minute == 0
                               ? "no rate limit"
                               : "rate limit " + std::to_string(town->rate_limit.requests_per_minute) +
                                     "/min per token, burst " + std::to_string(town->rate_limit.burst);
  const std::string sources =
      "sources failing after " + std::to_string(town->source_health.failing_after_seconds) +
      " s, quiet after " + std::to_string(town->source_health.quiet_after_seconds) + " s";
  std::printf("%s: OK (%zu departments, %zu staff, %zu groups, %zu tokens, %zu walls; %s; %s)%s\n",
              path.c_str(), town->departments.size(), town->staff.size(), town->groups.size(),
              town->tokens.size(), town->walls.size(), rate.c_str(), sources.c_str(),
              warnings.c_str());
  print_lineworks_sections(*town);
  return 0;
}

// --check-config of a region.json: region.json's and every town config's problems, exit 1 or 0.
int check_region_config(const std::string& path) {
  const bcp::config::RegionLoadResult loaded = bcp::config::load_region(path);
  for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
  if (!loaded.config) {
    std::fprintf(stderr, "bcp-feedd: %zu problem(s) in the region config\n", loaded.errors.size());
    return 1;
  }
  const bcp::config::RegionConfig& region = *loaded.config;
  std::string towns;
  for (const auto& t : region.towns) {
    towns += (towns.empty() ? "" : ", ") + t.id + " " + t.town.town_name;
  }
  std::printf("%s: OK (region, %zu towns: %s; %zu NATS servers, %zu tokens, %zu walls)\n",
              path.c_str(), region.towns.size(), towns.c_str(), region.servers.size(),
              region.tokens.size(), region.walls.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  std::string listen;
  std::string data_dir;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)flag;
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--config") {
      const char* v = value("--config");
      if (!v) return fail("--config needs a file");
      config_path = v;
    } else if (a == "--listen") {
      const char* v = value("--listen");
      if (!v) return fail("--listen needs HOST:PORT");
      listen = v;
    } else if (a == "--data") {
      const char* v = value("--data");
      if (!v) return fail("--data needs a directory");
      data_dir = v;
    } else if (a == "--check-config") {
      check_only = true;
    } else {
      return fail("unknown option \"" + a + "\"");
    }
  }
  if (config_path.empty()) return fail("--config is required");

  // A region.json makes the regional daemon (DESIGN.md, "Several towns"), a town.json a town's.
  std::optional<bcp::config::RegionConfig> region;
  std::optional<bcp::config::TownConfig> town;
  if (bcp::config::is_region_config(config_path)) {
    if (check_only) return check_region_config(config_path);
    bcp::config::RegionLoadResult loaded = bcp::config::load_region(config_path);
    if (!loaded.config) {
      for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      std::fprintf(stderr, "bcp-feedd: %zu problem(s) in the region config; not starting\n",
                   loaded.errors.size());
      return 1;
    }
    region = std::move(loaded.config);
  } else {
    bcp::config::LoadResult loaded = bcp::config::load_town(config_path);
    if (check_only) return check_config(config_path, loaded);
    if (!loaded.errors.empty()) {
      for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      std::fprintf(stderr, "bcp-feedd: %zu problem(s) in the config; not starting\n", loaded.errors.size());
      return 1;
    }
    town = std::move(loaded.config);
  }
  const std::string& default_listen = region ? region->listen : town->listen;
  const std::string& default_data = region ? region->data_dir : town->data_dir;

  bcp::daemon::DaemonOptions options;
  try {
    bcp::daemon::parse_listen(listen.empty() ? default_listen : listen, options);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  options.data_dir = data_dir.empty() ? std::filesystem::path(default_data) : std::filesystem::path(data_dir);
  const bcp::config::Limits& limits = region ? region->limits : town->limits;
  options.max_connections = static_cast<std::size_t>(limits.max_connections);
  options.max_streams = static_cast<std::size_t>(limits.max_streams);
  options.max_subscriber_queue_bytes = static_cast<std::size_t>(limits.max_subscriber_queue_bytes);

  // Signals are taken by one thread with sigwait, so a stop never runs inside a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<bcp::daemon::Daemon> daemon;
  try {
    daemon = region ? std::make_unique<bcp::daemon::Daemon>(*region, options)
                    : std::make_unique<bcp::daemon::Daemon>(std::move(*town), options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bcp-feedd: %s\n", e.what());
    return 1;
  }
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    bcp::daemon::log(bcp::daemon::LogLevel::info, "main", std::string("received ") + strsignal(sig) + ", stopping");
    daemon->stop();
  });
  daemon->run();
  // run() can also end without a signal (not today); wake the signal thread so it joins.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  bcp::daemon::log(bcp::daemon::LogLevel::info, "main", "stopped");
  return 0;
}
