// The HTTP API of DESIGN.md over real sockets: each endpoint's answer and its effect on the
// situation that walls see.
#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json talk(const std::string& text, const std::string& group = "hq") {
  return {{"group", group}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

json checkin(const std::string& staff, const std::string& safety = "safe",
             const std::string& work = "yes") {
  return {{"staff", staff}, {"safety", safety}, {"can_work", work}};
}

TEST(HttpApi, HealthzAnswersStatusAndSeq) {
  TestDaemon d;
  HttpResult r = d.get("/healthz");
  ASSERT_EQ(r.status, 200);
  json j = r.json();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["seq"], 0);
  // The sample town has a LINE WORKS bot and no JMA poller: one source, ok (source_health_test).
  ASSERT_TRUE(j["sources"].is_object()) << r.body;
  EXPECT_EQ(j["sources"].size(), 1u) << r.body;
  EXPECT_EQ(j["sources"]["lineworks"]["state"], "ok") << r.body;
  ASSERT_EQ(d.post_json("/v1/talk", talk("一件目"), kIngest).status, 200);
  EXPECT_EQ(d.seq(), 1);
}

TEST(HttpApi, MetricsCountAcceptedAndRefusalsByReason) {
  TestDaemon d;
  HttpResult r = d.get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/plain", 0), 0u) << r.content_type;
  EXPECT_EQ(d.metric("bcp_events_accepted_total"), 0);
  EXPECT_EQ(d.refused("malformed"), 0);
  EXPECT_EQ(d.refused("unauthorized"), 0);

  ASSERT_EQ(d.post_json("/v1/talk", talk("ok"), kIngest).status, 200);
  ASSERT_EQ(d.post("/v1/talk", "{", bearer(kIngest)).status, 400);
  ASSERT_EQ(d.post_json("/v1/talk", talk("x"), "no-such-token").status, 401);
  ASSERT_EQ(d.post_json("/v1/talk", talk("x", "nowhere"), kIngest).status, 403);

  EXPECT_EQ(d.metric("bcp_events_accepted_total"), 1);
  EXPECT_EQ(d.metric("bcp_journal_seq"), 1);
  EXPECT_EQ(d.refused("malformed"), 1);
  EXPECT_EQ(d.refused("unauthorized"), 1);
  EXPECT_EQ(d.refused("unknown_group"), 1);
  EXPECT_GE(d.metric("bcp_commit_batches_total"), 1);
}

TEST(HttpApi, TalkIsStoredWithAssignedIdAndShownInSnapshot) {
  TestDaemon d;
  HttpResult r = d.post_json("/v1/talk", talk("避難所を開設しました"), kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  json answer = r.json();
  EXPECT_EQ(answer["seq"], 1);
  ASSERT_TRUE(answer["message_id"].is_string());

  model::Situation s = d.snapshot();
  ASSERT_EQ(s.talk["hq"].recent.size(), 1u);
  const model::TalkMessage& m = s.talk["hq"].recent.back().message;
  EXPECT_EQ(m.text, "避難所を開設しました");
  EXPECT_EQ(m.message_id, answer["message_id"].get<std::string>());
  EXPECT_EQ(m.source, model::TalkSource::api);

  // The server assigns the id: a client that sends one is told, not silently overridden.
  json with_id = talk("x");
  with_id["message_id"] = "mine";
  r = d.post_json("/v1/talk", with_id, kIngest);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("message_id"), std::string::npos) << r.body;
  // A display token may not ingest.
  EXPECT_EQ(d.post_json("/v1/talk", talk("x"), kDisplay).status, 403);
  EXPECT_EQ(d.seq(), 1);
}

TEST(HttpApi, AvailabilityUpdatesTheStaffState) {
  TestDaemon d;
  HttpResult r = d.post_json("/v1/availability",
                             {{"staff", "s002"}, {"status", "remote"}, {"note", "在宅"}}, kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["seq"], 1);
  model::Situation s = d.snapshot();
  ASSERT_TRUE(s.staff["s002"].availability);
  EXPECT_EQ(s.staff["s002"].availability->status, model::Availability::remote);

  r = d.post_json("/v1/availability", {{"staff", "s999"}, {"status", "remote"}}, kIngest);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("s999"), std::string::npos) << r.body;
  r = d.post_json("/v1/availability", {{"staff", "s002"}, {"status", "sleeping"}}, kIngest);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("/status"), std::string::npos) << r.body;
  EXPECT_EQ(d.seq(), 1);
}

TEST(HttpApi, RollcallStartCheckinByIdAndCurrentThenClose) {
  TestDaemon d;
  HttpResult r = d.post_json("/v1/rollcalls", {{"title", "地震 安否確認"}}, kOperator);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json()["rollcall"];
  ASSERT_FALSE(id.empty());
  // Only operators start roll calls.
  EXPECT_EQ(d.post_json("/v1/rollcalls", {{"title", "x"}}, kIngest).status, 403);

  r = d.post_json("/v1/rollcalls/" + id + "/checkins", checkin("s001"), kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["rollcall"], id);
  r = d.post_json("/v1/rollcalls/current/checkins", checkin("s002", "minor_injury", "later"),
                  kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["rollcall"], id);
  // A later answer of the same person wins.
  ASSERT_EQ(
      d.post_json("/v1/rollcalls/current/checkins", checkin("s001", "needs_help", "no"), kIngest)
          .status,
      200);

  model::Situation s = d.snapshot();
  const model::RollcallState& rc = s.rollcalls.at(id);
  EXPECT_TRUE(rc.open());
  EXPECT_EQ(rc.total.answered, 2u);
  EXPECT_EQ(rc.latest.at("s001").answer.safety, model::Safety::needs_help);
  EXPECT_EQ(rc.latest.at("s002").answer.can_work, model::CanWork::later);

  r = d.post_json("/v1/rollcalls/" + id + "/close", json::object(), kOperator);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(d.snapshot().rollcalls.at(id).open());
  const std::int64_t seq = d.seq();
  EXPECT_EQ(d.post_json("/v1/rollcalls/" + id + "/checkins", checkin("s003"), kIngest).status, 409);
  EXPECT_EQ(d.post_json("/v1/rollcalls/current/checkins", checkin("s003"), kIngest).status, 404);
  EXPECT_EQ(d.post_json("/v1/rollcalls/" + id + "/close", json::object(), kOperator).status, 409);
  EXPECT_EQ(d.post_json("/v1/rollcalls/nope/close", json::object(), kOperator).status, 404);
  EXPECT_EQ(d.seq(), seq);
}

TEST(HttpApi, RollcallReportIsForOperators) {
  TestDaemon d;
  HttpResult r = d.post_json("/v1/rollcalls", {{"title", "報告"}}, kOperator);
  ASSERT_EQ(r.status, 201);
  const std::string id = r.json()["rollcall"];
  ASSERT_EQ(d.post_json("/v1/rollcalls/current/checkins", checkin("s001"), kIngest).status, 200);
  r = d.get("/v1/rollcalls/" + id + "/report", kOperator);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().is_object()) << r.body;
  EXPECT_NE(r.body.find("s001"), std::string::npos) << r.body;
  EXPECT_EQ(d.get("/v1/rollcalls/" + id + "/report", kIngest).status, 403);
  EXPECT_EQ(d.get("/v1/rollcalls/nope/report", kOperator).status, 404);
}

TEST(HttpApi, CurrentIsAmbiguousWhenDrillAndActualAreOpen) {
  TestDaemon d;
  HttpResult actual = d.post_json("/v1/rollcalls", {{"title", "本番"}}, kOperator);
  HttpResult drill = d.post_json("/v1/rollcalls", {{"title", "訓練"}, {"drill", true}}, kOperator);
  ASSERT_EQ(actual.status, 201);
  ASSERT_EQ(drill.status, 201);
  const std::int64_t seq = d.seq();

  HttpResult r = d.post_json("/v1/rollcalls/current/checkins", checkin("s001"), kIngest);
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("kind"), std::string::npos) << r.body;
  EXPECT_EQ(d.seq(), seq);
  EXPECT_EQ(d.refused("conflict"), 1);

  r = d.post_json("/v1/rollcalls/current/checkins?kind=drill", checkin("s001"), kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["rollcall"], drill.json()["rollcall"]);
  // Naming the roll call is never ambiguous.
  r = d.post_json("/v1/rollcalls/" + actual.json()["rollcall"].get<std::string>() + "/checkins",
                  checkin("s001"), kIngest);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(HttpApi, CheckinOutsideTheRollcallScopeIsRefused) {
  TestDaemon d;
  // s001 is in soumu; this roll call asks kikaku only.
  HttpResult r =
      d.post_json("/v1/rollcalls", {{"title", "企画課"}, {"departments", {"kikaku"}}}, kOperator);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t seq = d.seq();
  r = d.post_json("/v1/rollcalls/current/checkins", checkin("s001"), kIngest);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("scope"), std::string::npos) << r.body;
  EXPECT_EQ(d.post_json("/v1/rollcalls/current/checkins", checkin("s999"), kIngest).status, 400);
  EXPECT_EQ(d.seq(), seq);
  EXPECT_EQ(d.post_json("/v1/rollcalls",
                        {{"title", "x"}, {"departments", {"nope"}}, {"drill", true}}, kOperator)
                .status,
            400);
}

TEST(HttpApi, AlertRaiseAckCancel) {
  TestDaemon d;
  HttpResult r = d.post_json(
      "/v1/alerts", {{"kind", "bear"}, {"severity", "warning"}, {"title", "クマ出没"}}, kOperator);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json()["alert"];
  EXPECT_EQ(d.post_json("/v1/alerts", {{"kind", "bear"}, {"severity", "warning"}, {"title", "x"}},
                        kIngest)
                .status,
            403);

  r = d.post_json("/v1/alerts/" + id + "/ack", {{"by", "本部長"}}, kOperator);
  ASSERT_EQ(r.status, 200) << r.body;
  model::Situation s = d.snapshot();
  ASSERT_TRUE(s.alerts.count(id));
  EXPECT_EQ(s.alerts.at(id).alert.source.kind, model::AlertSourceKind::manual);
  EXPECT_EQ(s.alerts.at(id).acknowledged_by, std::optional<std::string>("本部長"));

  // Cancel takes an empty body as well.
  r = d.post("/v1/alerts/" + id + "/cancel", "", bearer(kOperator));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(d.snapshot().alerts.at(id).cancelled);
  const std::int64_t seq = d.seq();
  EXPECT_EQ(d.post("/v1/alerts/" + id + "/ack", "", bearer(kOperator)).status, 409);
  EXPECT_EQ(d.post("/v1/alerts/none/cancel", "", bearer(kOperator)).status, 404);
  EXPECT_EQ(d.seq(), seq);
}

TEST(HttpApi, SnapshotNeedsADisplayOrOperatorToken) {
  TestDaemon d;
  EXPECT_EQ(d.get("/v1/snapshot", kDisplay).status, 200);
  EXPECT_EQ(d.get("/v1/snapshot", kOperator).status, 200);
  EXPECT_EQ(d.get("/v1/snapshot", kIngest).status, 403);
  EXPECT_EQ(d.get("/v1/snapshot").status, 401);
  EXPECT_EQ(d.get("/v1/snapshot", "wrong").status, 401);
  HttpResult r = d.get("/v1/snapshot", kDisplay);
  model::Situation s = model::situation_from_json(r.json());
  EXPECT_EQ(s.directory.staff.size(), 120u);
  // Level-B groups are not even named on the wall.
  EXPECT_EQ(s.directory.find_group("jinji"), nullptr);
  EXPECT_NE(s.directory.find_group("hq"), nullptr);
}

TEST(HttpApi, EventsPagesThroughTheJournal) {
  TestDaemon d;
  for (int i = 1; i <= 5; ++i)
    ASSERT_EQ(d.post_json("/v1/talk", talk("m" + std::to_string(i)), kIngest).status, 200);
  HttpResult r = d.get("/v1/events?since=2&limit=2", kOperator);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.json();
  EXPECT_EQ(j["last_seq"], 5);
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][0]["seq"], 3);
  EXPECT_EQ(j["events"][0]["text"], "m3");
  EXPECT_EQ(j["events"][1]["seq"], 4);
  EXPECT_EQ(d.events(0).size(), 5u);
  EXPECT_TRUE(d.events(5).empty());

  EXPECT_EQ(d.get("/v1/events?since=0", kDisplay).status, 403);
  EXPECT_EQ(d.get("/v1/events?since=0").status, 401);
  EXPECT_EQ(d.get("/v1/events?since=abc", kOperator).status, 400);
  EXPECT_EQ(d.get("/v1/events?since=-1", kOperator).status, 400);
  EXPECT_EQ(d.get("/v1/events?limit=0", kOperator).status, 400);
}

TEST(HttpApi, UnknownPathIs404AndStreamWithoutUpgradeIsRefused) {
  TestDaemon d;
  HttpResult r = d.get("/v2/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("/v2/nothing"), std::string::npos);
  EXPECT_EQ(d.get("/v1/stream", kDisplay).status, 426);
}

TEST(HttpApi, KeepAliveAndPipelinedRequestsAreAnsweredInOrder) {
  TestDaemon d;
  int fd = connect_raw(d.port());
  ASSERT_GE(fd, 0);
  const std::string body = talk("pipelined").dump();
  const std::string post =
      "POST /v1/talk HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ingest-sample\r\n"
      "Content-Type: application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n" + post +
                               "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  std::string carry;
  HttpResult a = read_response(fd, 5s, &carry);
  HttpResult b = read_response(fd, 5s, &carry);
  HttpResult c = read_response(fd, 5s, &carry);
  ::close(fd);
  EXPECT_EQ(a.json()["seq"], 0) << a.error;
  EXPECT_EQ(b.status, 200) << b.error;
  EXPECT_EQ(b.json()["seq"], 1);
  EXPECT_EQ(c.json()["seq"], 1) << c.error;
}

}  // namespace
}  // namespace bcp::daemon::test
