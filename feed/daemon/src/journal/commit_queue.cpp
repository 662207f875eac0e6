#include "bcp/daemon/journal/commit_queue.hpp"

#include <chrono>
#include <string>
#include <utility>

#include "bcp/daemon/log.hpp"

namespace bcp::daemon {

CommitQueue::CommitQueue(Journal& journal, OnCommitted on_committed, CommitAdmission* admission)
    : journal_(journal), on_committed_(std::move(on_committed)), admission_(admission) {
  committer_ = std::thread([this] { run(); });
}

CommitQueue::~CommitQueue() { stop(); }

void CommitQueue::submit(std::vector<model::Event> events, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      pending_.push_back(Request{std::move(events), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  // Outside the lock: the callback may well submit again or take its own locks.
  if (done) done({}, std::make_exception_ptr(JournalError("commit queue is stopped")));
}

void CommitQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  std::lock_guard lock(stop_mu_);
  if (committer_.joinable() && committer_.get_id() != std::this_thread::get_id()) {
    committer_.join();
  }
}

void CommitQueue::run() {
  std::deque<Request> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !pending_.empty() || stopping_; });
      // Drain first: everything accepted before stop() is committed (graceful shutdown).
      if (pending_.empty()) return;
      batch.swap(pending_);
    }
    commit(batch);
    batch.clear();
  }
}

// The admission's verdict on one request; a throwing admission refuses rather than letting an
// unchecked request through or ending the committer.
std::optional<std::string> CommitQueue::admit(const std::vector<model::Event>& events) {
  if (!admission_ || events.empty()) return std::nullopt;
  try {
    return admission_->admit(events);
  } catch (const std::exception& e) {
    log(LogLevel::error, "journal", std::string("admission threw: ") + e.what());
  } catch (...) {
    log(LogLevel::error, "journal", "admission threw an unknown exception");
  }
  return std::string("could not be checked against the journal");
}

void CommitQueue::commit(std::deque<Request>& batch) {
  if (before_commit_) before_commit_();
  // Decided here, in journal order: each request sees everything committed before it and
  // the requests admitted ahead of it in this batch.
  std::vector<std::optional<std::string>> conflicts(batch.size());
  std::vector<model::Event> events;
  std::size_t total = 0;
  for (const auto& r : batch) total += r.events.size();
  events.reserve(total);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    conflicts[i] = admit(batch[i].events);
    if (conflicts[i]) {
      stats_.conflicts++;
      continue;
    }
    for (auto& e : batch[i].events) events.push_back(std::move(e));
  }

  std::exception_ptr error;
  if (!events.empty()) {
    auto t0 = std::chrono::steady_clock::now();
    try {
      journal_.append(events);
    } catch (...) {
      error = std::current_exception();
    }
    auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    stats_.last_latency_us = static_cast<std::uint64_t>(us);
    stats_.latency_us_sum += static_cast<std::uint64_t>(us);
    stats_.latency.observe(std::chrono::microseconds(us));
  }

  if (admission_) {
    // Outside the journal's try: an admission that fails here must not turn a commit into
    // a refusal (the events are on disk) nor a refusal into a commit.
    try {
      if (error) {
        admission_->failed();
      } else {
        admission_->committed();
      }
    } catch (...) {
      log(LogLevel::error, "journal", "admission threw while settling a batch");
    }
  }

  if (error) {
    stats_.failed_batches++;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log(LogLevel::error, "journal",
          std::string("commit failed, ") + std::to_string(batch.size()) +
              " requests refused: " + e.what());
    } catch (...) {
      log(LogLevel::error, "journal", "commit failed with an unknown error");
    }
  } else if (!events.empty()) {
    stats_.batches++;
    stats_.events += events.size();
    if (events.size() > stats_.max_batch_events) stats_.max_batch_events = events.size();
    if (on_committed_) {
      // The events are durable whatever happens here, so the requests still succeed; a
      // throwing reducer must not kill the committer and stall every later request.
      try {
        on_committed_(events);
      } catch (const std::exception& e) {
        stats_.callback_errors++;
        log(LogLevel::error, "journal", std::string("on_committed threw: ") + e.what());
      } catch (...) {
        stats_.callback_errors++;
        log(LogLevel::error, "journal", "on_committed threw an unknown exception");
      }
    }
  }
  stats_.requests += batch.size();

  // Hand each request back its own slice of the batch, in submission order.
  std::size_t at = 0;
  static const std::vector<model::Event> kNone;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    Request& r = batch[k];
    std::exception_ptr mine_error = error;
    std::vector<model::Event> mine;
    if (conflicts[k]) {
      mine_error = std::make_exception_ptr(CommitConflict(*conflicts[k]));
    } else {
      const std::size_t n = r.events.size();
      if (!error) {
        mine.reserve(n);
        for (std::size_t i = 0; i < n; ++i) mine.push_back(std::move(events[at + i]));
      }
      at += n;
    }
    if (!r.done) continue;
    try {
      r.done(mine_error ? kNone : mine, mine_error);
    } catch (...) {
      stats_.callback_errors++;
      log(LogLevel::error, "journal", "a commit callback threw");
    }
  }
}

}  // namespace bcp::daemon
