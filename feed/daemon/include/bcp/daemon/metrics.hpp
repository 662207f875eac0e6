// Counters for GET /metrics (Prometheus text format). Updated from the I/O thread and
// the committer thread, hence atomics; what is not atomic is touched on the I/O thread only.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "bcp/daemon/journal/commit_queue.hpp"

namespace bcp::daemon {

// Why an item was refused; each has its own counter and log line (never the content).
enum class RefusalReason {
  malformed,       // 400: bad JSON, missing field, wrong type, invalid UTF-8
  unauthorized,    // 401: unknown token or bad signature
  classification,  // 403: level other than C, or a level-B/A group
  unknown_group,   // 403: group or channel not in the config
  too_large,       // 413
  content_type,    // 415
  rate_limited,    // 429
  conflict,        // 409: e.g. ambiguous roll call
  not_shown,       // CAP/JMA Test/System/Draft: accepted but not shown
  duplicate,       // replayed LINE WORKS callback
  ignored,         // LINE WORKS event that maps to nothing (1:1 talk, unknown event type)
  journal,         // 503
  unknown_user,    // LINE WORKS roll-call answer from an account no staff member is mapped to
};
inline constexpr std::size_t kRefusalReasons = 13;
std::string_view to_string(RefusalReason r);

// The LINE WORKS bot's outbox (outbox/outbox.hpp). Written by its worker thread.
struct BotStats {
  std::atomic<std::int64_t> queued{0};     // journaled, not yet handed to the API client
  std::atomic<std::int64_t> in_flight{0};  // handed to the client, no answer yet
  std::atomic<std::uint64_t> sent{0};      // LINE WORKS answered 201
  std::atomic<std::uint64_t> failed{0};    // given up (why: the roll-call report, the log)
  std::atomic<std::uint64_t> skipped{0};   // no longer owed: answered meanwhile, or closed
  std::atomic<std::uint64_t> rate_limited{0};  // 429 answers
  std::atomic<std::uint64_t> retries{0};       // requests repeated after an error, 401 or 429
};

// Talk photos fetched from LINE WORKS (photos/photo_fetcher.hpp). Written by its worker thread.
struct PhotoStats {
  std::atomic<std::int64_t> pending{0};     // taken, not yet kept or given up
  std::atomic<std::uint64_t> fetched{0};    // kept: re-encoded, stored, ref journaled
  std::atomic<std::uint64_t> failed{0};     // given up (refused as an image, or fetch failures)
  std::atomic<std::uint64_t> retries{0};    // fetches tried again after a failure
};

struct Metrics {
  std::atomic<std::uint64_t> accepted{0};
  std::array<std::atomic<std::uint64_t>, kRefusalReasons> refused{};
  std::atomic<std::uint64_t> http_requests{0};
  std::atomic<std::int64_t> connections{0};    // open TCP connections, HTTP and streams
  std::atomic<std::int64_t> http_sessions{0};  // HTTP sessions registered (alive)
  std::atomic<std::uint64_t> accept_failures{0};
  std::atomic<std::int64_t> streams{0};  // WebSocket sessions, joined or not yet
  std::atomic<std::uint64_t> streams_refused{0};
  std::atomic<std::int64_t> subscribers{0};
  std::atomic<std::uint64_t> subscribers_dropped{0};
  std::atomic<std::uint64_t> snapshots_built{0};  // serialisations; shared by walls joining
  // Frames written to subscribers and the socket writes that carried them: a write carries
  // every frame that waited for the subscriber, so under load frames/writes grows above 1.
  std::atomic<std::uint64_t> stream_frames_sent{0};
  std::atomic<std::uint64_t> stream_writes{0};
  std::atomic<std::int64_t> journal_seq{0};
  // Start-up snapshots (pipeline/snapshots.hpp): where this start began and how much it
  // replayed; what the keeper's writer thread stored since.
  std::atomic<std::int64_t> start_snapshot_seq{0};  // 0: no snapshot, the whole journal
  std::atomic<std::uint64_t> start_replayed_events{0};
  std::atomic<std::int64_t> start_replay_us{0};  // restore and replay, before listening
  std::atomic<std::int64_t> snapshot_seq{0};     // the newest stored since the start
  std::atomic<std::uint64_t> snapshots_written{0};
  std::atomic<std::uint64_t> snapshot_failures{0};
  std::atomic<std::int64_t> snapshot_encode_us{0};  // the last one's, off the I/O thread
  std::atomic<std::int64_t> snapshot_store_us{0};   // its SQLite transaction
  // GET /v1/attachments/{ref} answers: 200 (the photo), 304 (the wall had it), 404.
  std::atomic<std::uint64_t> photos_served{0};
  std::atomic<std::uint64_t> photos_not_modified{0};
  std::atomic<std::uint64_t> photos_not_found{0};
  // The journal, for its full integrity check's state (Journal::full_check).
  const Journal* journal = nullptr;
  // The commit queue's own counters and latency histogram, once it exists.
  const CommitStats* commits = nullptr;
  // The bot's outbox, when the town has lineworks_api.
  const BotStats* bot = nullptr;
  // Talk photos, when the town has lineworks_api.
  const PhotoStats* photos = nullptr;
  // Subscribers by configured wall id, every configured wall listed (0 when none). The keys
  // are set before the daemon runs and never change; the counts are kept by the stream
  // thread and read by the I/O thread's scrape. Walls naming an unknown id are not counted
  // here: a label per name a client sends would let anyone grow the scrape without bound.
  std::map<std::string, std::atomic<std::int64_t>, std::less<>> wall_subscribers;

  void refuse(RefusalReason r) { refused[static_cast<std::size_t>(r)]++; }
  std::uint64_t refusals(RefusalReason r) const { return refused[static_cast<std::size_t>(r)]; }
  // The daemon's families, then the process_* families read from /proc/self.
  std::string prometheus_text() const;
};

}  // namespace bcp::daemon
