// bcpctl's roll-call commands against an in-process daemon: the report written with --out
// is the served CSV byte for byte, pending lists the silent by department, and each
// command has its own --help.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "daemon_fixture.hpp"
#include "rollcall_csv.hpp"

namespace bcp::daemon::test {
namespace {

const std::string kCtl = std::string(BCP_BINARY_DIR) + "/tools/bcpctl";

struct CtlRun {
  int exit = -1;
  std::string out;
};

// Runs bcpctl with `args` (already shell-quoted where needed), stdout captured.
CtlRun ctl(const std::string& args) {
  CtlRun r;
  FILE* p = ::popen((kCtl + " " + args + " 2>/dev/null").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class RollcallCtl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kCtl)) GTEST_SKIP() << kCtl << " is not built: build the bcpctl target too";
  }
};

TEST_F(RollcallCtl, EachCommandHasItsOwnHelp) {
  for (const char* command :
       {"rollcall start", "rollcall close", "rollcall pending", "rollcall report", "status set"}) {
    const CtlRun r = ctl(std::string(command) + " --help");
    EXPECT_EQ(r.exit, 0) << command;
    EXPECT_EQ(r.out.rfind("usage: bcpctl " + std::string(command), 0), 0u) << r.out;
  }
  const CtlRun overview = ctl("--help");
  EXPECT_EQ(overview.exit, 0);
  EXPECT_NE(overview.out.find("rollcall report ID [--csv [--part P]] [--out FILE]"),
            std::string::npos)
      << overview.out;
}

TEST_F(RollcallCtl, ReportOutFileIsTheServedCsvAndPendingListsTheSilent) {
  TestDaemon d;
  const std::string server =
      "--server http://127.0.0.1:" + std::to_string(d.port()) + " --token " + kOperator + " ";
  CtlRun started = ctl(server + "--json rollcall start --title drill --drill --departments kikaku");
  ASSERT_EQ(started.exit, 0) << started.out;
  const std::string id = json::parse(started.out)["rollcall"];
  std::vector<std::string> kikaku;
  for (const auto& p : sample_town().staff) {
    if (p.department == "kikaku") kikaku.push_back(p.id);
  }
  ASSERT_GE(kikaku.size(), 2u);
  ASSERT_EQ(d.post_json("/v1/rollcalls/" + id + "/checkins",
                        {{"staff", kikaku[0]}, {"safety", "safe"}, {"can_work", "yes"}}, kIngest)
                .status,
            200);

  TempDir dir;
  for (const char* part : {"people", "departments", "summary"}) {
    const fs::path out = dir.path() / (std::string(part) + ".csv");
    const CtlRun r =
        ctl(server + "rollcall report " + id + " --csv --part " + part + " --out " + out.string());
    ASSERT_EQ(r.exit, 0) << part;
    Headers h = bearer(kOperator);
    h.emplace_back("Accept", "text/csv");
    const HttpResult served =
        http_request(d.port(), "GET", "/v1/rollcalls/" + id + "/report?part=" + part, "", h);
    ASSERT_EQ(served.status, 200);
    const std::string written = read_file(out);
    ASSERT_EQ(written.rfind("\xEF\xBB\xBF", 0), 0u) << part << ": BOM lost";
    CsvTable a = parse_rfc4180(std::string_view(written).substr(3));
    CsvTable b = parse_rfc4180(std::string_view(served.body).substr(3));
    // "minutes since last seen" and the summary's 出力 (when the report was made) may tick
    // between the two fetches; everything else is equal.
    if (std::string(part) == "people") {
      for (auto* t : {&a, &b}) {
        for (auto& row : *t) row.erase(row.begin() + 13);  // 最終確認から(分)
      }
    }
    if (std::string(part) == "summary") {
      for (auto* t : {&a, &b}) {
        for (auto& row : *t)
          if (!row.empty() && row[0].rfind("出力", 0) == 0) row.resize(1);
      }
    }
    EXPECT_EQ(a, b) << part;
  }

  const CtlRun pending = ctl(server + "rollcall pending " + id);
  ASSERT_EQ(pending.exit, 0);
  EXPECT_NE(pending.out.find(std::to_string(kikaku.size() - 1) + " of " +
                             std::to_string(kikaku.size()) + " not answered"),
            std::string::npos)
      << pending.out;
  EXPECT_NE(pending.out.find("企画課"), std::string::npos) << pending.out;
  EXPECT_EQ(pending.out.find(kikaku[0]), std::string::npos) << pending.out;
  EXPECT_NE(pending.out.find(kikaku[1]), std::string::npos) << pending.out;

  EXPECT_EQ(ctl(server + "rollcall report nope --csv").exit, 1);
  EXPECT_EQ(ctl(server + "rollcall report " + id + " --part summary").exit, 2);  // needs --csv
}

}  // namespace
}  // namespace bcp::daemon::test
