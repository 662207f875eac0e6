// The roll-call report's distribution (issue 15): per person whether the bot can reach them
// (a lineworks_user in the town config), when the question went out, the reminders and the
// failures with why; the totals; and the same in the CSV's people and summary parts. The
// sends are journaled before the daemon starts, as the outbox would have.
#include <gtest/gtest.h>

#include <map>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"
#include "rollcall_csv.hpp"

namespace bcp::daemon::test {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

model::Event event_at(const char* at, model::Payload body) {
  model::Event e;
  e.at = model::parse_time(at);
  e.body = std::move(body);
  return e;
}

model::Event sent(const char* at, const std::string& staff, model::MessageStep step) {
  return event_at(at, model::RollcallMessaged{"rc-report", staff, step, model::SendOutcome::sent,
                                              std::nullopt});
}

model::Event failed(const char* at, const std::string& staff, model::MessageStep step,
                    std::string why) {
  return event_at(at, model::RollcallMessaged{"rc-report", staff, step, model::SendOutcome::failed,
                                              std::move(why)});
}

class RollcallReportDistribution : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& p : sample_town().staff) {
      if (p.department == "soumu") soumu.push_back(p.id);
    }
    ASSERT_GE(soumu.size(), 6u);
    // soumu[4] and soumu[5] have no LINE WORKS account in this town.
    no_account = {soumu[4], soumu[5]};
    std::vector<model::Event> events;
    events.push_back(
        event_at("2026-11-24T05:00:00Z",
                 model::RollcallStarted{"rc-report", "配信の訓練", true, {"soumu"}, {}}));
    events.push_back(sent("2026-11-24T05:00:01Z", soumu[0], model::MessageStep::question));
    events.push_back(sent("2026-11-24T05:00:02Z", soumu[1], model::MessageStep::question));
    events.push_back(failed("2026-11-24T05:00:03Z", soumu[2], model::MessageStep::question,
                            "HTTP 403 from LINE WORKS"));
    events.push_back(sent("2026-11-24T05:05:00Z", soumu[1], model::MessageStep::reminder));
    events.push_back(sent("2026-11-24T05:15:00Z", soumu[1], model::MessageStep::reminder));
    events.push_back(failed("2026-11-24T05:15:01Z", soumu[0], model::MessageStep::reminder,
                            "no answer within 10 s"));
    auto journal = open_sqlite_journal(dir.path() / "journal.sqlite3");
    journal->append(events);
    journal.reset();
    d.emplace([this](DaemonOptions& o) { o.data_dir = dir.path(); },
              [this](config::TownConfig& town) {
                for (auto& p : town.staff) {
                  if (p.id == no_account[0] || p.id == no_account[1]) p.lineworks_user.reset();
                }
              });
  }

  json person(const json& report, const std::string& staff) {
    for (const json& p : report["people"]) {
      if (p["staff"] == staff) return p;
    }
    ADD_FAILURE() << staff << " not in the report";
    return json::object();
  }

  CsvTable csv(const std::string& part) {
    Headers h = bearer(kOperator);
    h.emplace_back("Accept", "text/csv");
    HttpResult r =
        http_request(d->port(), "GET", "/v1/rollcalls/rc-report/report?part=" + part, "", h);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.substr(0, kBom.size()), kBom);
    return parse_rfc4180(std::string_view(r.body).substr(kBom.size()));
  }

  TempDir dir;
  std::vector<std::string> soumu;
  std::vector<std::string> no_account;
  std::optional<TestDaemon> d;
};

TEST_F(RollcallReportDistribution, JsonHasEachPersonsSendsAndTheTotals) {
  HttpResult r = d->get("/v1/rollcalls/rc-report/report", kOperator);
  ASSERT_EQ(r.status, 200) << r.body;
  const json report = r.json();

  const json first = person(report, soumu[0]);
  EXPECT_EQ(first["reachable"], true);
  EXPECT_EQ(first["messaged_at"], "2026-11-24T14:00:01+09:00");
  EXPECT_EQ(first["reminders"], 0);
  EXPECT_TRUE(first["reminded_at"].is_null());
  EXPECT_EQ(first["failures"], json::parse(R"([{"at":"2026-11-24T14:15:01+09:00",
      "step":"reminder","why":"no answer within 10 s"}])"));

  const json reminded = person(report, soumu[1]);
  EXPECT_EQ(reminded["reminders"], 2);
  EXPECT_EQ(reminded["reminded_at"], "2026-11-24T14:15:00+09:00");
  EXPECT_EQ(reminded["failures"], json::array());

  const json gave_up = person(report, soumu[2]);
  EXPECT_TRUE(gave_up["messaged_at"].is_null());
  ASSERT_EQ(gave_up["failures"].size(), 1u);
  EXPECT_EQ(gave_up["failures"][0]["step"], "question");
  EXPECT_EQ(gave_up["failures"][0]["why"], "HTTP 403 from LINE WORKS");

  const json silent = person(report, soumu[3]);  // reachable, nothing sent yet
  EXPECT_EQ(silent["reachable"], true);
  EXPECT_TRUE(silent["messaged_at"].is_null());
  EXPECT_EQ(silent["failures"], json::array());
  EXPECT_EQ(person(report, no_account[0])["reachable"], false);

  const json& dist = report["summary"]["distribution"];
  EXPECT_EQ(dist["reachable"], soumu.size() - 2);
  EXPECT_EQ(dist["messaged"], 2);
  EXPECT_EQ(dist["reminded"], 1);
  EXPECT_EQ(dist["failed"], 1) << "soumu[0]'s failed reminder is not a failed question";
  EXPECT_EQ(dist["not_reachable"], json(no_account));
}

TEST_F(RollcallReportDistribution, CsvPeopleAndSummaryCarryTheDistribution) {
  const CsvTable people = csv("people");
  ASSERT_EQ(people.size(), soumu.size() + 1);
  const std::vector<std::string> tail(people[0].end() - 5, people[0].end());
  EXPECT_EQ(tail, (std::vector<std::string>{"LINE WORKS", "質問送信(+09:00)", "リマインド(回)",
                                            "送信失敗(回)", "送信失敗の理由"}));
  std::map<std::string, std::vector<std::string>> by_id;
  for (std::size_t i = 1; i < people.size(); ++i) {
    ASSERT_EQ(people[i].size(), people[0].size()) << "row " << i;
    by_id[people[i][0]] = std::vector<std::string>(people[i].end() - 5, people[i].end());
  }
  using Row = std::vector<std::string>;
  EXPECT_EQ(by_id.at(soumu[0]),
            (Row{"あり", "2026-11-24 14:00:01", "0", "1", "リマインド: no answer within 10 s"}));
  EXPECT_EQ(by_id.at(soumu[1]), (Row{"あり", "2026-11-24 14:00:02", "2", "0", ""}));
  EXPECT_EQ(by_id.at(soumu[2]), (Row{"あり", "", "0", "1", "質問: HTTP 403 from LINE WORKS"}));
  EXPECT_EQ(by_id.at(no_account[1]), (Row{"なし", "", "0", "0", ""}));

  std::map<std::string, std::string> kv;
  for (const auto& row : csv("summary")) {
    ASSERT_EQ(row.size(), 2u);
    kv[row[0]] = row[1];
  }
  EXPECT_EQ(kv.at("配信:LINE WORKSあり"), std::to_string(soumu.size() - 2));
  EXPECT_EQ(kv.at("配信:質問送信済"), "2");
  EXPECT_EQ(kv.at("配信:リマインド送信済"), "1");
  EXPECT_EQ(kv.at("配信:送信失敗"), "1");
  EXPECT_EQ(kv.at("配信:ボット未到達(LINE WORKSなし)"), "2");
  EXPECT_EQ(kv.at("配信:ボット未到達の職員ID"), no_account[0] + " " + no_account[1]);
}

}  // namespace
}  // namespace bcp::daemon::test
