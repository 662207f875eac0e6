// The per-token rate limit of the HTTP API (config rate_limit, docs/protocol.md): a burst
// over the bucket is answered 429 with Retry-After and stores nothing; other tokens and
// the LINE WORKS callback are not held back; the bucket refills with time.
#include <gtest/gtest.h>

#include "../../feed/daemon/src/http/rate_limiter.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}}}, {"text", text}};
}

TEST(RateLimit, BurstOverTheLimitIs429WithRetryAfterAndNothingStored) {
  // One a minute: within the test the bucket refills nothing, whatever the machine's speed.
  TestDaemon d({}, [](config::TownConfig& town) { town.rate_limit = {1, 5}; });
  int ok = 0, limited_count = 0;
  HttpResult refused;
  for (int i = 0; i < 12; ++i) {
    HttpResult r = d.post_json("/v1/talk", talk("連投" + std::to_string(i)), kIngest);
    if (r.status == 200) {
      ++ok;
    } else {
      ASSERT_EQ(r.status, 429) << r.body;
      ++limited_count;
      refused = r;
    }
  }
  EXPECT_EQ(ok, 5) << "the bucket is 5 deep";
  EXPECT_EQ(limited_count, 7);
  ASSERT_FALSE(refused.retry_after.empty()) << "429 without Retry-After";
  const int retry = std::stoi(refused.retry_after);
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60) << "one request refills in a minute";
  EXPECT_NE(refused.json().value("error", "").find("rate limit"), std::string::npos)
      << refused.body;
  // Refused posts were never stored: the journal holds exactly the acknowledged ones.
  EXPECT_EQ(d.seq(), ok);
  EXPECT_EQ(d.events().size(), static_cast<std::size_t>(ok));
  EXPECT_EQ(d.refused("rate_limited"), limited_count);
}

TEST(RateLimit, OtherTokensAndLineWorksAreNotHeldBack) {
  TestDaemon d({}, [](config::TownConfig& town) { town.rate_limit = {1, 3}; });
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(d.post_json("/v1/talk", talk("a" + std::to_string(i)), kIngest).status, 200);
  HttpResult over = d.post_json("/v1/talk", talk("over"), kIngest);
  ASSERT_EQ(over.status, 429) << over.body;
  // operator-sample also has the ingest role: its own bucket is full.
  EXPECT_EQ(d.post_json("/v1/talk", talk("operator"), kOperator).status, 200);
  EXPECT_EQ(d.get("/v1/snapshot", kDisplay).status, 200);
  // LINE WORKS never resends a callback: a 429 would lose it, so the callback is not limited.
  EXPECT_EQ(post_lineworks(d.port(), lw_text("lw-s002", "ch-hq", "現地確認しました").dump()).status,
            200);
  EXPECT_EQ(d.seq(), 5);
  EXPECT_EQ(d.post_json("/v1/talk", talk("still over"), kIngest).status, 429);
  // Reads store nothing and are not counted: an operator paging the journal is never held up.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(d.post_json("/v1/talk", talk("op" + std::to_string(i)), kOperator).status, i < 2 ? 200 : 429);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(d.get("/v1/events?since=0", kOperator).status, 200);
}

TEST(RateLimit, ZeroTurnsItOff) {
  TestDaemon d({}, [](config::TownConfig& town) { town.rate_limit = {0, 1}; });
  for (int i = 0; i < 30; ++i)
    ASSERT_EQ(d.post_json("/v1/talk", talk("x" + std::to_string(i)), kIngest).status, 200);
  EXPECT_EQ(d.refused("rate_limited"), 0);
}

// The bucket itself, on a clock the test moves.
TEST(RateLimit, BucketRefillsAtTheConfiguredRate) {
  TokenRateLimiter limiter({120, 2});  // two a second, two deep
  auto t = TokenRateLimiter::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_FALSE(limiter.admit("a", t));
  EXPECT_FALSE(limiter.admit("a", t));
  auto wait = limiter.admit("a", t);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, std::chrono::seconds(1));  // half a second, rounded up to whole seconds
  EXPECT_FALSE(limiter.admit("b", t)) << "each token has its own bucket";
  EXPECT_FALSE(limiter.admit("a", t + 500ms));
  EXPECT_TRUE(limiter.admit("a", t + 500ms));
  // A long pause refills only up to the bucket's depth.
  t += std::chrono::minutes(10);
  EXPECT_FALSE(limiter.admit("a", t));
  EXPECT_FALSE(limiter.admit("a", t));
  EXPECT_TRUE(limiter.admit("a", t));
}

}  // namespace
}  // namespace bcp::daemon::test
