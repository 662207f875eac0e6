// Group commit in front of the journal. With synchronous=FULL every commit costs an fsync,
// so committing each request on its own caps ingest at the disk's fsync rate; instead one
// committer thread takes everything submitted meanwhile and commits it in ONE transaction.
// A request is acknowledged (its `done` runs) only after the commit that holds it.
//
// Threads: owns the committer thread, the only one that appends to the journal and calls the
// CommitAdmission. submit() may be called from any thread; on_committed and every `done` run
// on the committer thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bcp/daemon/histogram.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

// A request refused by the admission (below): it conflicts with what was committed before it.
struct CommitConflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The invariants that depend on what came before ("only one actual roll call open", "no
// check-in into a closed roll call"), decided on the committer thread in journal order.
// Checking them when a request is validated is not enough: many requests are validated
// before the first of them is committed, so three starts all saw no open roll call.
class CommitAdmission {
 public:
  virtual ~CommitAdmission() = default;
  // Called for each request of a batch, in journal order. nullopt admits it, and its effect
  // counts for every request after it; a message refuses it (CommitConflict, nothing stored).
  virtual std::optional<std::string> admit(const std::vector<model::Event>& events) = 0;
  // The batch holding the requests admitted since the last call was committed: keep them.
  virtual void committed() = 0;
  // It failed: forget them, as if they had never been admitted.
  virtual void failed() = 0;
};

// Counters for /metrics. Written by the committer thread, read from anywhere.
struct CommitStats {
  std::atomic<std::uint64_t> batches{0};          // successful transactions
  std::atomic<std::uint64_t> events{0};           // events committed
  std::atomic<std::uint64_t> requests{0};         // submit() calls answered
  std::atomic<std::uint64_t> failed_batches{0};   // transactions that threw
  std::atomic<std::uint64_t> callback_errors{0};  // on_committed/done that threw
  std::atomic<std::uint64_t> last_latency_us{0};  // duration of the last journal.append
  std::atomic<std::uint64_t> latency_us_sum{0};   // sum over all appends (for an average)
  LatencyHistogram latency;                       // every journal.append, failed ones too
  std::atomic<std::uint64_t> max_batch_events{0};
  std::atomic<std::uint64_t> conflicts{0};  // requests the admission refused
};

class CommitQueue {
 public:
  // `committed` holds the request's own events with their seqs (empty when `error` is set;
  // a CommitConflict when the admission refused the request, else the journal's error).
  using Done =
      std::function<void(const std::vector<model::Event>& committed, std::exception_ptr error)>;
  // Runs on the committer thread after each successful commit, with the whole batch in seq
  // order, before any `done` of that batch. The pipeline (pipeline/pipeline.hpp) hands the
  // batch to its committer-thread sinks here and posts it to the I/O thread, which reduces
  // it and then runs each `done`'s answer: the situation and the stream follow the journal
  // exactly, and a client is answered only after the walls could see its event.
  using OnCommitted = std::function<void(const std::vector<model::Event>& batch)>;

  // `journal` (and `admission`, when given) must outlive the queue; from now on only the
  // committer appends to the journal and calls the admission.
  CommitQueue(Journal& journal, OnCommitted on_committed, CommitAdmission* admission = nullptr);
  ~CommitQueue();  // stop()
  CommitQueue(const CommitQueue&) = delete;
  CommitQueue& operator=(const CommitQueue&) = delete;

  // Never blocks on the disk. `done` runs on the committer thread (or, after stop(), at
  // once on the caller's thread with an error). An empty `events` still gets its `done`.
  void submit(std::vector<model::Event> events, Done done);

  // Commits everything already submitted, then joins the committer. Idempotent. Must not
  // be called from on_committed/done (that is the committer thread itself).
  void stop();

  const CommitStats& stats() const { return stats_; }

  // Test seam: runs on the committer thread before each batch is admitted and appended, so
  // a test can hold one commit and line requests up behind it. Set before the first submit.
  void set_before_commit(std::function<void()> hook) { before_commit_ = std::move(hook); }

 private:
  struct Request {
    std::vector<model::Event> events;
    Done done;
  };

  void run();
  void commit(std::deque<Request>& batch);
  std::optional<std::string> admit(const std::vector<model::Event>& events);

  Journal& journal_;
  OnCommitted on_committed_;
  CommitAdmission* admission_;
  std::function<void()> before_commit_;
  CommitStats stats_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> pending_;  // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  std::mutex stop_mu_;           // serialises concurrent stop() calls around join()
  std::thread committer_;        // last: started after everything above exists
};

}  // namespace bcp::daemon
