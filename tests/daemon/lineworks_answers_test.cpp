// Roll-call answers through the LINE WORKS bot (DESIGN.md "LINE WORKS both ways"): a button
// press (a `message` with content.postback) and a quick-reply press (a `postback` with
// top-level data), from the bot's 1:1 rooms and from group rooms, signed and sent to a daemon
// over loopback. Each is counted in the roll call it names, never in another; an answer that
// no roll call takes is kept as a notice and the person is told through BotReplies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "daemon_fixture.hpp"
#include "recording_bot_replies.hpp"

namespace bcp::daemon::test {
namespace {

// The roll call the answer fixtures name (rc=rc-drill-1124).
constexpr const char* kDrill = "rc-drill-1124";

json fixture(const std::string& name) {
  std::ifstream in(fs::path(BCP_SOURCE_DIR) / "tests/daemon/fixtures/lineworks" / name,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return json::parse(s.str());
}

// A daemon whose bot replies are recorded.
struct AnsweringDaemon {
  RecordingBotReplies bot;
  TestDaemon d{[this](DaemonOptions& o) { o.bot_replies = &bot; }};

  void start(const std::string& id, bool drill = true,
             const std::string& title = "地震訓練 安否確認") {
    HttpResult r = d.post_json("/v1/rollcalls",
                               {{"rollcall", id}, {"title", title}, {"drill", drill}}, kOperator);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void close(const std::string& id) {
    HttpResult r = d.post_json("/v1/rollcalls/" + id + "/close", json::object(), kOperator);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  void send(const json& body) {
    HttpResult r = post_lineworks(d.port(), body.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // The answer of `staff` in roll call `id`, or nullptr.
  std::optional<model::RollcallCheckin> answer(const std::string& id, const std::string& staff) {
    model::Situation s = d.snapshot();
    const model::RollcallState& rc = s.rollcalls.at(id);
    auto it = rc.latest.find(staff);
    if (it == rc.latest.end()) return std::nullopt;
    return it->second.answer;
  }
  std::vector<json> notices() {
    std::vector<json> out;
    for (const json& e : d.events()) {
      if (e["type"] == "notice") out.push_back(e);
    }
    return out;
  }
};

TEST(LineworksAnswers, AQuickReplyFromAOneToOneRoomIsCounted) {
  AnsweringDaemon a;
  a.start(kDrill);
  // Its channelId is the 1:1 room's, in no group config.
  a.send(fixture("quick-reply-direct.json"));
  auto c = a.answer(kDrill, "s008");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->safety, model::Safety::minor_injury);
  EXPECT_EQ(c->can_work, model::CanWork::later);
  EXPECT_EQ(c->source, "lineworks");
  EXPECT_EQ(a.d.refused("unknown_group"), 0);
  EXPECT_TRUE(a.bot.replies().empty());
}

TEST(LineworksAnswers, AButtonPressInAOneToOneRoomCountsWithSafetyAlone) {
  AnsweringDaemon a;
  a.start(kDrill);
  a.send(fixture("button-direct.json"));  // no channelId, rc=…&anpi=safe
  auto c = a.answer(kDrill, "s007");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->safety, model::Safety::safe);
  EXPECT_EQ(c->can_work, model::CanWork::unknown) << "work was not asked yet";
  EXPECT_EQ(a.d.snapshot().rollcalls.at(kDrill).total.answered, 1u);
  // The button's text (無事) is the person's answer, not talk.
  for (const auto& [group, talk] : a.d.snapshot().talk) EXPECT_TRUE(talk.recent.empty()) << group;
}

TEST(LineworksAnswers, AnswersInGroupRoomsKeepWorking) {
  AnsweringDaemon a;
  a.start(kDrill);
  a.send(fixture("postback.json"));         // postback in ch-hq naming the roll call
  a.send(fixture("button-postback.json"));  // button in ch-hq, no rc: the one open roll call
  auto s005 = a.answer(kDrill, "s005");
  ASSERT_TRUE(s005);
  EXPECT_EQ(s005->safety, model::Safety::serious_injury);
  EXPECT_EQ(s005->can_work, model::CanWork::no);
  auto s006 = a.answer(kDrill, "s006");
  ASSERT_TRUE(s006);
  EXPECT_EQ(s006->safety, model::Safety::safe);
  EXPECT_EQ(s006->can_work, model::CanWork::yes);
  for (const auto& [group, talk] : a.d.snapshot().talk) {
    EXPECT_TRUE(talk.recent.empty()) << group << ": an answer is not talk";
  }
}

// The shape bcp-sim sends: a 1:1 postback with no channelId and no rc=.
TEST(LineworksAnswers, AnAnswerWithoutRcGoesToTheOneOpenRollCall) {
  AnsweringDaemon a;
  a.start(kDrill);
  a.send({{"type", "postback"},
          {"source", {{"userId", "lw-s030"}, {"domainId", 10000001}}},
          {"data", "anpi=needs_help&work=no"}});
  auto c = a.answer(kDrill, "s030");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->safety, model::Safety::needs_help);
}

TEST(LineworksAnswers, EachAnswerIsCountedInTheRollCallItNames) {
  AnsweringDaemon a;
  a.start(kDrill, true);
  a.start("rc-actual-1124", false, "地震 安否確認");
  a.send(fixture("quick-reply-direct.json"));  // names the drill
  json actual = fixture("button-direct.json");
  actual["content"]["postback"] = "rc=rc-actual-1124&anpi=serious_injury&work=no";
  a.send(actual);
  EXPECT_TRUE(a.answer(kDrill, "s008"));
  EXPECT_FALSE(a.answer("rc-actual-1124", "s008"));
  EXPECT_TRUE(a.answer("rc-actual-1124", "s007"));
  EXPECT_FALSE(a.answer(kDrill, "s007"));
  // Without rc= while both are open, which one it meant is unknown: kept, counted in neither.
  a.send({{"type", "postback"},
          {"source", {{"userId", "lw-s009"}, {"domainId", 10000001}}},
          {"data", "anpi=safe"}});
  EXPECT_FALSE(a.answer(kDrill, "s009"));
  EXPECT_FALSE(a.answer("rc-actual-1124", "s009"));
  ASSERT_EQ(a.notices().size(), 1u);
  EXPECT_TRUE(a.bot.replies().empty());
}

TEST(LineworksAnswers, AnAnswerForAClosedRollCallIsNotCountedInTheOpenOneAndThePersonIsTold) {
  AnsweringDaemon a;
  a.start(kDrill);
  a.close(kDrill);
  a.start("rc-drill-1125");  // the next drill is open
  const std::int64_t before = a.d.seq();
  a.send(fixture("quick-reply-direct.json"));  // from a 1:1 room
  a.send(fixture("postback.json"));            // from ch-hq
  EXPECT_FALSE(a.answer("rc-drill-1125", "s008"));
  EXPECT_FALSE(a.answer("rc-drill-1125", "s005"));
  EXPECT_FALSE(a.answer(kDrill, "s008"));
  EXPECT_EQ(a.d.snapshot().rollcalls.at("rc-drill-1125").total.answered, 0u);
  // Kept as notices (the room sees that someone answered late), never lost.
  EXPECT_EQ(a.d.seq(), before + 2);
  std::vector<json> notices = a.notices();
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_NE(notices[0]["text"].get<std::string>().find("終了した点呼「地震訓練 安否確認」"),
            std::string::npos)
      << notices[0];
  EXPECT_EQ(a.bot.replies(), (std::vector<NotCountedReply>{
                                 {"lw-s008", "s008", kDrill, AnswerProblem::rollcall_closed},
                                 {"lw-s005", "s005", kDrill, AnswerProblem::rollcall_closed}}));
}

TEST(LineworksAnswers, AnAnswerForAnUnknownRollCallIsNotCountedAndThePersonIsTold) {
  AnsweringDaemon a;
  a.start(kDrill);
  json unknown = fixture("button-direct.json");
  unknown["content"]["postback"] = "rc=rc-drill-0999&anpi=safe";
  a.send(unknown);
  EXPECT_FALSE(a.answer(kDrill, "s007"));
  std::vector<json> notices = a.notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["text"].get<std::string>().find("rc-drill-0999"), std::string::npos)
      << "the id a button carried is not shown on the wall";
  EXPECT_EQ(a.bot.replies(), (std::vector<NotCountedReply>{{"lw-s007", "s007", "rc-drill-0999",
                                                            AnswerProblem::rollcall_unknown}}));
}

TEST(LineworksAnswers, AnAnswerWithoutRcWhileNoneIsOpenIsKeptAndThePersonIsTold) {
  AnsweringDaemon a;
  a.send(fixture("button-postback.json"));
  ASSERT_EQ(a.notices().size(), 1u);
  EXPECT_EQ(a.notices()[0]["level"], "warning");
  EXPECT_EQ(
      a.bot.replies(),
      (std::vector<NotCountedReply>{{"lw-s006", "s006", "", AnswerProblem::no_open_rollcall}}));
}

TEST(LineworksAnswers, AReplayedUncountedAnswerIsToldOnce) {
  AnsweringDaemon a;
  a.send(fixture("button-direct.json"));
  a.send(fixture("button-direct.json"));
  EXPECT_EQ(a.d.refused("duplicate"), 1);
  EXPECT_EQ(a.bot.replies().size(), 1u);
}

TEST(LineworksAnswers, AnAnswerFromAnUnmappedAccountIsSilentAndCounted) {
  AnsweringDaemon a;
  a.start(kDrill);
  const std::int64_t before = a.d.seq();
  json stranger = fixture("quick-reply-direct.json");
  stranger["source"]["userId"] = "lw-guest-777";
  a.send(stranger);
  json stranger_button = fixture("button-direct.json");
  stranger_button["source"]["userId"] = "lw-guest-777";
  a.send(stranger_button);
  EXPECT_EQ(a.d.seq(), before) << "an unmapped account's answer was journaled";
  EXPECT_EQ(a.d.refused("unknown_user"), 2);
  EXPECT_EQ(a.d.metric(R"(bcp_items_refused_total{reason="unknown_user"})"), 2);
  EXPECT_TRUE(a.bot.replies().empty()) << "nobody to tell";
  EXPECT_EQ(a.d.snapshot().rollcalls.at(kDrill).total.answered, 0u);
}

TEST(LineworksAnswers, AnAnswerFromAClassifiedRoomOrAButtonInAnUnknownRoomIsNotTaken) {
  AnsweringDaemon a;
  a.start(kDrill);
  json classified = fixture("postback.json");
  classified["source"]["channelId"] = "ch-jinji";  // level B
  a.send(classified);
  EXPECT_EQ(a.d.refused("classification"), 1);
  // A message always comes without channelId from a 1:1 room; one with an unknown channelId
  // is from a room the town did not configure.
  json button = fixture("button-direct.json");
  button["source"]["channelId"] = "ch-nowhere";
  a.send(button);
  EXPECT_EQ(a.d.refused("unknown_group"), 1);
  EXPECT_EQ(a.d.snapshot().rollcalls.at(kDrill).total.answered, 0u);
}

TEST(LineworksAnswers, PostbackDataThatIsNotAnAnswerIsIgnored) {
  AnsweringDaemon a;
  a.start(kDrill);
  const std::int64_t before = a.d.seq();
  for (const char* data : {"anpi=fine", "anpi=safe&x=1", "start", "rc=rc-drill-1124",
                           "rc=rc-drill-1124&rollcall=rc-drill-1124&anpi=safe"}) {
    json body = fixture("quick-reply-direct.json");
    body["data"] = data;
    a.send(body);
  }
  EXPECT_EQ(a.d.seq(), before);
  EXPECT_EQ(a.d.refused("ignored"), 5);
}

// The outbox only queues, but whatever it throws stays out of the I/O thread: LINE WORKS
// still gets its 200, the notice is journaled, and the daemon goes on.
TEST(LineworksAnswers, ABotReplyThatThrowsLeavesTheCallbackAnswered) {
  struct Throwing : BotReplies {
    void answer_not_counted(const std::string&, const std::string&, const std::string&,
                            AnswerProblem) override {
      throw std::runtime_error("outbox full");
    }
  } throwing;
  TestDaemon d([&](DaemonOptions& o) { o.bot_replies = &throwing; });
  ASSERT_EQ(post_lineworks(d.port(), fixture("button-direct.json").dump()).status, 200);
  EXPECT_EQ(d.seq(), 1);
  ASSERT_EQ(post_lineworks(d.port(), fixture("join.json").dump()).status, 200);
  EXPECT_EQ(d.seq(), 2);
}

// The spelling of before (docs/protocol.md until issue 15; bcp-sim still sends it).
TEST(LineworksAnswers, TheOldRollcallKeyIsReadAsRc) {
  AnsweringDaemon a;
  a.start(kDrill);
  a.start("rc-actual-1124", false, "地震 安否確認");
  json old = fixture("quick-reply-direct.json");
  old["data"] = "anpi=safe&work=yes&rollcall=rc-actual-1124";
  a.send(old);
  EXPECT_TRUE(a.answer("rc-actual-1124", "s008"));
  EXPECT_FALSE(a.answer(kDrill, "s008"));
}

}  // namespace
}  // namespace bcp::daemon::test
