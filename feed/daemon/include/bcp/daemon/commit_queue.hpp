// Group commit in front of the journal. With synchronous=FULL every commit costs an fsync,
// so committing each request on its own caps ingest at the disk's fsync rate; instead one
// committer thread takes everything submitted meanwhile and commits it in ONE transaction.
// A request is acknowledged (its `done` runs) only after the commit that holds it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "bcp/daemon/histogram.hpp"
#include "bcp/daemon/journal.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

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
};

class CommitQueue {
 public:
  // `committed` holds the request's own events with their seqs (empty when `error` is set).
  using Done =
      std::function<void(const std::vector<model::Event>& committed, std::exception_ptr error)>;
  // Runs on the committer thread after each successful commit, with the whole batch in seq
  // order, before any `done` of that batch: the daemon applies the reducer and broadcasts
  // here, so the situation and the stream follow the journal exactly.
  using OnCommitted = std::function<void(const std::vector<model::Event>& batch)>;

  // `journal` must outlive the queue; from now on only the committer appends to it.
  CommitQueue(Journal& journal, OnCommitted on_committed);
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

 private:
  struct Request {
    std::vector<model::Event> events;
    Done done;
  };

  void run();
  void commit(std::deque<Request>& batch);

  Journal& journal_;
  OnCommitted on_committed_;
  CommitStats stats_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> pending_;  // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  std::mutex stop_mu_;           // serialises concurrent stop() calls around join()
  std::thread committer_;        // last: started after everything above exists
};

}  // namespace bcp::daemon
