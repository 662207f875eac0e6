// bcpctl's roll-call commands against an in-process daemon: the report written with --out
// is the served CSV byte for byte, pending lists the silent by department, and each
// command has its own --help.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"
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

// Issue 15: pending marks who the bot could not reach. In 企画課, kikaku[0] has no LINE WORKS
// account, kikaku[1]'s question was given up, kikaku[2] got it; kikaku[3] answered.
TEST_F(RollcallCtl, PendingMarksWhomTheBotCouldNotReach) {
  std::vector<std::string> kikaku;
  for (const auto& p : sample_town().staff) {
    if (p.department == "kikaku") kikaku.push_back(p.id);
  }
  ASSERT_GE(kikaku.size(), 4u);
  TempDir dir;
  {
    auto at = [](const char* t) { return model::parse_time(t); };
    auto event = [](model::TimePoint t, model::Payload body) {
      model::Event e;
      e.at = t;
      e.body = std::move(body);
      return e;
    };
    using model::MessageStep, model::SendOutcome;
    std::vector<model::Event> events = {
        event(at("2026-11-24T05:00:00Z"),
              model::RollcallStarted{"rc-ctl", "配信訓練", true, {"kikaku"}, {}}),
        event(at("2026-11-24T05:00:01Z"),
              model::RollcallMessaged{"rc-ctl", kikaku[1], MessageStep::question,
                                      SendOutcome::failed, "HTTP 403 from LINE WORKS"}),
        event(at("2026-11-24T05:00:02Z"),
              model::RollcallMessaged{"rc-ctl", kikaku[2], MessageStep::question, SendOutcome::sent,
                                      std::nullopt}),
        event(at("2026-11-24T05:00:03Z"),
              model::RollcallCheckin{"rc-ctl", kikaku[3], model::Safety::safe, model::CanWork::yes,
                                     std::nullopt, std::nullopt, "api"})};
    open_sqlite_journal(dir.path() / "journal.sqlite3")->append(events);
  }
  TestDaemon d([&](DaemonOptions& o) { o.data_dir = dir.path(); },
               [&](config::TownConfig& town) {
                 for (auto& p : town.staff) {
                   if (p.id == kikaku[0]) p.lineworks_user.reset();
                 }
               });
  const std::string server =
      "--server http://127.0.0.1:" + std::to_string(d.port()) + " --token " + kOperator + " ";
  const CtlRun text = ctl(server + "rollcall pending rc-ctl");
  ASSERT_EQ(text.exit, 0) << text.out;
  auto line_of = [&](const std::string& staff) {
    const auto at = text.out.find("  " + staff + "  ");
    if (at == std::string::npos) return std::string();
    return text.out.substr(at, text.out.find('\n', at) - at);
  };
  EXPECT_NE(text.out.find(std::to_string(kikaku.size() - 1) + " of " +
                          std::to_string(kikaku.size()) + " not answered"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("the bot could not reach 2 of them: 1 without LINE WORKS (ボット未到達), "
                          "1 send failed (送信失敗)"),
            std::string::npos)
      << text.out;
  EXPECT_NE(line_of(kikaku[0]).find("ボット未到達 (LINE WORKS なし)"), std::string::npos)
      << text.out;
  EXPECT_NE(line_of(kikaku[1]).find("送信失敗 (質問): HTTP 403 from LINE WORKS"), std::string::npos)
      << text.out;
  ASSERT_NE(line_of(kikaku[2]), "") << text.out;
  EXPECT_EQ(line_of(kikaku[2]).find("送信"), std::string::npos) << "reached: no mark";
  EXPECT_EQ(line_of(kikaku[2]).find("ボット"), std::string::npos) << "reached: no mark";
  EXPECT_EQ(line_of(kikaku[3]), "") << "answered: not listed";

  const CtlRun as_json = ctl(server + "--json rollcall pending rc-ctl");
  ASSERT_EQ(as_json.exit, 0) << as_json.out;
  const json j = json::parse(as_json.out);
  ASSERT_TRUE(j.contains("kikaku")) << as_json.out;
  std::map<std::string, json> by_staff;
  for (const json& p : j["kikaku"]) by_staff[p["staff"]] = p;
  EXPECT_EQ(by_staff.at(kikaku[0])["reachable"], false);
  EXPECT_FALSE(by_staff.at(kikaku[0]).contains("send_failed"));
  EXPECT_EQ(by_staff.at(kikaku[1])["send_failed"]["why"], "HTTP 403 from LINE WORKS");
  EXPECT_EQ(by_staff.at(kikaku[1])["send_failed"]["step"], "question");
  EXPECT_EQ(by_staff.at(kikaku[2])["reachable"], true);
  EXPECT_FALSE(by_staff.at(kikaku[2]).contains("send_failed"));
  EXPECT_FALSE(by_staff.contains(kikaku[3]));

  EXPECT_EQ(ctl(server + "rollcall pending nope").exit, 1);
}

}  // namespace
}  // namespace bcp::daemon::test
