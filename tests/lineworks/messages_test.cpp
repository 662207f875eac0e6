// What the bot sends: the roll-call question and follow-up in the shapes LINE WORKS accepts
// (checked by the same rules the stand-in tenant applies), the postback data DESIGN.md fixes,
// and the documented length limits.
#include <gtest/gtest.h>

#include "bcp/lineworks/messages.hpp"
#include "bcp/tools/lineworks_tenant.hpp"

namespace bcp::lineworks {
namespace {

using model::CanWork;
using model::Safety;
using nlohmann::json;

TEST(AnswerData, IsRcAnpiAndWorkAsDesignFixesIt) {
  EXPECT_EQ(answer_data("rc-18f-0a1b", Safety::safe), "rc=rc-18f-0a1b&anpi=safe");
  EXPECT_EQ(answer_data("rc-1", Safety::needs_help, CanWork::later),
            "rc=rc-1&anpi=needs_help&work=later");
  // An id with characters of its own is encoded, and read back the same.
  const std::string odd = answer_data("訓練 1&2=3", Safety::minor_injury, CanWork::no);
  EXPECT_EQ(odd.find(' '), std::string::npos);
  auto back = parse_answer_data(odd);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rollcall, "訓練 1&2=3");
  EXPECT_EQ(back->safety, Safety::minor_injury);
  EXPECT_EQ(back->work, CanWork::no);
}

TEST(AnswerData, ParsesEveryValueAndRefusesAnythingElse) {
  auto a = parse_answer_data("anpi=serious_injury&work=yes");  // no rc: the open roll call
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->rollcall);
  EXPECT_EQ(a->safety, Safety::serious_injury);
  EXPECT_EQ(a->work, CanWork::yes);
  auto b = parse_answer_data("rc=rc-9&anpi=safe");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->work);  // safety alone already counts as answered
  for (const char* bad : {"", "rc=rc-1", "anpi=fine", "anpi=safe&work=maybe", "anpi=safe&anpi=safe",
                          "anpi=safe&x=1", "rc=&anpi=safe", "rc=%zz&anpi=safe", "anpi"}) {
    EXPECT_FALSE(parse_answer_data(bad)) << bad;
  }
  EXPECT_FALSE(parse_answer_data("anpi=safe&rc=" + std::string(300, 'x')));  // over 300
}

TEST(SafetyQuestion, IsAButtonTemplateOfMessageActionsTheTenantAccepts) {
  const json c = safety_question("rc-42", "地震発生。安否を教えてください。", /*drill=*/true);
  EXPECT_EQ(tools::check_message_body({{"content", c}}), "");
  EXPECT_EQ(c["type"], "button_template");
  EXPECT_EQ(c["contentText"], "【訓練】地震発生。安否を教えてください。");
  ASSERT_EQ(c["actions"].size(), 4u);
  const char* values[] = {"safe", "minor_injury", "serious_injury", "needs_help"};
  for (std::size_t i = 0; i < 4; ++i) {
    const json& a = c["actions"][i];
    EXPECT_EQ(a["type"], "message");  // the only kind a button template takes
    EXPECT_EQ(a["postback"], std::string("rc=rc-42&anpi=") + values[i]);
    EXPECT_LE(count_chars(a["label"].get<std::string>()), kMaxLabelChars);
  }
  EXPECT_EQ(c["actions"][0]["label"], "無事");
  // An actual roll call carries no drill mark; a drill text that has it gets it once.
  EXPECT_EQ(safety_question("rc-1", "地震", false)["contentText"], "地震");
  EXPECT_EQ(safety_question("rc-1", "【訓練】地震", true)["contentText"], "【訓練】地震");
}

TEST(WorkQuestion, IsTextWithQuickReplyPostbacksRepeatingTheSafety) {
  const json c = work_question("rc-42", Safety::minor_injury, "出勤できますか", true);
  EXPECT_EQ(tools::check_message_body({{"content", c}}), "");
  EXPECT_EQ(c["type"], "text");
  EXPECT_EQ(c["text"], "【訓練】出勤できますか");
  const json& items = c["quickReply"]["items"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["action"]["type"], "postback");
  EXPECT_EQ(items[0]["action"]["data"], "rc=rc-42&anpi=minor_injury&work=yes");
  EXPECT_EQ(items[3]["action"]["data"], "rc=rc-42&anpi=minor_injury&work=unknown");
  EXPECT_EQ(items[1]["action"]["displayText"], items[1]["action"]["label"]);
}

TEST(Limits, LongTextIsCutAtACharacterBoundary) {
  std::string long_text;
  for (int i = 0; i < 2500; ++i) long_text += "安";
  const json c = text_content(long_text);
  EXPECT_EQ(count_chars(c["text"].get<std::string>()), kMaxTextChars);
  EXPECT_EQ(c["text"].get<std::string>().size(), kMaxTextChars * 3);  // whole characters only
  EXPECT_EQ(tools::check_message_body({{"content", c}}), "");
  EXPECT_EQ(
      count_chars(safety_question("rc-1", long_text, false)["contentText"].get<std::string>()),
      kMaxContentTextChars);
  EXPECT_EQ(first_chars("あいう", 2), "あい");
  EXPECT_EQ(first_chars("ab", 5), "ab");
}

TEST(Recipient, PathsAreEncoded) {
  EXPECT_EQ(Recipient::user("lw-s001").path(), "users/lw-s001");
  EXPECT_EQ(Recipient::user("taro@example.com").path(), "users/taro%40example.com");
  EXPECT_EQ(Recipient::channel("12345a12-b12c").path(), "channels/12345a12-b12c");
}

}  // namespace
}  // namespace bcp::lineworks
