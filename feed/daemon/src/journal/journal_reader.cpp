// Threading: see journal_reader.hpp. enqueue() and stop() run on the I/O thread (stop() also
// from ~Core, after the I/O thread has stopped); loop() is the reader thread. jobs_,
// running_ and stopping_ are shared between them under mu_.
#include "journal/journal_reader.hpp"

#include "bcp/daemon/log.hpp"

namespace bcp::daemon {

JournalReader::JournalReader(const Journal& journal, boost::asio::any_io_executor io,
                             std::function<void()> before_read)
    : journal_(journal), io_(std::move(io)), before_read_(std::move(before_read)) {}

JournalReader::~JournalReader() { stop(); }

void JournalReader::enqueue(Job job) {
  std::unique_lock lock(mu_);
  if (stopping_) return;  // dropped here, on the caller's thread
  jobs_.push_back(std::move(job));
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  lock.unlock();
  cv_.notify_one();
}

std::size_t JournalReader::pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size() + running_;
}

void JournalReader::loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;  // what is still queued is dropped by stop()
      job = std::move(jobs_.front());
      jobs_.pop_front();
      running_ = 1;
    }
    if (before_read_) before_read_();
    // The job catches what the read throws and posts it; only a failed post lands here.
    run_guarded("journal", "a journal read", [&] { job(journal_); });
    job = nullptr;  // its `done` has moved into the I/O thread's handler
    std::lock_guard lock(mu_);
    running_ = 0;
  }
}

void JournalReader::stop() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(jobs_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // `dropped` (and the sessions its answers held) goes here, on the stopping thread.
}

}  // namespace bcp::daemon
