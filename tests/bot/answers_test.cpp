// Answers through the bot, both ways LINE WORKS delivers them from a person's 1:1 room: a
// press on the question's button (a `message` callback carrying content.postback, no
// channelId) and a press on the follow-up's quick reply (a `postback` callback with the 1:1
// room's channelId). Each is counted and answered by a reply that repeats what was recorded;
// a press on a closed roll call's button is counted nowhere and the person is told.
#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"
#include "bot_test_support.hpp"

namespace bcp::daemon::test {
namespace {

std::string issued_now() {
  return model::format_time(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

// What LINE WORKS sends when `user` presses a button template's message action.
json button_press(const std::string& user, const std::string& text, const std::string& data) {
  return {{"type", "message"},
          {"source", {{"userId", user}, {"domainId", 10000001}}},
          {"issuedTime", issued_now()},
          {"content", {{"type", "text"}, {"text", text}, {"postback", data}}}};
}

// ... and a quick reply's postback action, pressed in the 1:1 room `channel`.
json quick_reply_press(const std::string& user, const std::string& channel,
                       const std::string& data) {
  return {{"type", "postback"},
          {"source", {{"userId", user}, {"channelId", channel}, {"domainId", 10000001}}},
          {"issuedTime", issued_now()},
          {"data", data}};
}

class Answers : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_.emplace([](DaemonOptions& o) { o.lineworks_client = fast_client(); },
                    [&](config::TownConfig& town) { speak_to(town, tenant_); });
  }
  std::string start_rollcall() {
    HttpResult r = daemon_->post_json(
        "/v1/rollcalls", {{"title", "地震 安否確認"}, {"departments", {"soumu"}}}, kOperator);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("rollcall", "");
  }
  // The messages the tenant delivered to `user`, in order.
  std::vector<json> to(const std::string& user) const {
    std::vector<json> out;
    for (const auto& r : tenant_.message_requests()) {
      if (r.status == 201 && r.kind == "users" && r.to == user) out.push_back(r.content);
    }
    return out;
  }
  bool wait_messages_to(const std::string& user, std::size_t n) {
    return tenant_.wait_for(
        [&](const Requests& rs) {
          std::size_t k = 0;
          for (const auto& r : rs) k += r.status == 201 && r.kind == "users" && r.to == user;
          return k >= n;
        },
        20s);
  }

  tools::LineWorksTenant tenant_{sample_tenant_settings()};
  std::optional<TestDaemon> daemon_;
};

TEST_F(Answers, AButtonPressAndThenAQuickReplyAreCountedAndEachIsAnsweredWithWhatWasRecorded) {
  const std::string rc = start_rollcall();
  const std::string user = "lw-s002";
  ASSERT_TRUE(wait_messages_to(user, 1));
  const json question = to(user).at(0);
  ASSERT_EQ(question.value("type", ""), "button_template") << question.dump();
  // The person presses 軽傷 (the second button) exactly as the question offered it.
  const json button = question["actions"][1];
  ASSERT_EQ(
      post_lineworks(daemon_->port(), button_press(user, button["text"], button["postback"]).dump())
          .status,
      200);
  ASSERT_TRUE(wait_until(
      [&] {
        const auto s = daemon_->snapshot();
        const auto it = s.rollcalls.find(rc);
        return it != s.rollcalls.end() && it->second.latest.count("s002") != 0;
      },
      10s))
      << "the press is counted";
  EXPECT_EQ(daemon_->snapshot().rollcalls.at(rc).latest.at("s002").answer.safety,
            model::Safety::minor_injury);

  // The reply repeats it and asks whether they can come in (quick replies, postback actions).
  ASSERT_TRUE(wait_messages_to(user, 2));
  const json reply = to(user).at(1);
  EXPECT_NE(text_of(reply).find("軽傷"), std::string::npos) << reply.dump();
  ASSERT_TRUE(reply.contains("quickReply")) << reply.dump();
  const json item = reply["quickReply"]["items"][0]["action"];
  EXPECT_EQ(item.value("type", ""), "postback");
  auto data = lineworks::parse_answer_data(item.value("data", ""));
  ASSERT_TRUE(data && data->work) << item.dump();
  EXPECT_EQ(data->rollcall, rc);
  EXPECT_EQ(data->safety, model::Safety::minor_injury) << "the follow-up keeps the safety answered";

  ASSERT_EQ(post_lineworks(daemon_->port(),
                           quick_reply_press(user, "dm-room-of-lw-s002", item["data"]).dump())
                .status,
            200);
  ASSERT_TRUE(wait_messages_to(user, 3));
  const auto& latest = daemon_->snapshot().rollcalls.at(rc).latest.at("s002").answer;
  EXPECT_EQ(latest.safety, model::Safety::minor_injury);
  EXPECT_EQ(latest.can_work, *data->work);
  EXPECT_EQ(latest.source, "lineworks");
  const json last = to(user).at(2);
  EXPECT_NE(text_of(last).find(std::string(lineworks::work_label(*data->work))), std::string::npos)
      << last.dump();
  EXPECT_FALSE(last.contains("quickReply")) << "nothing more to ask";
  // 1:1 answers never become talk on the wall.
  for (const auto& [group, talk] : daemon_->snapshot().talk) EXPECT_EQ(talk.total, 0u) << group;
}

TEST_F(Answers, APressOnAClosedRollCallIsCountedNowhereAndThePersonIsTold) {
  const std::string first = start_rollcall();
  const std::string user = "lw-s003";
  ASSERT_TRUE(wait_messages_to(user, 1));
  const json old_button = to(user).at(0)["actions"][0];
  ASSERT_EQ(
      daemon_->post_json("/v1/rollcalls/" + first + "/close", json::object(), kOperator).status /
          100,
      2);
  const std::string second = start_rollcall();
  ASSERT_TRUE(wait_messages_to(user, 2));

  // The old question's button, pressed now: the open roll call must not take it.
  ASSERT_EQ(post_lineworks(daemon_->port(),
                           button_press(user, old_button["text"], old_button["postback"]).dump())
                .status,
            200);
  ASSERT_TRUE(wait_messages_to(user, 3));
  const json told = to(user).at(2);
  EXPECT_NE(text_of(told).find("締め切られています"), std::string::npos) << told.dump();
  const auto s = daemon_->snapshot();
  EXPECT_EQ(s.rollcalls.at(first).latest.count("s003"), 0u);
  EXPECT_EQ(s.rollcalls.at(second).latest.count("s003"), 0u);
}

}  // namespace
}  // namespace bcp::daemon::test
