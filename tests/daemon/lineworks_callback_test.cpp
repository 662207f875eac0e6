// POST /callback/lineworks: signature over the raw body, mapping to our vocabulary, and the
// gate. LINE WORKS never resends, so anything correctly signed gets 200, taken or not.
#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

HttpResult post_signed(const TestDaemon& d, const std::string& body, const Headers& headers) {
  return d.post("/callback/lineworks", body, headers);
}

const model::TalkMessage& last_talk(const model::Situation& s, const std::string& group) {
  return s.talk.at(group).recent.back().message;
}

TEST(LineworksCallback, TextMessageIsTalkWithTheRosterName) {
  TestDaemon d;
  HttpResult r = post_lineworks(d.port(), lw_text("lw-s001", "ch-hq", "本部に到着しました").dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.body.empty()) << r.body;
  EXPECT_EQ(d.seq(), 1);
  model::Situation s = d.snapshot();
  const model::TalkMessage& m = last_talk(s, "hq");
  EXPECT_EQ(m.text, "本部に到着しました");
  EXPECT_EQ(m.sender.id, "s001");
  EXPECT_EQ(m.sender.name, "村田　達也");
  EXPECT_EQ(m.sender.department, std::optional<std::string>("soumu"));
  EXPECT_EQ(m.source, model::TalkSource::lineworks);
  EXPECT_EQ(s.talk.at("hq").recent.back().at, model::parse_time("2026-11-24T05:12:00.123Z"));
  // The account id never reaches the journal or the wall.
  EXPECT_EQ(d.get("/v1/events?since=0", kOperator).body.find("lw-s001"), std::string::npos);
  EXPECT_EQ(d.get("/v1/snapshot", kDisplay).body.find("lw-s001"), std::string::npos);
}

TEST(LineworksCallback, HeaderNamesAreCaseInsensitive) {
  TestDaemon d;
  const std::string a = lw_text("lw-s002", "ch-soumu", "小文字").dump();
  const std::string b = lw_text("lw-s002", "ch-soumu", "大文字").dump();
  EXPECT_EQ(post_signed(d, a,
                        {{"x-works-botid", kBotId},
                         {"x-works-signature", lineworks_signature(kBotSecret, a)}})
                .status,
            200);
  EXPECT_EQ(post_signed(d, b,
                        {{"X-WORKS-BOTID", kBotId},
                         {"X-Works-Signature", lineworks_signature(kBotSecret, b)}})
                .status,
            200);
  EXPECT_EQ(d.seq(), 2);
  EXPECT_EQ(d.snapshot().talk.at("soumu").recent.size(), 2u);
}

TEST(LineworksCallback, AttachmentsBecomeTalkAttachments) {
  TestDaemon d;
  auto post_content = [&](const json& content) {
    json body = lw_text("lw-s001", "ch-project", "");
    body["content"] = content;
    return post_lineworks(d.port(), body.dump()).status;
  };
  ASSERT_EQ(post_content({{"type", "image"}, {"fileId", "f1"}}), 200);
  ASSERT_EQ(post_content({{"type", "file"}, {"fileId", "f2"}}), 200);
  ASSERT_EQ(post_content({{"type", "location"},
                          {"address", "北海道架空町1-1"},
                          {"latitude", 43.06},
                          {"longitude", 141.35}}),
            200);
  ASSERT_EQ(post_content({{"type", "sticker"}, {"packageId", "1"}, {"stickerId", "2"}}), 200);
  model::Situation s = d.snapshot();
  const auto& recent = s.talk.at("project").recent;
  ASSERT_EQ(recent.size(), 4u);
  std::vector<model::AttachmentKind> kinds;
  for (const auto& e : recent) {
    ASSERT_EQ(e.message.attachments.size(), 1u);
    kinds.push_back(e.message.attachments[0].kind);
  }
  EXPECT_EQ(kinds, (std::vector<model::AttachmentKind>{
                       model::AttachmentKind::image, model::AttachmentKind::file,
                       model::AttachmentKind::location, model::AttachmentKind::sticker}));
  EXPECT_FALSE(recent[1].message.attachments[0].name.has_value());  // a callback has only fileId
  const model::Attachment& loc = recent[2].message.attachments[0];
  EXPECT_EQ(loc.address, std::optional<std::string>("北海道架空町1-1"));
  ASSERT_TRUE(loc.lat && loc.lon);
  EXPECT_DOUBLE_EQ(*loc.lat, 43.06);
  EXPECT_DOUBLE_EQ(*loc.lon, 141.35);
}

TEST(LineworksCallback, PostbackAnswersTheOpenRollcall) {
  TestDaemon d;
  HttpResult started = d.post_json("/v1/rollcalls", {{"title", "安否確認"}}, kOperator);
  ASSERT_EQ(started.status, 201);
  const std::string id = started.json()["rollcall"];
  json postback = {{"type", "postback"},
                   {"source", {{"userId", "lw-s003"}, {"channelId", "ch-hq"}}},
                   {"data", "anpi=safe&work=yes"}};
  ASSERT_EQ(post_lineworks(d.port(), postback.dump()).status, 200);
  // A button answer arrives as a text message carrying content.postback.
  json button = lw_text("lw-s004", "ch-hq", "軽傷・後から出勤");
  button["content"]["postback"] = "anpi=minor_injury&work=later";
  ASSERT_EQ(post_lineworks(d.port(), button.dump()).status, 200);

  model::Situation s = d.snapshot();
  const model::RollcallState& rc = s.rollcalls.at(id);
  ASSERT_EQ(rc.latest.count("s003"), 1u);
  EXPECT_EQ(rc.latest.at("s003").answer.safety, model::Safety::safe);
  EXPECT_EQ(rc.latest.at("s003").answer.can_work, model::CanWork::yes);
  EXPECT_EQ(rc.latest.at("s003").answer.source, "lineworks");
  ASSERT_EQ(rc.latest.count("s004"), 1u);
  EXPECT_EQ(rc.latest.at("s004").answer.safety, model::Safety::minor_injury);
  EXPECT_EQ(rc.latest.at("s004").answer.can_work, model::CanWork::later);
  EXPECT_TRUE(s.talk["hq"].recent.empty()) << "an answer is not talk";
}

TEST(LineworksCallback, PostbackWithoutOpenRollcallIsKeptAsNotice) {
  TestDaemon d;
  json postback = {
      {"type", "postback"}, {"source", {{"userId", "lw-s001"}}}, {"data", "anpi=safe&work=yes"}};
  ASSERT_EQ(post_lineworks(d.port(), postback.dump()).status, 200);
  EXPECT_EQ(d.seq(), 1);
  model::Situation s = d.snapshot();
  ASSERT_EQ(s.notices.size(), 1u);
  EXPECT_EQ(s.notices.back().notice.level, model::NoticeLevel::warning);
  EXPECT_NE(s.notices.back().notice.text.find("村田"), std::string::npos)
      << s.notices.back().notice.text;
  EXPECT_EQ(s.notices.back().notice.text.find("lw-s001"), std::string::npos);
}

TEST(LineworksCallback, JoinedAndLeftAreNotices) {
  TestDaemon d;
  ASSERT_EQ(post_lineworks(d.port(),
                           json({{"type", "joined"}, {"source", {{"channelId", "ch-hq"}}}}).dump())
                .status,
            200);
  ASSERT_EQ(post_lineworks(d.port(),
                           json({{"type", "left"}, {"source", {{"channelId", "ch-hq"}}}}).dump())
                .status,
            200);
  model::Situation s = d.snapshot();
  ASSERT_EQ(s.notices.size(), 2u);
  EXPECT_NE(s.notices[0].notice.text.find("災害対策本部"), std::string::npos)
      << s.notices[0].notice.text;
  EXPECT_NE(s.notices[0].notice.text, s.notices[1].notice.text);
}

TEST(LineworksCallback, UnknownUserIsShownByANeutralLabel) {
  TestDaemon d;
  ASSERT_EQ(post_lineworks(d.port(), lw_text("lw-guest-777", "ch-kyoryokutai", "こんにちは").dump())
                .status,
            200);
  const model::Situation s = d.snapshot();
  const model::TalkMessage& m = last_talk(s, "kyoryokutai");
  EXPECT_EQ(m.sender.name, "外部メンバー");
  EXPECT_EQ(m.sender.id.find("lw-guest-777"), std::string::npos);
  EXPECT_EQ(d.get("/v1/events?since=0", kOperator).body.find("lw-guest-777"), std::string::npos);
}

TEST(LineworksCallback, BadSignaturesAre401AndNothingIsStored) {
  TestDaemon d;
  const std::string body = lw_text("lw-s001", "ch-hq", "署名テスト").dump();
  const std::string other = lw_text("lw-s001", "ch-hq", "署名テスト2").dump();
  const std::string good = lineworks_signature(kBotSecret, body);
  struct Case {
    const char* what;
    Headers headers;
  };
  const Case cases[] = {
      {"wrong signature",
       {{"X-WORKS-BotId", kBotId}, {"X-WORKS-Signature", lineworks_signature("wrong", body)}}},
      {"missing signature", {{"X-WORKS-BotId", kBotId}}},
      {"empty signature", {{"X-WORKS-BotId", kBotId}, {"X-WORKS-Signature", ""}}},
      {"not base64", {{"X-WORKS-BotId", kBotId}, {"X-WORKS-Signature", "!!!"}}},
      {"signature of another body",
       {{"X-WORKS-BotId", kBotId}, {"X-WORKS-Signature", lineworks_signature(kBotSecret, other)}}},
      {"unknown bot", {{"X-WORKS-BotId", "2999999"}, {"X-WORKS-Signature", good}}},
      {"missing bot id", {{"X-WORKS-Signature", good}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(post_signed(d, body, c.headers).status, 401) << c.what;
  }
  EXPECT_EQ(d.refused("unauthorized"), std::size(cases));
  EXPECT_EQ(d.seq(), 0);
  // The same body correctly signed is taken: the refusals above were about the signature.
  EXPECT_EQ(post_lineworks(d.port(), body).status, 200);
  EXPECT_EQ(d.seq(), 1);
}

TEST(LineworksCallback, UnknownChannelIs200DroppedAndCounted) {
  TestDaemon d;
  ASSERT_EQ(post_lineworks(d.port(), lw_text("lw-s001", "ch-unknown", "どこ?").dump()).status, 200);
  EXPECT_EQ(d.seq(), 0);
  EXPECT_EQ(d.refused("unknown_group"), 1);
  EXPECT_EQ(post_lineworks(d.port(), lw_text("lw-s001", "ch-hq", "ok").dump()).status, 200);
  EXPECT_EQ(d.seq(), 1);
}

TEST(LineworksCallback, LevelBChannelIs200DroppedAndNeverStored) {
  TestDaemon d;
  ASSERT_EQ(post_lineworks(d.port(), lw_text("lw-s001", "ch-jinji", "人事評価の件").dump()).status,
            200);
  // Even a check-in answer from a classified room is not taken.
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "t"}}, kOperator).status, 201);
  json postback = {{"type", "postback"},
                   {"source", {{"userId", "lw-s001"}, {"channelId", "ch-jinji"}}},
                   {"data", "anpi=safe&work=yes"}};
  ASSERT_EQ(post_lineworks(d.port(), postback.dump()).status, 200);
  EXPECT_EQ(d.seq(), 1);
  EXPECT_EQ(d.refused("classification"), 2);
  EXPECT_EQ(d.get("/v1/events?since=0", kOperator).body.find("人事評価"), std::string::npos);
}

TEST(LineworksCallback, ReplayedCallbackIsTakenOnce) {
  TestDaemon d;
  const std::string body = lw_text("lw-s005", "ch-hq", "一度だけ").dump();
  EXPECT_EQ(post_lineworks(d.port(), body).status, 200);
  EXPECT_EQ(post_lineworks(d.port(), body).status, 200);
  EXPECT_EQ(d.seq(), 1);
  EXPECT_EQ(d.refused("duplicate"), 1);
  EXPECT_EQ(d.snapshot().talk.at("hq").recent.size(), 1u);
}

// LINE WORKS never resends, so a second copy is a replay whenever it comes: also after the
// daemon restarted, for every kind of item, not only talk.
TEST(LineworksCallback, ReplayedCallbackAcrossRestartIsTakenOnce) {
  TempDir data;
  auto same_dir = [&](DaemonOptions& o) { o.data_dir = data.path(); };
  const std::string talk = lw_text("lw-s005", "ch-hq", "再送テスト").dump();
  const std::string joined =
      json({{"type", "joined"}, {"source", {{"channelId", "ch-soumu"}}}}).dump();
  const std::string answer = json({{"type", "postback"},
                                   {"source", {{"userId", "lw-s006"}}},
                                   {"data", "anpi=safe&work=yes"}})
                                 .dump();
  {
    TestDaemon d(same_dir);
    ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "t"}}, kOperator).status, 201);
    for (const std::string& body : {talk, joined, answer}) {
      ASSERT_EQ(post_lineworks(d.port(), body).status, 200);
    }
    ASSERT_EQ(d.seq(), 4);
  }
  TestDaemon d(same_dir);
  ASSERT_EQ(d.seq(), 4);
  EXPECT_EQ(post_lineworks(d.port(), talk).status, 200);
  EXPECT_EQ(d.seq(), 4) << "talk stored twice";
  EXPECT_EQ(post_lineworks(d.port(), joined).status, 200);
  EXPECT_EQ(d.seq(), 4) << "joined notice stored twice";
  EXPECT_EQ(post_lineworks(d.port(), answer).status, 200);
  EXPECT_EQ(d.seq(), 4) << "check-in stored twice";
}

TEST(LineworksCallback, SignedButMalformedBodyIs200AndDropped) {
  TestDaemon d;
  EXPECT_EQ(post_lineworks(d.port(), "{not json").status, 200);
  EXPECT_EQ(post_lineworks(d.port(), json({{"type", "message"}}).dump()).status, 200);
  json bad_utf8 = lw_text("lw-s001", "ch-hq", "x");
  std::string raw = bad_utf8.dump();
  raw.replace(raw.find("\"x\""), 3, "\"\xff\xfe\"");
  EXPECT_EQ(post_lineworks(d.port(), raw).status, 200);
  EXPECT_EQ(d.seq(), 0);
  EXPECT_EQ(d.refused("malformed"), 3);
}

}  // namespace
}  // namespace bcp::daemon::test
