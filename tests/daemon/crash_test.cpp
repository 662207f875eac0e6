// bcp-feedd as a child process: an acknowledged event survives kill -9 and a graceful
// restart, and a resuming subscriber is replayed everything it missed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <limits>
#include <map>
#include <mutex>

#include "test_support.hpp"

namespace bcp::daemon::test {
namespace {

// Posts talk from a few threads until told to stop, recording every acknowledged seq.
class Burst {
 public:
  Burst(std::uint16_t port, int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, port, t] {
        for (int i = 0; !stop_; ++i) {
          const std::string text = "burst-" + std::to_string(t) + "-" + std::to_string(i);
          json body = {{"group", "hq"},
                       {"sender", {{"id", "s001"}, {"name", "村田　達也"}}},
                       {"text", text}};
          HttpResult r = http_request(port, "POST", "/v1/talk", body.dump(), bearer(kIngest), 3s);
          if (r.status >= 200 && r.status < 300) {
            std::lock_guard lock(mu_);
            acked_[r.json()["seq"].get<std::int64_t>()] = text;
          } else if (r.status == 0) {
            std::this_thread::sleep_for(5ms);  // daemon gone: do not spin
          }
        }
      });
    }
  }
  ~Burst() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::size_t acked_count() {
    std::lock_guard lock(mu_);
    return acked_.size();
  }
  std::map<std::int64_t, std::string> acked() {
    std::lock_guard lock(mu_);
    return acked_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::map<std::int64_t, std::string> acked_;
  std::vector<std::thread> threads_;
};

// Every acknowledged seq is in the journal with its content, the journal has no gaps, and a
// subscriber resuming from `since` is replayed all of it in order.
void expect_all_acked_kept(std::uint16_t port, const std::map<std::int64_t, std::string>& acked,
                           std::int64_t since) {
  HttpResult r = http_request(port, "GET", "/v1/events?since=0&limit=10000", "", bearer(kOperator));
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  std::map<std::int64_t, json> journal;
  std::int64_t expected = 1;
  const json answer = r.json();
  for (const json& e : answer["events"]) {
    const std::int64_t seq = e["seq"];
    EXPECT_EQ(seq, expected++) << "gap in the journal";
    journal[seq] = e;
  }
  for (const auto& [seq, text] : acked) {
    auto it = journal.find(seq);
    ASSERT_NE(it, journal.end()) << "acknowledged seq " << seq << " lost; journal holds "
                                 << journal.size() << " events, " << acked.size()
                                 << " acknowledged";
    EXPECT_EQ(it->second["type"], "talk.message");
    EXPECT_EQ(it->second["text"], text) << "seq " << seq;
  }
  const std::int64_t last = journal.empty() ? 0 : journal.rbegin()->first;
  EXPECT_EQ(healthz_seq(port), last);

  Subscriber sub(port, since);
  auto hello = sub.next();
  ASSERT_TRUE(hello) << sub.error();
  EXPECT_EQ((*hello)["mode"], "replay");
  EXPECT_EQ((*hello)["seq"], last);
  std::vector<json> replayed = sub.events_until(last);
  ASSERT_EQ(replayed.size(), static_cast<std::size_t>(last - since)) << sub.error();
  for (std::size_t i = 0; i < replayed.size(); ++i) {
    const std::int64_t seq = since + 1 + static_cast<std::int64_t>(i);
    EXPECT_EQ(replayed[i]["seq"], seq);
    EXPECT_EQ(replayed[i], journal[seq]);
  }
}

TEST(Crash, Kill9MidBurstLosesNoAcknowledgedEvent) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ChildDaemon child(data);
  std::string why;
  ASSERT_TRUE(child.start(&why)) << why;
  const std::uint16_t port = child.port();

  Burst burst(port, 4);
  ASSERT_TRUE(wait_until([&] { return burst.acked_count() >= 80; }, 30s)) << burst.acked_count();
  child.kill9();  // while the burst is still posting
  burst.stop();
  const auto acked = burst.acked();
  ASSERT_GE(acked.size(), 80u);

  ChildDaemon restarted(data, port);
  ASSERT_TRUE(restarted.start(&why)) << why;
  const std::int64_t since = acked.begin()->first + static_cast<std::int64_t>(acked.size()) / 2;
  expect_all_acked_kept(port, acked, since);
}

TEST(Crash, GracefulRestartFinishesInFlightCommitsAndResumes) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ChildDaemon child(data);
  std::string why;
  ASSERT_TRUE(child.start(&why)) << why;
  const std::uint16_t port = child.port();

  Subscriber wall(port, std::nullopt);
  ASSERT_EQ((*wall.next())["mode"], "snapshot");
  ASSERT_TRUE(wall.next());  // the snapshot
  Burst burst(port, 3);
  ASSERT_TRUE(wait_until([&] { return burst.acked_count() >= 20; }, 30s)) << burst.acked_count();
  const int status = child.signal_and_wait(SIGTERM);
  burst.stop();
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // The wall saw some prefix of the journal, then the stream ended.
  std::vector<json> seen = wall.events_until(std::numeric_limits<std::int64_t>::max(), 3s);
  ASSERT_FALSE(seen.empty());
  const std::int64_t resume_from = seen.back()["seq"];
  for (std::size_t i = 0; i < seen.size(); ++i)
    EXPECT_EQ(seen[i]["seq"], static_cast<std::int64_t>(i) + 1);

  ChildDaemon restarted(data, port);
  ASSERT_TRUE(restarted.start(&why)) << why;
  auto acked = burst.acked();
  // Events after the restart continue the same seq line.
  json body = {
      {"group", "hq"}, {"sender", {{"id", "s002"}, {"name", "岩崎　信也"}}}, {"text", "再起動後"}};
  HttpResult r = http_request(port, "POST", "/v1/talk", body.dump(), bearer(kIngest));
  ASSERT_EQ(r.status, 200) << r.body;
  acked[r.json()["seq"].get<std::int64_t>()] = "再起動後";
  EXPECT_EQ(r.json()["seq"].get<std::int64_t>(), acked.rbegin()->first);
  expect_all_acked_kept(port, acked, resume_from);
}

}  // namespace
}  // namespace bcp::daemon::test
