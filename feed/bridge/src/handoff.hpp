// The bounded hand-off between the daemon's event sink and the publisher's thread.
//
// Threads: offer()/mark() from the sink's thread, take()/committed() from the publisher's
// thread; one mutex, held only to move a few strings. The hand-off never grows past its
// bounds: an event that does not fit is dropped here and read back from the journal later,
// since the journal holds every committed event anyway.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/bridge/town_publisher.hpp"

namespace bcp::bridge::detail {

class Handoff {
 public:
  Handoff(std::size_t max_events, std::size_t max_bytes)
      : max_events_(max_events), max_bytes_(max_bytes) {}

  // The event `seq` is committed; its text is kept when there is room. Returns at once.
  void offer(std::uint64_t seq, std::string_view json);
  // Every event up to `seq` is committed (texts to be read from the journal).
  void mark(std::uint64_t seq);

  std::uint64_t committed() const;
  // Events after `after` that are at hand and consecutive (after+1, after+2, ...), at most
  // `limit`; drops everything up to `after`. Empty when after+1 is not at hand: read the
  // journal then.
  std::vector<JournalEvent> take(std::uint64_t after, std::size_t limit);
  // Waits until something is committed past `after`, stop() was called, or `until`.
  void wait_for_work(std::uint64_t after, std::chrono::steady_clock::time_point until);
  // Waits until stop() was called or `until` (a back-off: new events do not cut it short).
  void sleep_until(std::chrono::steady_clock::time_point until);
  void stop();
  bool stopped() const;

  std::size_t held_events() const;

 private:
  const std::size_t max_events_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<JournalEvent> events_;  // ascending seq, maybe with holes where one was dropped
  std::size_t bytes_ = 0;
  std::uint64_t committed_ = 0;
  bool stopped_ = false;
};

}  // namespace bcp::bridge::detail
