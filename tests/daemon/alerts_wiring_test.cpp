// Alert sources wired into bcp-feedd over real HTTP: keyword rules on talk, CAP and JMA
// ingest, and the roll call a strong quake starts by itself.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon {
namespace {

namespace fs = std::filesystem;
namespace beast = boost::beast;
using nlohmann::json;
using namespace std::chrono_literals;

const fs::path kTestdata = BCP_TESTDATA_DIR;
const fs::path kFixtures = fs::path(BCP_SOURCE_DIR) / "tests/alerts/fixtures";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Reply {
  int status = 0;
  std::string body;
  json js() const { return json::parse(body, nullptr, false); }
};

// One request on its own connection, with a deadline so a broken daemon fails, not hangs.
Reply request(std::uint16_t port, beast::http::verb verb, const std::string& target,
              const std::string& token, const std::string& body = "",
              const std::string& content_type = "application/json") {
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(10s);
  Reply out;
  try {
    stream.connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    beast::http::request<beast::http::string_body> req{verb, target, 11};
    req.set(beast::http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
    if (verb == beast::http::verb::post) req.set(beast::http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    beast::http::write(stream, req);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(stream, buffer, res);
    out.status = res.result_int();
    out.body = res.body();
  } catch (const std::exception& e) {
    out.body = e.what();
  }
  return out;
}

// A test town whose JMA area matches the real bulletins used below: 静岡県伊豆 (440) and
// 西伊豆町 for the 訓練 VXSE53, 岩手県内陸南部 (213) and 奥州市 for the 2008 inland quake.
json quake_town_alerts() {
  return {{"jma",
           {{"area_codes", {"440", "213"}},
            {"city_codes", {"2230600", "0321500"}},
            {"thresholds", {{"critical", "5-"}, {"warning", "4"}, {"advisory", "3"}}},
            {"rollcall_threshold", "5-"}}}};
}

class AlertWiringTest : public ::testing::Test {
 protected:
  void TearDown() override { daemon_.reset(); }

  // The daemon on a copy of the sample town changed by `tweak`.
  void start(const test::TestDaemon::TownTweak& tweak = {}) {
    daemon_.emplace(test::TestDaemon::Tweak{}, tweak);
    port_ = daemon_->port();
  }

  Reply talk(const std::string& text, const std::string& group = "hq") {
    json body = {
        {"group", group}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
    return request(port_, beast::http::verb::post, "/v1/talk", "ingest-sample", body.dump());
  }
  Reply post_xml(const std::string& target, const std::string& xml,
                 const std::string& type = "application/xml") {
    return request(port_, beast::http::verb::post, target, "ingest-sample", xml, type);
  }
  model::Situation snapshot() {
    Reply r = request(port_, beast::http::verb::get, "/v1/snapshot", "display-sample");
    EXPECT_EQ(r.status, 200) << r.body;
    return model::situation_from_json(r.js());
  }
  std::int64_t seq() {
    return request(port_, beast::http::verb::get, "/healthz", "").js().value("seq", -1);
  }
  // bcp_items_refused_total{reason="…"} from /metrics.
  std::int64_t refusals(const std::string& reason) {
    std::string text = request(port_, beast::http::verb::get, "/metrics", "").body;
    const std::string key = "bcp_items_refused_total{reason=\"" + reason + "\"} ";
    size_t at = text.find(key);
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + key.size()));
  }

  // Copies, so that a temporary snapshot can be filtered in one expression.
  std::vector<model::AlertState> alerts_of(const model::Situation& s, model::AlertSourceKind kind) {
    std::vector<model::AlertState> out;
    for (const auto& [id, a] : s.alerts) {
      if (a.alert.source.kind == kind) out.push_back(a);
    }
    return out;
  }

  std::optional<test::TestDaemon> daemon_;
  std::uint16_t port_ = 0;
};

// ---- keyword rules on talk --------------------------------------------------------------

TEST_F(AlertWiringTest, BearMessageRaisesAlertVisibleInSnapshot) {
  start();
  Reply r = talk("役場裏の畑にクマが出ました");
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = snapshot();
  auto rules = alerts_of(s, model::AlertSourceKind::rule);
  ASSERT_EQ(rules.size(), 1u);
  const model::AlertState& a = rules.front();
  EXPECT_EQ(a.alert.kind, model::AlertKind::bear);
  EXPECT_EQ(a.alert.severity, model::Severity::warning);
  EXPECT_EQ(a.alert.title, "クマ出没");
  EXPECT_FALSE(a.alert.drill);
  // The group's display name from the config, not its id.
  EXPECT_NE(a.alert.body.find("災害対策本部"), std::string::npos) << a.alert.body;
  EXPECT_NE(a.alert.body.find("役場裏の畑にクマが出ました"), std::string::npos);
  // Same commit as the message: the alert's time is the message's.
  ASSERT_EQ(s.talk["hq"].recent.size(), 1u);
  EXPECT_EQ(a.raised_at, s.talk["hq"].recent.front().at);
}

TEST_F(AlertWiringTest, KumamotoDoesNotRaise) {
  start();
  ASSERT_EQ(talk("熊本から応援職員が到着しました").status, 200);
  EXPECT_TRUE(alerts_of(snapshot(), model::AlertSourceKind::rule).empty());
}

TEST_F(AlertWiringTest, SecondBearWithinWindowUpdatesSameAlert) {
  start();
  ASSERT_EQ(talk("クマを見ました").status, 200);
  ASSERT_EQ(talk("ヒグマがまだ川沿いにいます").status, 200);
  auto rules = alerts_of(snapshot(), model::AlertSourceKind::rule);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules.front().updates, 1u);
  EXPECT_NE(rules.front().alert.body.find("川沿い"), std::string::npos) << rules.front().alert.body;
}

TEST_F(AlertWiringTest, DrillPrefixRaisesDrillAlert) {
  start();
  ASSERT_EQ(talk("【訓練】学校の近くにクマ").status, 200);
  auto rules = alerts_of(snapshot(), model::AlertSourceKind::rule);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_TRUE(rules.front().alert.drill);
}

TEST_F(AlertWiringTest, DrillGroupRaisesDrillAlert) {
  start([](config::TownConfig& t) {
    for (auto& g : t.groups) {
      if (g.id == "project") g.drill_group = true;
    }
  });
  ASSERT_EQ(talk("くまがいます", "project").status, 200);
  auto rules = alerts_of(snapshot(), model::AlertSourceKind::rule);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_TRUE(rules.front().alert.drill);
}

TEST_F(AlertWiringTest, CancelledBearAlertIsRaisedAfresh) {
  start();
  ASSERT_EQ(talk("クマを見ました").status, 200);
  auto first = alerts_of(snapshot(), model::AlertSourceKind::rule);
  ASSERT_EQ(first.size(), 1u);
  std::string id = first.front().alert.alert;
  Reply cancel = request(port_, beast::http::verb::post, "/v1/alerts/" + id + "/cancel",
                         "operator-sample", "{}");
  ASSERT_EQ(cancel.status, 200) << id << ": " << cancel.body;
  ASSERT_EQ(talk("またクマです").status, 200);
  auto s = snapshot();
  auto rules = alerts_of(s, model::AlertSourceKind::rule);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(s.active_alerts(std::chrono::time_point_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now()))
                .size(),
            1u);
}

TEST_F(AlertWiringTest, DebounceSurvivesRestart) {
  start();
  ASSERT_EQ(talk("クマを見ました").status, 200);
  // Same data dir: the journal replays and the alerter picks up the open rule alert.
  daemon_->restart();
  ASSERT_EQ(talk("クマがまだいます").status, 200);
  auto rules = alerts_of(snapshot(), model::AlertSourceKind::rule);
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules.front().updates, 1u);
}

// Issue 12 class 16: "an drill" — the article goes with the word it stands before, in the 409
// the room reads and in the log line a JMA quake writes.
TEST_F(AlertWiringTest, OpenRollcallConflictReadsAsEnglish) {
  start();
  for (bool drill : {true, false}) {
    json body = {{"title", drill ? "訓練 安否確認" : "地震 安否確認"}, {"drill", drill}};
    Reply first =
        request(port_, beast::http::verb::post, "/v1/rollcalls", "operator-sample", body.dump());
    ASSERT_EQ(first.status, 201) << first.body;
    Reply second =
        request(port_, beast::http::verb::post, "/v1/rollcalls", "operator-sample", body.dump());
    EXPECT_EQ(second.status, 409) << second.body;
    const std::string error = second.js().value("error", "");
    EXPECT_TRUE(error.starts_with(drill ? "a drill roll call is open already"
                                        : "an actual roll call is open already"))
        << error;
    EXPECT_EQ(error.find("an drill"), std::string::npos) << error;
    EXPECT_EQ(error.find("a actual"), std::string::npos) << error;
  }
}

// ---- CAP ------------------------------------------------------------------------------------

TEST_F(AlertWiringTest, CapPublicCorpusAnswers) {
  if (!fs::exists(kTestdata / "cap-public"))
    GTEST_SKIP() << kTestdata / "cap-public"
                 << " absent (public test data)";
  start();
  // Update documents whose original this daemon never saw are stored as a raise (201).
  const std::vector<std::pair<std::string, int>> expected = {
      {"43b080713727.cap", 201},
      {"KAR0-0306112239-SW.cap", 201},
      {"australia.cap", 201},
      {"canada.cap", 201},
      {"canada_errors.cap", 400},
      {"canada_signed.cap", 201},
      {"earthquake-iso8859-1.cap", 201},
      {"earthquake.cap", 201},
      {"earthquake_signed.cap", 201},
      {"invalid.cap", 400},
      {"no_optional_fields.cap", 202},
      {"noaa_errors.cap", 400},
      {"wcatwc-warning.cap", 201},
      {"weather.cap", 201},
      {"xee.cap", 400},
  };
  for (const auto& [file, code] : expected) {
    std::int64_t before = seq();
    Reply r =
        post_xml("/v1/cap", read_file(kTestdata / "cap-public" / file), "application/cap+xml");
    EXPECT_EQ(r.status, code) << file << ": " << r.body;
    if (code >= 400 || code == 202) {
      EXPECT_EQ(seq(), before) << file << " must not be stored";
    } else {
      EXPECT_EQ(r.js().value("seq", 0), before + 1) << file;
      EXPECT_TRUE(r.js().contains("alert")) << file;
    }
  }
}

TEST_F(AlertWiringTest, CapXeeRefusedAndNothingStored) {
  if (!fs::exists(kTestdata / "cap-public/xee.cap")) GTEST_SKIP() << "public test data absent";
  start();
  std::int64_t before = seq();
  Reply r = post_xml("/v1/cap", read_file(kTestdata / "cap-public/xee.cap"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("DOCTYPE"), std::string::npos) << r.body;
  EXPECT_EQ(seq(), before);
  EXPECT_TRUE(snapshot().alerts.empty());
}

TEST_F(AlertWiringTest, CapSameIdentifierTwiceIsOneAlert) {
  if (!fs::exists(kTestdata / "cap-public/weather.cap")) GTEST_SKIP() << "public test data absent";
  start();
  std::string xml = read_file(kTestdata / "cap-public/weather.cap");
  Reply first = post_xml("/v1/cap", xml);
  Reply second = post_xml("/v1/cap", xml);
  EXPECT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(first.js()["alert"], second.js()["alert"]);
  auto caps = alerts_of(snapshot(), model::AlertSourceKind::cap);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_EQ(caps.front().updates, 1u);
}

TEST_F(AlertWiringTest, CapContentTypeChecked) {
  start();
  Reply r = post_xml("/v1/cap", "<alert/>", "application/json");
  EXPECT_EQ(r.status, 415) << r.body;
  EXPECT_EQ(request(port_, beast::http::verb::post, "/v1/cap", "display-sample", "<alert/>",
                    "application/xml")
                .status,
            403);
}

TEST_F(AlertWiringTest, CapJapaneseExerciseAlertUpdateCancel) {
  start();
  Reply raised = post_xml("/v1/cap", read_file(kFixtures / "cap-ja-exercise-alert.xml"));
  ASSERT_EQ(raised.status, 201) << raised.body;
  Reply updated = post_xml("/v1/cap", read_file(kFixtures / "cap-ja-exercise-update.xml"));
  EXPECT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.js()["alert"], raised.js()["alert"]);
  Reply cancelled = post_xml("/v1/cap", read_file(kFixtures / "cap-ja-exercise-cancel.xml"));
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  auto caps = alerts_of(snapshot(), model::AlertSourceKind::cap);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_TRUE(caps.front().alert.drill);
  EXPECT_TRUE(caps.front().cancelled);
}

TEST_F(AlertWiringTest, CapCancelOfUnseenAlertIsKeptCancelled) {
  start();
  Reply r = post_xml("/v1/cap", read_file(kFixtures / "cap-ja-exercise-cancel.xml"));
  ASSERT_LT(r.status, 300) << r.body;
  auto s = snapshot();
  auto caps = alerts_of(s, model::AlertSourceKind::cap);
  ASSERT_EQ(caps.size(), 1u);
  EXPECT_TRUE(caps.front().cancelled);
}

// Issue 12 class 8: only a Public CAP alert reaches the wall; the rest is refused like a
// level-B group, and nothing is stored.
std::string cap_doc(const std::string& scope, const std::string& extra = "",
                    const std::string& info = "<headline>避難指示</headline>",
                    const std::string& identifier = "scope-1") {
  return R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>)" + identifier +
         R"(</identifier><sender>s@example.jp</sender><sent>2026-11-24T10:00:00+09:00</sent>
<status>Actual</status><msgType>Alert</msgType>)" +
         scope + extra +
         R"(<info><category>Geo</category><event>地震</event><urgency>Immediate</urgency>
<severity>Severe</severity><certainty>Observed</certainty>)" +
         info + "</info></alert>";
}

TEST_F(AlertWiringTest, CapScopeOtherThanPublicIs403Classification) {
  start();
  const std::vector<std::string> refused = {
      "<scope>Private</scope>",
      "<scope>Restricted</scope>",
      "<scope>private</scope>",
      "<scope>PUBLIC</scope>",
      "<scope> Restricted\n</scope>",
      "<scope>Confidential</scope>",
      "<scope>Public</scope><restriction>職員のみ</restriction>",
      "<scope>Private</scope><addresses>kacho@town.example</addresses>",
  };
  std::int64_t counted = refusals("classification");
  ASSERT_GE(counted, 0);
  for (const std::string& scope : refused) {
    std::int64_t before = seq();
    Reply r = post_xml("/v1/cap", cap_doc(scope), "application/cap+xml");
    EXPECT_EQ(r.status, 403) << scope << ": " << r.body;
    EXPECT_NE(r.js().value("error", "").find("may not be shown on the wall"), std::string::npos)
        << r.body;
    EXPECT_EQ(r.body.find("避難指示"), std::string::npos) << "content echoed: " << r.body;
    EXPECT_EQ(seq(), before) << scope << " must not be stored";
    EXPECT_EQ(refusals("classification"), ++counted) << scope;
  }
  EXPECT_TRUE(snapshot().alerts.empty());
  // Missing scope is malformed, two scopes are malformed; Public is raised.
  EXPECT_EQ(post_xml("/v1/cap", cap_doc("")).status, 400);
  EXPECT_EQ(post_xml("/v1/cap", cap_doc("<scope>Public</scope><scope>Private</scope>")).status,
            400);
  Reply ok = post_xml("/v1/cap", cap_doc("<scope>Public</scope>"));
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(alerts_of(snapshot(), model::AlertSourceKind::cap).size(), 1u);
}

// Issue 12 class 14: text or times the journal cannot take are 400 naming the element, not
// "503 journal could not commit", and the daemon goes on serving.
TEST_F(AlertWiringTest, CapTextAndTimesTheJournalCannotTakeAre400) {
  start();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<headline>x&#xD800;y</headline>", "/alert/info/headline: U+D800"},
      {"<headline>x&#xDFFF;</headline>", "/alert/info/headline: U+DFFF"},
      {"<headline>x\xFFy</headline>", "/alert/info/headline: invalid UTF-8"},
      {"<description>\xE3\x81</description>", "/alert/info/description: invalid UTF-8"},
      {"<description>&#xFFFE;</description>", "/alert/info/description: U+FFFE"},
      {"<headline>a&#0;b</headline>", "U+0000"},
      {"<expires>9999-12-31T23:59:59-14:00</expires>", "/alert/info[1]/expires: out of range"},
      {"<effective>0000-01-01T00:00:00+14:00</effective>",
       "/alert/info[1]/effective: out of range"},
      {"<onset>1969-01-01T00:00:00Z</onset>", "/alert/info[1]/onset: out of range"},
  };
  std::int64_t journal_failures = refusals("journal");
  for (const auto& [info, named] : cases) {
    std::int64_t before = seq();
    Reply r = post_xml("/v1/cap", cap_doc("<scope>Public</scope>", "", info));
    EXPECT_EQ(r.status, 400) << info << ": " << r.body;
    EXPECT_NE(r.js().value("error", "").find(named), std::string::npos) << r.body;
    EXPECT_EQ(seq(), before);
  }
  std::string sent = cap_doc("<scope>Public</scope>");
  sent.replace(sent.find("2026-11-24T10:00:00+09:00"), 25, "9999-12-31T23:59:59-14:00");
  Reply r = post_xml("/v1/cap", sent);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/alert/sent: out of range"), std::string::npos) << r.body;
  EXPECT_EQ(refusals("journal"), journal_failures) << "bad input counted as journal failure";
  // The far future the journal can write is fine, and the daemon still serves.
  Reply ok = post_xml("/v1/cap", cap_doc("<scope>Public</scope>", "",
                                         "<expires>9999-12-31T23:59:59+09:00</expires>"));
  EXPECT_EQ(ok.status, 201) << ok.body;
}

// ---- JMA ------------------------------------------------------------------------------------

class AlertWiringJmaTest : public AlertWiringTest {
 protected:
  void SetUp() override {
    AlertWiringTest::SetUp();
    if (!fs::exists(kTestdata / "jma"))
      GTEST_SKIP() << kTestdata / "jma"
                   << " absent (public test data)";
  }
  Reply jma(const std::string& file, const std::string& type = "application/xml") {
    return post_xml("/v1/jma", read_file(kTestdata / "jma" / file), type);
  }
  void start_quake_town() {
    start([](config::TownConfig& t) { t.alerts = quake_town_alerts(); });
  }
};

TEST_F(AlertWiringJmaTest, DrillBulletinRaisesDrillAlertAndDrillRollcall) {
  start_quake_town();
  Reply r = jma("32-35_01_03_100806_VXSE53.xml");  // 訓練, 静岡県伊豆 震度5弱
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.js()["rollcall"], "rc-jma-20091001134500-drill");
  auto s = snapshot();
  auto quakes = alerts_of(s, model::AlertSourceKind::jma);
  ASSERT_EQ(quakes.size(), 1u);
  EXPECT_TRUE(quakes.front().alert.drill);
  EXPECT_EQ(quakes.front().alert.severity, model::Severity::critical);
  ASSERT_TRUE(s.rollcalls.contains("rc-jma-20091001134500-drill"));
  const auto& rc = s.rollcalls["rc-jma-20091001134500-drill"];
  EXPECT_TRUE(rc.started.drill);
  EXPECT_EQ(rc.started.trigger, model::RollcallTrigger::jma);
  EXPECT_TRUE(rc.started.title.starts_with("地震 安否確認 震度5弱 ")) << rc.started.title;
  EXPECT_EQ(s.open_rollcall(false), nullptr);
}

TEST_F(AlertWiringJmaTest, RealBulletinStartsOneActualRollcallPerEvent) {
  start_quake_town();
  Reply first = jma("32-35_06_03_100915_VXSE53.xml");  // 岩手・宮城内陸地震, 震度6強
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.js()["rollcall"], "rc-jma-20080614084350");
  Reply second = jma("32-35_06_04_100915_VXSE53.xml", "text/xml");  // 続報, same EventID
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.js()["alert"], first.js()["alert"]);
  EXPECT_FALSE(second.js().contains("rollcall"));
  auto s = snapshot();
  ASSERT_EQ(s.rollcalls.size(), 1u);
  const auto& rc = s.rollcalls.begin()->second;
  EXPECT_FALSE(rc.started.drill);
  EXPECT_EQ(rc.started.trigger, model::RollcallTrigger::jma);
  EXPECT_EQ(rc.started.title, "地震 安否確認 震度6強 岩手県内陸南部 6/14 08:43")
      << rc.started.title;
  ASSERT_EQ(alerts_of(s, model::AlertSourceKind::jma).size(), 1u);
  // Closed by the room, the same quake's later bulletins still do not start another.
  ASSERT_EQ(request(port_, beast::http::verb::post, "/v1/rollcalls/rc-jma-20080614084350/close",
                    "operator-sample", "{}")
                .status,
            200);
  Reply third = jma("32-35_06_05_100915_VXSE53.xml");
  EXPECT_LT(third.status, 300) << third.body;
  EXPECT_EQ(snapshot().rollcalls.size(), 1u);
}

TEST_F(AlertWiringJmaTest, CancelBulletinCancelsAlert) {
  start_quake_town();
  ASSERT_EQ(jma("32-35_06_03_100915_VXSE53.xml").status, 201);
  Reply r = jma("32-35_06_06_100915_VXSE53.xml");  // 取消
  ASSERT_EQ(r.status, 200) << r.body;
  auto quakes = alerts_of(snapshot(), model::AlertSourceKind::jma);
  ASSERT_EQ(quakes.size(), 1u);
  EXPECT_TRUE(quakes.front().cancelled);
}

TEST_F(AlertWiringJmaTest, CancelOfUnseenQuakeIsKeptCancelled) {
  start_quake_town();
  Reply r = jma("32-35_06_06_100915_VXSE53.xml");  // 取消 only
  ASSERT_LT(r.status, 300) << r.body;
  auto s = snapshot();
  auto quakes = alerts_of(s, model::AlertSourceKind::jma);
  ASSERT_EQ(quakes.size(), 1u);
  EXPECT_TRUE(quakes.front().cancelled);
  EXPECT_TRUE(s.rollcalls.empty());
}

TEST_F(AlertWiringJmaTest, TestBulletinNotStored) {
  start_quake_town();
  std::int64_t before = seq();
  Reply r = jma("54_01_01_100514_VXSE42.xml");  // 試験
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(r.js().contains("not_shown"));
  EXPECT_EQ(seq(), before);
}

TEST_F(AlertWiringJmaTest, TownOutsideTheQuakeGetsNoRollcall) {
  start();  // the sample town is in Hokkaido
  Reply r = jma("32-35_06_03_100915_VXSE53.xml");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(r.js().contains("rollcall"));
  EXPECT_TRUE(snapshot().rollcalls.empty());
}

// A 震度速報 for 静岡県伊豆 (440) with the given national and town MaxInt, OriginTime and
// hypocentre, for the bounds below.
std::string quake_doc(const std::string& town_int, const std::string& origin,
                      const std::string& coordinate, const std::string& magnitude) {
  return R"(<Report xmlns="http://xml.kishou.go.jp/jmaxml1/"
 xmlns:jmx_eb="http://xml.kishou.go.jp/jmaxml1/elementBasis1/">
<Control><Title>震源・震度に関する情報</Title><Status>通常</Status></Control>
<Head xmlns="http://xml.kishou.go.jp/jmaxml1/informationBasis1/"><Title>震源・震度情報</Title>
<ReportDateTime>2026-11-24T14:05:00+09:00</ReportDateTime><EventID>20261124140200</EventID>
<InfoType>発表</InfoType><Headline><Text>揺れ</Text></Headline></Head>
<Body xmlns="http://xml.kishou.go.jp/jmaxml1/body/seismology1/"><Earthquake>
<OriginTime>)" +
         origin + R"(</OriginTime><Hypocenter><Area><Name>伊豆半島東方沖</Name>
<jmx_eb:Coordinate>)" +
         coordinate + R"(</jmx_eb:Coordinate></Area></Hypocenter>
<jmx_eb:Magnitude type="Mj">)" +
         magnitude + R"(</jmx_eb:Magnitude></Earthquake>
<Intensity><Observation><MaxInt>4</MaxInt><Pref><Name>静岡県</Name><Code>22</Code>
<Area><Name>静岡県伊豆</Name><Code>440</Code><MaxInt>)" +
         town_int + R"(</MaxInt></Area></Pref></Observation></Intensity></Body></Report>)";
}

TEST_F(AlertWiringJmaTest, AbsurdIntensityAndTimesAre400NamingTheElement) {
  start_quake_town();
  const std::string origin = "2026-11-24T14:02:00+09:00";
  std::int64_t journal_failures = refusals("journal");
  for (const char* v : {"8", "0", "5", "10", "-1", "7+"}) {
    std::int64_t before = seq();
    Reply r = post_xml("/v1/jma", quake_doc(v, origin, "+34.9+139.2-10000/", "4.1"));
    EXPECT_EQ(r.status, 400) << v << ": " << r.body;
    EXPECT_NE(r.body.find("Observation/Pref/Area/MaxInt"), std::string::npos) << r.body;
    EXPECT_EQ(seq(), before);
  }
  for (const char* t : {"9999-12-31T23:59:59-14:00", "0000-01-01T00:00:00+09:00", "then"}) {
    Reply r = post_xml("/v1/jma", quake_doc("4", t, "+34.9+139.2-10000/", "4.1"));
    EXPECT_EQ(r.status, 400) << t << ": " << r.body;
    EXPECT_NE(r.body.find("/Report/Body/Earthquake/OriginTime"), std::string::npos) << r.body;
  }
  std::string surrogate_doc = quake_doc("4", origin, "+34.9+139.2-10000/", "4.1");
  surrogate_doc.insert(surrogate_doc.find("揺れ"), "&#xD800;");
  Reply surrogate = post_xml("/v1/jma", surrogate_doc);
  EXPECT_EQ(surrogate.status, 400) << surrogate.body;
  EXPECT_NE(surrogate.body.find("/Report/Head/Headline/Text: U+D800"), std::string::npos)
      << surrogate.body;
  EXPECT_EQ(refusals("journal"), journal_failures);
  EXPECT_TRUE(snapshot().rollcalls.empty());
}

TEST_F(AlertWiringJmaTest, AbsurdMagnitudeAndDepthAreShownAsUnknown) {
  start_quake_town();
  const std::string origin = "2026-11-24T14:02:00+09:00";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-" + std::string(400, '9'), "1000000"},
      {"-1e400", "1e300"},
      {"-800000", "inf"},
      {"+9000", "NaN"},
  };
  for (const auto& [depth, magnitude] : cases) {
    Reply r = post_xml("/v1/jma", quake_doc("5+", origin, "+34.9+139.2" + depth + "/", magnitude));
    ASSERT_LT(r.status, 300) << depth << " " << magnitude << ": " << r.body;
    auto quakes = alerts_of(snapshot(), model::AlertSourceKind::jma);
    ASSERT_EQ(quakes.size(), 1u);
    const std::string& body = quakes.front().alert.body;
    EXPECT_NE(body.find("深さ 不明"), std::string::npos) << body;
    EXPECT_NE(body.find("M不明"), std::string::npos) << body;
    for (const char* leak : {"inf", "nan", "999", "1000", "km　M1"})
      EXPECT_EQ(body.find(leak), std::string::npos) << body;
  }
  // The town's 震度5強 still counts: the roll call started with the first bulletin.
  EXPECT_EQ(snapshot().rollcalls.size(), 1u);
}

TEST_F(AlertWiringJmaTest, MalformedAndWrongTypeRefused) {
  start_quake_town();
  EXPECT_EQ(post_xml("/v1/jma", "<Report>").status, 400);
  EXPECT_EQ(post_xml("/v1/jma", "<Report/>", "application/json").status, 415);
}

}  // namespace
}  // namespace bcp::daemon
