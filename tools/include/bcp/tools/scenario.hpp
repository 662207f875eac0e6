// The scenario player behind bcp-sim: a timeline of steps posted through the daemon's
// public API and signed LINE WORKS callbacks, exactly as real sources would.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/tools/http_client.hpp"

namespace bcp::tools {

struct PlayOptions {
  ServerUrl server;
  double speed = 1.0;  // 2 = twice as fast
  std::string ingest_token = "ingest-sample";
  std::string operator_token = "operator-sample";
  // Resolves `jma` files; the repository root when run from the checkout.
  std::filesystem::path base_dir = ".";
  std::ostream* out = nullptr;  // one line per step; null = quiet
  // Whether the scenario's bot_staff are answering the bot through a stand-in tenant (bcp-sim
  // with its tenant: true once the daemon's bot has sent them a question). While it says so,
  // the check-ins of checkins.spread steps marked "skip_with_bot_staff" are left out: those
  // people answer through the bot instead. Unset or false: they are posted as ever.
  std::function<bool()> bot_staff_answering;
};

struct PlayResult {
  bool ok = true;
  std::size_t steps = 0;     // steps played (after expanding checkins.spread)
  std::size_t left_to_bot_staff = 0;  // check-ins left out (PlayOptions::bot_staff_answering)
  std::string failed_step;   // "step 7 (alert.cancel): 409 alert \"…\" is cancelled"
};

// A bad scenario file (unknown `do`, missing field): names the step and the field.
struct ScenarioError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// One planned request, after checkins.spread has been expanded.
struct PlannedStep {
  double at = 0;           // seconds from start at 1x
  std::size_t index = 0;   // step number in the file (1-based), for messages
  nlohmann::json step;     // the step, with "do" possibly rewritten to "checkin"
  bool skip_with_bot_staff = false;  // from a checkins.spread step so marked
};

// Expands and orders the steps (stable by `at`), checks the bot_staff section if there is one
// (bot_staff.hpp); throws ScenarioError.
std::vector<PlannedStep> plan_scenario(const nlohmann::json& scenario, const config::TownConfig& town);

// Plays all steps; stops at the first refusal or connection failure.
PlayResult play_scenario(const nlohmann::json& scenario, const config::TownConfig& town,
                         const PlayOptions& options);

nlohmann::json load_scenario(const std::filesystem::path& file);  // throws ScenarioError

// A `lineworks` step's "image" (a JPEG or PNG, relative to PlayOptions::base_dir like `jma`
// files): the fileId its callback carries, the same for every step naming that file, and which
// bcp-sim's tenant serves that file under (sim_tenant.hpp).
std::string scenario_image_file_id(const std::string& image);
// Every image a scenario's lineworks steps name, in step order, without repeats.
std::vector<std::string> scenario_images(const nlohmann::json& scenario);

}  // namespace bcp::tools
