// Issue 12, class 14: input the journal could not store or read back (invalid UTF-8, lone
// surrogates, times outside 0000..9999 UTC such as 9999-12-31T23:59:59-14:00) is malformed:
// 400 on the API, 200 and a `malformed` drop for a signed LINE WORKS callback. It is found
// before the commit queue, so "503 journal could not commit" only ever means the disk and
// the journal-failure counters stay at 0.
#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

// Times that parse as RFC 3339 but lie outside what the journal writes and reads back.
const std::vector<std::string> kOutOfRange = {
    "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59.999-00:01", "0000-01-01T00:00:00+14:00",
    "0000-01-01T00:00:00.000+00:01"};

void expect_no_journal_failure(const TestDaemon& d) {
  EXPECT_EQ(d.refused("journal"), 0) << "bad input was counted as a journal failure";
}

TEST(UnjournalableInput, TimesOutOfRangeAreMalformedOnTheApi) {
  TestDaemon d;
  const std::int64_t seq = d.seq();
  int sent = 0;
  auto expect_400 = [&](const std::string& target, const json& body, const std::string& token,
                        const std::string& field) {
    HttpResult r = d.post_json(target, body, token);
    ++sent;
    EXPECT_EQ(r.status, 400) << target << " " << body.dump() << ": " << r.body;
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("journal"), std::string::npos) << r.body;
  };
  for (const std::string& t : kOutOfRange) {
    expect_400("/v1/availability", {{"staff", "s014"}, {"status", "trip"}, {"until", t}}, kIngest,
               "/until");
    expect_400("/v1/alerts",
               {{"kind", "weather"}, {"severity", "warning"}, {"title", "大雨"}, {"expires", t}},
               kOperator, "/expires");
    expect_400("/v1/talk",
               {{"group", "hq"},
                {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
                {"text", "x"},
                {"at", t}},
               kIngest, "/at");
    expect_400("/v1/rollcalls", {{"title", "訓練"}, {"drill", true}, {"at", t}}, kOperator, "/at");
  }
  EXPECT_EQ(d.seq(), seq);
  EXPECT_EQ(d.refused("malformed"), sent);
  expect_no_journal_failure(d);
  // The daemon goes on: the same item with a time in range is stored.
  ASSERT_EQ(d.post_json("/v1/availability",
                        {{"staff", "s014"}, {"status", "trip"}, {"until", "9999-12-31T23:59:59Z"}},
                        kIngest)
                .status,
            200);
}

TEST(UnjournalableInput, TextThatIsNotUtf8IsMalformedOnTheApi) {
  TestDaemon d;
  const std::vector<std::string> bodies = {
      R"({"group":"hq","sender":{"id":"s001","name":"x"},"text":"\ud800"})",
      R"({"group":"hq","sender":{"id":"s001","name":"x"},"text":"a\udc00b"})",
      R"({"group":"hq","sender":{"id":"s001","name":"x"},"text":"\ud800\u0041"})",
      "{\"group\":\"hq\",\"sender\":{\"id\":\"s001\",\"name\":\"x\"},\"text\":"
      "\"\xff\xfe\"}",
      "{\"group\":\"hq\",\"sender\":{\"id\":\"s001\",\"name\":\"x\"},\"text\":"
      "\"\xed\xa0\x80\"}",  // a surrogate in UTF-8 bytes
      "{\"group\":\"hq\",\"sender\":{\"id\":\"s001\",\"name\":\"x\"},\"text\":"
      "\"\xc0\xaf\"}",  // overlong
  };
  for (const std::string& b : bodies) {
    HttpResult r = d.post("/v1/talk", b, bearer(kIngest));
    EXPECT_EQ(r.status, 400) << b << ": " << r.body;
  }
  HttpResult r = d.post("/v1/availability", R"({"staff":"s014","status":"out","note":"\udfff"})",
                        bearer(kIngest));
  EXPECT_EQ(r.status, 400) << r.body;
  r = d.post("/v1/rollcalls/x/checkins",
             "{\"staff\":\"s001\",\"location\":\"\xf8\x88\x80\x80\x80\"}", bearer(kIngest));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(d.seq(), 0);
  expect_no_journal_failure(d);
}

TEST(UnjournalableInput, SignedLineworksCallbacksAreDroppedAsMalformedWith200) {
  TestDaemon d;
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "地震 安否確認"}}, kOperator).status, 201);
  const std::int64_t seq = d.seq();
  const double malformed = d.refused("malformed");
  std::vector<std::string> bodies;
  for (const std::string& t : kOutOfRange) {
    json text = lw_text("lw-s001", "ch-hq", "役場前にクマ " + t);
    text["issuedTime"] = t;
    bodies.push_back(text.dump());
    json answer = {{"type", "postback"},
                   {"source", {{"userId", "lw-s002"}, {"domainId", 1}}},
                   {"issuedTime", t},
                   {"data", "anpi=serious_injury&work=no"},
                   {"nonce", t}};  // an unknown field, ignored: makes each body unique
    bodies.push_back(answer.dump());
    json joined = {{"type", "joined"}, {"source", {{"channelId", "ch-hq"}}}, {"issuedTime", t}};
    bodies.push_back(joined.dump());
  }
  bodies.push_back(
      R"({"type":"message","source":{"userId":"lw-s001","channelId":"ch-hq"},"issuedTime":"2026-11-24T05:12:00Z","content":{"type":"text","text":"\ud800"}})");
  bodies.push_back(
      "{\"type\":\"message\",\"source\":{\"userId\":\"lw-s001\",\"channelId\":\"ch-hq\"},"
      "\"content\":{\"type\":\"text\",\"text\":\"\xff\"}}");
  bodies.push_back(
      "{\"type\":\"message\",\"source\":{\"userId\":\"lw-s001\",\"channelId\":\"ch-hq\"},"
      "\"content\":{\"type\":\"location\",\"address\":\"\xed\xbf\xbf\",\"latitude\":43,"
      "\"longitude\":"
      "141}}");
  for (const std::string& b : bodies) {
    HttpResult r = post_lineworks(d.port(), b);
    EXPECT_EQ(r.status, 200) << b << ": " << r.body;
  }
  EXPECT_EQ(d.seq(), seq) << "a malformed callback was stored";
  EXPECT_EQ(d.refused("malformed"), malformed + double(bodies.size()));
  expect_no_journal_failure(d);
  // Nothing of them reached the roll call, and the bot goes on taking answers.
  json ok = {{"type", "postback"},
             {"source", {{"userId", "lw-s002"}, {"domainId", 1}}},
             {"data", "anpi=safe&work=yes"}};
  ASSERT_EQ(post_lineworks(d.port(), ok.dump()).status, 200);
  model::Situation s = d.snapshot();
  const auto& rc = s.rollcalls.at(s.rollcall_order.front());
  ASSERT_EQ(rc.total.answered, 1u);
  EXPECT_EQ(rc.latest.at("s002").answer.safety, model::Safety::safe);
}

}  // namespace
}  // namespace bcp::daemon::test
