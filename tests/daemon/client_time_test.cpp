// Issue 12, class 13: a client's clock is not trusted. An `at` more than 5 minutes after the
// daemon received the item is refused (400 naming `at`); "newer" is the journal's order;
// nobody is last seen in the future. LINE WORKS answers are never lost for a wrong clock:
// they are taken at the time received.
#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

using std::chrono::system_clock;

model::TimePoint now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(system_clock::now());
}
std::string iso(model::TimePoint t) { return model::format_time(t); }
// The same moment written as JST but with a Z: 9 hours ahead.
std::string jst_with_z(model::TimePoint t) {
  std::string local = model::format_time(t + std::chrono::hours(9));
  return local;  // format_time always ends in Z
}

TEST(ClientTime, AnAtAheadOfReceiptIsRefusedOnEveryEndpoint) {
  TestDaemon d;
  HttpResult r = d.post_json("/v1/rollcalls", {{"title", "地震 安否確認"}}, kOperator);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t seq = d.seq();
  const double malformed = d.refused("malformed");

  const model::TimePoint now = now_ms();
  const std::vector<std::string> ahead = {
      "2099-01-01T00:00:00Z", iso(now + std::chrono::hours(1)), iso(now + std::chrono::minutes(10)),
      iso(now + std::chrono::minutes(6)), jst_with_z(now), "9999-12-31T23:59:59.999Z",
      // an offset that puts an innocent-looking time ahead
      model::format_time(now).substr(0, 19) + "-09:00"};
  struct Route {
    std::string target;
    json body;
    std::string token;
  };
  const std::vector<Route> routes = {
      {"/v1/talk",
       {{"group", "hq"},
        {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
        {"text", "庁舎点検完了"}},
       kIngest},
      {"/v1/availability", {{"staff", "s014"}, {"status", "in_office"}}, kIngest},
      {"/v1/rollcalls/current/checkins",
       {{"staff", "s014"}, {"safety", "safe"}, {"can_work", "yes"}},
       kIngest},
      {"/v1/rollcalls", {{"title", "訓練"}, {"drill", true}}, kOperator},
      {"/v1/alerts", {{"kind", "bear"}, {"severity", "warning"}, {"title", "クマ"}}, kOperator}};
  int sent = 0;
  for (const Route& route : routes) {
    for (const std::string& at : ahead) {
      json body = route.body;
      body["at"] = at;
      HttpResult res = d.post_json(route.target, body, route.token);
      ++sent;
      EXPECT_EQ(res.status, 400) << route.target << " at " << at << ": " << res.body;
      EXPECT_EQ(res.body.find("{\"error\":\"/at: "), 0u) << res.body;
      EXPECT_NE(res.body.find("at most 5 minutes ahead"), std::string::npos) << res.body;
    }
  }
  EXPECT_EQ(d.seq(), seq) << "an `at` ahead was stored";
  EXPECT_EQ(d.refused("malformed"), malformed + sent);

  // A little ahead (clocks differ by seconds), now, and the past are taken.
  for (const std::string& at : std::vector<std::string>{
           iso(now + std::chrono::minutes(4)), iso(now), "2026-11-24T05:00:00Z",
           model::format_time(now).substr(0, 19) + "+09:00"}) {
    json body = routes[1].body;
    body["at"] = at;
    HttpResult res = d.post_json("/v1/availability", body, kIngest);
    EXPECT_EQ(res.status, 200) << at << ": " << res.body;
  }
}

TEST(ClientTime, NobodyIsLastSeenInTheFuture) {
  TestDaemon d;
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "地震 安否確認"}}, kOperator).status, 201);
  const model::TimePoint ahead = now_ms() + std::chrono::minutes(4);  // inside the skew allowed
  ASSERT_EQ(d.post_json("/v1/availability",
                        {{"staff", "s010"}, {"status", "remote"}, {"at", iso(ahead)}}, kIngest)
                .status,
            200);
  ASSERT_EQ(d.post_json("/v1/talk",
                        {{"group", "hq"},
                         {"sender", {{"id", "s011"}, {"name", "職員"}}},
                         {"text", "了解"},
                         {"at", iso(ahead)}},
                        kIngest)
                .status,
            200);
  ASSERT_EQ(
      d.post_json("/v1/rollcalls/current/checkins",
                  {{"staff", "s012"}, {"safety", "safe"}, {"can_work", "yes"}, {"at", iso(ahead)}},
                  kIngest)
          .status,
      200);
  // LINE WORKS: an issuedTime far ahead is taken as the time received, not dropped.
  json lw = lw_text("lw-s013", "ch-hq", "役場に向かっています");
  lw["issuedTime"] = "2099-01-01T00:00:00Z";
  ASSERT_EQ(post_lineworks(d.port(), lw.dump()).status, 200);
  json postback = {{"type", "postback"},
                   {"source", {{"userId", "lw-s016"}, {"domainId", 1}}},
                   {"issuedTime", jst_with_z(now_ms())},
                   {"data", "anpi=serious_injury&work=no"}};
  ASSERT_EQ(post_lineworks(d.port(), postback.dump()).status, 200);
  const model::TimePoint after = now_ms();

  model::Situation s = d.snapshot();
  for (const char* staff : {"s010", "s011", "s012", "s013", "s016"}) {
    ASSERT_TRUE(s.staff.count(staff)) << staff;
    ASSERT_TRUE(s.staff.at(staff).last_seen) << staff;
    EXPECT_LE(*s.staff.at(staff).last_seen, after) << staff << " is last seen in the future";
  }
  const auto& rc = s.rollcalls.at(s.rollcall_order.front());
  ASSERT_TRUE(rc.latest.count("s016")) << "the LINE WORKS answer was lost";
  EXPECT_EQ(rc.latest.at("s016").answer.safety, model::Safety::serious_injury);
  EXPECT_LE(rc.latest.at("s016").at, after);
  for (const json& e : d.events()) {
    EXPECT_LE(model::parse_time(e["at"].get<std::string>()), ahead) << e.dump();
  }
  // The report says the same.
  HttpResult report = d.get("/v1/rollcalls/" + s.rollcall_order.front() + "/report", kOperator);
  ASSERT_EQ(report.status, 200);
  for (const json& p : report.json()["people"]) {
    if (p["last_seen_seconds_ago"].is_number()) {
      EXPECT_GE(p["last_seen_seconds_ago"].get<double>(), 0) << p.dump();
    }
  }
}

TEST(ClientTime, NewerIsWhatTheDaemonReceivedLater) {
  TestDaemon d;
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "地震 安否確認"}}, kOperator).status, 201);
  const model::TimePoint now = now_ms();
  // The desk's status with a clock 4 minutes ahead, then the person's answer: the answer is
  // newer (it came later), although its `at` is earlier.
  ASSERT_EQ(
      d.post_json(
           "/v1/availability",
           {{"staff", "s020"}, {"status", "in_office"}, {"at", iso(now + std::chrono::minutes(4))}},
           kIngest)
          .status,
      200);
  ASSERT_EQ(
      d.post_json("/v1/rollcalls/current/checkins",
                  {{"staff", "s020"}, {"safety", "minor_injury"}, {"can_work", "no"}}, kIngest)
          .status,
      200);
  // The other way round: an answer, then the desk marks an arrival from a clock an hour behind.
  ASSERT_EQ(d.post_json(
                 "/v1/rollcalls/current/checkins",
                 {{"staff", "s021"}, {"safety", "safe"}, {"can_work", "yes"}, {"location", "自宅"}},
                 kIngest)
                .status,
            200);
  ASSERT_EQ(
      d.post_json(
           "/v1/availability",
           {{"staff", "s021"}, {"status", "in_office"}, {"at", iso(now - std::chrono::hours(1))}},
           kIngest)
          .status,
      200);
  const model::Situation s = d.snapshot();
  const model::TimePoint t = now_ms();
  EXPECT_EQ(s.effective_availability("s020", t).status, model::Availability::off_duty);
  EXPECT_EQ(s.effective_availability("s020", t).origin, model::AvailabilityOrigin::checkin);
  EXPECT_EQ(s.effective_availability("s021", t).status, model::Availability::in_office);
  EXPECT_EQ(s.effective_availability("s021", t).origin, model::AvailabilityOrigin::manual);
  // A wall folding the stream from the journal decides the same.
  model::Situation replayed;
  replayed.directory = s.directory;
  for (const json& e : d.events()) model::apply(replayed, model::event_from_json(e));
  EXPECT_EQ(replayed.effective_availability("s020", t).status, model::Availability::off_duty);
  EXPECT_EQ(replayed.effective_availability("s021", t).status, model::Availability::in_office);
}

}  // namespace
}  // namespace bcp::daemon::test
