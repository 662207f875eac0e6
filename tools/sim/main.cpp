// bcp-sim: plays a scenario file against a running bcp-feedd (see tools/README.md).
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "bcp/config/config.hpp"
#include "bcp/tools/scenario.hpp"

namespace {

constexpr const char* kUsage = R"(usage: bcp-sim [--server URL] [--speed N] [--token T] [--operator-token T]
               [--config FILE] [--base DIR] [--quiet] SCENARIO.json

Plays a scenario (assets/scenarios/*.json) against bcp-feedd through its public HTTP API and
signed LINE WORKS callbacks. Prints one line per step; exits 0 when every step got a 2xx,
1 naming the first step that did not, 2 on bad flags or a bad scenario file.

  --server URL           daemon (default http://127.0.0.1:8470, or BCP_SERVER)
  --speed N              play N times faster than real time (default 1)
  --token T              ingest token (default ingest-sample)
  --operator-token T     operator token (default operator-sample)
  --config FILE          town config for staff, groups and the bot (default
                         config/sample-town/town.json)
  --base DIR             where `jma` step files are found (default .)
  --quiet                print only the result
)";

[[noreturn]] void usage_error(const std::string& why) {
  std::cerr << "bcp-sim: " << why << " (see --help)\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  bcp::tools::PlayOptions options;
  std::string server = std::getenv("BCP_SERVER") ? std::getenv("BCP_SERVER") : "http://127.0.0.1:8470";
  std::string config_file = "config/sample-town/town.json";
  std::string scenario_file;
  bool quiet = false;
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
    } else if (a == "--operator-token") {
      options.operator_token = value();
    } else if (a == "--config") {
      config_file = value();
    } else if (a == "--base") {
      options.base_dir = value();
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
  if (scenario_file.empty()) usage_error("no scenario file given");
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
  if (!quiet) options.out = &std::cout;
  try {
    auto scenario = bcp::tools::load_scenario(scenario_file);
    std::cout << "bcp-sim: " << scenario.value("title", scenario_file) << " at " << options.speed << "x against "
              << server << "\n";
    auto result = bcp::tools::play_scenario(scenario, *loaded.config, options);
    if (!result.ok) {
      std::cerr << "bcp-sim: failed at " << result.failed_step << "\n";
      return 1;
    }
    std::cout << "bcp-sim: done, " << result.steps << " steps, all accepted\n";
    return 0;
  } catch (const bcp::tools::ScenarioError& e) {
    std::cerr << "bcp-sim: " << scenario_file << ": " << e.what() << "\n";
    return 2;
  }
}
