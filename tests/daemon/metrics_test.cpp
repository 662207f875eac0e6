// /metrics as Prometheus reads it: the real daemon's scrape must pass `promtool check
// metrics` (Debian's prometheus package, installed by scripts/setup test), the commit
// latency is a histogram, the process_* families are there, and walls are counted by id.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../common/run_process.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "本部"}}}, {"text", text}};
}

// promtool from PATH, or "" (the test then skips, except under CI where setup installs it).
std::string promtool() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    std::string p = std::string(dir) + "/promtool";
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

#define REQUIRE_PROMTOOL(path)                                                                    \
  const std::string path = promtool();                                                            \
  if (path.empty()) {                                                                             \
    if (std::getenv("CI")) FAIL() << "promtool missing under CI: scripts/setup test installs it"; \
    GTEST_SKIP() << "promtool not installed (Debian package prometheus; scripts/setup test)";     \
  }

TEST(Metrics, ScrapePassesPromtoolCheckMetrics) {
  REQUIRE_PROMTOOL(tool);
  TestDaemon d;
  ASSERT_EQ(d.post_json("/v1/talk", talk("点検開始"), kIngest).status, 200);
  ASSERT_EQ(d.post("/v1/talk", "{", bearer(kIngest)).status, 400);
  Subscriber wall(d.port(), std::nullopt);
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_wall_subscribers{wall=\"main\"}") == 1; }, 5s));

  HttpResult r = d.get("/metrics");
  ASSERT_EQ(r.status, 200);
  TempDir dir;
  const fs::path scrape = dir.path() / "scrape.txt";
  std::ofstream(scrape) << r.body;
  // promtool reads the exposition from stdin; a shell redirect keeps run_process as it is.
  bcp::test::ProcessRun run = bcp::test::run_process(
      "/bin/sh", {"-c", "exec \"$0\" check metrics < \"$1\"", tool, scrape.string()}, dir.path());
  EXPECT_EQ(run.exit_code, 0) << "promtool check metrics:\n"
                              << run.out << run.err << "\nscrape:\n"
                              << r.body;
  EXPECT_EQ(run.out + run.err, "") << "promtool lint findings";
}

// The check above would also pass on a scrape missing the families: these say they are there.
TEST(Metrics, CommitLatencyIsAHistogramCountingEveryCommit) {
  TestDaemon d;
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(d.post_json("/v1/talk", talk("件" + std::to_string(i)), kIngest).status, 200);
  const double count = d.metric("bcp_commit_latency_seconds_count");
  EXPECT_GE(count, 1);
  EXPECT_LE(count, 3);
  EXPECT_EQ(d.metric("bcp_commit_latency_seconds_bucket{le=\"+Inf\"}"), count);
  EXPECT_EQ(count, d.metric("bcp_commit_batches_total"));
  // Buckets are cumulative: each at least the one below it, none above the count.
  EXPECT_LE(d.metric("bcp_commit_latency_seconds_bucket{le=\"0.001\"}"),
            d.metric("bcp_commit_latency_seconds_bucket{le=\"0.01\"}"));
  EXPECT_LE(d.metric("bcp_commit_latency_seconds_bucket{le=\"5\"}"), count);
  EXPECT_GT(d.metric("bcp_commit_latency_seconds_sum"), 0);
  EXPECT_EQ(d.metric("bcp_commit_failures_total"), 0);
  EXPECT_EQ(d.metric("bcp_commit_latency_seconds_sum_total"), -1);  // the old counter is gone
}

TEST(Metrics, ProcessFamiliesComeFromProcSelf) {
  TestDaemon d;
  const double rss = d.metric("process_resident_memory_bytes");
  EXPECT_GT(rss, 1 << 20) << "a running daemon holds more than 1 MiB";
  EXPECT_GE(d.metric("process_virtual_memory_bytes"), rss);
  // The daemon runs in this test process: its CPU time lies between two getrusage readings
  // (the kernel counts in clock ticks, 10 ms, hence the slack).
  const double before_cpu = own_cpu_seconds();
  const double cpu = d.metric("process_cpu_seconds_total");
  EXPECT_GE(cpu, before_cpu - 0.02);
  EXPECT_LE(cpu, own_cpu_seconds() + 0.02);
  const double start = d.metric("process_start_time_seconds");
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600) << "this test process started within the hour";
  // Every connection is a descriptor: ten held open show up in the next scrape.
  const double before = d.metric("process_open_fds");
  ASSERT_GT(before, 0);
  std::vector<int> held;
  for (int i = 0; i < 10; ++i) held.push_back(connect_raw(d.port()));
  EXPECT_TRUE(wait_until([&] { return d.metric("process_open_fds") >= before + 10; }, 5s))
      << "open fds " << d.metric("process_open_fds") << ", before " << before;
  for (int fd : held) close(fd);
  EXPECT_GT(d.metric("process_max_fds"), 0);
}

TEST(Metrics, WallSubscribersByConfiguredWallId) {
  TestDaemon d;
  // Every wall of the sample town is listed, unsubscribed ones as 0.
  EXPECT_EQ(d.metric("bcp_wall_subscribers{wall=\"main\"}"), 0);
  EXPECT_EQ(d.metric("bcp_wall_subscribers{wall=\"talk\"}"), 0);
  EXPECT_EQ(d.metric("bcp_wall_subscribers{wall=\"status\"}"), 0);
  {
    Subscriber a(d.port(), std::nullopt);
    Subscriber b(d.port(), std::nullopt);
    ASSERT_TRUE(
        wait_until([&] { return d.metric("bcp_wall_subscribers{wall=\"main\"}") == 2; }, 5s));
    EXPECT_EQ(d.metric("bcp_wall_subscribers{wall=\"talk\"}"), 0);
    EXPECT_EQ(d.metric("bcp_stream_subscribers"), 2);
  }
  EXPECT_TRUE(
      wait_until([&] { return d.metric("bcp_wall_subscribers{wall=\"main\"}") == 0; }, 10s));
}

}  // namespace
}  // namespace bcp::daemon::test
