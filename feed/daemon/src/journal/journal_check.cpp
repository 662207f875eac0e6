#include "journal/journal_check.hpp"

#include <vector>

#include "bcp/daemon/log.hpp"

namespace bcp::daemon {
namespace {

std::string column_text(sqlite3_stmt* s, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, col))) : std::string();
}

// Runs `sql` and gathers the rows of its first column that are not "ok" (at most three), or
// SQLite's error. `rows` receives every row when given.
std::string problems_of(sqlite3* db, const std::string& sql, std::vector<std::string>* rows = nullptr) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::string why = sqlite3_errmsg(db);
    sqlite3_finalize(s);
    return why;
  }
  std::string problems;
  int lines = 0;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::string line = column_text(s, 0);
    if (rows) {
      rows->push_back(std::move(line));
      continue;
    }
    if (line == "ok") continue;
    if (lines++ < 3) problems += (problems.empty() ? "" : "; ") + line;
  }
  if (rc != SQLITE_DONE) problems = sqlite3_errmsg(db);
  sqlite3_finalize(s);
  return problems;
}

// "quoted" as an SQL identifier.
std::string identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string check_small_tables(sqlite3* db) {
  std::vector<std::string> tables;
  std::string why = problems_of(
      db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'events'", &tables);
  if (!why.empty()) return why;
  for (const std::string& table : tables) {
    why = problems_of(db, "PRAGMA quick_check(" + identifier(table) + ")");
    if (!why.empty()) return table + ": " + why;
  }
  return "";
}

std::string check_event_edges(sqlite3* db) {
  std::vector<std::string> rows;
  for (const char* sql : {"SELECT length(body) FROM events ORDER BY seq LIMIT 1",
                          "SELECT length(body) FROM events ORDER BY seq DESC LIMIT 1"}) {
    std::string why = problems_of(db, sql, &rows);
    if (!why.empty()) return "events: " + why;
  }
  return "";
}

FullCheck::FullCheck(std::filesystem::path file) : file_(std::move(file)) {}

FullCheck::~FullCheck() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (db_) sqlite3_interrupt(db_);
  }
  if (thread_.joinable()) thread_.join();
}

void FullCheck::start() {
  Journal::Check expected = Journal::Check::not_started;
  if (!state_.compare_exchange_strong(expected, Journal::Check::running)) return;
  thread_ = std::thread([this] { run(); });
}

void FullCheck::run() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file_.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    log(LogLevel::warning, "journal", file_.string() + ": the full check could not open it: " + sqlite3_errmsg(db));
    sqlite3_close_v2(db);
    state_ = Journal::Check::not_started;
    return;
  }
  sqlite3_busy_timeout(db, 5000);
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      sqlite3_close_v2(db);
      return;
    }
    db_ = db;
  }
  const std::string problems = problems_of(db, "PRAGMA quick_check(events)");
  bool interrupted = false;
  {
    std::lock_guard lock(mu_);
    db_ = nullptr;
    interrupted = stopping_ || sqlite3_errcode(db) == SQLITE_INTERRUPT;
  }
  sqlite3_close_v2(db);
  if (interrupted) return;
  if (problems.empty()) {
    state_ = Journal::Check::ok;
    return;
  }
  state_ = Journal::Check::corrupt;
  log(LogLevel::error, "journal",
      file_.string() + ": journal is corrupt (quick_check of the events: " + problems +
          "): back the file up and restore the last good backup (docs/operations.md)");
}

}  // namespace bcp::daemon
