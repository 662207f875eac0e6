// GET /v1/events reads the journal on the journal-reader thread, not on the I/O thread: while
// a read is held there (DaemonOptions::before_journal_read), every other request and the
// walls' live events still go through; the page comes when the read is let go, and a stop
// with a read under way finishes.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "daemon_fixture.hpp"
#include "thread_hold.hpp"

namespace bcp::daemon::test {
namespace {

// Holds the next journal read on the reader thread until released.
struct ReadHold : ThreadHold {
  ReadHold() : ThreadHold(true) {}
};

// Lets the held read go however the test ends, before the daemon is destroyed (whose stop
// waits for the read under way).
struct ReleaseAtEnd {
  ReadHold& hold;
  ~ReleaseAtEnd() { hold.release(); }
};

json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

std::future<HttpResult> get_async(const TestDaemon& d, const std::string& target) {
  return std::async(std::launch::async, [&d, target] { return d.get(target, kOperator); });
}

TEST(EventsReader, HealthzAndLiveEventsGoOnWhileAnEventsReadIsHeld) {
  ReadHold hold;
  TestDaemon d([&](DaemonOptions& o) { o.before_journal_read = hold.hook(); });
  ReleaseAtEnd release_at_end{hold};
  ASSERT_EQ(d.post_json("/v1/talk", talk("一"), kIngest).status, 200);

  Subscriber wall(d.port(), 1);  // resumes from seq 1: a replay of nothing
  auto hello = wall.next_non_heartbeat();
  ASSERT_TRUE(hello) << wall.error();
  EXPECT_EQ((*hello)["mode"], "replay");

  auto page = get_async(d, "/v1/events?since=0");
  ASSERT_TRUE(hold.wait_entered()) << "the events read never reached the reader thread";

  // The read is held on the reader thread: the I/O thread answers the others meanwhile.
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(d.seq(), 1);
  auto committed = d.post_json("/v1/talk", talk("二"), kIngest);
  EXPECT_EQ(committed.status, 200) << committed.body;
  auto live = wall.events_until(2, 5s);
  ASSERT_FALSE(live.empty()) << wall.error();
  EXPECT_EQ(live.back()["seq"], 2);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  EXPECT_EQ(page.wait_for(0s), std::future_status::timeout) << "answered before the read ran";

  hold.release();
  ASSERT_EQ(page.wait_for(10s), std::future_status::ready);
  HttpResult r = page.get();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const json body = r.json();
  // Read after the release: both events, in order, and the journal's end as served.
  ASSERT_EQ(body["events"].size(), 2u) << r.body;
  EXPECT_EQ(body["events"][0]["seq"], 1);
  EXPECT_EQ(body["events"][1]["seq"], 2);
  EXPECT_EQ(body["last_seq"], 2);
  // The text the route always answered: the two members in nlohmann's order.
  EXPECT_EQ(r.body, json({{"events", body["events"]}, {"last_seq", 2}}).dump());
}

TEST(EventsReader, PagesQueuedBehindAHeldReadAreAnsweredInOrder) {
  ReadHold hold;
  TestDaemon d([&](DaemonOptions& o) { o.before_journal_read = hold.hook(); });
  ReleaseAtEnd release_at_end{hold};
  for (const char* text : {"一", "二", "三"})
    ASSERT_EQ(d.post_json("/v1/talk", talk(text), kIngest).status, 200);

  auto first = get_async(d, "/v1/events?since=0&limit=1");
  ASSERT_TRUE(hold.wait_entered());
  auto second = get_async(d, "/v1/events?since=1&limit=10");
  EXPECT_EQ(d.seq(), 3);  // the I/O thread is free with two reads waiting
  hold.release();
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  const json a = first.get().json();
  const json b = second.get().json();
  ASSERT_EQ(a["events"].size(), 1u);
  EXPECT_EQ(a["events"][0]["seq"], 1);
  ASSERT_EQ(b["events"].size(), 2u);
  EXPECT_EQ(b["events"][0]["seq"], 2);
  EXPECT_EQ(b["events"][1]["seq"], 3);
}

TEST(EventsReader, AStopWithAReadUnderWayFinishesAndTheReadIsAnswered) {
  ReadHold hold;
  TestDaemon d([&](DaemonOptions& o) { o.before_journal_read = hold.hook(); });
  ReleaseAtEnd release_at_end{hold};
  ASSERT_EQ(d.post_json("/v1/talk", talk("一"), kIngest).status, 200);
  auto page = get_async(d, "/v1/events?since=0");
  ASSERT_TRUE(hold.wait_entered());

  auto stopped = std::async(std::launch::async, [&d] { d.stop(); });
  // The graceful stop waits for the connection whose answer is still being read.
  EXPECT_EQ(stopped.wait_for(200ms), std::future_status::timeout);
  hold.release();
  ASSERT_EQ(page.wait_for(10s), std::future_status::ready);
  HttpResult r = page.get();
  EXPECT_EQ(r.status, 200) << r.error;
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace bcp::daemon::test
