// Journal reads for the I/O thread, done on a thread of their own. A page of /v1/events (up
// to 10,000 rows read, decoded and serialised) takes long enough to hold up every wall's
// stream and every other request if it ran on the I/O thread; here the I/O thread only
// queues the read and later hands the answer over.
//
// Threading: read() and stop() are called on the I/O thread (or, for stop(), once it has
// stopped running). `work` runs on the reader thread and must capture only values (never a
// session, the Core's state or anything else of the I/O thread's); it reads the journal
// through Journal::read, which is safe beside the committer's appends (journal_sqlite.cpp:
// its own read connection under its own mutex, WAL). `done` always runs on the I/O thread
// (posted to `io`), or is destroyed unrun by stop() on the thread calling it; it is never
// run or destroyed on the reader thread, so it may hold sessions.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include "bcp/daemon/journal/journal.hpp"

namespace bcp::daemon {

class JournalReader {
 public:
  // `before_read`, when set, runs on the reader thread before each read (a test seam, like
  // DaemonOptions::before_commit). The thread starts with the first read.
  JournalReader(const Journal& journal, boost::asio::any_io_executor io,
                std::function<void()> before_read = {});
  ~JournalReader();  // stop()
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // Runs `work(journal)` on the reader thread, in the order queued, and posts `done` with its
  // result, or with the exception it threw (and a default Result), to the I/O thread.
  template <class Result>
  void read(std::function<Result(const Journal&)> work,
            std::function<void(Result, std::exception_ptr)> done) {
    enqueue(
        [work = std::move(work), done = std::move(done), io = io_](const Journal& journal) mutable {
          Result result{};
          std::exception_ptr error;
          try {
            result = work(journal);
          } catch (...) {
            error = std::current_exception();
          }
          // `done` moves into the handler: what holds a session is released on the I/O thread.
          boost::asio::post(io, [done = std::move(done), result = std::move(result),
                                 error]() mutable { done(std::move(result), error); });
        });
  }

  // Reads queued and not begun are dropped (their `done` destroyed here, unrun); a read under
  // way is waited for, and its answer is posted as usual. Then the thread is joined. Call it
  // while the io_context can still run (or be polled) what was posted.
  void stop();

  // Reads queued or under way (for tests and /metrics).
  std::size_t pending() const;

 private:
  using Job = std::function<void(const Journal&)>;
  void enqueue(Job job);
  void loop();

  const Journal& journal_;
  boost::asio::any_io_executor io_;
  std::function<void()> before_read_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;     // under mu_
  std::size_t running_ = 0;  // under mu_: 0 or 1
  bool stopping_ = false;    // under mu_
  std::thread thread_;       // started by the first enqueue, on the I/O thread
};

}  // namespace bcp::daemon
