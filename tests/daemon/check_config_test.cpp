// `bcp-feedd --check-config` as an operator runs it: the built binary on broken and good
// towns, every problem printed as `file: /pointer: message`, exit 1 or 0, never starting.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.hpp"

extern char** environ;

namespace bcp::daemon::test {
namespace {

struct ProcessRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

ProcessRun check_config(const fs::path& town) {
  ProcessRun run;
  if (!fs::exists(binary_path())) {
    run.err = binary_path() + " does not exist: build the bcp-feedd target too";
    return run;
  }
  TempDir dir;
  const std::string out = (dir.path() / "out").string();
  const std::string err = (dir.path() / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const std::string binary = binary_path();
  const std::string town_arg = town.string();
  std::vector<char*> argv{const_cast<char*>(binary.c_str()), const_cast<char*>("--check-config"),
                          const_cast<char*>("--config"), const_cast<char*>(town_arg.c_str()),
                          nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    run.err = "posix_spawn failed: " + std::string(std::strerror(rc));
    return run;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
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
  EXPECT_EQ(run.out, fixture("good-town").string() +
                         ": OK (1 departments, 2 staff, 1 groups, 1 tokens, 0 walls)\n");
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
  EXPECT_EQ(run.out, file + ": OK (1 departments, 2 staff, 1 groups, 1 tokens, 0 walls); " +
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

}  // namespace
}  // namespace bcp::daemon::test
