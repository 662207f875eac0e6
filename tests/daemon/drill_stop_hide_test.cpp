// Issue 13 on the daemon: POST /v1/drill/stop stops the drill in one commit and leaves the
// actual event alone; POST /v1/talk/{id}/hide takes a post off every wall (two subscribed
// stream clients), out of snapshots and resumed streams, while GET /v1/events keeps the
// original and the hide for the audit. Real sockets on 127.0.0.1, every wait with a deadline.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json ok(const HttpResult& r) {
  EXPECT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
  return r.json();
}

std::string start_rollcall(const TestDaemon& d, const std::string& title, bool drill) {
  return ok(
      d.post_json("/v1/rollcalls", {{"title", title}, {"drill", drill}}, kOperator))["rollcall"];
}

std::string raise_alert(const TestDaemon& d, const std::string& title, const std::string& severity,
                        bool drill) {
  return ok(d.post_json(
      "/v1/alerts",
      {{"kind", "earthquake"}, {"severity", severity}, {"title", title}, {"drill", drill}},
      kOperator))["alert"];
}

// A subscriber's hello and snapshot, so that events_until() reads events from here on.
void skip_start(Subscriber& sub) {
  for (const char* type : {"hello", "snapshot"}) {
    auto frame = sub.next_non_heartbeat();
    ASSERT_TRUE(frame) << sub.error();
    ASSERT_EQ((*frame)["type"], type) << frame->dump().substr(0, 200);
  }
}

std::set<std::string> as_set(const json& list) {
  std::set<std::string> out;
  for (const auto& id : list) out.insert(id.get<std::string>());
  return out;
}

TEST(DrillStop, ClosesDrillRollcallsAndCancelsDrillAlertsInOneCommitWhileTheActualGoesOn) {
  TestDaemon d;
  Subscriber wall(d.port(), std::nullopt);
  skip_start(wall);
  const std::string drill_rc = start_rollcall(d, "【訓練】地震 安否確認", true);
  const std::string drill_quake = raise_alert(d, "【訓練】震度6弱", "critical", true);
  const std::string drill_bear = raise_alert(d, "【訓練】クマ出没", "warning", true);
  const std::string drill_gone = raise_alert(d, "【訓練】取消済", "advisory", true);
  ok(d.post_json("/v1/alerts/" + drill_gone + "/cancel", json::object(), kOperator));
  // The real thing during the drill: it must survive the stop untouched.
  const std::string real_quake = raise_alert(d, "震度6弱 胆振地方中東部", "critical", false);
  const std::string real_rc = start_rollcall(d, "震度6弱 安否確認", false);
  const std::int64_t before = d.seq();
  const double batches_before = d.metric("bcp_commit_batches_total");

  const json stopped = ok(d.post_json("/v1/drill/stop", json::object(), kOperator));
  EXPECT_EQ(as_set(stopped["closed"]), std::set<std::string>{drill_rc});
  EXPECT_EQ(as_set(stopped["cancelled"]), (std::set<std::string>{drill_quake, drill_bear}));
  // 1 close + 2 cancels + the 訓練中止 notice, answered with the last one's seq.
  ASSERT_EQ(stopped["seq"], before + 4);
  EXPECT_EQ(d.seq(), before + 4);

  // One commit: one journal transaction, all four with the same `received`.
  EXPECT_EQ(d.metric("bcp_commit_batches_total"), batches_before + 1);
  const std::vector<json> journaled = d.events(before);
  ASSERT_EQ(journaled.size(), 4u);
  std::multiset<std::string> types;
  for (const json& e : journaled) {
    types.insert(e["type"].get<std::string>());
    EXPECT_EQ(e["received"], journaled.front()["received"]);
  }
  EXPECT_EQ(types, (std::multiset<std::string>{"rollcall.closed", "alert.cancelled",
                                               "alert.cancelled", "notice"}));
  EXPECT_EQ(journaled.back()["type"], "notice");
  EXPECT_EQ(journaled.back()["text"], "訓練中止");
  EXPECT_EQ(journaled.back()["level"], "warning");

  const model::Situation s = d.snapshot();
  EXPECT_FALSE(s.rollcalls.at(drill_rc).open());
  EXPECT_TRUE(s.rollcalls.at(real_rc).open());
  EXPECT_EQ(s.open_rollcall(false), &s.rollcalls.at(real_rc));
  for (const std::string& id : {drill_quake, drill_bear}) {
    EXPECT_TRUE(s.alerts.at(id).cancelled) << id;
    EXPECT_EQ(s.alerts.at(id).cancel_reason, "訓練中止") << id;
  }
  EXPECT_FALSE(s.alerts.at(real_quake).cancelled);
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  EXPECT_FALSE(s.open_rollcall(true));
  for (const auto& [id, a] : s.alerts) EXPECT_FALSE(a.alert.drill && a.active(now)) << id;
  EXPECT_FALSE(s.shows_drill(now));
  ASSERT_TRUE(s.drill_stopped_at());

  // The walls hear the whole stop, in journal order.
  const std::vector<json> seen = wall.events_until(before + 4);
  ASSERT_FALSE(seen.empty()) << wall.error();
  EXPECT_EQ(seen.back()["seq"], before + 4);
  EXPECT_EQ(seen.back()["text"], "訓練中止");

  // Stopping again: nothing is shown of a drill, nothing is journaled, no second 訓練中止.
  const json again = ok(d.post_json("/v1/drill/stop", json::object(), kOperator));
  EXPECT_TRUE(again["closed"].empty());
  EXPECT_TRUE(again["cancelled"].empty());
  EXPECT_EQ(again["seq"], before + 4);
  EXPECT_EQ(d.seq(), before + 4);
}

TEST(DrillStop, AnEmptyBodyWorksAndEverythingElseIsRefused) {
  TestDaemon d;
  const std::string rc = start_rollcall(d, "【訓練】安否確認", true);
  EXPECT_EQ(d.post("/v1/drill/stop", "", bearer(kIngest)).status, 403);  // operator only
  EXPECT_EQ(d.post("/v1/drill/stop", "", {}).status, 401);
  EXPECT_EQ(d.post("/v1/drill/stop", "", bearer(kDisplay)).status, 403);
  const HttpResult unknown = d.post_json("/v1/drill/stop", {{"everything", true}}, kOperator);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("/everything"), std::string::npos) << unknown.body;
  EXPECT_EQ(d.post("/v1/drill/stop", "[1,2]", bearer(kOperator)).status, 400);
  EXPECT_EQ(d.post("/v1/drill/stop", "{", bearer(kOperator)).status, 400);
  EXPECT_EQ(d.get("/v1/drill/stop", kOperator).status, 404);
  EXPECT_TRUE(d.snapshot().rollcalls.at(rc).open());  // nothing refused was done
  const HttpResult empty = d.post("/v1/drill/stop", "", bearer(kOperator));
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(as_set(empty.json()["closed"]), std::set<std::string>{rc});
  EXPECT_FALSE(d.snapshot().rollcalls.at(rc).open());
}

// A JMA bulletin auto-starts an actual roll call while the drill's is open: both are open, and
// the stop then closes only the drill's.
TEST(DrillStop, LeavesAnActualRollcallStartedMeanwhileOpen) {
  TestDaemon d;
  const std::string drill_rc = start_rollcall(d, "【訓練】安否確認", true);
  const std::string real_rc = start_rollcall(d, "震度5強 安否確認", false);
  const json stopped = ok(d.post_json("/v1/drill/stop", json::object(), kOperator));
  EXPECT_EQ(as_set(stopped["closed"]), std::set<std::string>{drill_rc});
  const model::Situation s = d.snapshot();
  EXPECT_TRUE(s.rollcalls.at(real_rc).open());
  // Answers still go to the actual roll call, as "current" now that the drill's is closed.
  ok(d.post_json("/v1/rollcalls/current/checkins",
                 {{"staff", "s001"}, {"safety", "safe"}, {"can_work", "yes"}}, kIngest));
  EXPECT_EQ(d.snapshot().rollcalls.at(real_rc).total.answered, 1u);
}

json talk_body(const std::string& text, json attachments = json::array()) {
  return {{"group", "hq"},
          {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
          {"text", text},
          {"attachments", std::move(attachments)}};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Everything a wall can be sent: the snapshot frame after a hello with since null, or the
// frames after a hello with since N (replay, or a snapshot when the replay held a hidden post).
std::string stream_text(std::uint16_t port, std::optional<std::int64_t> since, std::int64_t until) {
  Subscriber sub(port, since);
  std::string all;
  while (auto frame = sub.next(3s)) {
    all += frame->dump();
    if ((*frame)["type"] == "snapshot" && (*frame)["seq"].get<std::int64_t>() >= until) break;
    if ((*frame)["type"] == "event" && (*frame)["event"]["seq"].get<std::int64_t>() >= until) break;
    if ((*frame)["type"] == "hello" && (*frame)["seq"].get<std::int64_t>() < until) break;
  }
  return all;
}

TEST(TalkHide, ATextAndAPhotoLeaveTwoSubscribedWallsAndEverySnapshotButStayInTheAudit) {
  TestDaemon d;
  Subscriber wall_a(d.port(), std::nullopt);
  Subscriber wall_b(d.port(), std::nullopt);
  skip_start(wall_a);
  skip_start(wall_b);
  const std::string kept_id =
      ok(d.post_json("/v1/talk", talk_body("本部を設置しました"), kIngest))["message_id"];
  const std::string wrong_id =
      ok(d.post_json("/v1/talk", talk_body("死者12名（誤った数字）"), kIngest))["message_id"];
  const std::string photo_id = ok(d.post_json(
      "/v1/talk",
      talk_body("免許証の写真", json::array({{{"kind", "image"}, {"name", "個人書類.jpg"}}})),
      kIngest))["message_id"];
  // A photo from the LINE WORKS room too: content type image, no text of its own.
  json lw_photo = lw_text("lw-s002", "ch-hq", "");
  lw_photo["content"] = {{"type", "image"}, {"resourceId", "res-passport"}};
  ASSERT_EQ(post_lineworks(d.port(), lw_photo.dump()).status, 200);
  const std::int64_t posted = d.seq();
  std::string lw_photo_id;
  const model::Situation before = d.snapshot();
  for (const auto& e : before.talk.at("hq").recent) {
    if (e.message.source == model::TalkSource::lineworks) lw_photo_id = e.message.message_id;
  }
  ASSERT_FALSE(lw_photo_id.empty());
  for (Subscriber* w : {&wall_a, &wall_b})
    ASSERT_EQ(w->events_until(posted).size(), 4u) << w->error();

  for (const std::string& id : {wrong_id, photo_id, lw_photo_id}) {
    SCOPED_TRACE("hiding " + id);
    const auto sent = std::chrono::steady_clock::now();
    const json hidden =
        ok(d.post_json("/v1/talk/" + id + "/hide", {{"reason", "個人情報・誤情報"}}, kOperator));
    ASSERT_TRUE(hidden["seq"].is_number_integer());
    EXPECT_EQ(hidden["message_id"], id);
    const std::int64_t seq = hidden["seq"];
    for (Subscriber* w : {&wall_a, &wall_b}) {
      const std::vector<json> got = w->events_until(seq);
      ASSERT_FALSE(got.empty()) << w->error();
      const json& e = got.back();
      EXPECT_EQ(e["type"], "talk.hidden");
      EXPECT_EQ(e["message_id"], id);
      EXPECT_EQ(e["reason"], "個人情報・誤情報");
      EXPECT_EQ(e["by"], "operator-sample");
      EXPECT_FALSE(e.contains("text")) << "the hide must not carry the content it hides";
    }
    // How fast, for the record (bench/ judges speed; this is what the room would see).
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - sent);
    RecordProperty("hide_" + id + "_to_both_walls_ms", std::to_string(ms.count()));
  }
  const std::int64_t last = d.seq();

  // The snapshot (walls, bcpctl) holds only the kept message, nothing of the three hidden ones.
  const HttpResult snapshot = d.get("/v1/snapshot", kDisplay);
  ASSERT_EQ(snapshot.status, 200);
  for (const char* gone : {"死者12名", "免許証", "個人書類.jpg"}) {
    EXPECT_FALSE(contains(snapshot.body, gone)) << gone;
  }
  EXPECT_TRUE(contains(snapshot.body, "本部を設置しました"));
  const model::Situation s = d.snapshot();
  ASSERT_EQ(s.talk.at("hq").recent.size(), 1u);
  EXPECT_EQ(s.talk.at("hq").recent.front().message.message_id, kept_id);

  // A wall (re)connecting from any point: neither a fresh snapshot nor a resumed stream
  // sends the hidden text again. A resume whose missed events held it gets a snapshot.
  for (std::optional<std::int64_t> since :
       {std::optional<std::int64_t>{}, std::optional<std::int64_t>{0},
        std::optional<std::int64_t>{posted}}) {
    const std::string sent = stream_text(d.port(), since, last);
    EXPECT_FALSE(sent.empty());
    EXPECT_TRUE(contains(sent, "本部を設置しました") || since == posted) << sent.substr(0, 200);
    for (const char* gone : {"死者12名", "免許証", "個人書類.jpg"}) {
      EXPECT_FALSE(contains(sent, gone))
          << gone << " since " << (since ? std::to_string(*since) : "null");
    }
  }

  // The audit: the operator's journal read still has each original and its hide.
  const HttpResult audit = d.get("/v1/events?since=0", kOperator);
  ASSERT_EQ(audit.status, 200);
  for (const char* original : {"死者12名（誤った数字）", "免許証の写真", "個人書類.jpg"}) {
    EXPECT_TRUE(contains(audit.body, original)) << original;
  }
  std::set<std::string> hides;
  const json audit_events = audit.json()["events"];
  for (const json& e : audit_events) {
    if (e["type"] == "talk.hidden") hides.insert(e["message_id"].get<std::string>());
  }
  EXPECT_EQ(hides, (std::set<std::string>{wrong_id, photo_id, lw_photo_id}));
  // And a display token cannot read it.
  EXPECT_EQ(d.get("/v1/events?since=0", kDisplay).status, 403);
}

TEST(TalkHide, UntrustedBodiesAndIdsAreRefusedNamingTheProblem) {
  TestDaemon d;
  const std::string id =
      ok(d.post_json("/v1/talk", talk_body("消される予定"), kIngest))["message_id"];
  const std::string path = "/v1/talk/" + id + "/hide";
  auto refused = [&](const HttpResult& r, int status, const std::string& names) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(contains(r.body, names)) << r.body;
  };
  refused(d.post_json(path, {{"reason", "x"}}, kIngest), 403, "operator");
  refused(d.post(path, R"({"reason":"x"})", {}), 401, "bearer");
  refused(d.post_json(path, json::object(), kOperator), 400, "/reason");
  refused(d.post_json(path, {{"reason", "   "}}, kOperator), 400, "/reason");
  refused(d.post_json(path, {{"reason", 12}}, kOperator), 400, "/reason");
  refused(d.post_json(path, {{"reason", json::array({"a"})}}, kOperator), 400, "/reason");
  refused(d.post_json(path, {{"reason", nullptr}}, kOperator), 400, "/reason");
  refused(d.post_json(path, {{"reason", {{"nested", "x"}}}}, kOperator), 400, "/reason");
  refused(d.post_json(path, {{"reason", std::string(201 * 3, 'a')}}, kOperator), 400,
          "200 characters");
  std::string long_japanese;
  for (int i = 0; i < 201; ++i) long_japanese += "誤";
  refused(d.post_json(path, {{"reason", long_japanese}}, kOperator), 400, "200 characters");
  refused(d.post_json(path, {{"reason", "x"}, {"by", "someone else"}}, kOperator), 400, "/by");
  refused(d.post(path, "\"just a string\"", bearer(kOperator)), 400, "object");
  refused(d.post(path, R"({"reason":"x"})",
                 {{"Authorization", "Bearer operator-sample"}, {"Content-Type", "text/plain"}}),
          415, "application/json");
  refused(d.post_json("/v1/talk/no-such-message/hide", {{"reason", "x"}}, kOperator), 404,
          "no-such-message");
  refused(d.post_json("/v1/talk/" + std::string(5000, 'z') + "/hide", {{"reason", "x"}}, kOperator),
          404, "…");
  EXPECT_EQ(d.snapshot().talk.at("hq").recent.size(), 1u);  // nothing refused was done

  // Exactly 200 characters is fine; hiding it a second time is a conflict, not a 404.
  std::string at_limit;
  for (int i = 0; i < 200; ++i) at_limit += "誤";
  ok(d.post_json(path, {{"reason", at_limit}}, kOperator));
  refused(d.post_json(path, {{"reason", "again"}}, kOperator), 409, "off the wall already");
  EXPECT_TRUE(d.snapshot().talk.at("hq").recent.empty());
  // The daemon still serves everybody else.
  EXPECT_GT(d.seq(), 0);
}

TEST(TalkHide, SurvivesARestartAndIsRefusedAgainAfterIt) {
  TempDir dir;
  std::string id;
  {
    TestDaemon d([&](DaemonOptions& o) { o.data_dir = dir.path(); });
    id = ok(d.post_json("/v1/talk", talk_body("再起動しても消えたまま"), kIngest))["message_id"];
    ok(d.post_json("/v1/talk/" + id + "/hide", {{"reason", "誤投稿"}}, kOperator));
  }
  TestDaemon d([&](DaemonOptions& o) { o.data_dir = dir.path(); });
  const HttpResult snapshot = d.get("/v1/snapshot", kDisplay);
  EXPECT_FALSE(contains(snapshot.body, "再起動しても")) << snapshot.body.substr(0, 300);
  EXPECT_EQ(d.post_json("/v1/talk/" + id + "/hide", {{"reason", "again"}}, kOperator).status, 409);
}

}  // namespace
}  // namespace bcp::daemon::test
