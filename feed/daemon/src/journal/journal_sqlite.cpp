// SQLite implementation of the journal (see journal.hpp).
//
// Threading: appends come from one thread (the committer, see commit_queue.hpp); reads may
// come from any thread. Appends use the write connection under `write_mu_`; reads use a
// second connection under `read_mu_`, so a long replay read never holds up a commit (WAL
// lets a reader and the writer run at the same time). last_seq() is an atomic.
#include <sqlite3.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"
#include "journal/journal_check.hpp"

namespace bcp::daemon {
namespace {

namespace fs = std::filesystem;

// 'BCPW': lets us tell our file from any other SQLite database (PRAGMA application_id).
constexpr std::int32_t kApplicationId = 0x42435057;

// ---- migrations -------------------------------------------------------------------
// migrations[i] takes the schema from version i to i+1, inside the open transaction.
// Append new steps at the end; never edit a released step, old files depend on it.
using Migration = void (*)(sqlite3* db, const std::string& where);

void exec(sqlite3* db, const char* sql, const std::string& where);

void migrate_0_to_1(sqlite3* db, const std::string& where) {
  // seq is the rowid (INTEGER PRIMARY KEY) so reading by seq is a plain b-tree walk.
  // body holds the whole event; the other columns are for humans with the sqlite3 CLI.
  exec(db,
       "CREATE TABLE events ("
       " seq INTEGER PRIMARY KEY,"
       " type TEXT NOT NULL,"
       " at TEXT NOT NULL,"
       " received TEXT NOT NULL,"
       " body TEXT NOT NULL)",
       where);
}

void migrate_1_to_2(sqlite3* db, const std::string& where) {
  // Staff calendars (.ics text), one per person; a re-import replaces the row.
  exec(db,
       "CREATE TABLE calendars ("
       " staff TEXT PRIMARY KEY,"
       " imported TEXT NOT NULL,"
       " ics TEXT NOT NULL)",
       where);
}

void migrate_2_to_3(sqlite3* db, const std::string& where) {
  // The LINE WORKS bot's outbox: each message journaled before it is sent, marked when
  // LINE WORKS confirmed it (201) or it was given up. `key` makes planning idempotent: the
  // same step for the same person (or room) is stored once, however often it is planned.
  exec(db,
       "CREATE TABLE outbox ("
       " id INTEGER PRIMARY KEY,"
       " key TEXT NOT NULL UNIQUE,"
       " rollcall TEXT NOT NULL,"
       " staff TEXT NOT NULL,"
       " step TEXT NOT NULL,"
       " recipient_kind TEXT NOT NULL,"
       " recipient TEXT NOT NULL,"
       " content TEXT NOT NULL,"
       " priority INTEGER NOT NULL,"
       " created TEXT NOT NULL,"
       " state TEXT NOT NULL,"
       " attempts INTEGER NOT NULL DEFAULT 0,"
       " error TEXT NOT NULL DEFAULT '',"
       " finished TEXT)",
       where);
  exec(db, "CREATE INDEX outbox_queued ON outbox (state, id)", where);
}

void migrate_3_to_4(sqlite3* db, const std::string& where) {
  // Talk photos to fetch from LINE WORKS: one row per image attachment of a taken callback,
  // pending until the photo is kept (ref) or given up (error).
  exec(db,
       "CREATE TABLE photo_fetch ("
       " id INTEGER PRIMARY KEY,"
       " message_id TEXT NOT NULL,"
       " attachment INTEGER NOT NULL,"
       " grp TEXT NOT NULL,"
       " file_id TEXT NOT NULL,"
       " created TEXT NOT NULL,"
       " state TEXT NOT NULL,"
       " failures INTEGER NOT NULL DEFAULT 0,"
       " note TEXT NOT NULL DEFAULT '',"
       " UNIQUE (message_id, attachment))",
       where);
  exec(db, "CREATE INDEX photo_fetch_pending ON photo_fetch (state, id)", where);
}

void migrate_4_to_5(sqlite3* db, const std::string& where) {
  // Start-up snapshots (pipeline/snapshots.hpp): the replayed state at `seq`, so that a start
  // replays only the events after it. `format` is the body's own version: a build ignores a
  // snapshot of a format it does not read (and replays further), it never migrates one.
  exec(db,
       "CREATE TABLE snapshots ("
       " seq INTEGER PRIMARY KEY,"
       " format INTEGER NOT NULL,"
       " taken TEXT NOT NULL,"
       " body BLOB NOT NULL)",
       where);
}

constexpr std::array<Migration, 5> kMigrations = {&migrate_0_to_1, &migrate_1_to_2,
                                                  &migrate_2_to_3, &migrate_3_to_4,
                                                  &migrate_4_to_5};
constexpr int kSchemaVersion = static_cast<int>(kMigrations.size());

// ---- small RAII helpers -------------------------------------------------------------
struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Resets a cached statement however the scope is left, so the next use starts clean and
// a failed step does not keep a read transaction open.
class StmtReset {
 public:
  explicit StmtReset(sqlite3_stmt* s) : s_(s) {}
  ~StmtReset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  StmtReset(const StmtReset&) = delete;
  StmtReset& operator=(const StmtReset&) = delete;

 private:
  sqlite3_stmt* s_;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw JournalError(where + ": " + what);
}

std::string errmsg(sqlite3* db) { return db ? sqlite3_errmsg(db) : "out of memory"; }

void exec(sqlite3* db, const char* sql, const std::string& where) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : errmsg(db);
    sqlite3_free(err);
    fail(where, msg);
  }
}

StmtPtr prepare(sqlite3* db, const char* sql, const std::string& where) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    fail(where, std::string("cannot prepare statement: ") + errmsg(db));
  }
  return StmtPtr(s);
}

// One integer from a pragma or query; `what` explains the step in an error.
std::int64_t query_int(sqlite3* db, const char* sql, const std::string& where, const char* what) {
  StmtPtr s = prepare(db, sql, where);
  int rc = sqlite3_step(s.get());
  if (rc != SQLITE_ROW) fail(where, std::string(what) + ": " + errmsg(db));
  return sqlite3_column_int64(s.get(), 0);
}

std::string text_column(sqlite3_stmt* s, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col))) : std::string();
}

std::string hex_id(std::int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%08llx",
                static_cast<unsigned long long>(static_cast<std::uint32_t>(id)));
  return buf;
}

// Refuse before SQLite touches the file: opening a non-database with SQLite and then
// switching it to WAL would write beside it, and its own error ("file is not a
// database") says nothing about which file.
void check_file_before_open(const fs::path& file, const std::string& where) {
  std::error_code ec;
  fs::path dir = file.parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec)) {
    fail(where, "cannot open journal (directory " + dir.string() + " does not exist)");
  }
  auto st = fs::status(file, ec);
  if (ec || st.type() == fs::file_type::not_found) return;  // will be created
  if (st.type() != fs::file_type::regular) {
    fail(where, "cannot open journal (not a regular file)");
  }
  auto size = fs::file_size(file, ec);
  if (ec) fail(where, "cannot open journal (" + ec.message() + ")");
  if (size == 0) return;  // SQLite treats an empty file as a new database
  static constexpr char kMagic[] = "SQLite format 3";  // 16 bytes with the NUL
  char header[16] = {};
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(where, "cannot open journal (cannot read the file)");
  in.read(header, sizeof header);
  if (in.gcount() != sizeof header || std::memcmp(header, kMagic, sizeof header) != 0) {
    fail(where, "not a BCP Wall journal (file is not a database)");
  }
}

DbPtr open_connection(const fs::path& file, const std::string& where) {
  sqlite3* raw = nullptr;
  // NOMUTEX: each connection is guarded by its own std::mutex in SqliteJournal.
  int rc =
      sqlite3_open_v2(file.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) fail(where, "cannot open journal (" + errmsg(raw) + ")");
  sqlite3_extended_result_codes(raw, 1);
  // Another process (bcpctl, a backup) may hold a lock briefly; wait rather than fail.
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// Classifies the file as ours / fresh / foreign / newer without changing it.
// Returns the schema version found (0 for a fresh database).
int check_identity(sqlite3* db, const std::string& where) {
  // The first read of the header is where SQLite notices a damaged file.
  StmtPtr s;
  {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &raw, nullptr);
    s.reset(raw);
    if (rc == SQLITE_OK) rc = sqlite3_step(raw);
    if (rc != SQLITE_ROW) {
      int primary = sqlite3_errcode(db) & 0xff;
      if (primary == SQLITE_NOTADB) fail(where, "not a BCP Wall journal (file is not a database)");
      if (primary == SQLITE_CORRUPT) fail(where, "journal is corrupt (" + errmsg(db) + ")");
      fail(where, "cannot read journal header (" + errmsg(db) + ")");
    }
  }
  std::int64_t app_id = sqlite3_column_int64(s.get(), 0);
  s.reset();
  std::int64_t version = query_int(db, "PRAGMA user_version", where, "cannot read schema version");
  std::int64_t objects =
      query_int(db, "SELECT count(*) FROM sqlite_schema", where, "cannot read schema");

  if (app_id == 0 && version == 0 && objects == 0) return 0;  // brand-new database
  if (app_id != kApplicationId) {
    std::string why = "application_id " + hex_id(app_id);
    if (app_id == 0) why += ", " + std::to_string(objects) + " foreign schema objects";
    fail(where, "not a BCP Wall journal (" + why + ")");
  }
  if (version > kSchemaVersion) {
    fail(where, "schema version " + std::to_string(version) +
                    " is newer than this build supports (" + std::to_string(kSchemaVersion) + ")");
  }
  if (version < 0) fail(where, "invalid schema version " + std::to_string(version));
  return static_cast<int>(version);
}

// Bounded whatever the journal's length (journal_check.hpp): the small tables whole, the
// events table along its edges; the rest is FullCheck's, after the start.
void quick_check(sqlite3* db, const std::string& where) {
  const std::string problems = check_small_tables(db);
  if (!problems.empty()) fail(where, "journal is corrupt (quick_check: " + problems + ")");
}

void check_edges(sqlite3* db, const std::string& where) {
  const std::string problems = check_event_edges(db);
  if (!problems.empty()) fail(where, "journal is corrupt (" + problems + ")");
}

void migrate(sqlite3* db, int from, const std::string& where) {
  if (from == kSchemaVersion) return;
  exec(db, "BEGIN IMMEDIATE", where);
  try {
    // Re-read under the write lock: another process may have migrated meanwhile.
    int current =
        static_cast<int>(query_int(db, "PRAGMA user_version", where, "cannot read schema version"));
    for (int v = current; v < kSchemaVersion; ++v) {
      try {
        kMigrations[static_cast<std::size_t>(v)](db, where);
      } catch (const JournalError& e) {
        fail(where,
             "migration to schema version " + std::to_string(v + 1) + " failed: " + e.what());
      }
    }
    std::string set = "PRAGMA application_id = " + std::to_string(kApplicationId) +
                      "; PRAGMA user_version = " + std::to_string(kSchemaVersion);
    exec(db, set.c_str(), where);
    exec(db, "COMMIT", where);
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

class SqliteJournal final : public Journal {
 public:
  explicit SqliteJournal(const fs::path& file) : where_(file.string()), full_check_(file) {
    check_file_before_open(file, where_);
    wdb_ = open_connection(file, where_);
    int version = check_identity(wdb_.get(), where_);
    quick_check(wdb_.get(), where_);

    // Only now that the file is known to be ours (or new) do we change its mode.
    StmtPtr mode = prepare(wdb_.get(), "PRAGMA journal_mode = WAL", where_);
    if (sqlite3_step(mode.get()) != SQLITE_ROW || text_column(mode.get(), 0) != "wal") {
      fail(where_, "cannot switch journal to WAL mode (" + errmsg(wdb_.get()) + ")");
    }
    mode.reset();
    // FULL: the WAL is fsynced on every commit, so an acknowledged event survives power
    // loss, not only a process crash. It is a per-connection setting.
    exec(wdb_.get(), "PRAGMA synchronous = FULL", where_);
    migrate(wdb_.get(), version, where_);
    check_edges(wdb_.get(), where_);

    last_seq_ = query_int(wdb_.get(), "SELECT coalesce(max(seq), 0) FROM events", where_,
                          "cannot read last seq");

    begin_ = prepare(wdb_.get(), "BEGIN IMMEDIATE", where_);
    commit_ = prepare(wdb_.get(), "COMMIT", where_);
    rollback_ = prepare(wdb_.get(), "ROLLBACK", where_);
    insert_ = prepare(wdb_.get(),
                      "INSERT INTO events (seq, type, at, received, body) VALUES (?, ?, ?, ?, ?)",
                      where_);

    rdb_ = open_connection(file, where_);
    exec(rdb_.get(), "PRAGMA synchronous = FULL", where_);
    select_ = prepare(rdb_.get(), "SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                      where_);
    put_calendar_ = prepare(
        wdb_.get(), "INSERT OR REPLACE INTO calendars (staff, imported, ics) VALUES (?, ?, ?)",
        where_);
    select_calendars_ =
        prepare(rdb_.get(), "SELECT staff, imported, ics FROM calendars ORDER BY staff", where_);
    add_outbox_ = prepare(wdb_.get(),
                          "INSERT OR IGNORE INTO outbox (key, rollcall, staff, step, recipient_kind,"
                          " recipient, content, priority, created, state)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued')",
                          where_);
    finish_outbox_ = prepare(
        wdb_.get(), "UPDATE outbox SET state = ?, attempts = ?, error = ?, finished = ? WHERE id = ?",
        where_);
    select_outbox_ = prepare(rdb_.get(),
                             "SELECT id, key, rollcall, staff, step, recipient_kind, recipient,"
                             " content, priority, created FROM outbox WHERE state = 'queued'"
                             " ORDER BY id",
                             where_);
    add_photo_ = prepare(wdb_.get(),
                         "INSERT OR IGNORE INTO photo_fetch (message_id, attachment, grp, file_id,"
                         " created, state) VALUES (?, ?, ?, ?, ?, 'pending')",
                         where_);
    update_photo_ = prepare(
        wdb_.get(), "UPDATE photo_fetch SET state = ?, failures = ?, note = ? WHERE id = ?", where_);
    select_photos_ = prepare(rdb_.get(),
                             "SELECT id, message_id, attachment, grp, file_id, created, failures"
                             " FROM photo_fetch WHERE state = 'pending' ORDER BY id",
                             where_);
    put_snapshot_ = prepare(
        wdb_.get(), "INSERT OR REPLACE INTO snapshots (seq, format, taken, body) VALUES (?, ?, ?, ?)",
        where_);
    trim_snapshots_ = prepare(wdb_.get(),
                              "DELETE FROM snapshots WHERE seq NOT IN"
                              " (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?)",
                              where_);
    select_snapshots_ = prepare(
        rdb_.get(), "SELECT seq, format, taken, body FROM snapshots ORDER BY seq DESC", where_);
  }

  ~SqliteJournal() override {
    // Statements before connections: sqlite3_close_v2 would otherwise defer the close.
    select_.reset();
    select_calendars_.reset();
    put_calendar_.reset();
    add_outbox_.reset();
    finish_outbox_.reset();
    select_outbox_.reset();
    add_photo_.reset();
    update_photo_.reset();
    select_photos_.reset();
    put_snapshot_.reset();
    trim_snapshots_.reset();
    select_snapshots_.reset();
    insert_.reset();
    begin_.reset();
    commit_.reset();
    rollback_.reset();
  }

  void append(std::vector<model::Event>& events) override {
    if (events.empty()) return;
    std::lock_guard lock(write_mu_);
    const model::Seq first = last_seq_.load() + 1;
    // Kept so a failed commit can put the caller's events back exactly as they were.
    std::vector<std::optional<model::TimePoint>> old_received;
    old_received.reserve(events.size());
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    for (std::size_t i = 0; i < events.size(); ++i) {
      old_received.push_back(events[i].received);
      events[i].seq = first + static_cast<model::Seq>(i);
      if (!events[i].received) events[i].received = now;
    }
    try {
      step_done(begin_.get(), "cannot begin transaction");
      try {
        for (const auto& e : events) insert(e);
        step_done(commit_.get(), "commit failed");
      } catch (...) {
        // After a failed COMMIT SQLite may already have rolled back; ROLLBACK then just
        // reports "no transaction", which is fine.
        StmtReset r(rollback_.get());
        sqlite3_step(rollback_.get());
        throw;
      }
    } catch (...) {
      for (std::size_t i = 0; i < events.size(); ++i) {
        events[i].seq = 0;
        events[i].received = old_received[i];
      }
      throw;
    }
    last_seq_ = events.back().seq;
  }

  std::vector<model::Event> read(model::Seq since, std::size_t limit) const override {
    std::vector<model::Event> out;
    if (limit == 0) return out;
    std::lock_guard lock(read_mu_);
    sqlite3_stmt* s = select_.get();
    StmtReset reset(s);
    sqlite3_bind_int64(s, 1, since);
    // LIMIT takes a signed 64-bit value; clamp so "everything" (SIZE_MAX) still works.
    auto lim =
        limit > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(limit);
    sqlite3_bind_int64(s, 2, lim);
    out.reserve(std::min<std::size_t>(limit, 4096));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      model::Seq seq = sqlite3_column_int64(s, 0);
      try {
        model::Event e = model::event_from_json(nlohmann::json::parse(text_column(s, 1)));
        e.seq = seq;  // the column is authoritative
        out.push_back(std::move(e));
      } catch (const std::exception& ex) {
        fail(where_, "event seq " + std::to_string(seq) + " cannot be decoded (" + ex.what() + ")");
      }
    }
    if (rc != SQLITE_DONE) fail(where_, "read failed (" + errmsg(rdb_.get()) + ")");
    return out;
  }

  model::Seq last_seq() const override { return last_seq_.load(); }

  void put_calendar(const StoredCalendar& c) override {
    std::lock_guard lock(write_mu_);  // the same connection as the committer's appends
    std::string imported = model::format_time(c.imported);
    sqlite3_stmt* s = put_calendar_.get();
    StmtReset reset(s);
    sqlite3_bind_text(s, 1, c.staff.data(), static_cast<int>(c.staff.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, imported.data(), static_cast<int>(imported.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 3, c.ics.data(), static_cast<int>(c.ics.size()), SQLITE_STATIC);
    // One statement in autocommit: committed (and, synchronous=FULL, fsynced) when it is done.
    if (sqlite3_step(s) != SQLITE_DONE) {
      fail(where_, "cannot store the calendar of " + c.staff + " (" + errmsg(wdb_.get()) + ")");
    }
  }

  std::vector<StoredCalendar> calendars() const override {
    std::lock_guard lock(read_mu_);
    sqlite3_stmt* s = select_calendars_.get();
    StmtReset reset(s);
    std::vector<StoredCalendar> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      StoredCalendar c;
      c.staff = text_column(s, 0);
      try {
        c.imported = model::parse_time(text_column(s, 1));
      } catch (const std::exception& e) {
        fail(where_, "calendar of " + c.staff + " has a bad import time (" + e.what() + ")");
      }
      c.ics = text_column(s, 2);
      out.push_back(std::move(c));
    }
    if (rc != SQLITE_DONE) fail(where_, "cannot read calendars (" + errmsg(rdb_.get()) + ")");
    return out;
  }

  std::vector<OutboxRow> add_to_outbox(std::vector<OutboxRow> rows) override {
    std::vector<OutboxRow> added;
    if (rows.empty()) return added;
    std::lock_guard lock(write_mu_);  // the committer's connection: no lock contention
    step_done(begin_.get(), "cannot begin transaction");
    try {
      for (OutboxRow& row : rows) {
        const std::string created = model::format_time(row.created);
        sqlite3_stmt* s = add_outbox_.get();
        StmtReset reset(s);
        bind(s, 1, row.key);
        bind(s, 2, row.rollcall);
        bind(s, 3, row.staff);
        bind(s, 4, row.step);
        bind(s, 5, row.recipient_kind);
        bind(s, 6, row.recipient);
        bind(s, 7, row.content);
        sqlite3_bind_int(s, 8, row.priority);
        bind(s, 9, created);
        if (sqlite3_step(s) != SQLITE_DONE) {
          fail(where_, "cannot add to the outbox (" + errmsg(wdb_.get()) + ")");
        }
        if (sqlite3_changes(wdb_.get()) == 1) {
          row.id = sqlite3_last_insert_rowid(wdb_.get());
          added.push_back(std::move(row));
        }
      }
      step_done(commit_.get(), "outbox commit failed");
    } catch (...) {
      StmtReset r(rollback_.get());
      sqlite3_step(rollback_.get());
      throw;
    }
    return added;
  }

  void finish_in_outbox(const std::vector<OutboxOutcome>& outcomes) override {
    if (outcomes.empty()) return;
    std::lock_guard lock(write_mu_);
    step_done(begin_.get(), "cannot begin transaction");
    try {
      for (const OutboxOutcome& o : outcomes) {
        const std::string finished = model::format_time(o.finished);
        const char* state = o.state == OutboxState::sent     ? "sent"
                            : o.state == OutboxState::failed ? "failed"
                            : o.state == OutboxState::skipped ? "skipped"
                                                              : "queued";
        sqlite3_stmt* s = finish_outbox_.get();
        StmtReset reset(s);
        sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, o.attempts);
        bind(s, 3, o.error);
        bind(s, 4, finished);
        sqlite3_bind_int64(s, 5, o.id);
        if (sqlite3_step(s) != SQLITE_DONE) {
          fail(where_, "cannot mark outbox row " + std::to_string(o.id) + " (" +
                           errmsg(wdb_.get()) + ")");
        }
      }
      step_done(commit_.get(), "outbox commit failed");
    } catch (...) {
      StmtReset r(rollback_.get());
      sqlite3_step(rollback_.get());
      throw;
    }
  }

  std::optional<PhotoJob> add_photo_job(PhotoJob job) override {
    std::lock_guard lock(write_mu_);
    const std::string created = model::format_time(job.created);
    sqlite3_stmt* s = add_photo_.get();
    StmtReset reset(s);
    bind(s, 1, job.message_id);
    sqlite3_bind_int(s, 2, job.attachment);
    bind(s, 3, job.group);
    bind(s, 4, job.file_id);
    bind(s, 5, created);
    // One statement in autocommit: durable (synchronous=FULL) when it is done.
    if (sqlite3_step(s) != SQLITE_DONE)
      fail(where_, "cannot add a photo to fetch (" + errmsg(wdb_.get()) + ")");
    if (sqlite3_changes(wdb_.get()) != 1) return std::nullopt;
    job.id = sqlite3_last_insert_rowid(wdb_.get());
    return job;
  }

  void update_photo_job(std::int64_t id, PhotoJobState state, int failures,
                        const std::string& note) override {
    std::lock_guard lock(write_mu_);
    const char* name = state == PhotoJobState::done     ? "done"
                       : state == PhotoJobState::failed ? "failed"
                                                        : "pending";
    sqlite3_stmt* s = update_photo_.get();
    StmtReset reset(s);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, failures);
    bind(s, 3, note);
    sqlite3_bind_int64(s, 4, id);
    if (sqlite3_step(s) != SQLITE_DONE)
      fail(where_, "cannot mark photo job " + std::to_string(id) + " (" + errmsg(wdb_.get()) + ")");
  }

  std::vector<PhotoJob> pending_photo_jobs() const override {
    std::lock_guard lock(read_mu_);
    sqlite3_stmt* s = select_photos_.get();
    StmtReset reset(s);
    std::vector<PhotoJob> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      PhotoJob job;
      job.id = sqlite3_column_int64(s, 0);
      job.message_id = text_column(s, 1);
      job.attachment = sqlite3_column_int(s, 2);
      job.group = text_column(s, 3);
      job.file_id = text_column(s, 4);
      try {
        job.created = model::parse_time(text_column(s, 5));
      } catch (const std::exception& e) {
        fail(where_, "photo job " + std::to_string(job.id) + " has a bad time (" + e.what() + ")");
      }
      job.failures = sqlite3_column_int(s, 6);
      out.push_back(std::move(job));
    }
    if (rc != SQLITE_DONE) fail(where_, "cannot read photo jobs (" + errmsg(rdb_.get()) + ")");
    return out;
  }

  std::vector<OutboxRow> queued_in_outbox() const override {
    std::lock_guard lock(read_mu_);
    sqlite3_stmt* s = select_outbox_.get();
    StmtReset reset(s);
    std::vector<OutboxRow> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      OutboxRow row;
      row.id = sqlite3_column_int64(s, 0);
      row.key = text_column(s, 1);
      row.rollcall = text_column(s, 2);
      row.staff = text_column(s, 3);
      row.step = text_column(s, 4);
      row.recipient_kind = text_column(s, 5);
      row.recipient = text_column(s, 6);
      row.content = text_column(s, 7);
      row.priority = sqlite3_column_int(s, 8);
      try {
        row.created = model::parse_time(text_column(s, 9));
      } catch (const std::exception& e) {
        fail(where_, "outbox row " + std::to_string(row.id) + " has a bad time (" + e.what() + ")");
      }
      out.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) fail(where_, "cannot read the outbox (" + errmsg(rdb_.get()) + ")");
    return out;
  }

  void put_snapshot(const StoredSnapshot& snapshot, std::size_t keep) override {
    const std::string taken = model::format_time(snapshot.taken);
    // The committer's connection: SQLite has one writer at a time anyway, and a lock of our
    // own makes a commit wait for this one transaction instead of SQLite's busy polling.
    std::lock_guard lock(write_mu_);
    step_done(begin_.get(), "cannot begin transaction");
    try {
      {
        sqlite3_stmt* s = put_snapshot_.get();
        StmtReset reset(s);
        sqlite3_bind_int64(s, 1, snapshot.seq);
        sqlite3_bind_int(s, 2, snapshot.format);
        bind(s, 3, taken);
        sqlite3_bind_blob64(s, 4, snapshot.body.data(), snapshot.body.size(), SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE) {
          fail(where_, "cannot store the snapshot at seq " + std::to_string(snapshot.seq) + " (" +
                           errmsg(wdb_.get()) + ")");
        }
      }
      {
        sqlite3_stmt* s = trim_snapshots_.get();
        StmtReset reset(s);
        sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(keep));
        if (sqlite3_step(s) != SQLITE_DONE) {
          fail(where_, "cannot drop old snapshots (" + errmsg(wdb_.get()) + ")");
        }
      }
      step_done(commit_.get(), "snapshot commit failed");
    } catch (...) {
      StmtReset r(rollback_.get());
      sqlite3_step(rollback_.get());
      throw;
    }
  }

  void start_full_check() override { full_check_.start(); }
  Check full_check() const override { return full_check_.state(); }

  std::vector<StoredSnapshot> snapshots() const override {
    std::lock_guard lock(read_mu_);
    sqlite3_stmt* s = select_snapshots_.get();
    StmtReset reset(s);
    std::vector<StoredSnapshot> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      StoredSnapshot snapshot;
      snapshot.seq = sqlite3_column_int64(s, 0);
      snapshot.format = sqlite3_column_int(s, 1);
      // A bad time is no reason to lose the snapshot: it says when, not what.
      try {
        snapshot.taken = model::parse_time(text_column(s, 2));
      } catch (const std::exception&) {
      }
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(s, 3));
      snapshot.body.assign(blob ? blob : "", static_cast<std::size_t>(sqlite3_column_bytes(s, 3)));
      out.push_back(std::move(snapshot));
    }
    if (rc != SQLITE_DONE) fail(where_, "cannot read the snapshots (" + errmsg(rdb_.get()) + ")");
    return out;
  }

 private:
  // SQLITE_STATIC: the caller's string outlives the step (reset runs before it is destroyed).
  static void bind(sqlite3_stmt* s, int index, const std::string& text) {
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }

  void step_done(sqlite3_stmt* s, const char* what) {
    StmtReset reset(s);
    if (sqlite3_step(s) != SQLITE_DONE)
      fail(where_, std::string(what) + " (" + errmsg(wdb_.get()) + ")");
  }

  void insert(const model::Event& e) {
    std::string type(model::type_name(e.body));
    std::string at = model::format_time(e.at);
    std::string received = model::format_time(*e.received);
    std::string body = model::to_json(e).dump();
    sqlite3_stmt* s = insert_.get();
    StmtReset reset(s);
    sqlite3_bind_int64(s, 1, e.seq);
    // SQLITE_STATIC: the strings outlive the step (reset runs before they are destroyed).
    sqlite3_bind_text(s, 2, type.data(), static_cast<int>(type.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 3, at.data(), static_cast<int>(at.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 4, received.data(), static_cast<int>(received.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 5, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
      fail(where_,
           "cannot store event seq " + std::to_string(e.seq) + " (" + errmsg(wdb_.get()) + ")");
    }
  }

  std::string where_;
  DbPtr wdb_;
  DbPtr rdb_;
  StmtPtr begin_, commit_, rollback_, insert_;
  StmtPtr select_;
  StmtPtr put_calendar_, select_calendars_;
  StmtPtr add_outbox_, finish_outbox_, select_outbox_;
  StmtPtr add_photo_, update_photo_, select_photos_;
  StmtPtr put_snapshot_, trim_snapshots_, select_snapshots_;
  std::mutex write_mu_;
  mutable std::mutex read_mu_;
  std::atomic<model::Seq> last_seq_{0};
  FullCheck full_check_;  // last: its thread is stopped before the connections close
};

}  // namespace

void Journal::put_calendar(const StoredCalendar&) {
  throw JournalError("this journal does not store calendars");
}

std::vector<OutboxRow> Journal::add_to_outbox(std::vector<OutboxRow>) {
  throw JournalError("this journal has no outbox");
}

void Journal::finish_in_outbox(const std::vector<OutboxOutcome>&) {
  throw JournalError("this journal has no outbox");
}

std::optional<PhotoJob> Journal::add_photo_job(PhotoJob) {
  throw JournalError("this journal keeps no photo jobs");
}

void Journal::update_photo_job(std::int64_t, PhotoJobState, int, const std::string&) {
  throw JournalError("this journal keeps no photo jobs");
}

void Journal::put_snapshot(const StoredSnapshot&, std::size_t) {
  throw JournalError("this journal keeps no snapshots");
}

std::unique_ptr<Journal> open_sqlite_journal(const std::filesystem::path& file) {
  return std::make_unique<SqliteJournal>(file);
}

}  // namespace bcp::daemon
