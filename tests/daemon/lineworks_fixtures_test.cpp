// Every callback shape LINE WORKS documents (tests/daemon/fixtures/lineworks/, written from
// DESIGN.md "LINE WORKS both ways" and ../shared/notes/lineworks-api.md §3), signed and sent
// to a daemon over loopback: what each one journals, what the wall sees, what stays silent.
// Roll-call answers in their rooms: lineworks_answers_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(fs::path(BCP_SOURCE_DIR) / "tests/daemon/fixtures/lineworks" / name,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  if (s.str().empty()) ADD_FAILURE() << "fixture " << name << " is missing or empty";
  return s.str();
}

// Sends the fixture signed with the sample bot's secret; LINE WORKS gets 200 whatever it is.
void send(const TestDaemon& d, const std::string& name) {
  HttpResult r = post_lineworks(d.port(), fixture(name));
  ASSERT_EQ(r.status, 200) << name << ": " << r.body;
}

std::size_t talk_count(const model::Situation& s) {
  std::size_t n = 0;
  for (const auto& [group, talk] : s.talk) n += talk.recent.size();
  return n;
}

TEST(LineworksFixtures, TextInAGroupIsTalkInThatGroup) {
  TestDaemon d;
  send(d, "text.json");
  model::Situation s = d.snapshot();
  ASSERT_EQ(s.talk.at("hq").recent.size(), 1u);
  EXPECT_EQ(s.talk.at("hq").recent[0].message.text, "【訓練】役場裏の河川敷でクマを目撃しました。");
  EXPECT_EQ(s.talk.at("hq").recent[0].message.sender.id, "s001");
}

TEST(LineworksFixtures, TextInTheBotsOneToOneRoomNeverReachesTheWall) {
  TestDaemon d;
  send(d, "direct-message.json");
  EXPECT_EQ(d.seq(), 0) << "1:1 text was journaled";
  EXPECT_EQ(talk_count(d.snapshot()), 0u);
  EXPECT_EQ(d.refused("ignored"), 1);
  EXPECT_EQ(d.get("/v1/events?since=0", kOperator).body.find("1:1 トーク"), std::string::npos);
}

TEST(LineworksFixtures, BeginAndEndOfAOneToOneRoomAreSilent) {
  TestDaemon d;
  send(d, "begin.json");
  send(d, "end.json");
  EXPECT_EQ(d.seq(), 0);
  // Not refusals either: the 1:1 room's channelId is in no group config on purpose.
  for (const char* reason : {"unknown_group", "ignored", "malformed", "unknown_user"}) {
    EXPECT_EQ(d.refused(reason), 0) << reason;
  }
}

TEST(LineworksFixtures, JoinAndLeaveAreTheBotEnteringAndLeavingARoom) {
  TestDaemon d;
  send(d, "join.json");
  send(d, "leave.json");
  model::Situation s = d.snapshot();
  ASSERT_EQ(s.notices.size(), 2u);
  EXPECT_EQ(s.notices[0].notice.text, "ボットが「災害対策本部」に参加しました");
  EXPECT_EQ(s.notices[1].notice.text, "ボットが「総務課」から退出しました");
  EXPECT_EQ(s.notices[0].notice.level, model::NoticeLevel::info);
}

TEST(LineworksFixtures, JoinedAndLeftAreMembersNamedByTheRoster) {
  TestDaemon d;
  send(d, "joined.json");
  send(d, "left.json");
  model::Situation s = d.snapshot();
  ASSERT_EQ(s.notices.size(), 2u);
  const std::string& joined = s.notices[0].notice.text;
  const std::string& left = s.notices[1].notice.text;
  EXPECT_NE(joined.find("にメンバーが参加しました"), std::string::npos) << joined;
  EXPECT_NE(joined.find("河野　恭平"), std::string::npos) << joined;
  EXPECT_NE(joined.find("三浦　穂乃果"), std::string::npos) << joined;
  EXPECT_NE(joined.find("外部メンバー"), std::string::npos) << joined;
  EXPECT_EQ(joined.find("ボット"), std::string::npos) << "members are not the bot: " << joined;
  EXPECT_NE(left.find("からメンバーが退出しました: 河野　恭平"), std::string::npos) << left;
  // Account ids never reach the journal.
  const std::string events = d.get("/v1/events?since=0", kOperator).body;
  EXPECT_EQ(events.find("lw-s011"), std::string::npos);
  EXPECT_EQ(events.find("lw-guest-901"), std::string::npos);
}

TEST(LineworksFixtures, ALongMembersListNamesTenAndCountsTheRest) {
  TestDaemon d;
  json body = json::parse(fixture("joined.json"));
  body["members"] = json::array();
  for (int i = 1; i <= 40; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "lw-s%03d", i);
    body["members"].push_back(id);
  }
  ASSERT_EQ(post_lineworks(d.port(), body.dump()).status, 200);
  const std::string text = d.snapshot().notices.at(0).notice.text;
  EXPECT_NE(text.find("ほか 30 名"), std::string::npos) << text;
}

TEST(LineworksFixtures, RoomEventsWithoutARoomOrOfAnUnknownRoomAreDropped) {
  TestDaemon d;
  json no_room = json::parse(fixture("join.json"));
  no_room["source"].erase("channelId");
  ASSERT_EQ(post_lineworks(d.port(), no_room.dump()).status, 200);
  EXPECT_EQ(d.refused("malformed"), 1);
  json unknown_room = json::parse(fixture("joined.json"));
  unknown_room["source"]["channelId"] = "ch-nowhere";
  ASSERT_EQ(post_lineworks(d.port(), unknown_room.dump()).status, 200);
  EXPECT_EQ(d.refused("unknown_group"), 1);
  EXPECT_EQ(d.seq(), 0);
}

TEST(LineworksFixtures, FilesCarryOnlyAFileIdAndShowAsTheirKind) {
  TestDaemon d;
  for (const char* name : {"image.json", "file.json", "audio.json", "video.json"}) send(d, name);
  model::Situation s = d.snapshot();
  ASSERT_EQ(s.talk.at("soumu").recent.size(), 1u);
  ASSERT_EQ(s.talk.at("project").recent.size(), 2u);
  ASSERT_EQ(s.talk.at("hq").recent.size(), 1u);
  auto only = [](const model::TalkEntry& e) {
    EXPECT_EQ(e.message.attachments.size(), 1u);
    EXPECT_EQ(e.message.text, "");
    return e.message.attachments.at(0);
  };
  model::Attachment image = only(s.talk.at("soumu").recent[0]);
  EXPECT_EQ(image.kind, model::AttachmentKind::image);
  model::Attachment file = only(s.talk.at("project").recent[0]);
  EXPECT_EQ(file.kind, model::AttachmentKind::file);
  EXPECT_FALSE(file.name.has_value()) << "a callback carries no file name";
  model::Attachment audio = only(s.talk.at("project").recent[1]);
  EXPECT_EQ(audio.kind, model::AttachmentKind::file);
  EXPECT_EQ(audio.name, std::optional<std::string>("音声"));
  model::Attachment video = only(s.talk.at("hq").recent[0]);
  EXPECT_EQ(video.name, std::optional<std::string>("動画"));
  // The fileId is LINE WORKS's handle for the API, not something to journal.
  EXPECT_EQ(d.get("/v1/events?since=0", kOperator).body.find("jp1-"), std::string::npos);
}

TEST(LineworksFixtures, ALocationHasAnAddressAndCoordinatesAndNoTitle) {
  TestDaemon d;
  send(d, "location.json");
  const model::Attachment loc = d.snapshot().talk.at("hq").recent.at(0).message.attachments.at(0);
  EXPECT_EQ(loc.kind, model::AttachmentKind::location);
  EXPECT_EQ(loc.address, std::optional<std::string>("北海道架空町本町1-1"));
  EXPECT_FALSE(loc.name.has_value());
  ASSERT_TRUE(loc.lat && loc.lon);
  EXPECT_DOUBLE_EQ(*loc.lat, 43.0621);
  EXPECT_DOUBLE_EQ(*loc.lon, 141.3544);
}

TEST(LineworksFixtures, AStickerIsAStickerAttachment) {
  TestDaemon d;
  send(d, "sticker.json");
  const model::Situation s = d.snapshot();
  const auto& recent = s.talk.at("kyoryokutai").recent;
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].message.attachments.at(0).kind, model::AttachmentKind::sticker);
}

// Fields of the old, guessed shapes are not read: a non-string `title` or `fileName` is
// simply not a field we know (and is not shown), while `fileId` is type-checked.
TEST(LineworksFixtures, OnlyDocumentedContentFieldsAreReadAndTypeChecked) {
  TestDaemon d;
  json titled = json::parse(fixture("location.json"));
  titled["content"]["title"] = "町民グラウンド";
  ASSERT_EQ(post_lineworks(d.port(), titled.dump()).status, 200);
  EXPECT_FALSE(d.snapshot().talk.at("hq").recent.at(0).message.attachments.at(0).name.has_value());
  json bad_file = json::parse(fixture("file.json"));
  bad_file["content"]["fileId"] = 12345;
  const double malformed = d.refused("malformed");
  ASSERT_EQ(post_lineworks(d.port(), bad_file.dump()).status, 200);
  EXPECT_EQ(d.refused("malformed"), malformed + 1);
  EXPECT_EQ(d.seq(), 1);
}

TEST(LineworksFixtures, TheOldGuessedEventNamesAreNotUsed) {
  TestDaemon d;
  for (const char* type : {"memberJoined", "memberLeft"}) {
    json body = json::parse(fixture("joined.json"));
    body["type"] = type;
    ASSERT_EQ(post_lineworks(d.port(), body.dump()).status, 200);
  }
  EXPECT_EQ(d.seq(), 0);
  EXPECT_EQ(d.refused("ignored"), 2);
}

}  // namespace
}  // namespace bcp::daemon::test
