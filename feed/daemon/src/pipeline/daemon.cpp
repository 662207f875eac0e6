// The daemon wired: Core's constructor builds each stage (journal replay into the situation,
// gate state, pipeline with its sinks, sources, listener) in the order they depend on each
// other; run(), stop() and the destructor start and end them in the order that keeps every
// acknowledged event durable.
//
// Threads: constructed on the caller's thread; run() is the I/O thread, and starts and at its
// end joins the HTTP threads and the stream thread (IoThreads, ops/io_thread.hpp); stop() may be called from any
// thread (the signal thread in main.cpp) and only posts to the I/O thread, then stops the
// pipeline's committer.
#include "bcp/daemon/daemon.hpp"

#include <sys/resource.h>

#include <chrono>
#include <random>
#include <stdexcept>

#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "sources/calendar_service.hpp"
#include "pipeline/core.hpp"
#include "bcp/daemon/pipeline/pipeline.hpp"
#include "http/http_session.hpp"
#include "sources/jma_poller.hpp"
#include "bridge/region_service.hpp"
#include "stream/stream_hub.hpp"
#include "bridge/town_bridge.hpp"
#include "outbox/outbox.hpp"
#include "photos/photo_fetcher.hpp"
#include "sources/lineworks_calendars.hpp"
#include "pipeline/snapshots.hpp"

namespace bcp::daemon {

void parse_listen(const std::string& listen, DaemonOptions& options) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    throw std::invalid_argument("--listen: expected HOST:PORT, got \"" + listen + "\"");
  }
  std::string port = listen.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoul(port) > 65535) {
    throw std::invalid_argument("--listen: port \"" + port + "\" is not a number from 0 to 65535");
  }
  options.host = listen.substr(0, colon);
  options.port = static_cast<std::uint16_t>(std::stoul(port));
}

namespace {
// Many walls and API clients may be connected at once: lift the soft descriptor limit.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}
}  // namespace

Daemon::Core::Core(config::TownConfig town_in, DaemonOptions options_in)
    : town(std::move(town_in)), options(std::move(options_in)) {
  raise_fd_limit();
  situation.directory = town.directory();
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    throw std::runtime_error(options.data_dir.string() + ": cannot create data directory: " + ec.message());
  }
  const auto opening = std::chrono::steady_clock::now();
  journal = open_sqlite_journal(options.data_dir / "journal.sqlite3");
  metrics.journal = journal.get();
  // Its checks are bounded (the full one runs after the start): this should not grow with the journal.
  log(LogLevel::info, "journal",
      "opened in " +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - opening)
                             .count()) +
          " ms, seq " + std::to_string(journal->last_seq()));
  http = std::make_unique<HttpThreads>(HttpThreads::count_for(options.http_threads),
                                       metrics.http_sessions);
  journal_reader =
      std::make_unique<JournalReader>(*journal, ioc.get_executor(), options.before_journal_read);
  calendars = std::make_unique<CalendarService>(*this);
  snapshots = std::make_unique<SnapshotKeeper>(*this, options.snapshot_every);
  snapshots->started(replay_journal());
  calendars->load();
  alert_sources = std::make_unique<AlertSources>(town);
  alert_sources->restore(situation, now());
  sources = std::make_unique<SourceMonitor>(
      ioc, town.source_health, [this] { return now(); },
      [this](model::Event event, std::function<void(bool)> done) {
        std::vector<model::Event> events;
        events.push_back(std::move(event));
        submit(std::move(events), [done = std::move(done)](std::vector<model::Event> committed,
                                                           std::exception_ptr error) {
          done(!error && !committed.empty());
        });
      });
  // Every outside source this town has configured. Not here yet: the LINE WORKS API
  // ("lineworks_api", issue 15), which will report through succeeded()/failed() like the JMA
  // poller. Calendars are a source once one is stored: their evaluation at start-up and every
  // day is the attempt that succeeds or fails.
  // The same list a wall shows (TownConfig::watched_sources).
  for (const std::string& source : town.watched_sources()) {
    if (source == "jma") sources->add(source, SourceMonitor::Kind::polled);
    if (source == "lineworks") sources->add(source, SourceMonitor::Kind::pushed);
    if (source == "lineworks_api") sources->add(source, SourceMonitor::Kind::polled);
    if (source == "nats") sources->add_probe(source, [this] { return bridge_probe(); });
    if (source == "calendar") sources->add(source, SourceMonitor::Kind::polled);
  }
  if (calendars->has_calendars() && !sources->has("calendar"))
    sources->add("calendar", SourceMonitor::Kind::polled);
  sources->restore(situation.sources);

  for (const config::Wall& wall : town.walls) metrics.wall_subscribers[wall.id] = 0;
  hub = std::make_unique<StreamHub>(*this);
  // Started before the first commit, so that it knows every seq from the journal's last on.
  if (town.bridge) bridge = std::make_unique<TownBridge>(*town.bridge, *journal, options.data_dir);
  hub->prime();
  pipeline = std::make_unique<Pipeline>(ioc, *journal, commit_rules, situation, metrics);
  // Never waits for NATS: the bridge only takes note (town_bridge.hpp).
  if (bridge) pipeline->add_sink(*bridge, SinkThread::committer);
  pipeline->add_sink(*calendars, SinkThread::io);
  pipeline->add_sink(hidden_messages, SinkThread::io);
  pipeline->add_sink(replay_guard, SinkThread::io);
  // The bot plans its messages from the reduced situation, before the walls get the batch.
  if (town.lineworks_api) {
    outbox = std::make_unique<Outbox>(*this);
    metrics.bot = &outbox->stats();
    pipeline->add_sink(*outbox, SinkThread::io);
  }
  bot_replies = options.bot_replies ? options.bot_replies : outbox.get();
  // Calendars read through the bot's client (lineworks_calendars.hpp), started by run().
  if (outbox && town.calendars.source == config::Calendars::Source::lineworks) {
    lineworks::ApiClient& client = outbox->client();
    auto get = [&client](std::string path, std::function<void(LineWorksCalendars::Reply)> done) {
      lineworks::GetRequest request;
      request.path = std::move(path);
      return client.get(std::move(request),
                        [done = std::move(done)](const lineworks::GetResult& r) {
                          done({r.outcome == lineworks::SendResult::Outcome::sent, r.status,
                                r.attempts, r.body, r.error});
                        });

    };
    const auto period = options.calendar_poll_period.value_or(
        std::chrono::seconds(town.calendars.poll_seconds));
    // Two reads per messages_per_minute slot at most: half the rate limit (see the header).
    const auto spacing = std::chrono::milliseconds(120'000 / town.lineworks_api->messages_per_minute);
    calendar_reader = std::make_shared<LineWorksCalendars>(*this, *calendars, std::move(get),
                                                          period, spacing);
  }
  // Talk photos through the same client (photo_fetcher.hpp), started by run().
  if (outbox) {
    lineworks::ApiClient& client = outbox->client();
    auto get = [&client](lineworks::GetRequest request,
                         std::function<void(lineworks::GetResult)> done) {
      return client.get(std::move(request),
                        [done = std::move(done)](const lineworks::GetResult& r) { done(r); });
    };
    PhotoFetcher::Retry retry;
    if (!options.photo_retry_delays.empty()) retry.delays = options.photo_retry_delays;
    if (options.photo_max_failures > 0) retry.max_failures = options.photo_max_failures;
    photos = std::make_unique<PhotoFetcher>(*this, std::move(get), town.lineworks_api->bot_id, retry);
    metrics.photos = &photos->stats();
  }
  // After every part it copies has taken the batch in.
  pipeline->add_sink(*snapshots, SinkThread::io);
  pipeline->add_sink(*hub, SinkThread::io);  // last: the walls see what the others took in
  if (options.before_commit) pipeline->set_before_commit(options.before_commit);

  net::ip::tcp::endpoint endpoint(net::ip::make_address(options.host), options.port);
  boost::system::error_code bec;
  acceptor.open(endpoint.protocol(), bec);
  if (!bec) acceptor.set_option(net::socket_base::reuse_address(true), bec);
  if (!bec) acceptor.bind(endpoint, bec);
  if (!bec) acceptor.listen(net::socket_base::max_listen_connections, bec);
  if (bec) {
    throw std::runtime_error("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + bec.message());
  }
}

std::size_t Daemon::Core::replay_journal() {
  const auto t0 = std::chrono::steady_clock::now();
  const model::Seq from = snapshots->restore();
  // The rest of the journal through the same reducer the walls run, and into every part.
  std::size_t replayed = 0;
  for (model::Seq since = from;;) {
    auto chunk = journal->read(since, 10'000);
    if (chunk.empty()) break;
    for (const model::Event& e : chunk) {
      model::apply(situation, e);
      commit_rules.replay(e);
      calendars->observe(e);
      hidden_messages.observe(e);
      // Deliveries already taken stay recognisable across restarts (replay protection).
      if (e.origin) replay_guard.journaled(*e.origin);
      snapshots->replayed(e);
    }
    since = chunk.back().seq;
    replayed += chunk.size();
  }
  const auto took =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  metrics.journal_seq = situation.last_seq;
  metrics.start_snapshot_seq = from;
  metrics.start_replayed_events = replayed;
  metrics.start_replay_us = took.count();
  const std::string start =
      from > 0 ? "started from the snapshot at seq " + std::to_string(from) + ", "
               : std::string("no snapshot, ");
  log(LogLevel::info, "journal",
      start + "replayed " + std::to_string(replayed) + " events in " +
          std::to_string(took.count() / 1000) + " ms, seq " + std::to_string(situation.last_seq));
  return replayed;
}

Daemon::Core::~Core() {
  // A peer that outlived the stop timer leaves handlers queued, holding sessions whose
  // destructors leave the registries and counters of this object. Close every socket so
  // each pending operation ends at once, and run those handlers now, while all of it exists.
  stopping = true;
  // A read under way posts its answer, run below; reads not begun are dropped.
  if (journal_reader) journal_reader->stop();
  if (region) region->stop();  // its threads post nothing more
  boost::system::error_code ignored;
  acceptor.close(ignored);
  if (accept_backoff_timer) accept_backoff_timer->cancel();
  // Each close runs on its session's thread; what a session's last handlers post here (its
  // connection's release, a request to route) runs below.
  if (http) http->stop();
  if (hub) {
    hub->close_all();
    // Its sessions' last handlers run there, or are destroyed with its context; what they
    // post here (a connection's release) runs below.
    hub->stop_thread();
  }
  auto run_what_was_posted = [this] {
    ioc.restart();
    for (int round = 0; round < 1000 && ioc.poll() > 0; ++round) {
    }
  };
  run_what_was_posted();
  // What was left on the HTTP threads (answers posted by the handlers above, sessions whose
  // last handler never ran) goes with their contexts, while everything it touches exists;
  // their connections' releases are posted here.
  http.reset();
  run_what_was_posted();
  // The pipeline was stopped (~Daemon) and its last batches reduced above: a clean stop.
  if (snapshots) snapshots->write_final();
}

Refusal submit_refusal(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const UnreadableEvent& e) {
    return Refusal{400, RefusalReason::malformed, e.what()};
  } catch (const CommitConflict& e) {
    return Refusal{409, RefusalReason::conflict, e.what()};
  } catch (const std::exception& e) {
    return Refusal{503, RefusalReason::journal,
                   std::string("journal could not commit: ") + e.what()};
  } catch (...) {
  }
  return Refusal{503, RefusalReason::journal, "journal could not commit"};
}

std::string Daemon::Core::new_id(std::string_view prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*s-%llx-%04llx", static_cast<int>(prefix.size()), prefix.data(),
                static_cast<unsigned long long>(ms), static_cast<unsigned long long>((rng() ^ ++id_counter) & 0xffff));
  return buf;
}

model::TimePoint Daemon::Core::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      options.clock ? options.clock() : std::chrono::system_clock::now());
}

SourceMonitor::Probe Daemon::Core::bridge_probe() const {
  using Result = SourceMonitor::Probe::Result;
  if (!bridge) return {};
  const bridge::PublisherMetrics m = bridge->metrics();
  switch (m.state) {
    case bridge::PublisherState::live:
      return {Result::ok, {}};
    case bridge::PublisherState::connecting:
    case bridge::PublisherState::resyncing:
      // Its first connection, not answered yet, is no fault: a start does not journal a
      // "degraded" every time. A connection that failed has said why.
      if (m.last_error.empty()) return {};
      break;
    case bridge::PublisherState::stopped:
      return {};
    default:
      break;
  }
  std::string why = std::string("publisher ") + bridge::state_name(m.state);
  if (!m.last_error.empty()) why += ": " + m.last_error;
  return {Result::failed, std::move(why)};
}

Daemon::Daemon(config::TownConfig town, DaemonOptions options)
    : core_(std::make_unique<Core>(std::move(town), std::move(options))) {}

Daemon::Daemon(const config::RegionConfig& region, DaemonOptions options)
    : core_(std::make_unique<Core>(region_as_town(region), std::move(options))) {
  core_->region = std::make_unique<RegionService>(*core_, region);
}

Daemon::~Daemon() {
  if (core_ && core_->photos) core_->photos->stop();
  if (core_ && core_->outbox) core_->outbox->stop();
  if (core_ && core_->pipeline) core_->pipeline->stop();
}

std::uint16_t Daemon::port() const { return core_->acceptor.local_endpoint().port(); }

const Metrics& Daemon::metrics() const { return core_->metrics; }

std::string Daemon::replayed_state() const { return core_->snapshots->encoded_state(); }

void Daemon::run() {
  core_->http->start();
  core_->start_accept();
  // What opening did not check (journal.hpp), now that the start's own reads are done.
  core_->journal->start_full_check();
  core_->hub->start();  // the stream thread and the heartbeat
  core_->calendars->start();
  if (core_->outbox) core_->outbox->start();
  if (core_->calendar_reader) core_->calendar_reader->start();
  if (core_->photos) core_->photos->start();
  if (core_->region) core_->region->start();
  core_->sources->start();
  if (const auto& poller = core_->alert_sources->jma.poller) {
    auto interval = core_->options.jma_poll_interval.value_or(poller->interval);
    core_->jma_poller = std::make_shared<JmaPoller>(*core_, *poller, interval);
    core_->jma_poller->start();
  }
  log(LogLevel::info, "http", "listening on " + core_->options.host + ":" + std::to_string(port()));
  // The backstop behind every handler's own guard: an exception escaping a handler leaves
  // run(), which may be called again at once (Asio's documented recovery). Only that one
  // handler's work is lost; every other session, timer and commit goes on.
  for (;;) {
    const bool finished =
        run_guarded("daemon", "a handler on the I/O thread", [this] { core_->ioc.run(); });
    if (finished || core_->ioc.stopped()) break;
  }
  // stop() closed every stream; the stream thread finishes that and ends.
  core_->hub->stop_thread();
  // Sessions still open here outlived the stop timer (a peer that never lets go).
  core_->http->stop();
}

void Daemon::stop() {
  Core& c = *core_;
  net::post(c.ioc, [&c] {
    c.stopping = true;
    c.calendars->stop();
    if (c.calendar_reader) c.calendar_reader->stop();
    c.sources->stop();
    boost::system::error_code ignored;
    c.acceptor.close(ignored);
    if (c.accept_backoff_timer) c.accept_backoff_timer->cancel();
    if (c.jma_poller) c.jma_poller->stop();
    if (c.outbox) c.outbox->cancel_timers();
  });
  // The bot sends no more; what is queued stays journaled for the next start. Photos first:
  // their fetches go through the bot's client.
  if (c.photos) c.photos->stop();
  if (c.outbox) c.outbox->stop();
  // A region: the consumer finishes and acks its batch, the towns' journals are committed.
  if (c.region) c.region->stop();
  // Finish every commit already submitted; their answers are posted to the I/O thread.
  c.pipeline->stop();
  net::post(c.ioc, [&c] {
    c.hub->close_all();
    c.shutdown_sessions();
    // Sessions still writing their last answer finish on their own and run() returns when
    // the last one is gone; the timer only bounds a peer that never lets go.
    c.stop_timer = std::make_unique<net::steady_timer>(c.ioc, std::chrono::seconds(2));
    c.stop_timer->async_wait([&c](boost::system::error_code ec) {
      if (!ec) c.ioc.stop();
    });
    if (c.metrics.connections.load() == 0) c.stop_timer->cancel();
  });
}

}  // namespace bcp::daemon
