// Issue 12, class 11: free text and self-declared sources. A check-in's location and note
// and a status's note reach the wall like talk does, so they obey talk's rule: a declared
// `level` other than "C" is refused (403 classification) and nothing is stored. `source`
// says which adapter took an item and is never taken from the client.
#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

// Every way of declaring something other than level C.
const std::vector<json> kNotC = {"B",
                                 "A",
                                 "c",
                                 "",
                                 " C",
                                 "C ",
                                 "level C",
                                 nullptr,
                                 3,
                                 json::array({"C"}),
                                 json({{"level", "C"}}),
                                 true};

class FreeTextGate : public ::testing::Test {
 protected:
  TestDaemon d;
  std::string rollcall;

  void SetUp() override {
    HttpResult r = d.post_json("/v1/rollcalls", {{"title", "地震 安否確認"}}, kOperator);
    ASSERT_EQ(r.status, 201) << r.body;
    rollcall = r.json()["rollcall"];
  }

  // Every body is refused with `status`, names `field`, and leaves the journal as it was.
  void expect_refused(const std::string& target, const std::vector<json>& bodies, int status,
                      const std::string& field, const std::string& reason) {
    const std::int64_t seq = d.seq();
    const double before = d.refused(reason);
    for (const json& body : bodies) {
      HttpResult r = d.post_json(target, body, kIngest);
      EXPECT_EQ(r.status, status) << target << " " << body.dump() << ": " << r.body;
      EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
    }
    EXPECT_EQ(d.seq(), seq) << target << ": something refused was stored";
    EXPECT_EQ(d.refused(reason), before + double(bodies.size()));
  }
};

TEST_F(FreeTextGate, CheckinFreeTextObeysTheLevelRuleOfTalk) {
  std::vector<json> bodies;
  for (const json& level : kNotC) {
    bodies.push_back({{"staff", "s001"},
                      {"safety", "safe"},
                      {"can_work", "yes"},
                      {"location", "人事課 会議室"},
                      {"note", "人事評価の件で遅れます"},
                      {"level", level}});
    bodies.push_back(
        {{"staff", "s002"}, {"safety", "minor_injury"}, {"can_work", "later"}, {"level", level}});
  }
  expect_refused("/v1/rollcalls/" + rollcall + "/checkins", bodies, 403, "/level",
                 "classification");
  expect_refused("/v1/rollcalls/current/checkins", {bodies.front()}, 403, "/level",
                 "classification");
  EXPECT_EQ(d.snapshot().rollcalls.at(rollcall).total.answered, 0u);

  // Level C, declared or not (as for talk in a level-C group), is taken; `level` is not stored.
  HttpResult r = d.post_json("/v1/rollcalls/current/checkins",
                             {{"staff", "s001"},
                              {"safety", "safe"},
                              {"can_work", "yes"},
                              {"note", "徒歩"},
                              {"level", "C"}},
                             kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  r = d.post_json("/v1/rollcalls/current/checkins",
                  {{"staff", "s002"}, {"safety", "safe"}, {"can_work", "yes"}}, kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  for (const json& e : d.events()) EXPECT_FALSE(e.contains("level")) << e.dump();
  EXPECT_EQ(d.snapshot().rollcalls.at(rollcall).latest.at("s001").answer.note, "徒歩");
}

TEST_F(FreeTextGate, StatusNoteObeysTheLevelRuleOfTalk) {
  std::vector<json> bodies;
  for (const json& level : kNotC) {
    bodies.push_back(
        {{"staff", "s014"}, {"status", "out"}, {"note", "人事面談"}, {"level", level}});
    bodies.push_back({{"staff", "s014"}, {"status", "in_office"}, {"level", level}});
  }
  expect_refused("/v1/availability", bodies, 403, "/level", "classification");
  EXPECT_FALSE(d.snapshot().staff.count("s014"));
  HttpResult r = d.post_json(
      "/v1/availability",
      {{"staff", "s014"}, {"status", "en_route"}, {"note", "徒歩で登庁中"}, {"level", "C"}},
      kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(d.snapshot().staff.at("s014").availability->note, "徒歩で登庁中");
}

TEST_F(FreeTextGate, SourceIsSetByTheAdapterNeverByTheClient) {
  // A status claiming to come from a calendar, a check-in or LINE WORKS; wrong types too.
  std::vector<json> statuses;
  for (const json& source : {json("calendar"), json("checkin"), json("lineworks"), json("api"),
                             json("Manual"), json(nullptr), json(1), json::object()}) {
    statuses.push_back({{"staff", "s014"}, {"status", "leave"}, {"source", source}});
  }
  expect_refused("/v1/availability", statuses, 400, "/source", "malformed");

  std::vector<json> checkins;
  for (const json& source : {json("lineworks"), json("calendar"), json("manual"), json("API"),
                             json(nullptr), json(false)}) {
    checkins.push_back(
        {{"staff", "s001"}, {"safety", "serious_injury"}, {"can_work", "no"}, {"source", source}});
  }
  expect_refused("/v1/rollcalls/current/checkins", checkins, 400, "/source", "malformed");

  std::vector<json> talks;
  for (const json& source : {json("lineworks"), json("calendar"), json(nullptr)}) {
    talks.push_back({{"group", "hq"},
                     {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
                     {"text", "LINE WORKSから"},
                     {"source", source}});
  }
  expect_refused("/v1/talk", talks, 400, "/source", "malformed");

  // An alert's source is the operator's token; a body claiming JMA or CAP is refused.
  const std::int64_t seq = d.seq();
  for (const json& source : {json({{"kind", "jma"}}),
                             json({{"kind", "manual"}, {"ref", "someone-else"}}), json("cap")}) {
    HttpResult r = d.post_json("/v1/alerts",
                               {{"kind", "earthquake"},
                                {"severity", "critical"},
                                {"title", "震度6強"},
                                {"source", source}},
                               kOperator);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("/source"), std::string::npos) << r.body;
  }
  EXPECT_EQ(d.seq(), seq);

  // The one true value, or none: stored as the adapter that took it.
  ASSERT_EQ(d.post_json("/v1/availability",
                        {{"staff", "s014"}, {"status", "leave"}, {"source", "manual"}}, kIngest)
                .status,
            200);
  ASSERT_EQ(
      d.post_json("/v1/availability", {{"staff", "s015"}, {"status", "leave"}}, kIngest).status,
      200);
  ASSERT_EQ(
      d.post_json("/v1/rollcalls/current/checkins",
                  {{"staff", "s001"}, {"safety", "safe"}, {"can_work", "yes"}, {"source", "api"}},
                  kIngest)
          .status,
      200);
  ASSERT_EQ(d.post_json("/v1/talk",
                        {{"group", "hq"},
                         {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
                         {"text", "了解"}},
                        kIngest)
                .status,
            200);
  ASSERT_EQ(d.post_json("/v1/alerts",
                        {{"kind", "bear"}, {"severity", "warning"}, {"title", "クマ"}}, kOperator)
                .status,
            201);
  std::vector<json> events = d.events(seq);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["source"], "manual");
  EXPECT_EQ(events[1]["source"], "manual");
  EXPECT_EQ(events[2]["source"], "api");
  EXPECT_EQ(events[3]["source"], "api");
  EXPECT_EQ(events[4]["source"],
            json({{"kind", "manual"}, {"ref", sample_town().find_token(kOperator)->name}}));
  // The calendar slot is only ever filled by the daemon's own calendar import.
  model::Situation s = d.snapshot();
  EXPECT_FALSE(s.staff.at("s014").calendar);
  EXPECT_EQ(s.staff.at("s014").availability->source, model::AvailabilitySource::manual);
}

}  // namespace
}  // namespace bcp::daemon::test
