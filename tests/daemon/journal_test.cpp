// SqliteJournal: durability, gap-free seqs, refusal of files that are not ours.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

model::TimePoint at_ms(std::int64_t ms) {
  // 2026-11-24T05:12:00Z plus ms, so the codec sees realistic RFC 3339 times.
  return model::TimePoint(std::chrono::milliseconds(1795497120000LL + ms));
}

model::Event notice(const std::string& text, std::int64_t ms = 0) {
  model::Event e;
  e.at = at_ms(ms);
  e.body = model::Notice{text, model::NoticeLevel::info};
  return e;
}

std::vector<model::Event> notices(int n, const std::string& prefix = "n") {
  std::vector<model::Event> v;
  for (int i = 0; i < n; ++i) v.push_back(notice(prefix + std::to_string(i), i));
  return v;
}

// A scratch directory per test, removed afterwards whatever the outcome.
class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "bcp-journal-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    file_ = dir_ / "journal.sqlite3";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Raw SQLite access, to build foreign files and to sabotage ours.
  void sql(const fs::path& file, const std::string& statements) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }
  std::string pragma(const std::string& name) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, ("PRAGMA " + name).c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  }

  // The JournalError message of opening `file`, or "" when it opened.
  std::string open_error(const fs::path& file) {
    try {
      open_sqlite_journal(file);
    } catch (const JournalError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
  fs::path file_;
};

TEST_F(JournalTest, AppendAssignsSeqsAndReadReturnsThemInOrder) {
  auto j = open_sqlite_journal(file_);
  EXPECT_EQ(j->last_seq(), 0);
  EXPECT_TRUE(j->read(0, 100).empty());

  auto batch = notices(3);
  batch[1].received = at_ms(5);  // a preset `received` is kept
  auto before =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  j->append(batch);
  EXPECT_EQ(batch[0].seq, 1);
  EXPECT_EQ(batch[1].seq, 2);
  EXPECT_EQ(batch[2].seq, 3);
  ASSERT_TRUE(batch[0].received.has_value());
  EXPECT_GE(*batch[0].received, before);
  EXPECT_EQ(batch[1].received, at_ms(5));
  EXPECT_EQ(j->last_seq(), 3);

  EXPECT_EQ(j->read(0, 100), batch);
  auto middle = j->read(1, 1);
  ASSERT_EQ(middle.size(), 1u);
  EXPECT_EQ(middle[0], batch[1]);
  EXPECT_TRUE(j->read(3, 100).empty());
  EXPECT_TRUE(j->read(0, 0).empty());

  std::vector<model::Event> none;
  j->append(none);  // no transaction, no seq used
  EXPECT_EQ(j->last_seq(), 3);
}

TEST_F(JournalTest, NewFileIsWalWithSchemaVersionAndApplicationId) {
  open_sqlite_journal(file_);
  EXPECT_EQ(pragma("journal_mode"), "wal");
  EXPECT_EQ(pragma("user_version"), "5");  // 2: calendars, 3: the bot's outbox, 4: photo jobs, 5: snapshots
  EXPECT_EQ(pragma("application_id"), std::to_string(0x42435057));
}

TEST_F(JournalTest, SeqsStayGapFreeAcrossReopen) {
  {
    auto j = open_sqlite_journal(file_);
    auto a = notices(2, "a");
    auto b = notices(3, "b");
    j->append(a);
    j->append(b);
  }
  auto j = open_sqlite_journal(file_);
  EXPECT_EQ(j->last_seq(), 5);
  auto c = notices(2, "c");
  j->append(c);
  EXPECT_EQ(c[0].seq, 6);
  EXPECT_EQ(c[1].seq, 7);
  auto all = j->read(0, 1000);
  ASSERT_EQ(all.size(), 7u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, model::Seq(i + 1));
}

TEST_F(JournalTest, EveryKindOfEventSurvivesReopen) {
  std::vector<model::Event> events;
  {
    model::Event e;
    e.at = at_ms(1);
    e.body = model::TalkMessage{
        "hq",
        "m-1",
        model::Sender{"s001", "山田 太郎", "soumu"},
        "クマが出ました 🐻",
        {model::Attachment{model::AttachmentKind::location, std::nullopt, 43.06, 141.35, "役場前"}},
        model::TalkSource::lineworks};
    events.push_back(e);
    e.at = at_ms(2);
    e.body = model::RollcallCheckin{
        "rc-1",       "s002", model::Safety::minor_injury, model::CanWork::later, "自宅",
        std::nullopt, "api"};
    events.push_back(e);
    model::AlertRaised alert;
    alert.alert = "a-1";
    alert.kind = model::AlertKind::bear;
    alert.severity = model::Severity::warning;
    alert.title = "クマ出没";
    alert.body = "役場周辺";
    alert.expires = at_ms(3600000);
    e.at = at_ms(3);
    e.body = alert;
    events.push_back(e);
  }
  {
    auto j = open_sqlite_journal(file_);
    j->append(events);
  }
  auto j = open_sqlite_journal(file_);
  EXPECT_EQ(j->read(0, 100), events);
}

TEST_F(JournalTest, RandomBytesAreRefusedAndLeftUntouched) {
  std::vector<char> junk(8192);
  std::mt19937 rng(42);
  for (auto& c : junk) c = static_cast<char>(rng());
  std::ofstream(file_, std::ios::binary).write(junk.data(), std::streamsize(junk.size()));

  std::string err = open_error(file_);
  EXPECT_EQ(err, file_.string() + ": not a BCP Wall journal (file is not a database)");
  // Refused before SQLite could write a WAL or change anything.
  EXPECT_FALSE(fs::exists(file_.string() + "-wal"));
  std::ifstream in(file_, std::ios::binary);
  std::vector<char> after((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(after, junk);
}

TEST_F(JournalTest, DamagedPagesAreRefused) {
  {
    auto j = open_sqlite_journal(file_);
    for (int i = 0; i < 20; ++i) {
      auto batch = notices(20, std::string(200, 'x'));
      j->append(batch);
    }
  }
  // Overwrite everything after the first page (schema) with garbage: the table's b-tree is
  // gone while the header still says "SQLite".
  auto size = fs::file_size(file_);
  ASSERT_GT(size, 8192u);
  {
    std::fstream f(file_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(4096);
    std::mt19937 rng(7);
    for (std::uintmax_t i = 4096; i < size; ++i) f.put(static_cast<char>(rng()));
  }
  std::string err = open_error(file_);
  EXPECT_NE(err.find(file_.string() + ": "), std::string::npos) << err;
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
}

// A damaged page inside the events table: opening stays bounded (it checks only the edges
// a start reads), so the file opens; the full check after the start finds the damage.
TEST_F(JournalTest, DamagedEventPageIsFoundByTheFullCheck) {
  {
    auto j = open_sqlite_journal(file_);
    for (int i = 0; i < 20; ++i) {
      auto batch = notices(100, std::string(200, 'x'));
      j->append(batch);
    }
  }
  // A leaf page in the middle of the events b-tree (the root holds every leaf's pointer).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  const auto pages = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  ASSERT_GT(pages, 40);
  {
    std::fstream f(file_, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp((pages / 2) * 4096);  // the whole page, its header included
    std::mt19937 rng(3);
    for (int i = 0; i < 4096; ++i) f.put(static_cast<char>(rng()));
  }
  auto j = open_sqlite_journal(file_);
  EXPECT_EQ(j->last_seq(), 2000);
  EXPECT_EQ(j->full_check(), Journal::Check::not_started);
  j->start_full_check();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (j->full_check() == Journal::Check::running && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(j->full_check(), Journal::Check::corrupt);
}

TEST_F(JournalTest, FullCheckOfASoundFileIsOk) {
  auto j = open_sqlite_journal(file_);
  auto batch = notices(50);
  j->append(batch);
  j->start_full_check();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (j->full_check() == Journal::Check::running && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(j->full_check(), Journal::Check::ok);
}

TEST_F(JournalTest, ForeignSqliteDatabaseIsRefused) {
  sql(file_,
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); "
      "INSERT INTO users VALUES (1, 'x');");
  std::string err = open_error(file_);
  EXPECT_NE(err.find(file_.string() + ": not a BCP Wall journal (application_id 0x00000000"),
            std::string::npos)
      << err;
  // Still the foreign rollback-journal file it was: we did not switch it to WAL.
  EXPECT_EQ(pragma("journal_mode"), "delete");
}

TEST_F(JournalTest, OtherApplicationIdIsRefused) {
  sql(file_, "PRAGMA application_id = 1234;");
  EXPECT_EQ(open_error(file_),
            file_.string() + ": not a BCP Wall journal (application_id 0x000004d2)");
}

TEST_F(JournalTest, NewerSchemaIsRefused) {
  {
    auto j = open_sqlite_journal(file_);
    auto batch = notices(1);
    j->append(batch);
  }
  sql(file_, "PRAGMA user_version = 7;");
  EXPECT_EQ(open_error(file_),
            file_.string() + ": schema version 7 is newer than this build supports (5)");
}

TEST_F(JournalTest, MissingDirectoryGivesAClearError) {
  fs::path file = dir_ / "no-such-dir" / "journal.sqlite3";
  EXPECT_EQ(open_error(file), file.string() + ": cannot open journal (directory " +
                                  (dir_ / "no-such-dir").string() + " does not exist)");
}

TEST_F(JournalTest, EmptyExistingFileIsInitialised) {
  std::ofstream(file_).close();
  auto j = open_sqlite_journal(file_);
  EXPECT_EQ(j->last_seq(), 0);
  auto batch = notices(1);
  j->append(batch);
  EXPECT_EQ(batch[0].seq, 1);
}

TEST_F(JournalTest, FailedAppendAssignsNothingAndRollsBack) {
  auto j = open_sqlite_journal(file_);
  auto first = notices(2, "ok");
  j->append(first);
  // A trigger makes the third insert of the next batch fail, after two went in.
  sql(file_,
      "CREATE TRIGGER sabotage BEFORE INSERT ON events "
      "WHEN json_extract(NEW.body, '$.text') = 'boom' "
      "BEGIN SELECT RAISE(ABORT, 'forced failure'); END;");

  std::vector<model::Event> batch = {notice("fine"), notice("also fine"), notice("boom")};
  const auto original = batch;
  try {
    j->append(batch);
    FAIL() << "append should have thrown";
  } catch (const JournalError& e) {
    EXPECT_NE(std::string(e.what()).find("forced failure"), std::string::npos) << e.what();
  }
  EXPECT_EQ(batch, original);  // seq back to 0, received unset again
  EXPECT_EQ(j->last_seq(), 2);
  EXPECT_EQ(j->read(0, 100).size(), 2u);

  auto next = notices(1, "after");
  j->append(next);
  EXPECT_EQ(next[0].seq, 3);  // no gap left by the failed batch
  j.reset();
  auto reopened = open_sqlite_journal(file_);
  EXPECT_EQ(reopened->last_seq(), 3);
  auto all = reopened->read(0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2], next[0]);
}

TEST_F(JournalTest, ReadsFromAnotherThreadSeeAGapFreePrefix) {
  auto j = open_sqlite_journal(file_);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::string problem;
  std::thread reader([&] {
    while (!done) {
      auto all = j->read(0, 100000);
      for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].seq != model::Seq(i + 1)) {
          problem = "gap at index " + std::to_string(i);
          return;
        }
      }
      reads++;
    }
  });
  for (int i = 0; i < 50; ++i) {
    auto batch = notices(5);
    j->append(batch);
  }
  done = true;
  reader.join();
  EXPECT_EQ(problem, "");
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(j->read(0, 100000).size(), 250u);
}

// Start-up snapshots (schema step 5): stored beside the events, newest first, only the
// `keep` newest kept, the body's bytes as they were given (any bytes: the journal does not
// read into them).
TEST_F(JournalTest, SnapshotsAreKeptNewestFirstAndBounded) {
  auto j = open_sqlite_journal(file_);
  EXPECT_TRUE(j->snapshots().empty());
  const std::string binary("a\0b\xff", 4);
  for (model::Seq seq : {10, 20, 30, 40}) {
    StoredSnapshot s;
    s.seq = seq;
    s.format = 1;
    s.body = "body-" + std::to_string(seq) + binary;
    s.taken = model::parse_time("2026-11-24T05:12:00.123Z");
    j->put_snapshot(s, 3);
  }
  auto stored = j->snapshots();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].seq, 40);
  EXPECT_EQ(stored[1].seq, 30);
  EXPECT_EQ(stored[2].seq, 20);
  EXPECT_EQ(stored[0].body, "body-40" + binary);
  EXPECT_EQ(stored[0].format, 1);
  EXPECT_EQ(model::format_time(stored[0].taken), "2026-11-24T05:12:00.123Z");
  // A second snapshot at the same seq replaces the first.
  StoredSnapshot again{40, 2, "again", {}};
  j->put_snapshot(again, 3);
  stored = j->snapshots();
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[0].body, "again");
  EXPECT_EQ(stored[0].format, 2);
}

TEST_F(JournalTest, SchemaFourFileGainsTheSnapshotsTableAndKeepsItsEvents) {
  {
    auto j = open_sqlite_journal(file_);
    auto batch = notices(3);
    j->append(batch);
  }
  // What a build of schema 4 left: no snapshots table.
  sql(file_, "DROP TABLE snapshots; PRAGMA user_version = 4;");
  auto j = open_sqlite_journal(file_);
  EXPECT_EQ(pragma("user_version"), "5");
  EXPECT_EQ(j->last_seq(), 3);
  EXPECT_EQ(j->read(0, 10).size(), 3u);
  j->put_snapshot(StoredSnapshot{3, 1, "x", {}}, 3);
  EXPECT_EQ(j->snapshots().size(), 1u);
}

}  // namespace
}  // namespace bcp::daemon
