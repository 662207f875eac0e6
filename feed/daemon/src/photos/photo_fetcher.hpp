// Talk photos from LINE WORKS (DESIGN.md "LINE WORKS both ways", Photos; docs/operations.md
// "Photos"). After a callback with an image from a level-C room is journaled (the gate drops a
// level-B room's message before: its photo is never asked for), the route hands its fileId here.
// The fetcher
//   1. stores a job in the journal's photo_fetch table (a restart resumes what is pending),
//   2. GETs {api_url}/bots/{botId}/attachments/{fileId} through the bot's API client (its token,
//      pacing and retries; the 302 to the download URL followed with the Bearer again; at most
//      photo::Limits::max_input_bytes),
//   3. re-encodes it with bcp::photo (JPEG or PNG only, EXIF and GPS gone, long side <= 1920),
//   4. keeps it as <data>/attachments/<ref>.jpg (PhotoStore) and journals talk.photo, which the
//      reducer folds into the message's attachment.
// The callback's 200 never waits for any of it. A fetch that failed after the client's own
// retries (5xx, timeouts) is tried again after 1, 5 and 30 minutes, then every 30 minutes, and
// given up after about six hours; a file that is no image, a bomb, or a 4xx is given up at once.
// Logs name ids, never content. The [写真] marker stays on the wall until a ref arrives.
//
// Threads: one worker thread of its own owns the jobs, the journal writes of photo_fetch, the
// re-encoding and the file writes. take() may be called from any thread (the I/O thread); the
// client's completion runs on the client's thread and only queues work here; talk.photo is
// submitted on the I/O thread (posted), and its outcome comes back to the worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/lineworks/api_client.hpp"
#include "photos/photo_store.hpp"

namespace bcp::daemon {

class PhotoFetcher {
 public:
  // Queues one GET (follow_redirect, the size cap); `done` runs once on any thread. False when it
  // cannot be queued now (then done never runs).
  using Get = std::function<bool(lineworks::GetRequest, std::function<void(lineworks::GetResult)>)>;
  struct Retry {
    std::vector<std::chrono::milliseconds> delays{std::chrono::minutes(1), std::chrono::minutes(5),
                                                  std::chrono::minutes(30)};  // the last repeats
    int max_failures = 14;  // 1 + 5 + 30 + 11 x 30 minutes: about six hours
  };

  PhotoFetcher(Daemon::Core& core, Get get, std::string bot_id, Retry retry);
  ~PhotoFetcher();
  PhotoFetcher(const PhotoFetcher&) = delete;
  PhotoFetcher& operator=(const PhotoFetcher&) = delete;

  void start();  // the worker begins with the journal's pending jobs
  void stop();   // the worker ends; what is not done stays pending in the journal

  // An image attachment of a journaled talk message. Any thread; never blocks on I/O.
  void take(PhotoJob job);

  const PhotoStats& stats() const { return stats_; }
  const PhotoStore& store() const { return store_; }

 private:
  using Clock = std::chrono::steady_clock;
  void run();
  // Worker thread:
  void add(PhotoJob job);
  void pump();
  void fetch(PhotoJob job);
  void on_fetched(PhotoJob job, const lineworks::GetResult& result);
  void keep(PhotoJob job, const std::string& bytes);
  void on_journaled(PhotoJob job, const std::string& ref, bool ok, const std::string& why);
  void fail_once(PhotoJob job, const std::string& why);
  void give_up(const PhotoJob& job, const std::string& why);
  void mark(const PhotoJob& job, PhotoJobState state, const std::string& note);

  Daemon::Core& core_;
  Get get_;
  std::string bot_id_;
  Retry retry_;
  PhotoStore store_;
  PhotoStats stats_;

  // What other threads hand the worker. Shared, so that a completion arriving after the
  // fetcher is gone finds a closed mailbox instead of a dangling fetcher.
  struct Mailbox {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> tasks;
    bool closed = false;
    void post(std::function<void()> task);
  };
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
  // Worker only:
  std::deque<PhotoJob> ready_;                        // to fetch now, in order
  std::multimap<Clock::time_point, PhotoJob> later_;  // to fetch again at a time
  int in_flight_ = 0;
  std::thread worker_;
};

}  // namespace bcp::daemon
