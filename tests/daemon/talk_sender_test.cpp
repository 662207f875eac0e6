// POST /v1/talk and the roster (DESIGN.md, Event vocabulary): a roster staff id may come
// without name and department, and the message and the keyword alert it raises show the
// same name, the roster's, wherever they are seen.
#include <gtest/gtest.h>

#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

const model::AlertState* rule_alert(const model::Situation& s) {
  for (const auto& [id, a] : s.alerts) {
    if (a.alert.source.kind == model::AlertSourceKind::rule) return &a;
  }
  return nullptr;
}

TEST(TalkSender, RosterIdWithoutNameTakesTheRostersNameAndDepartment) {
  TestDaemon d;
  for (const json& sender :
       {json{{"id", "s001"}}, json{{"id", "s001"}, {"department", "kensetsu"}}}) {
    HttpResult r = d.post_json(
        "/v1/talk", {{"group", "hq"}, {"sender", sender}, {"text", "庁舎の点検を始めます"}},
        kIngest);
    ASSERT_EQ(r.status, 200) << sender << ": " << r.body;
  }
  const model::Situation s = d.snapshot();
  ASSERT_EQ(s.talk.at("hq").recent.size(), 2u);
  for (const auto& m : s.talk.at("hq").recent) {
    EXPECT_EQ(m.message.sender.id, "s001");
    EXPECT_EQ(m.message.sender.name, "村田　達也");
    EXPECT_EQ(m.message.sender.department, std::optional<std::string>("soumu"));
  }
  // The journal holds the name too, so a replay or an export needs no roster to read it.
  for (const json& e : d.events()) EXPECT_EQ(e["sender"]["name"], "村田　達也") << e;
}

TEST(TalkSender, SomeoneOutsideTheRosterStillNeedsAName) {
  TestDaemon d;
  HttpResult r = d.post_json(
      "/v1/talk",
      {{"group", "kyoryokutai"}, {"sender", {{"id", "guest-7"}}}, {"text", "到着しました"}},
      kIngest);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.json().value("error", "").find("/sender/name"), std::string::npos) << r.body;
  EXPECT_EQ(d.seq(), 0);
  r = d.post_json("/v1/talk",
                  {{"group", "kyoryokutai"},
                   {"sender", {{"id", "guest-7"}, {"name", "外部の方"}}},
                   {"text", "到着しました"}},
                  kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(d.snapshot().talk.at("kyoryokutai").recent.front().message.sender.name, "外部の方");
}

TEST(TalkSender, MessageAndItsKeywordAlertShowTheSameName) {
  TestDaemon d;
  // Posted under another name than the roster's (a shared PC, a typo): the wall's talk row
  // shows the roster's name, so the alert body must as well.
  HttpResult r = d.post_json("/v1/talk",
                             {{"group", "hq"},
                              {"sender", {{"id", "s085"}, {"name", "本部PC"}}},
                              {"text", "河川敷でクマを見ました"}},
                             kIngest);
  ASSERT_EQ(r.status, 200) << r.body;
  const model::Situation s = d.snapshot();
  const std::string roster_name = sample_town().find_staff("s085")->name;
  ASSERT_NE(roster_name, "本部PC");
  ASSERT_EQ(s.talk.at("hq").recent.size(), 1u);
  EXPECT_EQ(s.talk.at("hq").recent.front().message.sender.name, roster_name);
  const model::AlertState* a = rule_alert(s);
  ASSERT_NE(a, nullptr) << "クマ raises the sample town's bear rule";
  EXPECT_NE(a->alert.body.find(roster_name), std::string::npos) << a->alert.body;
  EXPECT_EQ(a->alert.body.find("本部PC"), std::string::npos) << a->alert.body;
}

}  // namespace
}  // namespace bcp::daemon::test
