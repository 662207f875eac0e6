// `bcpctl events --all` (issue 19): the export a replay reads — every page of GET /v1/events,
// one JSON event a line, seq 1 to the journal's end without gaps.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../common/run_process.hpp"
#include "bcp/tools/http_client.hpp"
#include "daemon_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class EventsExport : public bcp::daemon::test::DaemonTest {
 protected:
  bcp::test::ProcessRun bcpctl(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--server", "http://127.0.0.1:" + std::to_string(port())};
    all.insert(all.end(), args.begin(), args.end());
    fs::create_directories(data_ / "out");
    return bcp::test::run_process(std::string(BCP_BINARY_DIR) + "/tools/bcpctl", all, data_ / "out",
                                  std::vector<std::string>{"HOME=" + (data_ / "out").string()});
  }
};

TEST_F(EventsExport, AllPagesOneEventALineFromSeqOne) {
  if (!fs::exists(std::string(BCP_BINARY_DIR) + "/tools/bcpctl"))
    GTEST_SKIP() << "bcpctl not built";
  bcp::tools::HttpClient http({"127.0.0.1", port()});
  for (int i = 0; i < 23; ++i) {
    json talk = {{"group", "hq"},
                 {"sender", {{"id", "s001"}, {"name", "村田"}}},
                 {"text", "報告 " + std::to_string(i)}};
    ASSERT_EQ(http.post_json("/v1/talk", "ingest-sample", talk.dump()).status, 200);
  }
  // Pages of 5: the 23 events take five requests, and nothing is lost or repeated.
  auto run = bcpctl({"events", "--all", "--limit", "5"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.out);
  std::string line;
  long long expect = 1;
  while (std::getline(lines, line)) {
    json e = json::parse(line);
    EXPECT_EQ(e["seq"].get<long long>(), expect++);
    EXPECT_EQ(e["type"], "talk.message");
  }
  EXPECT_EQ(expect, 24);
  // Without --all: one page, as before.
  auto one = bcpctl({"events", "--limit", "5"});
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 5);
  // A display token may not read the journal.
  auto refused = bcpctl({"--token", "display-sample", "events", "--all"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
}

}  // namespace
