// Start-up snapshots with the daemon running (issue 17): a clean stop stores the state, and the
// next start restores it and replays nothing (bcp_start_replayed_events 0), with everything a
// full replay would have rebuilt: the situation, the delivery origins (a replayed LINE WORKS
// callback is still a duplicate), the hidden messages (a second hide is still 409). Snapshots
// taken while the daemon runs (every few events) hold the journal's state even with commits
// in flight: started from one after the shutdown snapshot is lost, the state is a full replay's.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json ok(const HttpResult& r) {
  EXPECT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body;
  return r.json();
}

void post_talk(const TestDaemon& d, const std::string& text) {
  ok(d.post_json("/v1/talk", {{"group", "hq"}, {"sender", {{"id", "s001"}}}, {"text", text}}, kIngest));
}

// A bit of everything the routes journal, some of it at once from several clients, so that
// commits are in flight while snapshots are taken.
std::string busy_day(const TestDaemon& d) {
  const std::string rollcall =
      ok(d.post_json("/v1/rollcalls", {{"title", "地震 安否確認"}, {"drill", true}}, kOperator))["rollcall"];
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&d, c] {
      for (int i = 0; i < 8; ++i) post_talk(d, "報告 " + std::to_string(c) + "-" + std::to_string(i));
    });
  }
  for (std::thread& t : clients) t.join();
  ok(d.post_json("/v1/rollcalls/current/checkins?kind=drill",
                 {{"staff", "s002"}, {"safety", "safe"}, {"can_work", "yes"}}, kIngest));
  EXPECT_EQ(post_lineworks(d.port(), lw_text("lw-s003", "ch-hq", "本部に到着しました").dump()).status, 200);
  const json talk = ok(d.post_json("/v1/talk", {{"group", "hq"}, {"sender", {{"id", "s004"}}}, {"text", "誤り"}}, kIngest));
  ok(d.post_json("/v1/talk/" + talk["message_id"].get<std::string>() + "/hide", {{"reason", "誤投稿"}}, kOperator));
  return talk["message_id"];
}

template <typename F>
bool eventually(F condition, std::chrono::seconds deadline = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// (4) A clean stop and start: from the shutdown snapshot, nothing replayed, the same walls.
TEST(SnapshotRestart, CleanStopStartsFromTheShutdownSnapshot) {
  TestDaemon d;
  const std::string hidden = busy_day(d);
  const std::int64_t seq = d.seq();
  const model::Situation before = d.snapshot();
  d.restart();
  EXPECT_EQ(d.metric("bcp_start_snapshot_seq"), static_cast<double>(seq));
  EXPECT_EQ(d.metric("bcp_start_replayed_events"), 0);
  EXPECT_EQ(d.seq(), seq);
  EXPECT_EQ(d.snapshot(), before);
  // The replayed parts came back too: the LINE WORKS callback again is a duplicate, the hidden
  // message is still hidden (409, not 404), the drill roll call still open for answers.
  const double duplicates = d.refused("duplicate");
  EXPECT_EQ(post_lineworks(d.port(), lw_text("lw-s003", "ch-hq", "本部に到着しました").dump()).status, 200);
  EXPECT_EQ(d.refused("duplicate"), duplicates + 1);
  EXPECT_EQ(d.post_json("/v1/talk/" + hidden + "/hide", {{"reason", "誤投稿"}}, kOperator).status, 409);
  EXPECT_EQ(d.post_json("/v1/rollcalls", {{"title", "二度目"}, {"drill", true}}, kOperator).status, 409);
  EXPECT_EQ(d.seq(), seq);
  // One more event: the start after it replays exactly that one.
  post_talk(d, "再起動後");
  d.restart();
  EXPECT_EQ(d.metric("bcp_start_snapshot_seq"), static_cast<double>(seq + 1));
  EXPECT_EQ(d.metric("bcp_start_replayed_events"), 0);
}

std::string replayed_state(const fs::path& data) {
  DaemonOptions o;
  o.port = 0;
  o.data_dir = data;
  o.snapshot_every = 0;
  Daemon daemon(sample_town_without_bot_api(), o);
  return daemon.replayed_state();
}

// Periodic snapshots, taken while requests are being committed, are the journal's state.
TEST(SnapshotRestart, PeriodicSnapshotsHoldTheJournalsState) {
  TempDir data_dir;
  const fs::path data = data_dir.path() / "data";
  std::int64_t seq = 0;
  {
    TestDaemon d([&](DaemonOptions& o) {
      o.data_dir = data;
      o.snapshot_every = 4;
    });
    busy_day(d);
    seq = d.seq();
    ASSERT_TRUE(eventually([&] { return d.metric("bcp_snapshots_written_total") >= 4; }));
    ASSERT_TRUE(eventually([&] { return d.metric("bcp_snapshot_seq") >= seq - 4; }));
    EXPECT_EQ(d.metric("bcp_snapshot_failures_total"), 0);
  }
  // As after a kill -9 right after the last commit: no shutdown snapshot, the periodic ones.
  std::vector<StoredSnapshot> stored = open_sqlite_journal(data / "journal.sqlite3")->snapshots();
  ASSERT_EQ(stored.size(), 3u);
  ASSERT_EQ(stored.front().seq, seq);  // the shutdown one
  const std::int64_t periodic = stored[1].seq;
  ASSERT_LT(periodic, seq);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data / "journal.sqlite3").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, ("DELETE FROM snapshots WHERE seq = " + std::to_string(seq)).c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const fs::path whole = data_dir.path() / "whole";
  fs::create_directories(whole);
  fs::copy_file(data / "journal.sqlite3", whole / "journal.sqlite3");
  ASSERT_EQ(sqlite3_open((whole / "journal.sqlite3").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM snapshots", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  set_min_log_level(LogLevel::error);
  DaemonOptions o;
  o.port = 0;
  o.data_dir = data;
  o.snapshot_every = 0;
  std::string from_snapshot;
  {
    Daemon daemon(sample_town_without_bot_api(), o);
    EXPECT_EQ(daemon.metrics().start_snapshot_seq.load(), periodic);
    EXPECT_EQ(daemon.metrics().start_replayed_events.load(), static_cast<std::uint64_t>(seq - periodic));
    from_snapshot = daemon.replayed_state();
  }
  const json got = json::parse(from_snapshot);
  const json want = json::parse(replayed_state(whole));
  for (const char* part : {"situation", "commit_rules", "calendar", "hidden", "origins"}) {
    EXPECT_EQ(got.at(part), want.at(part)) << "part " << part << " differs";
  }
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace bcp::daemon::test
