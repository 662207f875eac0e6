// bcpctl's server and token: flag > environment > config file > defaults, and a malformed
// config file named with its line. The environment is a map here; the last test runs the
// built bcpctl with a real file against an in-process daemon.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "bcp/tools/ctl_config.hpp"
#include "../common/run_process.hpp"
#include "daemon_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using bcp::tools::CtlConfigError;
using bcp::tools::Getenv;
using bcp::tools::resolve_ctl_settings;

// A scratch home directory, removed afterwards.
class CtlConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() /
            ("bcpctl-config-test-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_);
  }
  void TearDown() override { fs::remove_all(home_); }

  fs::path write(const fs::path& relative, const std::string& text) {
    const fs::path p = home_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }
  Getenv env(std::map<std::string, std::string> vars) {
    vars.emplace("HOME", home_.string());
    return [vars](const char* name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  std::string error_of(const std::optional<std::string>& flag_config,
                       std::map<std::string, std::string> vars = {}) {
    try {
      resolve_ctl_settings(std::nullopt, std::nullopt, flag_config, env(std::move(vars)));
    } catch (const CtlConfigError& e) {
      return e.what();
    }
    return "(accepted)";
  }

  fs::path home_;
};

TEST_F(CtlConfigTest, DefaultsWithoutAnyFile) {
  auto s = resolve_ctl_settings(std::nullopt, std::nullopt, std::nullopt, env({}));
  EXPECT_EQ(s.server, "http://127.0.0.1:8470");
  EXPECT_EQ(s.token, "operator-sample");
  EXPECT_FALSE(s.config_file);
}

TEST_F(CtlConfigTest, TheDefaultFileIsReadFromHome) {
  const fs::path file = write(".config/bcpctl/config",
                              "# town hall\n\nserver = http://10.0.0.5:8470\n  token =  s3cret  \n");
  auto s = resolve_ctl_settings(std::nullopt, std::nullopt, std::nullopt, env({}));
  EXPECT_EQ(s.server, "http://10.0.0.5:8470");
  EXPECT_EQ(s.token, "s3cret");
  EXPECT_EQ(s.config_file, file);
}

TEST_F(CtlConfigTest, XdgConfigHomeWinsOverHome) {
  write(".config/bcpctl/config", "token = from-home\n");
  write("xdg/bcpctl/config", "token = from-xdg\n");
  auto s = resolve_ctl_settings(std::nullopt, std::nullopt, std::nullopt,
                                env({{"XDG_CONFIG_HOME", (home_ / "xdg").string()}}));
  EXPECT_EQ(s.token, "from-xdg");
}

TEST_F(CtlConfigTest, FlagBeatsEnvironmentBeatsFile) {
  write(".config/bcpctl/config", "server = http://file:1\ntoken = file-token\n");
  auto from_file = resolve_ctl_settings(std::nullopt, std::nullopt, std::nullopt, env({}));
  EXPECT_EQ(from_file.server, "http://file:1");
  EXPECT_EQ(from_file.token, "file-token");

  auto from_env = resolve_ctl_settings(std::nullopt, std::nullopt, std::nullopt,
                                       env({{"BCP_SERVER", "http://env:2"}}));
  EXPECT_EQ(from_env.server, "http://env:2");
  EXPECT_EQ(from_env.token, "file-token");  // each setting falls through on its own

  auto from_flag = resolve_ctl_settings("http://flag:3", "flag-token", std::nullopt,
                                        env({{"BCP_SERVER", "http://env:2"}, {"BCP_TOKEN", "env-token"}}));
  EXPECT_EQ(from_flag.server, "http://flag:3");
  EXPECT_EQ(from_flag.token, "flag-token");
}

TEST_F(CtlConfigTest, ConfigFlagBeatsBcpctlConfigBeatsDefaultFile) {
  write(".config/bcpctl/config", "token = default-file\n");
  const fs::path named = write("named", "token = named-by-env\n");
  const fs::path flagged = write("flagged", "token = named-by-flag\n");
  EXPECT_EQ(resolve_ctl_settings(std::nullopt, std::nullopt, std::nullopt,
                                 env({{"BCPCTL_CONFIG", named.string()}}))
                .token,
            "named-by-env");
  EXPECT_EQ(resolve_ctl_settings(std::nullopt, std::nullopt, flagged.string(),
                                 env({{"BCPCTL_CONFIG", named.string()}}))
                .token,
            "named-by-flag");
}

TEST_F(CtlConfigTest, MalformedFilesNameFileAndLine) {
  const std::string f = write("c", "server = http://x:1\n# ok\nsever = http://y:2\n").string();
  EXPECT_EQ(error_of(f), f + ":3: unknown setting \"sever\" (server or token)");
  const std::string g = write("d", "\n\ntoken\n").string();
  EXPECT_EQ(error_of(g), g + ":3: expected \"server = URL\" or \"token = TOKEN\"");
  const std::string h = write("e", "token =\n").string();
  EXPECT_EQ(error_of(h), h + ":1: token has no value");
  const std::string i = write("f", "token = a\ntoken = b\n").string();
  EXPECT_EQ(error_of(i), i + ":2: token is set twice");
  const std::string u = write("g", "# ok\nserver = https://x:1\n").string();
  EXPECT_EQ(error_of(u).rfind(u + ":2: server URL \"https://x:1\": only http://", 0), 0u) << error_of(u);
  // The default file is checked too: a broken one is not silently ignored.
  const std::string d = write(".config/bcpctl/config", "url = http://x:1\n").string();
  EXPECT_EQ(error_of(std::nullopt), d + ":1: unknown setting \"url\" (server or token)");
}

TEST_F(CtlConfigTest, ANamedFileMustExistTheDefaultNeedNot) {
  const std::string missing = (home_ / "missing").string();
  EXPECT_EQ(error_of(missing).rfind(missing + ": cannot read: ", 0), 0u) << error_of(missing);
  EXPECT_EQ(error_of(std::nullopt, {{"BCPCTL_CONFIG", missing}}).rfind(missing + ": cannot read", 0), 0u);
  EXPECT_EQ(error_of(std::nullopt), "(accepted)");
}

// ---- the built bcpctl -----------------------------------------------------------------------

using bcp::test::ProcessRun;

// Runs bcpctl with `args` and an environment of only HOME (no BCP_* from the caller's shell).
ProcessRun bcpctl(const fs::path& home, const std::vector<std::string>& args) {
  return bcp::test::run_process(std::string(BCP_BINARY_DIR) + "/tools/bcpctl", args, home,
                                std::vector<std::string>{"HOME=" + home.string()});
}

class BcpctlConfigFile : public bcp::daemon::test::DaemonTest {};

TEST_F(BcpctlConfigFile, ServerAndTokenComeFromTheFileAndAFlagOverridesThem) {
  if (!fs::exists(std::string(BCP_BINARY_DIR) + "/tools/bcpctl"))
    GTEST_SKIP() << "bcpctl is not built: build the bcpctl target too";
  const fs::path home = data_ / "home";
  fs::create_directories(home / ".config/bcpctl");
  std::ofstream(home / ".config/bcpctl/config")
      << "server = http://127.0.0.1:" << port() << "\ntoken = display-sample\n";
  // The file's display token may read the snapshot but not start a roll call (operator).
  ProcessRun snap = bcpctl(home, {"snapshot"});
  EXPECT_EQ(snap.exit_code, 0) << snap.err;
  ProcessRun start = bcpctl(home, {"rollcall", "start", "--title", "点呼"});
  EXPECT_EQ(start.exit_code, 1) << start.out << start.err;
  ProcessRun flagged = bcpctl(home, {"--token", "operator-sample", "rollcall", "start", "--title", "点呼"});
  EXPECT_EQ(flagged.exit_code, 0) << flagged.err;

  const fs::path broken = home / "broken";
  std::ofstream(broken) << "server = http://127.0.0.1:1\ntoken: x\n";
  ProcessRun bad = bcpctl(home, {"--config", broken.string(), "health"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "bcpctl: " + broken.string() +
                         ":2: expected \"server = URL\" or \"token = TOKEN\"\n");
}

}  // namespace
