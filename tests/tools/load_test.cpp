// bcp-sim's load generator against an in-process bcp-feedd on loopback: every acknowledged
// post is in the journal, the planned count is rate x duration and nothing is sent early.
// Counts are asserted, not timings (the machine may be busy).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "bcp/tools/http_client.hpp"
#include "bcp/tools/load.hpp"
#include "daemon_fixture.hpp"

namespace {

using bcp::daemon::test::sample_town;
using nlohmann::json;

class LoadTest : public bcp::daemon::test::DaemonTest {
 protected:
  // The load generator is measured against the daemon's ingest, not its per-token rate limit
  // (which a 200/s open loop exceeds by design; bench/lib.sh turns it off the same way).
  bcp::config::TownConfig town() const override {
    auto t = sample_town();
    t.rate_limit.requests_per_minute = 0;
    return t;
  }
  // The journal through GET /v1/events: seq -> event.
  std::map<std::int64_t, json> journal() {
    bcp::tools::HttpClient http({"127.0.0.1", port()});
    std::map<std::int64_t, json> out;
    for (std::int64_t since = 0;;) {
      auto res =
          http.get("/v1/events?since=" + std::to_string(since) + "&limit=1000", "operator-sample");
      EXPECT_EQ(res.status, 200) << res.body;
      if (res.status != 200) return out;
      json page = json::parse(res.body);
      if (page["events"].empty()) return out;
      for (const auto& e : page["events"]) {
        since = e["seq"].get<std::int64_t>();
        out[since] = e;
      }
    }
  }

  bcp::tools::LoadOptions options() {
    bcp::tools::LoadOptions o;
    o.server = {"127.0.0.1", port()};
    return o;
  }
};

TEST_F(LoadTest, EveryAcknowledgedTalkPostIsInTheJournal) {
  auto o = options();
  o.rate = 200;
  o.duration = 1.5;
  o.staff = 30;
  o.groups = 3;
  o.connections = 4;
  const auto started = std::chrono::steady_clock::now();
  auto report = bcp::tools::run_load(o, sample_town());
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  EXPECT_EQ(report.planned, 300u);
  EXPECT_EQ(report.sent, 300u) << report.summary();
  EXPECT_EQ(report.acknowledged, 300u) << report.summary();
  EXPECT_EQ(report.errors, 0u);
  // Open loop at 200/s: post 299 is not due before 1.495 s, so the run cannot be shorter
  // (a lower bound only; an upper bound would depend on the machine's load).
  EXPECT_GE(wall_s, 299.0 / 200);
  EXPECT_GE(report.elapsed_s, 299.0 / 200);
  EXPECT_GT(report.p50_ms, 0);
  EXPECT_LE(report.p50_ms, report.p99_ms);
  EXPECT_LE(report.p99_ms, report.max_ms);

  auto events = journal();
  std::set<std::string> senders, groups;
  for (const auto& p : report.posts) {
    ASSERT_TRUE(p.sent);
    ASSERT_EQ(p.kind, "talk");
    ASSERT_TRUE(events.count(p.seq))
        << "acknowledged post " << p.index << " (seq " << p.seq << ") is not in the journal";
    const json& e = events[p.seq];
    EXPECT_EQ(e["type"], "talk.message");
    EXPECT_NE(e["text"].get<std::string>().find(p.marker), std::string::npos) << e.dump();
    senders.insert(e["sender"]["id"].get<std::string>());
    groups.insert(e["group"].get<std::string>());
  }
  EXPECT_EQ(senders.size(), 30u);
  EXPECT_EQ(groups, (std::set<std::string>{"hq", "soumu", "project"}));
  std::set<std::int64_t> seqs;
  for (const auto& p : report.posts) seqs.insert(p.seq);
  EXPECT_EQ(seqs.size(), 300u) << "two posts acknowledged with the same seq";
}

TEST_F(LoadTest, CheckinsGoToTheOpenRollCallAndRefusalsAreCounted) {
  auto o = options();
  o.rate = 100;
  o.duration = 0.4;  // 40 posts, every 4th a check-in
  o.checkin_every = 4;
  o.staff = 20;
  o.groups = 1;
  o.connections = 2;
  // No roll call open: the 10 check-ins are refused, the 30 talk posts are taken.
  auto refused = bcp::tools::run_load(o, sample_town());
  EXPECT_EQ(refused.planned, 40u);
  EXPECT_EQ(refused.acknowledged, 30u) << refused.summary();
  EXPECT_EQ(refused.errors, 10u);
  EXPECT_EQ(refused.errors_by_status.count(0), 0u) << "no answer is not a refusal";
  EXPECT_NE(refused.summary().find("errors 10 (HTTP "), std::string::npos) << refused.summary();

  bcp::tools::HttpClient http({"127.0.0.1", port()});
  auto started = http.post_json("/v1/rollcalls", "operator-sample",
                                R"({"title":"負荷試験","drill":true,"departments":[]})");
  ASSERT_EQ(started.status, 201) << started.body;
  auto taken = bcp::tools::run_load(o, sample_town());
  EXPECT_EQ(taken.acknowledged, 40u) << taken.summary();
  auto events = journal();
  std::size_t checkins = 0;
  for (const auto& p : taken.posts) {
    ASSERT_TRUE(events.count(p.seq));
    if (p.kind != "checkin") continue;
    ++checkins;
    EXPECT_EQ(events[p.seq]["type"], "rollcall.checkin");
    EXPECT_EQ(events[p.seq]["note"], p.marker);
  }
  EXPECT_EQ(checkins, 10u);
}

TEST(LoadWithoutDaemon, NoDaemonIsErrorsNotAHang) {
  bcp::tools::LoadOptions o;
  o.server = {"127.0.0.1", 1};  // nothing listens on tcpmux: connections are refused at once
  o.rate = 50;
  o.duration = 0.2;
  auto report = bcp::tools::run_load(o, sample_town());
  EXPECT_EQ(report.planned, 10u);
  EXPECT_EQ(report.sent, 10u);
  EXPECT_EQ(report.acknowledged, 0u);
  EXPECT_EQ(report.errors_by_status[0], 10u);
  EXPECT_NE(report.summary().find("no answer x10"), std::string::npos) << report.summary();
}

TEST(LoadOptions, OutOfRangeOptionsAreNamed) {
  auto town = sample_town();
  bcp::tools::LoadOptions o;
  o.staff = 121;
  try {
    bcp::tools::validate(o, town);
    FAIL() << "121 staff accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--staff: 1 to 120 (the town's roster)");
  }
  o.staff = 10;
  o.groups = 5;  // jinji is level B
  EXPECT_THROW(bcp::tools::validate(o, town), std::invalid_argument);
  o.groups = 4;
  o.rate = 0;
  EXPECT_THROW(bcp::tools::validate(o, town), std::invalid_argument);
  o.rate = 10;
  o.connections = 0;
  EXPECT_THROW(bcp::tools::validate(o, town), std::invalid_argument);
}

}  // namespace
