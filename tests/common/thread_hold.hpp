// Holds a daemon thread inside a test seam (DaemonOptions::before_commit on the committer,
// before_journal_read on the journal reader) until the test releases it, so a test can line
// work up behind a commit or a read and watch what goes on meanwhile. Armed once: the next
// call of the hook blocks, later calls pass. Released at the latest when it is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace bcp::daemon::test {

struct ThreadHold {
  explicit ThreadHold(bool armed_at_start = false) : armed(armed_at_start) {}
  ~ThreadHold() { release(); }

  std::function<void()> hook() {
    return [this] {
      std::unique_lock lock(mu);
      if (!armed) return;
      armed = false;
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return released; });
    };
  }
  void arm() {
    std::lock_guard lock(mu);
    armed = true;
    entered = released = false;
  }
  bool wait_entered() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(20), [&] { return entered; });
  }
  void release() {
    std::lock_guard lock(mu);
    released = true;
    cv.notify_all();
  }

  std::mutex mu;
  std::condition_variable cv;
  bool armed;
  bool entered = false;
  bool released = false;
};

}  // namespace bcp::daemon::test
