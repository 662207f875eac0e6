#include "bcp/daemon/metrics.hpp"

#include <sstream>

#include "ops/process_metrics.hpp"

namespace bcp::daemon {
namespace {
// A label value as the text format wants it: backslash, double quote and newline escaped.
std::string label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::string_view to_string(RefusalReason r) {
  switch (r) {
    case RefusalReason::malformed: return "malformed";
    case RefusalReason::unauthorized: return "unauthorized";
    case RefusalReason::classification: return "classification";
    case RefusalReason::unknown_group: return "unknown_group";
    case RefusalReason::too_large: return "too_large";
    case RefusalReason::content_type: return "content_type";
    case RefusalReason::rate_limited: return "rate_limited";
    case RefusalReason::conflict: return "conflict";
    case RefusalReason::not_shown: return "not_shown";
    case RefusalReason::duplicate: return "duplicate";
    case RefusalReason::ignored: return "ignored";
    case RefusalReason::journal: return "journal";
    case RefusalReason::unknown_user: return "unknown_user";
  }
  return "unknown";
}

std::string Metrics::prometheus_text() const {
  std::ostringstream out;
  out << "# HELP bcp_events_accepted_total Events committed to the journal.\n"
      << "# TYPE bcp_events_accepted_total counter\n"
      << "bcp_events_accepted_total " << accepted.load() << "\n"
      << "# HELP bcp_items_refused_total Items refused or dropped, by reason.\n"
      << "# TYPE bcp_items_refused_total counter\n";
  for (std::size_t i = 0; i < kRefusalReasons; ++i) {
    out << "bcp_items_refused_total{reason=\"" << to_string(static_cast<RefusalReason>(i))
        << "\"} " << refused[i].load() << "\n";
  }
  out << "# HELP bcp_http_requests_total HTTP requests read.\n"
      << "# TYPE bcp_http_requests_total counter\n"
      << "bcp_http_requests_total " << http_requests.load() << "\n"
      << "# HELP bcp_connections Open TCP connections, HTTP and streams.\n"
      << "# TYPE bcp_connections gauge\n"
      << "bcp_connections " << connections.load() << "\n"
      << "# HELP bcp_http_sessions HTTP sessions held (each freed when its connection closes).\n"
      << "# TYPE bcp_http_sessions gauge\n"
      << "bcp_http_sessions " << http_sessions.load() << "\n"
      << "# HELP bcp_accept_failures_total Failed accepts (e.g. out of file descriptors).\n"
      << "# TYPE bcp_accept_failures_total counter\n"
      << "bcp_accept_failures_total " << accept_failures.load() << "\n"
      << "# HELP bcp_photo_answers_total Answers to GET /v1/attachments/{ref} (walls fetching talk photos).\n"
      << "# TYPE bcp_photo_answers_total counter\n"
      << "bcp_photo_answers_total{status=\"200\"} " << photos_served.load() << "\n"
      << "bcp_photo_answers_total{status=\"304\"} " << photos_not_modified.load() << "\n"
      << "bcp_photo_answers_total{status=\"404\"} " << photos_not_found.load() << "\n"
      << "# HELP bcp_streams Open WebSocket streams, before and after their hello.\n"
      << "# TYPE bcp_streams gauge\n"
      << "bcp_streams " << streams.load() << "\n"
      << "# HELP bcp_streams_refused_total Streams refused over limits.max_streams.\n"
      << "# TYPE bcp_streams_refused_total counter\n"
      << "bcp_streams_refused_total " << streams_refused.load() << "\n"
      << "# HELP bcp_stream_subscribers Walls and tools subscribed to the stream.\n"
      << "# TYPE bcp_stream_subscribers gauge\n"
      << "bcp_stream_subscribers " << subscribers.load() << "\n"
      << "# HELP bcp_stream_subscribers_dropped_total Subscribers disconnected for not keeping "
         "up.\n"
      << "# TYPE bcp_stream_subscribers_dropped_total counter\n"
      << "bcp_stream_subscribers_dropped_total " << subscribers_dropped.load() << "\n"
      << "# HELP bcp_stream_snapshots_built_total Snapshots serialised (one per journal position "
         "asked for).\n"
      << "# TYPE bcp_stream_snapshots_built_total counter\n"
      << "bcp_stream_snapshots_built_total " << snapshots_built.load() << "\n"
      << "# HELP bcp_stream_frames_sent_total Frames written to stream subscribers.\n"
      << "# TYPE bcp_stream_frames_sent_total counter\n"
      << "bcp_stream_frames_sent_total " << stream_frames_sent.load() << "\n"
      << "# HELP bcp_stream_writes_total Socket writes to stream subscribers (each carries every "
         "frame that waited).\n"
      << "# TYPE bcp_stream_writes_total counter\n"
      << "bcp_stream_writes_total " << stream_writes.load() << "\n"
      << "# HELP bcp_journal_seq Last committed journal sequence number.\n"
      << "# TYPE bcp_journal_seq gauge\n"
      << "bcp_journal_seq " << journal_seq.load() << "\n"
      << "# HELP bcp_journal_check The journal file's full integrity check after the start: 1 for its state.\n"
      << "# TYPE bcp_journal_check gauge\n";
  {
    const Journal::Check check = journal ? journal->full_check() : Journal::Check::not_started;
    const std::pair<Journal::Check, const char*> states[] = {{Journal::Check::not_started, "not_started"},
                                                             {Journal::Check::running, "running"},
                                                             {Journal::Check::ok, "ok"},
                                                             {Journal::Check::corrupt, "corrupt"}};
    for (const auto& [state, name] : states)
      out << "bcp_journal_check{state=\"" << name << "\"} " << (check == state ? 1 : 0) << "\n";
  }
  out << "# HELP bcp_start_snapshot_seq Seq of the snapshot this start restored (0: replayed the whole journal).\n"
      << "# TYPE bcp_start_snapshot_seq gauge\n"
      << "bcp_start_snapshot_seq " << start_snapshot_seq.load() << "\n"
      << "# HELP bcp_start_replayed_events Journal events this start replayed after its snapshot.\n"
      << "# TYPE bcp_start_replayed_events gauge\n"
      << "bcp_start_replayed_events " << start_replayed_events.load() << "\n"
      << "# HELP bcp_start_replay_seconds Time this start took to restore and replay the journal.\n"
      << "# TYPE bcp_start_replay_seconds gauge\n"
      << "bcp_start_replay_seconds " << static_cast<double>(start_replay_us.load()) / 1e6 << "\n"
      << "# HELP bcp_snapshot_seq Seq of the newest snapshot stored since the start (0: none yet).\n"
      << "# TYPE bcp_snapshot_seq gauge\n"
      << "bcp_snapshot_seq " << snapshot_seq.load() << "\n"
      << "# HELP bcp_snapshots_written_total Start-up snapshots stored.\n"
      << "# TYPE bcp_snapshots_written_total counter\n"
      << "bcp_snapshots_written_total " << snapshots_written.load() << "\n"
      << "# HELP bcp_snapshot_failures_total Start-up snapshots that could not be stored.\n"
      << "# TYPE bcp_snapshot_failures_total counter\n"
      << "bcp_snapshot_failures_total " << snapshot_failures.load() << "\n"
      << "# HELP bcp_snapshot_store_seconds_last The last snapshot's SQLite transaction (commits wait for it).\n"
      << "# TYPE bcp_snapshot_store_seconds_last gauge\n"
      << "bcp_snapshot_store_seconds_last " << static_cast<double>(snapshot_store_us.load()) / 1e6 << "\n"
      << "# HELP bcp_wall_subscribers Stream subscribers that said they are this configured wall.\n"
      << "# TYPE bcp_wall_subscribers gauge\n";
  for (const auto& [wall, n] : wall_subscribers) {
    out << "bcp_wall_subscribers{wall=\"" << label_value(wall) << "\"} " << n.load() << "\n";
  }
  if (commits) {
    out << "# HELP bcp_commit_batches_total Journal transactions (group commits).\n"
        << "# TYPE bcp_commit_batches_total counter\n"
        << "bcp_commit_batches_total " << commits->batches.load() << "\n"
        << "# HELP bcp_commit_failures_total Journal transactions that failed; their requests got 503.\n"
        << "# TYPE bcp_commit_failures_total counter\n"
        << "bcp_commit_failures_total " << commits->failed_batches.load() << "\n"
        << "# HELP bcp_commit_latency_seconds_last Duration of the last journal commit.\n"
        << "# TYPE bcp_commit_latency_seconds_last gauge\n"
        << "bcp_commit_latency_seconds_last " << std::to_string(commits->last_latency_us.load() / 1e6) << "\n";
    commits->latency.write_prometheus(out, "bcp_commit_latency_seconds",
                                      "Duration of each journal commit (one fsync).");
  }
  if (bot) {
    out << "# HELP bcp_distribution_queued LINE WORKS bot messages journaled and not yet confirmed or given up (in flight included).\n"
        << "# TYPE bcp_distribution_queued gauge\n"
        << "bcp_distribution_queued " << bot->queued.load() + bot->in_flight.load() << "\n"
        << "# HELP bcp_distribution_in_flight LINE WORKS bot messages handed to the API client (paced, retried).\n"
        << "# TYPE bcp_distribution_in_flight gauge\n"
        << "bcp_distribution_in_flight " << bot->in_flight.load() << "\n"
        << "# HELP bcp_distribution_sent_total LINE WORKS bot messages confirmed (201).\n"
        << "# TYPE bcp_distribution_sent_total counter\n"
        << "bcp_distribution_sent_total " << bot->sent.load() << "\n"
        << "# HELP bcp_distribution_failed_total LINE WORKS bot messages given up.\n"
        << "# TYPE bcp_distribution_failed_total counter\n"
        << "bcp_distribution_failed_total " << bot->failed.load() << "\n"
        << "# HELP bcp_distribution_skipped_total LINE WORKS bot messages no longer owed (answered meanwhile, or closed).\n"
        << "# TYPE bcp_distribution_skipped_total counter\n"
        << "bcp_distribution_skipped_total " << bot->skipped.load() << "\n"
        << "# HELP bcp_distribution_rate_limited_total 429 answers from LINE WORKS (each waited out).\n"
        << "# TYPE bcp_distribution_rate_limited_total counter\n"
        << "bcp_distribution_rate_limited_total " << bot->rate_limited.load() << "\n"
        << "# HELP bcp_distribution_retries_total LINE WORKS requests repeated after an error, 401 or 429.\n"
        << "# TYPE bcp_distribution_retries_total counter\n"
        << "bcp_distribution_retries_total " << bot->retries.load() << "\n";
  }
  if (photos) {
    out << "# HELP bcp_photos_pending Talk photos taken from LINE WORKS callbacks and not yet kept or given up.\n"
        << "# TYPE bcp_photos_pending gauge\n"
        << "bcp_photos_pending " << photos->pending.load() << "\n"
        << "# HELP bcp_photos_fetched_total Talk photos fetched, re-encoded and kept (their ref journaled).\n"
        << "# TYPE bcp_photos_fetched_total counter\n"
        << "bcp_photos_fetched_total " << photos->fetched.load() << "\n"
        << "# HELP bcp_photos_failed_total Talk photos given up (not an image, or the fetch kept failing).\n"
        << "# TYPE bcp_photos_failed_total counter\n"
        << "bcp_photos_failed_total " << photos->failed.load() << "\n"
        << "# HELP bcp_photos_retries_total Talk photo fetches tried again after a failure.\n"
        << "# TYPE bcp_photos_retries_total counter\n"
        << "bcp_photos_retries_total " << photos->retries.load() << "\n";
  }
  write_process_metrics(out);
  return out.str();
}

}  // namespace bcp::daemon
