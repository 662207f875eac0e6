// `bcp-feedd --check-config` as an operator runs it: the built binary on broken and good
// towns, every problem printed as `file: /pointer: message`, exit 1 or 0, never starting.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../common/run_process.hpp"
#include "test_support.hpp"

namespace bcp::daemon::test {
namespace {

using bcp::test::ProcessRun;

ProcessRun check_config(const fs::path& town) {
  if (!fs::exists(binary_path())) {
    ProcessRun run;
    run.err = binary_path() + " does not exist: build the bcp-feedd target too";
    return run;
  }
  TempDir dir;
  return bcp::test::run_process(binary_path(), {"--check-config", "--config", town.string()},
                                dir.path());
}

fs::path fixture(const std::string& town) {
  return fs::path(BCP_SOURCE_DIR) / "tests/daemon/fixtures" / town / "town.json";
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line_starting(const std::vector<std::string>& all, const std::string& prefix) {
  for (const auto& l : all)
    if (l.rfind(prefix, 0) == 0) return true;
  return false;
}

// Problems in `alerts` are warnings (the daemon starts with the defaults there); none else.
void expect_only_warnings(const std::vector<std::string>& err_lines) {
  for (const auto& l : err_lines) EXPECT_EQ(l.rfind("warning: ", 0), 0u) << l;
}

TEST(CheckConfig, SampleTownIsOk) {
  const fs::path town = fs::path(BCP_SOURCE_DIR) / "config/sample-town/town.json";
  ProcessRun run = check_config(town);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  expect_only_warnings(lines(run.err));
  EXPECT_EQ(run.out.rfind(town.string() + ": OK (", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("120 staff"), std::string::npos) << run.out;
}

TEST(CheckConfig, GoodTownWithRulesAndAlertsIsOk) {
  ProcessRun run = check_config(fixture("good-town"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out,
            fixture("good-town").string() +
                ": OK (1 departments, 2 staff, 1 groups, 1 tokens, 0 walls; rate limit 1200/min "
                "per token, burst 200; sources failing after 300 s, quiet after 3600 s)\n");
}

TEST(CheckConfig, RateLimitProblemsAreNamedWithTheirPointer) {
  const std::string file = fixture("bad-rate-limit-town").string();
  ProcessRun run = check_config(file);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(lines(run.err), (std::vector<std::string>{
                                file + ": /rate_limit/requests_per_minute: expected 0 (no limit) to 6000000 requests a minute, got -5",
                                file + ": /rate_limit/burst: expected 1 to 1000000 requests, got 0",
                                file + ": /rate_limit/per_hour: unknown field",
                                "bcp-feedd: 3 problem(s) in the config",
                            }))
      << run.err;
}

TEST(CheckConfig, SourceHealthProblemsAreNamedWithTheirPointer) {
  const std::string file = fixture("bad-source-health-town").string();
  ProcessRun run = check_config(file);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.out, "");
  const auto got = lines(run.err);
  ASSERT_EQ(got.size(), 4u) << run.err;
  EXPECT_EQ(got[0],
            file + ": /source_health/failing_after_seconds: expected 1 to 604800 seconds, got 0");
  EXPECT_EQ(got[1].rfind(file + ": /source_health/quiet_after_seconds: ", 0), 0u) << got[1];
  EXPECT_EQ(got[2], file + ": /source_health/jma_after: unknown field");
  EXPECT_EQ(got[3], "bcp-feedd: 3 problem(s) in the config");
}

TEST(CheckConfig, EveryRuleProblemIsAnErrorWithFileAndPointer) {
  const std::string file = fixture("bad-rules-town").string();
  ProcessRun run = check_config(file);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(run.out, "");
  const auto got = lines(run.err);
  // Every broken field of every rule, not just the first, in file order.
  const std::vector<std::string> rule_errors{
      file + ": /rules/0/kind: unknown value \"bears\"",
      file + ": /rules/1/keywords: must not be empty",
      file + ": /rules/1/severity: unknown value \"urgent\"",
      file + ": /rules/1/debounce_seconds: must be an integer from 0 to 604800",
      file + ": /rules/2/id: duplicate id \"bear\"",
      file + ": /rules/3: must be an object",
  };
  ASSERT_GE(got.size(), rule_errors.size() + 1) << run.err;
  EXPECT_EQ(std::vector<std::string>(got.begin(), got.begin() + 6), rule_errors) << run.err;
  // The alerts section's problems come too, as warnings (their wording belongs to the JMA
  // settings; the pointer is the contract).
  EXPECT_TRUE(has_line_starting(got, "warning: " + file + ": /alerts/jma/area_codes/0: \"12\""))
      << run.err;
  EXPECT_TRUE(has_line_starting(got, "warning: " + file + ": /alerts/jma/thresholds/critical: "))
      << run.err;
  std::size_t warnings = 0;
  for (const auto& l : got) warnings += l.rfind("warning: " + file + ": /alerts", 0) == 0;
  EXPECT_EQ(got.size(), rule_errors.size() + warnings + 1) << run.err;
  EXPECT_EQ(got.back(), "bcp-feedd: 6 problem(s) in the config; " + std::to_string(warnings) +
                            " warning(s) in alerts: the daemon keeps the defaults there");
}

TEST(CheckConfig, AlertsProblemsAloneAreWarningsAndExit0) {
  const std::string file = fixture("bad-alerts-town").string();
  ProcessRun run = check_config(file);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto got = lines(run.err);
  expect_only_warnings(got);
  EXPECT_TRUE(has_line_starting(got, "warning: " + file + ": /alerts/jma/thresholds/criticel: "))
      << run.err;
  EXPECT_TRUE(has_line_starting(got, "warning: " + file + ": /alerts/jma/rollcall_threshold: "))
      << run.err;
  EXPECT_EQ(run.out,
            file +
                ": OK (1 departments, 2 staff, 1 groups, 1 tokens, 0 walls; rate limit 1200/min "
                "per token, burst 200; sources failing after 300 s, quiet after 3600 s); " +
                std::to_string(got.size()) +
                " warning(s) in alerts: the daemon keeps the defaults there\n");
}

TEST(CheckConfig, RuleProblemsAreListedAlongsideTheRestOfTheConfig) {
  const std::string file = fixture("bad-town-and-rules").string();
  ProcessRun run = check_config(file);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto got = lines(run.err);
  EXPECT_TRUE(has_line_starting(got, file + ": /groups/0/level: ")) << run.err;
  EXPECT_NE(std::find(got.begin(), got.end(), file + ": /rules/0/debounce: unknown field"),
            got.end())
      << run.err;
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), "bcp-feedd: " + std::to_string(got.size() - 1) + " problem(s) in the config")
      << run.err;
}

TEST(CheckConfig, AMissingFileIsOneProblemAndExit1) {
  TempDir dir;
  ProcessRun run = check_config(dir.path() / "nowhere.json");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("nowhere.json"), std::string::npos) << run.err;
}

// What the bot will do (lineworks_api, rollcall_distribution) is reported, without a secret.
TEST(CheckConfig, SampleTownReportsTheBotsSendingSide) {
  const fs::path town = fs::path(BCP_SOURCE_DIR) / "config/sample-town/town.json";
  ProcessRun run = check_config(town);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto got = lines(run.out);
  ASSERT_EQ(got.size(), 3u) << run.out;
  EXPECT_EQ(got[1],
            "  lineworks_api: bot 2000001 as sample.serviceaccount@kakuu-town.example via "
            "http://127.0.0.1:8471/v1.0, 240 messages/min: 120 staff with a LINE WORKS account "
            "asked within about 30 s");
  EXPECT_EQ(got[2],
            "  rollcall_distribution: on, reminders after 300, 900, 1800 s, announced in hq");
  EXPECT_EQ(run.out.find("sample-client-secret"), std::string::npos);
}

TEST(CheckConfig, ABrokenLineWorksApiIsNamedByFileAndKey) {
  TempDir dir;
  fs::copy(fs::path(BCP_SOURCE_DIR) / "config/sample-town", dir.path() / "town",
           fs::copy_options::recursive);
  const fs::path file = dir.path() / "town/town.json";
  nlohmann::json town = nlohmann::json::parse(bcp::test::slurp(file));
  town["lineworks_api"]["private_key_file"] = "gone.pem";
  town["lineworks_api"]["messages_per_minute"] = 0;
  std::ofstream(file, std::ios::trunc) << town.dump(2);
  ProcessRun run = check_config(file);
  EXPECT_EQ(run.exit_code, 1) << run.out;
  const auto got = lines(run.err);
  const std::string f = file.generic_string();
  EXPECT_NE(
      std::find(got.begin(), got.end(),
                f + ": /lineworks_api/private_key_file: private key file \"gone.pem\" not found"),
      got.end())
      << run.err;
  EXPECT_TRUE(
      has_line_starting(got, f + ": /lineworks_api/messages_per_minute: expected 1 to 60000"))
      << run.err;
}

}  // namespace
}  // namespace bcp::daemon::test
