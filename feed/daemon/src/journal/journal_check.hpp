// The journal file's integrity checks, split so that a start takes the same time however long
// the journal is (issue 17): at open, everything but the events table's inner pages (which a
// start from a snapshot never reads); the whole events table afterwards, on a thread of its own.
//
// Threads: the open-time checks run on the opening thread, on its connection. FullCheck owns
// one thread and one read-only connection of its own (WAL: it never holds up a commit); its
// state is an atomic, read from any thread.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "bcp/daemon/journal/journal.hpp"

namespace bcp::daemon {

// PRAGMA quick_check of every table but `events`: the calendars, the outbox, the photo jobs
// and the snapshots hold thousands of rows at most. "" when all is well, else what is wrong
// (a few lines of quick_check's, or SQLite's error).
std::string check_small_tables(sqlite3* db);

// The events b-tree along both edges: its root and the path every append and every start's
// read of the tail take (the first and the last row, their bodies read whole). "" or the error.
std::string check_event_edges(sqlite3* db);

// PRAGMA quick_check(events) over the whole file, once, after start(). A damaged page is
// logged as an error naming the file; the daemon goes on (what it appends and what a start
// reads are not on damaged pages, or those checks above would have refused the file).
class FullCheck {
 public:
  explicit FullCheck(std::filesystem::path file);
  ~FullCheck();  // interrupts a check under way
  FullCheck(const FullCheck&) = delete;
  FullCheck& operator=(const FullCheck&) = delete;

  void start();  // idempotent
  Journal::Check state() const { return state_.load(); }

 private:
  void run();

  std::filesystem::path file_;
  std::atomic<Journal::Check> state_{Journal::Check::not_started};
  std::mutex mu_;            // guards db_ and stopping_ between the check and the destructor
  sqlite3* db_ = nullptr;    // while the check runs: for sqlite3_interrupt
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bcp::daemon
