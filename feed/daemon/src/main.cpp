// bcp-feedd: wires config, journal, HTTP/WebSocket server and signals together.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/log.hpp"

namespace {

constexpr const char* kUsage = R"(usage: bcp-feedd --config FILE [--listen HOST:PORT] [--data DIR] [--check-config]

Receives LINE WORKS bot callbacks, API calls, CAP and JMA alerts, journals them in SQLite
and streams them to bcp-wall displays.

  --config FILE      the town's config (e.g. config/sample-town/town.json)
  --listen HOST:PORT address to listen on (default: the config's, else 127.0.0.1:8470)
  --data DIR         data directory for the journal (default: the config's data_dir)
  --check-config     validate the whole config, print every problem, exit 0 or 1
  --help             this text
)";

int fail(const std::string& why) {
  std::fprintf(stderr, "bcp-feedd: %s (see --help)\n", why.c_str());
  return 2;
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

  bcp::config::LoadResult loaded = bcp::config::load_town(config_path);
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    std::fprintf(stderr, "bcp-feedd: %zu problem(s) in the config; not starting\n", loaded.errors.size());
    return 1;
  }
  bcp::config::TownConfig& town = *loaded.config;
  if (check_only) {
    std::printf("%s: OK (%zu departments, %zu staff, %zu groups, %zu tokens, %zu walls)\n", config_path.c_str(),
                town.departments.size(), town.staff.size(), town.groups.size(), town.tokens.size(), town.walls.size());
    return 0;
  }

  bcp::daemon::DaemonOptions options;
  try {
    bcp::daemon::parse_listen(listen.empty() ? town.listen : listen, options);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  options.data_dir = data_dir.empty() ? std::filesystem::path(town.data_dir) : std::filesystem::path(data_dir);

  // Signals are taken by one thread with sigwait, so a stop never runs inside a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<bcp::daemon::Daemon> daemon;
  try {
    daemon = std::make_unique<bcp::daemon::Daemon>(std::move(town), options);
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
