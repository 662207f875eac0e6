#include "bcp/daemon/daemon.hpp"

#include <sys/resource.h>

#include <random>
#include <stdexcept>

#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "sources/calendar_service.hpp"
#include "pipeline/core.hpp"
#include "http/http_session.hpp"
#include "sources/jma_poller.hpp"
#include "bridge/region_service.hpp"
#include "stream/stream_hub.hpp"
#include "bridge/town_bridge.hpp"

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
void remember_hidden(Daemon::Core& core, const model::Event& e) {
  if (const auto* h = std::get_if<model::TalkHidden>(&e.body))
    core.hidden_messages.insert(h->message_id);
}

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
  journal = open_sqlite_journal(options.data_dir / "journal.sqlite3");
  calendars = std::make_unique<CalendarService>(*this);
  // Rebuild the situation from the journal: the same reducer the walls run.
  std::size_t replayed = 0;
  for (model::Seq since = 0;;) {
    auto chunk = journal->read(since, 10'000);
    if (chunk.empty()) break;
    for (const model::Event& e : chunk) {
      model::apply(situation, e);
      commit_rules.replay(e);
      calendars->observe(e);
      remember_hidden(*this, e);
      // Deliveries already taken stay recognisable across restarts (replay protection).
      if (e.origin) remember_callback(*e.origin);
    }
    since = chunk.back().seq;
    replayed += chunk.size();
  }
  metrics.journal_seq = situation.last_seq;
  log(LogLevel::info, "journal", "replayed " + std::to_string(replayed) + " events, seq " + std::to_string(situation.last_seq));
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
    if (source == "nats") sources->add_probe(source, [this] { return bridge_probe(); });
  }
  if (calendars->has_calendars()) sources->add("calendar", SourceMonitor::Kind::polled);
  sources->restore(situation.sources);

  for (const config::Wall& wall : town.walls) metrics.wall_subscribers[wall.id] = 0;
  hub = std::make_unique<StreamHub>(*this);
  // Started before the first commit, so that it knows every seq from the journal's last on.
  if (town.bridge) bridge = std::make_unique<TownBridge>(*town.bridge, *journal, options.data_dir);
  hub->prime();
  commits = std::make_unique<CommitQueue>(
      *journal,
      [this](const std::vector<model::Event>& batch) {
        // Never waits for NATS: the bridge only takes note (town_bridge.hpp).
        if (bridge) bridge->committed(batch);
        // Committer thread: hand the batch to the I/O thread, which owns the situation.
        net::post(ioc, [this, batch] {
          for (const model::Event& e : batch) {
            model::apply(situation, e);
            calendars->observe(e);
            remember_hidden(*this, e);
          }
          metrics.accepted += batch.size();
          metrics.journal_seq = situation.last_seq;
          hub->broadcast(batch);
        });
      },
      &commit_rules);
  metrics.commits = &commits->stats();
  if (options.before_commit) commits->set_before_commit(options.before_commit);

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

Daemon::Core::~Core() {
  // A peer that outlived the stop timer leaves handlers queued, holding sessions whose
  // destructors leave the registries and counters of this object. Close every socket so
  // each pending operation ends at once, and run those handlers now, while all of it exists.
  stopping = true;
  if (region) region->stop();  // its threads post nothing more
  boost::system::error_code ignored;
  acceptor.close(ignored);
  if (accept_backoff_timer) accept_backoff_timer->cancel();
  for (HttpSession* s : std::vector<HttpSession*>(sessions.begin(), sessions.end())) s->close_now();
  if (hub) hub->close_all();
  ioc.restart();
  for (int round = 0; round < 1000 && ioc.poll() > 0; ++round) {
  }
}

void Daemon::Core::submit(std::vector<model::Event> events, Committed done) {
  // Nothing over a field's limit is stored: what the API did not refuse already comes from a
  // source that never resends (LINE WORKS) or an alert that must not be lost (CAP, JMA,
  // keyword rules), so it is kept, cut at the limit.
  for (model::Event& event : events) {
    for (const std::string& field : cut_to_field_sizes(event)) {
      log(LogLevel::warning, "gate",
          "cut " + field + " of " + std::string(model::type_name(event.body)) + " to its limit");
    }
  }
  // Refused before anything is stored: see check_readable.
  for (const model::Event& event : events) {
    if (auto refusal = check_readable(event)) {
      log(LogLevel::error, "gate", "refused an event the codec cannot read back: " + refusal->message);
      auto error = std::make_exception_ptr(UnreadableEvent(refusal->message));
      net::post(ioc, [done = std::move(done), error] { done({}, error); });
      return;
    }
  }
  commits->submit(std::move(events), [this, done = std::move(done)](const std::vector<model::Event>& committed,
                                                                    std::exception_ptr error) {
    // Posted after on_committed's post, so the answer leaves after the reducer ran.
    net::post(ioc, [done, committed, error] { done(committed, error); });
  });
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

bool Daemon::Core::remember_callback(const std::string& digest) {
  constexpr std::size_t kRemembered = 100'000;
  if (!seen_callbacks.insert(digest).second) return false;
  seen_callbacks_order.push_back(digest);
  if (seen_callbacks_order.size() > kRemembered) {
    seen_callbacks.erase(seen_callbacks_order.front());
    seen_callbacks_order.pop_front();
  }
  return true;
}

ConnectionSlot::ConnectionSlot(Daemon::Core& core) : core_(&core) { core.metrics.connections++; }

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    core_ = std::exchange(other.core_, nullptr);
  }
  return *this;
}

void ConnectionSlot::release() {
  Daemon::Core* core = std::exchange(core_, nullptr);
  if (!core) return;
  // The graceful stop waits for the last connection to go.
  if (--core->metrics.connections == 0 && core->stopping && core->stop_timer)
    core->stop_timer->cancel();
}

namespace {
// Out of descriptors or kernel memory: accepting again at once fails again at once.
bool is_resource_exhaustion(const boost::system::error_code& ec) {
  return ec == net::error::no_descriptors ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == net::error::no_buffer_space || ec == net::error::no_memory;
}
constexpr std::chrono::milliseconds kFirstAcceptBackoff{100};
constexpr std::chrono::milliseconds kMaxAcceptBackoff{1000};
}  // namespace

void Daemon::Core::start_accept() {
  if (stopping) return;
  acceptor.async_accept(net::make_strand(ioc),
                        [this](boost::system::error_code ec, net::ip::tcp::socket socket) {
                          on_accept(ec, std::move(socket));
                        });
}

void Daemon::Core::on_accept(boost::system::error_code ec, net::ip::tcp::socket socket) {
  if (ec == net::error::operation_aborted || stopping) return;
  if (ec) {
    // Pause instead of spinning: with no descriptor left, every retry fails at once (and
    // each would log a line), so wait 100 ms, doubling up to 1 s, until a connection closes.
    // One log line when an episode starts, one when it ends.
    metrics.accept_failures++;
    if (accept_failures_in_episode++ == 0) {
      log(LogLevel::error, "http",
          "accept failed: " + ec.message() +
              (is_resource_exhaustion(ec) ? " (out of descriptors or memory)" : "") +
              "; pausing accepts, retrying every 100 ms to 1 s");
    }
    accept_backoff = accept_backoff.count() == 0 ? kFirstAcceptBackoff
                                                 : std::min(accept_backoff * 2, kMaxAcceptBackoff);
    if (!accept_backoff_timer) accept_backoff_timer = std::make_unique<net::steady_timer>(ioc);
    accept_backoff_timer->expires_after(accept_backoff);
    accept_backoff_timer->async_wait([this](boost::system::error_code e) {
      if (!e) start_accept();
    });
    return;
  }
  if (accept_failures_in_episode > 0) {
    log(LogLevel::warning, "http",
        "accepting again after " + std::to_string(accept_failures_in_episode) + " failed accepts");
    accept_failures_in_episode = 0;
    accept_backoff = std::chrono::milliseconds{0};
  }
  if (static_cast<std::size_t>(metrics.connections.load()) >= options.max_connections) {
    // Over the limit: a short 503 is kinder than a silent close.
    static const std::string kBusy = [] {
      const std::string body =
          R"json({"error":"too many open connections (limits.max_connections)"})json";
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: "
             "close\r\n"
             "Retry-After: 5\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);  // a peer that does not read must not stall the loop
    net::write(socket, net::buffer(kBusy), ignored);
    socket.close(ignored);
  } else {
    if (options.socket_send_buffer > 0) {
      boost::system::error_code ignored;
      socket.set_option(net::socket_base::send_buffer_size(options.socket_send_buffer), ignored);
    }
    ConnectionSlot slot(*this);
    std::make_shared<HttpSession>(*this, std::move(socket), std::move(slot))->run();
  }
  start_accept();
}

void Daemon::Core::shutdown_sessions() {
  // close_if_idle only closes a socket; the sessions leave the set later, in their destructors.
  for (HttpSession* s : std::vector<HttpSession*>(sessions.begin(), sessions.end()))
    s->close_if_idle();
}

Daemon::Daemon(config::TownConfig town, DaemonOptions options)
    : core_(std::make_unique<Core>(std::move(town), std::move(options))) {}

Daemon::Daemon(const config::RegionConfig& region, DaemonOptions options)
    : core_(std::make_unique<Core>(region_as_town(region), std::move(options))) {
  core_->region = std::make_unique<RegionService>(*core_, region);
}

Daemon::~Daemon() {
  if (core_ && core_->commits) core_->commits->stop();
}

std::uint16_t Daemon::port() const { return core_->acceptor.local_endpoint().port(); }

const Metrics& Daemon::metrics() const { return core_->metrics; }

void Daemon::run() {
  core_->start_accept();
  core_->hub->start_heartbeat();
  core_->calendars->start();
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
}

void Daemon::stop() {
  Core& c = *core_;
  net::post(c.ioc, [&c] {
    c.stopping = true;
    c.calendars->stop();
    c.sources->stop();
    boost::system::error_code ignored;
    c.acceptor.close(ignored);
    if (c.accept_backoff_timer) c.accept_backoff_timer->cancel();
    if (c.jma_poller) c.jma_poller->stop();
  });
  // A region: the consumer finishes and acks its batch, the towns' journals are committed.
  if (c.region) c.region->stop();
  // Finish every commit already submitted; their answers are posted to the I/O thread.
  c.commits->stop();
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
