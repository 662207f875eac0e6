// The photo workers: a few threads that run PhotoFetch (network and decode) for the photo
// cache. Threads: owns `workers` threads; submit(), take() and outstanding() are called from
// the UI thread and meet the workers under one mutex. A request waiting in the queue when
// the loader stops is dropped; one being fetched ends by its own deadline.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "bcp/display/photo_cache.hpp"

namespace bcp::display {

class PhotoLoader {
 public:
  PhotoLoader(PhotoFetch fetch, int workers, std::size_t max_queued);
  ~PhotoLoader();  // stops and joins
  PhotoLoader(const PhotoLoader&) = delete;
  PhotoLoader& operator=(const PhotoLoader&) = delete;

  // False when `max_queued` requests are already queued or being fetched.
  bool submit(PhotoRequest request);
  // Moves the finished results into `out` (appended).
  void take(std::vector<PhotoResult>& out);
  // Requests queued, being fetched, or finished and not yet taken.
  std::size_t outstanding() const;

 private:
  void work();

  PhotoFetch fetch_;
  std::size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<PhotoRequest> queue_;  // guarded by mu_
  std::vector<PhotoResult> done_;   // guarded by mu_
  std::size_t busy_ = 0;            // guarded by mu_: requests being fetched
  bool stopping_ = false;           // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace bcp::display
