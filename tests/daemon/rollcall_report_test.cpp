// GET /v1/rollcalls/{id}/report over real HTTP: the JSON summary's numbers and the CSV
// opened back with an RFC 4180 reader and checked cell by cell.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"
#include "rollcall_csv.hpp"

namespace bcp::daemon::test {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::vector<const config::Staff*> staff_of(std::initializer_list<std::string_view> departments) {
  std::vector<const config::Staff*> out;
  for (const auto& p : sample_town().staff) {
    if (std::find(departments.begin(), departments.end(), p.department) != departments.end()) {
      out.push_back(&p);
    }
  }
  return out;
}

std::string department_name(const std::string& id) {
  for (const auto& d : sample_town().departments) {
    if (d.id == id) return d.name;
  }
  return id;
}

HttpResult get_csv(const TestDaemon& d, const std::string& target) {
  Headers h = bearer(kOperator);
  h.emplace_back("Accept", "text/csv");
  return http_request(d.port(), "GET", target, "", h);
}

CsvTable csv_of(const HttpResult& r) {
  EXPECT_EQ(r.body.substr(0, kBom.size()), kBom) << "no UTF-8 BOM";
  return parse_rfc4180(std::string_view(r.body).substr(kBom.size()));
}

json answer(const std::string& staff, const std::string& safety, const std::string& work,
            const std::string& at) {
  return {{"staff", staff}, {"safety", safety}, {"can_work", work}, {"at", at}};
}

class RollcallReport : public ::testing::Test {
 protected:
  TestDaemon d;
  std::string id;
  std::vector<const config::Staff*> scope = staff_of({"soumu", "kikaku"});
  std::vector<const config::Staff*> soumu = staff_of({"soumu"});
  std::vector<const config::Staff*> kikaku = staff_of({"kikaku"});

  void SetUp() override {
    ASSERT_GE(soumu.size(), 4u);
    ASSERT_GE(kikaku.size(), 1u);
    HttpResult r = d.post_json("/v1/rollcalls",
                               {{"title", "地震, \"本震\" 安否確認"},
                                {"departments", {"soumu", "kikaku"}},
                                {"at", "2026-11-24T05:00:00Z"}},
                               kOperator);
    ASSERT_EQ(r.status, 201) << r.body;
    id = r.json()["rollcall"];
    auto post = [&](json body) {
      HttpResult res = d.post_json("/v1/rollcalls/" + id + "/checkins", body, kIngest);
      ASSERT_EQ(res.status, 200) << res.body;
    };
    json a = answer(soumu[0]->id, "safe", "yes", "2026-11-24T05:00:30Z");
    a["location"] = "庁舎";
    post(a);
    a = answer(soumu[1]->id, "minor_injury", "later", "2026-11-24T05:01:00Z");
    a["location"] = "自宅, 2階 \"北側\"";
    a["note"] = "足を捻挫\r\n午後から出勤";
    post(a);
    a = answer(soumu[2]->id, "needs_help", "no", "2026-11-24T05:02:00Z");
    a["note"] = "=1+1";
    post(a);
    post(answer(kikaku[0]->id, "safe", "yes", "2026-11-24T05:02:30Z"));
    post(answer(kikaku[0]->id, "serious_injury", "no", "2026-11-24T05:03:00Z"));  // correction
    // Someone who has not answered but was heard in the talk before.
    HttpResult t = d.post_json("/v1/talk",
                               {{"group", "hq"},
                                {"sender", {{"id", soumu[3]->id}, {"name", soumu[3]->name}}},
                                {"text", "停電しています"},
                                {"at", "2026-11-24T04:50:00Z"}},
                               kIngest);
    ASSERT_EQ(t.status, 200) << t.body;
  }
};

TEST_F(RollcallReport, JsonSummaryHasTheNumbers) {
  const auto before = std::chrono::system_clock::now();
  HttpResult r = d.get("/v1/rollcalls/" + id + "/report", kOperator);
  const auto after = std::chrono::system_clock::now();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type.rfind("application/json", 0), 0u) << r.content_type;
  const json j = r.json();
  EXPECT_EQ(j["rollcall"], id);
  EXPECT_EQ(j["title"], "地震, \"本震\" 安否確認");
  EXPECT_EQ(j["drill"], false);
  EXPECT_EQ(j["open"], true);
  EXPECT_EQ(j["departments"], json({"soumu", "kikaku"}));
  EXPECT_EQ(j["started_at"], "2026-11-24T14:00:00+09:00");
  EXPECT_TRUE(j["closed_at"].is_null());
  EXPECT_EQ(j["utc_offset"], "+09:00");

  const json& sum = j["summary"];
  EXPECT_EQ(sum["in_scope"], scope.size());
  EXPECT_EQ(sum["answered"], 4);
  EXPECT_EQ(sum["unanswered"], scope.size() - 4);
  EXPECT_DOUBLE_EQ(sum["response_rate"].get<double>(), 4.0 / static_cast<double>(scope.size()));
  EXPECT_EQ(sum["by_safety"],
            json({{"safe", 1}, {"minor_injury", 1}, {"serious_injury", 1}, {"needs_help", 1}}));
  EXPECT_EQ(sum["by_can_work"], json({{"yes", 1}, {"later", 1}, {"no", 2}, {"unknown", 0}}));
  // Open: elapsed runs from the start to the moment of the request.
  const auto start = model::parse_time("2026-11-24T05:00:00Z");
  const auto lo = std::chrono::duration_cast<std::chrono::seconds>(before - start).count();
  const auto hi = std::chrono::duration_cast<std::chrono::seconds>(after - start).count();
  EXPECT_GE(sum["elapsed_seconds"].get<std::int64_t>(), lo);
  EXPECT_LE(sum["elapsed_seconds"].get<std::int64_t>(), hi);
  // 4 of the two departments is below 25 %: no milestone yet.
  ASSERT_GT(scope.size(), 16u);
  for (const char* m : {"25", "50", "75", "90"}) EXPECT_TRUE(sum["milestones"][m].is_null()) << m;
  ASSERT_EQ(sum["curve"].size(), 5u);  // start + four people
  EXPECT_EQ(sum["curve"][4],
            json({{"at", "2026-11-24T14:02:30+09:00"}, {"after_seconds", 150}, {"answered", 4}}));

  ASSERT_EQ(sum["by_department"].size(), 2u);
  const json& s0 = sum["by_department"][0];
  EXPECT_EQ(s0["department"], "soumu");
  EXPECT_EQ(s0["name"], "総務課");
  EXPECT_EQ(s0["in_scope"], soumu.size());
  EXPECT_EQ(s0["answered"], 3);
  EXPECT_EQ(s0["by_safety"]["needs_help"], 1);
  EXPECT_EQ(s0["pending"].size(), soumu.size() - 3);
  EXPECT_EQ(s0["pending"][0], soumu[3]->id);
  const json& k0 = sum["by_department"][1];
  EXPECT_EQ(k0["department"], "kikaku");
  EXPECT_EQ(k0["answered"], 1);
  EXPECT_EQ(k0["by_safety"]["serious_injury"], 1);
  EXPECT_EQ(k0["by_safety"]["safe"], 0);  // the corrected answer replaced "safe"
  EXPECT_DOUBLE_EQ(k0["response_rate"].get<double>(), 1.0 / static_cast<double>(kikaku.size()));

  // One row per person in scope, roster order.
  const json& people = j["people"];
  ASSERT_EQ(people.size(), scope.size());
  for (std::size_t i = 0; i < scope.size(); ++i) EXPECT_EQ(people[i]["staff"], scope[i]->id);
  auto row = [&](const std::string& staff) {
    return *std::find_if(people.begin(), people.end(),
                         [&](const json& p) { return p["staff"] == staff; });
  };
  const json p1 = row(soumu[1]->id);
  EXPECT_EQ(p1["name"], soumu[1]->name);
  EXPECT_EQ(p1["department_name"], "総務課");
  EXPECT_EQ(p1["answered"], true);
  EXPECT_EQ(p1["safety"], "minor_injury");
  EXPECT_EQ(p1["safety_label"], "軽傷");
  EXPECT_EQ(p1["can_work"], "later");
  EXPECT_EQ(p1["can_work_label"], "遅れて可");
  EXPECT_EQ(p1["answered_at"], "2026-11-24T14:01:00+09:00");
  EXPECT_EQ(p1["source"], "api");
  EXPECT_EQ(p1["location"], "自宅, 2階 \"北側\"");
  EXPECT_EQ(p1["note"], "足を捻挫\r\n午後から出勤");
  EXPECT_EQ(p1["last_seen"], "2026-11-24T14:01:00+09:00");
  const json quiet = row(soumu[3]->id);
  EXPECT_EQ(quiet["answered"], false);
  EXPECT_TRUE(quiet["safety"].is_null());
  EXPECT_EQ(quiet["safety_label"], "未回答");
  EXPECT_EQ(quiet["last_seen"], "2026-11-24T13:50:00+09:00");
  EXPECT_GE(quiet["last_seen_seconds_ago"].get<std::int64_t>(), lo + 600);
  EXPECT_TRUE(row(soumu[4]->id)["last_seen"].is_null());
}

TEST_F(RollcallReport, CsvHasOneRowPerPersonCellByCell) {
  HttpResult r = get_csv(d, "/v1/rollcalls/" + id + "/report");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  const CsvTable t = csv_of(r);
  ASSERT_EQ(t.size(), scope.size() + 1);
  EXPECT_EQ(t[0],
            (std::vector<std::string>{"職員ID", "氏名", "部署ID", "部署", "安否", "安否(値)",
                                      "出勤可否", "出勤可否(値)", "回答時刻(+09:00)", "回答経路",
                                      "所在", "備考", "最終確認(+09:00)", "最終確認から(分)",
                                      "LINE WORKS", "質問送信(+09:00)", "リマインド(回)",
                                      "送信失敗(回)", "送信失敗の理由"}));
  for (std::size_t i = 0; i < scope.size(); ++i) {
    ASSERT_EQ(t[i + 1].size(), t[0].size()) << "row " << i + 1;
    EXPECT_EQ(t[i + 1][0], scope[i]->id);
    EXPECT_EQ(t[i + 1][1], scope[i]->name);
    EXPECT_EQ(t[i + 1][2], scope[i]->department);
    EXPECT_EQ(t[i + 1][3], department_name(scope[i]->department));
  }
  std::map<std::string, std::vector<std::string>> by_id;
  for (std::size_t i = 1; i < t.size(); ++i) by_id[t[i][0]] = t[i];

  const auto& first = by_id.at(soumu[0]->id);
  EXPECT_EQ(std::vector<std::string>(first.begin() + 4, first.begin() + 13),
            (std::vector<std::string>{"無事", "safe", "出勤可", "yes", "2026-11-24 14:00:30", "api",
                                      "庁舎", "", "2026-11-24 14:00:30"}));
  const auto& hurt = by_id.at(soumu[1]->id);
  EXPECT_EQ(std::vector<std::string>(hurt.begin() + 4, hurt.begin() + 13),
            (std::vector<std::string>{"軽傷", "minor_injury", "遅れて可", "later",
                                      "2026-11-24 14:01:00", "api", "自宅, 2階 \"北側\"",
                                      "足を捻挫\r\n午後から出勤", "2026-11-24 14:01:00"}));
  // A formula typed into a note stays text in the spreadsheet.
  EXPECT_EQ(by_id.at(soumu[2]->id)[11], "'=1+1");
  EXPECT_EQ(by_id.at(soumu[2]->id)[4], "要救助");
  const auto& fixed = by_id.at(kikaku[0]->id);
  EXPECT_EQ(fixed[4], "重傷");
  EXPECT_EQ(fixed[7], "no");
  EXPECT_EQ(fixed[8], "2026-11-24 14:03:00");
  const auto& quiet = by_id.at(soumu[3]->id);
  EXPECT_EQ(std::vector<std::string>(quiet.begin() + 4, quiet.begin() + 13),
            (std::vector<std::string>{"未回答", "", "未回答", "", "", "", "", "",
                                      "2026-11-24 13:50:00"}));
  EXPECT_GE(std::stoll(quiet[13]), 10);  // minutes since last seen, counted to now
  EXPECT_EQ(by_id.at(soumu[4]->id)[12], "");
  EXPECT_EQ(by_id.at(soumu[4]->id)[13], "");
  // The raw bytes: quoted where RFC 4180 wants it, CRLF inside the quoted note kept.
  EXPECT_NE(r.body.find(",\"自宅, 2階 \"\"北側\"\"\","), std::string::npos);
}

TEST_F(RollcallReport, CsvDepartmentsAndSummaryParts) {
  HttpResult r = get_csv(d, "/v1/rollcalls/" + id + "/report?part=departments");
  ASSERT_EQ(r.status, 200) << r.body;
  const CsvTable t = csv_of(r);
  ASSERT_EQ(t.size(), 4u);  // header, soumu, kikaku, total
  EXPECT_EQ(t[0], (std::vector<std::string>{"部署ID", "部署", "対象", "回答", "未回答", "回答率(%)",
                                            "無事", "軽傷", "重傷", "要救助", "出勤:出勤可",
                                            "出勤:遅れて可", "出勤:出勤不可", "出勤:不明"}));
  auto pct = [](std::size_t a, std::size_t n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", 100.0 * static_cast<double>(a) / static_cast<double>(n));
    return std::string(buf);
  };
  const std::string ns = std::to_string(soumu.size()), nk = std::to_string(kikaku.size());
  EXPECT_EQ(t[1], (std::vector<std::string>{"soumu", "総務課", ns, "3",
                                            std::to_string(soumu.size() - 3), pct(3, soumu.size()),
                                            "1", "1", "0", "1", "1", "1", "1", "0"}));
  EXPECT_EQ(t[2], (std::vector<std::string>{
                      "kikaku", "企画課", nk, "1", std::to_string(kikaku.size() - 1),
                      pct(1, kikaku.size()), "0", "0", "1", "0", "0", "0", "1", "0"}));
  EXPECT_EQ(t[3], (std::vector<std::string>{"", "合計", std::to_string(scope.size()), "4",
                                            std::to_string(scope.size() - 4), pct(4, scope.size()),
                                            "1", "1", "1", "1", "1", "1", "2", "0"}));

  ASSERT_EQ(d.post_json("/v1/rollcalls/" + id + "/close", json::object(), kOperator).status, 200);
  const model::RollcallState rc = d.snapshot().rollcalls.at(id);
  ASSERT_TRUE(rc.closed_at);
  r = get_csv(d, "/v1/rollcalls/" + id + "/report?part=summary");
  ASSERT_EQ(r.status, 200) << r.body;
  const CsvTable s = csv_of(r);
  std::map<std::string, std::string> kv;
  for (const auto& row : s) {
    ASSERT_EQ(row.size(), 2u);
    kv[row[0]] = row[1];
  }
  EXPECT_EQ(kv.at("項目"), "値");
  EXPECT_EQ(kv.at("点呼ID"), id);
  EXPECT_EQ(kv.at("件名"), "地震, \"本震\" 安否確認");
  EXPECT_EQ(kv.at("種別"), "実災害");
  EXPECT_EQ(kv.at("状態"), "終了");
  EXPECT_EQ(kv.at("開始(+09:00)"), "2026-11-24 14:00:00");
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(*rc.closed_at - rc.started_at).count();
  EXPECT_EQ(kv.at("経過(秒)"), std::to_string(elapsed));
  EXPECT_EQ(kv.at("対象"), std::to_string(scope.size()));
  EXPECT_EQ(kv.at("回答"), "4");
  EXPECT_EQ(kv.at("重傷"), "1");
  EXPECT_EQ(kv.at("出勤:出勤不可"), "2");
  EXPECT_EQ(kv.at("25%到達(+09:00)"), "");

  // Closed: the JSON says so and its elapsed stops at the close.
  const json j = d.get("/v1/rollcalls/" + id + "/report", kOperator).json();
  EXPECT_EQ(j["open"], false);
  EXPECT_EQ(j["summary"]["elapsed_seconds"], elapsed);
}

TEST(RollcallReportMilestones, TimesToReachEachShare) {
  TestDaemon d;
  const auto people = staff_of({"kensetsu"});
  ASSERT_GE(people.size(), 4u);
  HttpResult r = d.post_json("/v1/rollcalls",
                             {{"title", "建設課 訓練"},
                              {"drill", true},
                              {"departments", {"kensetsu"}},
                              {"at", "2026-11-24T00:00:00Z"}},
                             kOperator);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json()["rollcall"];
  // Person i (1-based) answers i minutes after the start; everyone answers.
  for (std::size_t i = 0; i < people.size(); ++i) {
    char at[32];
    std::snprintf(at, sizeof at, "2026-11-24T%02zu:%02zu:00Z", (i + 1) / 60, (i + 1) % 60);
    ASSERT_EQ(d.post_json("/v1/rollcalls/" + id + "/checkins",
                          answer(people[i]->id, "safe", "yes", at), kIngest)
                  .status,
              200);
  }
  const json j = d.get("/v1/rollcalls/" + id + "/report", kOperator).json();
  EXPECT_EQ(j["drill"], true);
  EXPECT_EQ(j["summary"]["response_rate"], 1.0);
  for (int share : {25, 50, 75, 90}) {
    // The first answer count reaching the share: ceil(n * share / 100).
    const std::size_t k = (people.size() * share + 99) / 100;
    const json& m = j["summary"]["milestones"][std::to_string(share)];
    ASSERT_TRUE(m.is_object()) << share;
    EXPECT_EQ(m["after_seconds"], k * 60) << share;
    char local[40];
    std::snprintf(local, sizeof local, "2026-11-24T09:%02zu:00+09:00", k);
    EXPECT_EQ(m["at"], local) << share;
  }
}

TEST(RollcallReportErrors, UnknownRollcallBadPartAndRoles) {
  TestDaemon d;
  HttpResult r = d.post_json("/v1/rollcalls", {{"title", "x"}}, kOperator);
  ASSERT_EQ(r.status, 201);
  const std::string id = r.json()["rollcall"];
  EXPECT_EQ(get_csv(d, "/v1/rollcalls/nope/report").status, 404);
  r = get_csv(d, "/v1/rollcalls/" + id + "/report?part=everything");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("part"), std::string::npos) << r.body;
  EXPECT_EQ(d.get("/v1/rollcalls/" + id + "/report").status, 401);
  EXPECT_EQ(d.get("/v1/rollcalls/" + id + "/report", kDisplay).status, 403);
  // An empty roll call still has its header and one row per person in scope, no answers.
  r = get_csv(d, "/v1/rollcalls/" + id + "/report");
  ASSERT_EQ(r.status, 200);
  const CsvTable t = csv_of(r);
  EXPECT_EQ(t.size(), sample_town().staff.size() + 1);
}

}  // namespace
}  // namespace bcp::daemon::test
