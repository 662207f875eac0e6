// bench-sqlite-ceiling: the journal ceiling for 01-ingest. Inserts rows shaped like the
// daemon's journal rows (same schema, same body size, WAL, synchronous=FULL) as fast as this
// disk allows, in two ways, and prints one JSON object:
//   group  — C producer threads each submit one row and wait until it is committed, while one
//            committer drains everything pending into ONE transaction (what CommitQueue does
//            with C HTTP connections in flight): the best bcp-feedd's journal could do.
//   single — one row per transaction, one after the other: the fsync rate, for reference.
// Usage: bench-sqlite-ceiling DIR SECONDS_PER_MODE [PRODUCERS=32] [BODY_BYTES=420] [group|single|both]
// Output keys are flat (group_*, single_*) so shell scripts can pick them with grep.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

struct Db {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_int64 seq = 0;
  std::string body;

  Db(const std::filesystem::path& file, std::size_t body_bytes) {
    std::filesystem::remove(file);
    check(sqlite3_open(file.c_str(), &db), db, "open");
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                           "CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                           " at TEXT NOT NULL, received TEXT NOT NULL, body TEXT NOT NULL)",
                       nullptr, nullptr, nullptr),
          db, "schema");
    check(sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?, ?, ?, ?, ?)", -1, &insert, nullptr),
          db, "prepare");
    // A talk.message as the daemon stores it is ~400 bytes of JSON; same size, same column.
    body = R"({"at":"2026-11-25T08:00:00.000Z","type":"talk.message","text":")";
    while (body.size() + 2 < body_bytes) body += "x";
    body += "\"}";
  }
  ~Db() {
    sqlite3_finalize(insert);
    sqlite3_close(db);
  }
  void exec(const char* sql) { check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }
  void insert_row() {
    sqlite3_bind_int64(insert, 1, ++seq);
    sqlite3_bind_text(insert, 2, "talk.message", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 3, "2026-11-25T08:00:00.000Z", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 4, "2026-11-25T08:00:00.001Z", -1, SQLITE_STATIC);
    sqlite3_bind_text(insert, 5, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
  }
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * v.size()))];
}

// Group commit: producers wait for their row like an HTTP request waits for its 2xx.
void run_group(Db& db, double seconds, int producers, std::FILE* out) {
  std::mutex mu;
  std::condition_variable submitted, committed;
  // Tickets: a producer's row is number `ticket`; it is durable once `done >= ticket`.
  std::uint64_t issued = 0, done = 0;
  bool stop = false;
  std::vector<double> wait_ms;  // guarded by mu: per-row submit → commit
  std::uint64_t batches = 0;

  std::thread committer([&] {
    std::unique_lock lock(mu);
    for (;;) {
      submitted.wait(lock, [&] { return issued > done || stop; });
      if (issued == done) return;
      const std::uint64_t upto = issued;
      lock.unlock();
      db.exec("BEGIN IMMEDIATE");
      for (std::uint64_t i = done; i < upto; ++i) db.insert_row();
      db.exec("COMMIT");
      lock.lock();
      done = upto;
      ++batches;
      committed.notify_all();
    }
  });
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&] {
      while (seconds_since(t0) < seconds) {
        auto s = Clock::now();
        std::unique_lock lock(mu);
        const std::uint64_t ticket = ++issued;
        submitted.notify_one();
        committed.wait(lock, [&] { return done >= ticket; });
        wait_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = seconds_since(t0);
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  submitted.notify_one();
  committer.join();
  std::fprintf(out,
               "\"group_producers\":%d,\"group_rows\":%llu,\"group_seconds\":%.3f,"
               "\"group_rows_per_s\":%.1f,\"group_batches\":%llu,\"group_rows_per_batch\":%.2f,"
               "\"group_wait_p50_ms\":%.3f,\"group_wait_p99_ms\":%.3f",
               producers, static_cast<unsigned long long>(done), elapsed, done / elapsed,
               static_cast<unsigned long long>(batches), batches ? double(done) / batches : 0.0,
               percentile(wait_ms, 50), percentile(wait_ms, 99));
}

void run_single(Db& db, double seconds, std::FILE* out) {
  std::uint64_t rows = 0;
  std::vector<double> commit_ms;
  auto t0 = Clock::now();
  while (seconds_since(t0) < seconds) {
    auto s = Clock::now();
    db.exec("BEGIN IMMEDIATE");
    db.insert_row();
    db.exec("COMMIT");
    commit_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
    ++rows;
  }
  double elapsed = seconds_since(t0);
  std::fprintf(out,
               "\"single_rows\":%llu,\"single_seconds\":%.3f,\"single_rows_per_s\":%.1f,"
               "\"single_commit_p50_ms\":%.3f,\"single_commit_p99_ms\":%.3f",
               static_cast<unsigned long long>(rows), elapsed, rows / elapsed,
               percentile(commit_ms, 50), percentile(commit_ms, 99));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DIR SECONDS_PER_MODE [PRODUCERS=32] [BODY_BYTES=420] [group|single|both]\n",
                 argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const double seconds = std::atof(argv[2]);
  const int producers = argc > 3 ? std::atoi(argv[3]) : 32;
  const std::size_t body_bytes = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 420;
  const std::string modes = argc > 5 ? argv[5] : "both";
  if (seconds <= 0 || producers <= 0 || !std::filesystem::is_directory(dir) ||
      (modes != "group" && modes != "single" && modes != "both")) {
    std::fprintf(stderr, "%s: bad arguments (DIR must exist, SECONDS and PRODUCERS > 0)\n", argv[0]);
    return 2;
  }
  try {
    std::printf("{\"body_bytes\":%zu", body_bytes);
    if (modes != "single") {
      std::printf(",");
      Db db(dir / "ceiling-group.sqlite3", body_bytes);
      run_group(db, seconds, producers, stdout);
    }
    if (modes != "group") {
      std::printf(",");
      Db db(dir / "ceiling-single.sqlite3", body_bytes);
      run_single(db, seconds, stdout);
    }
    std::printf("}\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-sqlite-ceiling: %s\n", e.what());
    return 1;
  }
}
