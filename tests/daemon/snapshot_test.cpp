// Start-up snapshots (issue 17, pipeline/snapshots.hpp) on real SQLite files: a daemon that
// starts from a snapshot and replays the tail has exactly the state of one that replays the
// whole journal, for random journals cut at random points; a snapshot that is damaged, states
// the wrong seq or is of another format is passed over with a log line, for the older one or a
// full replay, never a wrong or an empty state. Daemons are constructed in-process and not run
// (construction is the start-up; destruction is the clean stop that writes the snapshot).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>
#include <string>
#include <vector>

#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

using model::Event;

// Random events of every kind the reducer and the replayed parts fold in: talk (from LINE
// WORKS with delivery origins, some of them repeated), hides of earlier messages, roll calls
// started (ids now and then reused), answered and closed, availability from every source,
// alerts raised, updated, acknowledged and cancelled, source states and notices.
class RandomJournal {
 public:
  explicit RandomJournal(unsigned seed) : rng_(seed) {}

  std::vector<Event> make(std::size_t n) {
    std::vector<Event> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(next(i));
    return out;
  }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return static_cast<int>(pick(100)) < percent; }
  std::string staff() {
    char buf[8];
    std::snprintf(buf, sizeof buf, "s%03zu", pick(120) + 1);
    return buf;
  }
  template <typename T>
  const T& any(const std::vector<T>& v) { return v[pick(v.size())]; }

  Event next(std::size_t i) {
    Event e;
    e.at = model::parse_time("2026-11-01T00:00:00.000Z") + std::chrono::seconds(i);
    e.received = e.at + std::chrono::milliseconds(40);
    e.body = payload(i, e);
    return e;
  }

  model::Payload payload(std::size_t i, Event& e) {
    const std::size_t kind = pick(100);
    if (kind < 40 || messages_.empty()) return talk(i, e);
    if (kind < 45) return model::TalkHidden{any(messages_), "誤投稿", "operator-sample"};
    if (kind < 50) {
      // Now and then an id again: the journal holds what the reducer folds or ignores.
      std::string id = !rollcalls_.empty() && chance(20) ? any(rollcalls_) : "rc-" + std::to_string(i);
      rollcalls_.push_back(id);
      return model::RollcallStarted{id, "安否確認", chance(50), {}, model::RollcallTrigger::manual};
    }
    if (kind < 65 && !rollcalls_.empty()) {
      model::RollcallCheckin c;
      c.rollcall = any(rollcalls_);
      c.staff = staff();
      c.safety = static_cast<model::Safety>(pick(4));
      c.can_work = static_cast<model::CanWork>(pick(4));
      c.source = chance(50) ? "lineworks" : "api";
      return c;
    }
    if (kind < 68 && !rollcalls_.empty()) return model::RollcallClosed{any(rollcalls_)};
    if (kind < 80) {
      model::StaffAvailability a;
      a.staff = staff();
      a.status = static_cast<model::Availability>(pick(9));
      a.source = static_cast<model::AvailabilitySource>(pick(3));
      if (chance(30)) a.until = e.at + std::chrono::hours(2);
      return a;
    }
    if (kind < 86 || alerts_.empty()) {
      model::AlertRaised a;
      a.alert = !alerts_.empty() && chance(20) ? any(alerts_) : "alert-" + std::to_string(i);
      alerts_.push_back(a.alert);
      a.kind = static_cast<model::AlertKind>(pick(6));
      a.severity = static_cast<model::Severity>(pick(4));
      a.drill = chance(50);
      a.title = "クマ出没";
      a.body = "役場裏の河川敷";
      a.source.kind = static_cast<model::AlertSourceKind>(pick(4));
      return a;
    }
    if (kind < 89) {
      model::AlertUpdated u;
      u.alert = any(alerts_);
      u.severity = static_cast<model::Severity>(pick(4));
      return u;
    }
    if (kind < 92) return model::AlertAcknowledged{any(alerts_), "operator-sample"};
    if (kind < 95) return model::AlertCancelled{any(alerts_), std::string("訓練終了")};
    if (kind < 97) {
      model::SourceState s;
      s.source = "jma";
      s.state = static_cast<model::SourceHealth>(pick(4));
      s.since = e.at;
      return s;
    }
    return model::Notice{"点検 " + std::to_string(i), model::NoticeLevel::info};
  }

  model::Payload talk(std::size_t i, Event& e) {
    static const char* kGroups[] = {"hq", "soumu", "project", "kyoryokutai"};
    model::TalkMessage m;
    m.group = kGroups[pick(4)];
    m.message_id = "m-" + std::to_string(i);
    m.sender = model::Sender{staff(), "職員", std::nullopt};
    m.text = "了解です " + std::to_string(i);
    if (chance(70)) {
      m.source = model::TalkSource::lineworks;
      // Mostly new, sometimes one already journaled (after the guard forgot it, say).
      e.origin = !origins_.empty() && chance(5) ? any(origins_) : "lw-" + std::to_string(i);
      origins_.push_back(*e.origin);
    }
    messages_.push_back(m.message_id);
    return m;
  }

  std::mt19937 rng_;
  std::vector<std::string> messages_, rollcalls_, alerts_, origins_;
};

// Appends in transactions of random sizes, as group commits would.
void append(const fs::path& data, const std::vector<Event>& events, std::size_t from,
            std::size_t to, unsigned seed) {
  std::mt19937 rng(seed);
  auto journal = open_sqlite_journal(data / "journal.sqlite3");
  for (std::size_t i = from; i < to;) {
    const std::size_t n = std::min<std::size_t>(to - i, 1 + rng() % 40);
    std::vector<Event> batch(events.begin() + static_cast<long>(i),
                             events.begin() + static_cast<long>(i + n));
    journal->append(batch);
    i += n;
  }
}

// What one start found: its state (every replayed part, encoded) and where it began.
struct Start {
  json state;
  std::int64_t from = 0;
  std::uint64_t replayed = 0;
};

// Constructs a daemon on `data` (the start-up) and destroys it (the clean stop, which
// stores its snapshot unless one is there at that seq already).
Start start_on(const fs::path& data, std::size_t every = 0) {
  DaemonOptions o;
  o.port = 0;
  o.data_dir = data;
  o.snapshot_every = every;
  Daemon d(sample_town_without_bot_api(), o);
  return Start{json::parse(d.replayed_state()), d.metrics().start_snapshot_seq.load(),
               d.metrics().start_replayed_events.load()};
}

// The parts one by one (a failure names the part), then the whole.
void expect_same_state(const json& got, const json& want) {
  for (const char* part : {"seq", "at_event", "situation", "commit_rules", "calendar", "hidden", "origins"}) {
    EXPECT_EQ(got.at(part), want.at(part)) << "part " << part << " differs";
  }
  EXPECT_EQ(got, want);
}

void sql(const fs::path& data, const std::string& statements) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data / "journal.sqlite3").c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

std::vector<std::int64_t> snapshot_seqs(const fs::path& data) {
  std::vector<std::int64_t> out;
  for (const StoredSnapshot& s : open_sqlite_journal(data / "journal.sqlite3")->snapshots())
    out.push_back(s.seq);
  return out;
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override { set_min_log_level(LogLevel::warning); }
  fs::path dir(const std::string& name) {
    fs::path p = tmp_.path() / name;
    fs::create_directories(p);
    return p;
  }
  TempDir tmp_;
};

// (1) The property: for random journals and random cut points, a start from the snapshot at
// each cut plus the tail gives what a full replay of the same events gives, part by part.
TEST_F(SnapshotTest, StartFromSnapshotPlusTailEqualsFullReplay) {
  for (unsigned trial = 0; trial < 12; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    std::mt19937 rng(1000 + trial);
    const std::size_t n = 40 + rng() % 500;
    const std::vector<Event> events = RandomJournal(trial).make(n);
    std::size_t cut1 = 1 + rng() % (n - 2);
    std::size_t cut2 = 1 + rng() % (n - 2);
    if (cut1 > cut2) std::swap(cut1, cut2);
    if (cut1 == cut2) ++cut2;

    const fs::path whole = dir("whole-" + std::to_string(trial));
    append(whole, events, 0, n, trial);
    const Start full = start_on(whole);
    ASSERT_EQ(full.from, 0);
    ASSERT_EQ(full.replayed, n);

    // The same events stopped and started at each cut: each start stores a snapshot there.
    const fs::path cut = dir("cut-" + std::to_string(trial));
    append(cut, events, 0, cut1, trial + 1);
    EXPECT_EQ(start_on(cut).from, 0);
    append(cut, events, cut1, cut2, trial + 2);
    const Start second = start_on(cut);
    EXPECT_EQ(second.from, static_cast<std::int64_t>(cut1));
    EXPECT_EQ(second.replayed, cut2 - cut1);
    append(cut, events, cut2, n, trial + 3);
    const Start last = start_on(cut);
    EXPECT_EQ(last.from, static_cast<std::int64_t>(cut2));
    EXPECT_EQ(last.replayed, n - cut2);
    expect_same_state(last.state, full.state);
    // And nothing lost from the situation the walls are sent.
    EXPECT_EQ(model::situation_from_json(last.state.at("situation")),
              model::situation_from_json(full.state.at("situation")));
  }
}

// A journal with snapshots at `first` and `second` and `n` events, and the state of a full replay.
struct TwoSnapshots {
  fs::path data;
  std::size_t first = 0, second = 0, n = 0;
  json full;
};

TwoSnapshots two_snapshots(SnapshotTest& t, fs::path data, fs::path whole) {
  TwoSnapshots s{data, 120, 260, 400, {}};
  const std::vector<Event> events = RandomJournal(77).make(s.n);
  append(whole, events, 0, s.n, 1);
  s.full = start_on(whole).state;
  append(data, events, 0, s.first, 2);
  start_on(data);
  append(data, events, s.first, s.second, 3);
  start_on(data);
  append(data, events, s.second, s.n, 4);
  (void)t;
  return s;
}

// Starts with stderr captured: the start and what it logged.
std::pair<Start, std::string> start_logged(const fs::path& data) {
  ::testing::internal::CaptureStderr();
  Start s = start_on(data);
  return {std::move(s), ::testing::internal::GetCapturedStderr()};
}

// (2) The newest snapshot damaged in each way a disk or a bug could: each is passed over with
// a log line naming it, and the start falls back to the older snapshot with the same state.
TEST_F(SnapshotTest, DamagedNewestSnapshotFallsBackToTheOlderOne) {
  const struct {
    const char* name;
    std::string sql;
    const char* why;
  } damages[] = {
      {"garbage bytes", "UPDATE snapshots SET body = randomblob(3000) WHERE seq = 260", "cannot be decoded"},
      {"truncated JSON", "UPDATE snapshots SET body = substr(body, 1, length(body) / 2) WHERE seq = 260",
       "cannot be decoded"},
      {"stated seq not its own", "UPDATE snapshots SET seq = 259 WHERE seq = 260", "holds the state at seq 260"},
      {"seq past the journal's end", "UPDATE snapshots SET seq = 9999 WHERE seq = 260", "the journal ends at seq 400"},
      {"taken at another event",
       "UPDATE snapshots SET body = json_set(CAST(body AS TEXT), '$.at_event', 'notice x y') WHERE seq = 260",
       "taken at another event"},
      {"a member of the wrong type",
       "UPDATE snapshots SET body = json_set(CAST(body AS TEXT), '$.origins', 7) WHERE seq = 260",
       "cannot be decoded"},
  };
  const TwoSnapshots base = two_snapshots(*this, dir("base"), dir("whole"));
  ASSERT_EQ(snapshot_seqs(base.data), (std::vector<std::int64_t>{260, 120}));
  int i = 0;
  for (const auto& damage : damages) {
    SCOPED_TRACE(damage.name);
    const fs::path data = dir("damaged-" + std::to_string(i++));
    fs::copy_file(base.data / "journal.sqlite3", data / "journal.sqlite3");
    sql(data, damage.sql);
    auto [start, logged] = start_logged(data);
    EXPECT_EQ(start.from, 120);
    EXPECT_EQ(start.replayed, base.n - base.first);
    EXPECT_NE(logged.find("WARN journal snapshot at seq"), std::string::npos) << logged;
    EXPECT_NE(logged.find(damage.why), std::string::npos) << logged;
    expect_same_state(start.state, base.full);
  }
}

// Both damaged: a full replay, never an empty or a half-restored state.
TEST_F(SnapshotTest, EverySnapshotDamagedMeansAFullReplay) {
  const TwoSnapshots base = two_snapshots(*this, dir("base"), dir("whole"));
  sql(base.data, "UPDATE snapshots SET body = randomblob(100)");
  auto [start, logged] = start_logged(base.data);
  EXPECT_EQ(start.from, 0);
  EXPECT_EQ(start.replayed, base.n);
  EXPECT_NE(logged.find("snapshot at seq 260 ignored"), std::string::npos) << logged;
  EXPECT_NE(logged.find("snapshot at seq 120 ignored"), std::string::npos) << logged;
  expect_same_state(start.state, base.full);
}

// (3) A snapshot of an older format (by its column, or by what its body says) is ignored the
// same way: here the only one, so the start replays the whole journal.
TEST_F(SnapshotTest, SnapshotOfAnOlderFormatIsIgnored) {
  for (const char* change : {"UPDATE snapshots SET format = 0",
                             "UPDATE snapshots SET body = json_set(CAST(body AS TEXT), '$.format', 0)"}) {
    SCOPED_TRACE(change);
    TempDir tmp;
    const fs::path data = tmp.path() / "data";
    fs::create_directories(data);
    const std::vector<Event> events = RandomJournal(5).make(150);
    append(data, events, 0, 150, 9);
    const Start first = start_on(data);
    ASSERT_EQ(snapshot_seqs(data), (std::vector<std::int64_t>{150}));
    sql(data, change);
    auto [start, logged] = start_logged(data);
    EXPECT_EQ(start.from, 0);
    EXPECT_EQ(start.replayed, 150u);
    EXPECT_NE(logged.find("snapshot at seq 150 ignored ("), std::string::npos) << logged;
    EXPECT_NE(logged.find("format 0, this build reads 1"), std::string::npos) << logged;
    expect_same_state(start.state, first.state);
  }
}

// A roster changed in the config since: the reducer would have folded the events with the
// new one, so the snapshot is not what a replay gives now, and is ignored.
TEST_F(SnapshotTest, SnapshotTakenWithAnotherRosterIsIgnored) {
  const fs::path data = dir("data");
  append(data, RandomJournal(6).make(100), 0, 100, 3);
  start_on(data);
  DaemonOptions o;
  o.port = 0;
  o.data_dir = data;
  config::TownConfig town = sample_town_without_bot_api();
  town.staff.front().name = "改名 太郎";
  ::testing::internal::CaptureStderr();
  {
    Daemon d(town, o);
    EXPECT_EQ(d.metrics().start_snapshot_seq.load(), 0);
    EXPECT_EQ(d.metrics().start_replayed_events.load(), 100u);
  }
  const std::string logged = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logged.find("another roster"), std::string::npos) << logged;
}

// Only the newest few are kept, however long the daemon runs.
TEST_F(SnapshotTest, OldSnapshotsAreDropped) {
  const fs::path data = dir("data");
  const std::vector<Event> events = RandomJournal(8).make(60);
  for (std::size_t i = 0; i < 6; ++i) {
    append(data, events, i * 10, i * 10 + 10, static_cast<unsigned>(i));
    start_on(data);
  }
  EXPECT_EQ(snapshot_seqs(data), (std::vector<std::int64_t>{60, 50, 40}));
}

}  // namespace
}  // namespace bcp::daemon::test
