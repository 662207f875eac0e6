// bcp-feedd as a component: tests run it in-process on an ephemeral port, main() wires it
// to the command line and signals.
//
// Threads: run() turns the calling thread into the I/O thread and returns after stop();
// stop() may be called from any thread. docs/architecture.md ("Threads") lists the rest.
#pragma once

#include <chrono>
#include <vector>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bcp/config/config.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/daemon/outbox/bot_replies.hpp"
#include "bcp/lineworks/api_client.hpp"

namespace bcp::daemon {

struct DaemonOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8470;  // 0 = ephemeral (tests)
  std::filesystem::path data_dir = "var/feedd";
  // Limits on every read: a request larger than these, or slower than read_timeout
  // (slow-loris), is answered or cut without holding up anyone else.
  // A start-up snapshot every this many events (and at a clean shutdown): a start then
  // replays at most about this many (pipeline/snapshots.hpp). 0: only at shutdown.
  std::size_t snapshot_every = 25'000;
  // HTTP threads: every connection is read, parsed and answered on one of them, and only
  // routed on the I/O thread (http/http_threads.hpp). 0: one per core, at most 4.
  std::size_t http_threads = 0;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds write_timeout{10'000};
  // Every open TCP connection, HTTP or stream (town.json limits.max_connections).
  std::size_t max_connections = 4096;
  // WebSocket streams among them (limits.max_streams): each holds a queue of frames, so
  // they have a cap of their own; one more is answered 503.
  std::size_t max_streams = 256;
  // Stream hub: unsent bytes (limits.max_subscriber_queue_bytes) and frames queued per
  // subscriber past which it is dropped as too slow when the next frame comes (so a snapshot
  // bigger than the bound still goes: memory stays within the bound and one frame).
  std::size_t max_subscriber_queue_bytes = 16 * 1024 * 1024;
  std::size_t max_subscriber_queue = 4096;
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds hello_timeout{10'000};
  // A stream that sends nothing for this long is cut; it is pinged after half of it, and a
  // wall's WebSocket answers every ping (tests shorten it).
  std::chrono::milliseconds stream_idle_timeout{30'000};
  // A resuming subscriber further behind than this many events (or than half its queue
  // bound in bytes of them) gets a snapshot instead of a replay.
  std::size_t max_replay = 2000;
  int socket_send_buffer = 0;  // 0 = system default; tests shrink it to provoke back-pressure
  // The daemon's clock; empty = the system clock. Tests set a chosen moment (e.g. inside a
  // calendar's meeting): it gives `at` its default and drives the calendar evaluation.
  std::function<std::chrono::system_clock::time_point()> clock;
  // Regional daemon: silence after which a town's link is stale, then lost (heartbeats come
  // every 2 s; tests shorten these).
  std::chrono::milliseconds region_stale_after{10'000};
  std::chrono::milliseconds region_lost_after{60'000};
  // Overrides config alerts.jma.poller.interval_seconds (tests poll every few milliseconds).
  std::optional<std::chrono::milliseconds> jma_poll_interval;
  // Test seam: runs on the committer thread before each group commit (CommitQueue::
  // set_before_commit); tests hold a commit there to line requests up behind it.
  std::function<void()> before_commit;
  // Test seam: runs on the journal-reader thread before each read (GET /v1/events); tests
  // hold a read there to show the I/O thread goes on meanwhile. It must return by ~Daemon.
  std::function<void()> before_journal_read;
  // The LINE WORKS API client's tuning (timeouts, backoff, lanes); empty = its defaults.
  // Tests shorten the waits.
  std::optional<lineworks::ClientOptions> lineworks_client;
  // How long one second of rollcall_distribution.reminders_after_seconds lasts (tests
  // shorten it, so a reminder mark of 300 s comes after 300 of these).
  std::chrono::milliseconds reminder_second{1000};
  // Waits before a failed talk photo fetch is tried again (the last repeats) and the failures
  // after which it is given up; empty / 0: 1, 5 and 30 minutes, 14 (about six hours).
  std::vector<std::chrono::milliseconds> photo_retry_delays;
  int photo_max_failures = 0;
  // Replaces calendars.poll_seconds (tests poll every few hundred milliseconds).
  std::optional<std::chrono::milliseconds> calendar_poll_period;
  // Where the LINE WORKS callback route tells a person that their answer was not counted
  // (closed or unknown roll call, none open): a test's recorder. Null: the outbox, when the
  // town has lineworks_api (else nobody is told; the answer is still kept as a notice). Not
  // owned; must outlive the daemon.
  BotReplies* bot_replies = nullptr;
};

// Parses "host:port"; throws std::invalid_argument naming the problem.
void parse_listen(const std::string& listen, DaemonOptions& options);

class Daemon {
 public:
  // Opens (or creates) the journal under data_dir, replays it through the reducer and binds
  // the listening socket. Throws std::runtime_error with a clear message on failure
  // (corrupt journal, port in use, ...): the daemon never starts half-working.
  Daemon(config::TownConfig town, DaemonOptions options);
  // The regional daemon (DESIGN.md, "Several towns"): follows the region's towns over NATS
  // JetStream and serves GET /v1/region and their stream. Throws like the town's.
  Daemon(const config::RegionConfig& region, DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  std::uint16_t port() const;
  // Serves until stop(); call from one thread.
  void run();
  // Graceful: stops accepting, finishes in-flight commits and their answers, closes
  // streams, then makes run() return. Thread-safe; blocks until commits are done.
  void stop();
  const Metrics& metrics() const;
  // Everything start-up rebuilds from the journal, encoded as a start-up snapshot of it would
  // be (pipeline/snapshot_codec.hpp). Only while run() is not running: tests compare starts.
  std::string replayed_state() const;

  struct Core;

 private:
  std::unique_ptr<Core> core_;
};

}  // namespace bcp::daemon
