// `bcp-feedd --check-config` on region configs, as an operator runs it (the built binary).
#include <gtest/gtest.h>

#include <filesystem>

#include "../common/run_process.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kFeedd = std::string(BCP_BINARY_DIR) + "/feed/daemon/bcp-feedd";

bcp::test::ProcessRun feedd(const std::vector<std::string>& args) {
  const fs::path dir = fs::temp_directory_path() / ("bcp-region-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto run = bcp::test::run_process(kFeedd, args, dir);
  fs::remove_all(dir);
  return run;
}

TEST(RegionCheckConfig, TheSampleRegionIsOk) {
  auto run = feedd({"--check-config", "--config", "config/sample-region/region.json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(
      run.out,
      "config/sample-region/region.json: OK (region, 3 towns: sorano 空野町, kasumioka 霞丘町, "
      "hoshikawa 星川町; 3 NATS servers, 2 tokens, 0 walls)\n");
  EXPECT_EQ(run.err, "");
}

TEST(RegionCheckConfig, ABrokenTownOfTheRegionIsReportedUnderItsFile) {
  const fs::path dir =
      fs::temp_directory_path() / ("bcp-region-broken-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy("config/sample-region", dir, fs::copy_options::recursive);
  { std::ofstream(dir / "kasumioka/roster.csv", std::ios::app) << "s099,名無し,nowhere,lw-x\r\n"; }
  auto run =
      bcp::test::run_process(kFeedd, {"--check-config", "--config", (dir / "region.json").string()},
                             fs::temp_directory_path());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, (dir / "kasumioka/roster.csv").generic_string() +
                         ": line 26: unknown department \"nowhere\"\n"
                         "bcp-feedd: 1 problem(s) in the region config\n");
  fs::remove_all(dir);
}

TEST(RegionCheckConfig, EachSampleTownIsOkAsATown) {
  for (const char* id : {"sorano", "kasumioka", "hoshikawa"}) {
    auto run = feedd(
        {"--check-config", "--config", std::string("config/sample-region/") + id + "/town.json"});
    EXPECT_EQ(run.exit_code, 0) << id << ": " << run.err;
    EXPECT_NE(run.out.find("departments, 24 staff, 3 groups, 3 tokens, 1 walls"), std::string::npos)
        << run.out;
  }
}

TEST(RegionCheckConfig, ARegionWithABrokenTownDoesNotStart) {
  const fs::path dir =
      fs::temp_directory_path() / ("bcp-region-nostart-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy("config/sample-region", dir, fs::copy_options::recursive);
  { std::ofstream(dir / "kasumioka/roster.csv", std::ios::app) << "s099,名無し,nowhere,lw-x\r\n"; }
  auto run = bcp::test::run_process(kFeedd, {"--config", (dir / "region.json").string()},
                                    fs::temp_directory_path());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("unknown department \"nowhere\""), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("bcp-feedd: 1 problem(s) in the region config; not starting"),
            std::string::npos)
      << run.err;
  fs::remove_all(dir);
}

}  // namespace
