// The daemon's parts, wired (docs/architecture.md draws them). Everything here is touched only
// on the I/O thread (one io_context, one thread), except the journal and the pipeline's commit
// queue, which own the committer thread, and the threads listed in docs/architecture.md
// ("Threads"): the HTTP threads (`http`; they read `options`, `metrics`, `stopping` and the
// hub's stream count), the stream thread, the calendar pool, the bridge's publisher, the
// region's consumer and store, and the journal reader (journal_reader.hpp: GET /v1/events).
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "adapters/alert_sources.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/journal/commit_queue.hpp"
#include "bcp/daemon/gate/commit_rules.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/gate/admit.hpp"
#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/gate/replay_guard.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/model/situation.hpp"
#include "http/rate_limiter.hpp"
#include "gate/hidden_messages.hpp"
#include "bcp/daemon/pipeline/pipeline.hpp"
#include "journal/journal_reader.hpp"
#include "sources/source_health.hpp"
#include "stream/stream_hub.hpp"

namespace bcp::daemon {

namespace net = boost::asio;
namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
// Answers a request; may be called later (after a commit), from the I/O thread.
using Responder = std::function<void(Response)>;

class HttpSession;
class HttpThreads;
class CalendarService;
class JmaPoller;
class TownBridge;
class RegionService;
class Outbox;
class LineWorksCalendars;
class PhotoFetcher;
class SnapshotKeeper;

// One open TCP connection, counted in metrics.connections (and against
// options.max_connections) from accept until its socket is gone, whether it serves HTTP or
// was upgraded to a stream: the HTTP session hands its slot to the WebSocket. Move-only.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(Daemon::Core& core);
  ConnectionSlot(ConnectionSlot&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

 private:
  void release();
  Daemon::Core* core_ = nullptr;
};

// What a failed Core::submit (Pipeline::submit) means for the source: 400 malformed (UnreadableEvent: the
// event cannot be journaled as it is), 409 conflict (CommitConflict: what was committed
// first rules it out) or 503 journal (the disk; the only case a retry can help).
Refusal submit_refusal(std::exception_ptr error);

struct Daemon::Core {
  Core(config::TownConfig town, DaemonOptions options);
  ~Core();

  config::TownConfig town;
  DaemonOptions options;
  TokenRateLimiter rate_limiter{town.rate_limit};  // the HTTP API's per-token 429
  net::io_context ioc{1};
  net::ip::tcp::acceptor acceptor{ioc};
  Metrics metrics;
  std::unique_ptr<Journal> journal;
  // Reads for the I/O thread (GET /v1/events) on a thread of their own (journal_reader.hpp);
  // stopped first in ~Core, before the journal goes.
  std::unique_ptr<JournalReader> journal_reader;
  // Null unless town.json has `bridge` (town_bridge.hpp). Declared between the journal it
  // reads and the commit queue that feeds it, so it is stopped after the queue, before the journal.
  std::unique_ptr<TownBridge> bridge;
  CommitRules commit_rules;  // the committer's, once `pipeline` runs
  model::Situation situation;  // reduced by the pipeline (on this thread) once it runs
  // Journal → reducer → sinks (pipeline.hpp); stopped by ~Daemon before anything it feeds.
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<StreamHub> hub;
  std::unique_ptr<AlertSources> alert_sources;  // CAP/JMA options, keyword debounce
  std::shared_ptr<JmaPoller> jma_poller;        // null unless alerts.jma.poller is set
  // ok/quiet/degraded/failing of the outside sources (source_health.hpp), journaled on change.
  std::unique_ptr<SourceMonitor> sources;
  // The threads every HTTP connection lives on (http/http_threads.hpp), with the registry of
  // the live sessions; the I/O thread gets their parsed requests. Ended and destroyed in
  // ~Core's body, before the parts their last handlers reach.
  std::unique_ptr<HttpThreads> http;
  // Set on the I/O thread by stop() and ~Core; read on the HTTP threads too.
  std::atomic<bool> stopping{false};
  std::unique_ptr<net::steady_timer> stop_timer;  // bounds the graceful shutdown
  // Deliveries already taken (LINE WORKS callbacks, JMA entries): the gate's replay guard.
  ReplayGuard replay_guard;
  std::uint64_t id_counter = 0;
  HiddenMessages hidden_messages;
  // Staff calendars -> calendar-sourced availability (calendar_service.hpp). Last member:
  // destroyed first, while the journal it writes to still exists.
  std::unique_ptr<CalendarService> calendars;
  // The LINE WORKS bot's outbox (outbox/outbox.hpp); null unless town.json has lineworks_api.
  // Stopped by Daemon::stop and ~Daemon before the pipeline; destroyed before the journal.
  std::unique_ptr<Outbox> outbox;
  // Reads staff calendars through the outbox's client (lineworks_calendars.hpp); null unless
  // calendars.source is "lineworks". Its replies reach it through a weak pointer, so it may go
  // before the client.
  std::shared_ptr<LineWorksCalendars> calendar_reader;
  // Fetches talk photos through the outbox's client (photos/photo_fetcher.hpp); null unless
  // town.json has lineworks_api. After the outbox: destroyed before the client it uses.
  std::unique_ptr<PhotoFetcher> photos;
  // Whom the LINE WORKS callback route tells that an answer was not counted:
  // options.bot_replies when a test set one, else the outbox; null when neither exists.
  BotReplies* bot_replies = nullptr;
  // Start-up snapshots (pipeline/snapshots.hpp): restored from at start, written every
  // options.snapshot_every events by its own thread and at shutdown (~Core). After the parts
  // it copies: destroyed (its writer joined) before them and before the journal.
  std::unique_ptr<SnapshotKeeper> snapshots;
  // Set only in a regional daemon (region_service.hpp); destroyed first, so that its threads
  // stop while everything they post to still exists.
  std::unique_ptr<RegionService> region;

  using Committed = Pipeline::Committed;
  // Pipeline::submit: journals `events` and calls `done` on the I/O thread after the commit,
  // once the reducer and the sinks have seen them.
  void submit(std::vector<model::Event> events, Committed done) {
    pipeline->submit(std::move(events), std::move(done));
  }
  // Pipeline::submit_admitted: every event came out of the gate's admit.
  void submit_admitted(std::vector<model::Event> admitted, Committed done) {
    pipeline->submit_admitted(std::move(admitted), std::move(done));
  }
  // What the gate reads (gate/admit.hpp).
  GateView gate() const { return GateView{town, situation, replay_guard}; }
  // Fresh id for assigned message/roll-call/alert ids: unique across restarts.
  std::string new_id(std::string_view prefix);
  model::TimePoint now() const;
  // The "nats" source: the bridge's publisher is live, or why it is not.
  SourceMonitor::Probe bridge_probe() const;

  // Start-up: the newest good snapshot, then the journal after it; the events replayed.
  std::size_t replay_journal();

  void start_accept();
  void on_accept(boost::system::error_code ec, net::ip::tcp::socket socket);
  void shutdown_sessions();
  // Accept failures (EMFILE/ENFILE: out of descriptors) pause accepting with a growing
  // delay instead of retrying at once, and are logged once per episode.
  std::unique_ptr<net::steady_timer> accept_backoff_timer;
  std::chrono::milliseconds accept_backoff{0};
  std::uint64_t accept_failures_in_episode = 0;
};


// Helpers shared by the routes.
Response json_response(http::status status, const nlohmann::json& body, unsigned version, bool keep_alive);
Response error_response(http::status status, std::string_view message, unsigned version, bool keep_alive);

}  // namespace bcp::daemon
