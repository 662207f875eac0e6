// TownPublisher (see town_publisher.hpp). Owns the publisher thread: everything below run()
// executes on it, except the public calls at the top and bottom.
#include "bcp/bridge/town_publisher.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bcp/model/codec.hpp"
#include "bridge_mark.hpp"
#include "handoff.hpp"

namespace bcp::bridge {

using Clock = std::chrono::steady_clock;

const char* state_name(PublisherState s) {
  switch (s) {
    case PublisherState::connecting:
      return "connecting";
    case PublisherState::resyncing:
      return "resyncing";
    case PublisherState::live:
      return "live";
    case PublisherState::retrying:
      return "retrying";
    case PublisherState::blocked:
      return "blocked";
    case PublisherState::stopped:
      return "stopped";
  }
  return "unknown";
}

namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("TownPublisher: ") + what);
}

}  // namespace

TownPublisher::TownPublisher(TownPublisherOptions options)
    : options_(std::move(options)),
      subject_(events_subject(options_.town)),
      heartbeat_subject_(heartbeat_subject(options_.town)),
      handoff_(std::make_unique<detail::Handoff>(options_.handoff_events, options_.handoff_bytes)) {
  require(!options_.nats.servers.empty(), "no NATS servers");
  require(valid_town_id(options_.town), "the town id is not 1-64 of A-Z a-z 0-9 _ -");
  require(static_cast<bool>(options_.read), "no journal reader");
  require(options_.batch > 0, "batch must be at least 1");
  require(options_.heartbeat_every.count() > 0, "heartbeat_every must be positive");
  handoff_->mark(options_.committed);
  std::string problem;
  if (auto m = detail::load_mark(options_.mark_file, options_.town, problem))
    mark_ = mark_saved_ = *m;
  if (!problem.empty()) {
    startup_note_ = "bridge mark " + options_.mark_file.string() + " " + problem + "; ignored";
  }
  thread_ = std::thread([this] { run(); });
}

TownPublisher::~TownPublisher() { stop(); }

void TownPublisher::committed(std::uint64_t seq, std::string_view json) {
  handoff_->offer(seq, json);
}

void TownPublisher::committed_up_to(std::uint64_t seq) { handoff_->mark(seq); }

PublisherMetrics TownPublisher::metrics() const {
  PublisherMetrics m;
  m.committed = handoff_->committed();
  m.bridged = bridged_.load();
  m.lag = m.committed > m.bridged ? m.committed - m.bridged : 0;
  m.published = published_.load();
  m.duplicates = duplicates_.load();
  m.errors = errors_.load();
  m.resyncs = resyncs_.load();
  m.journal_reads = journal_reads_.load();
  m.heartbeats = heartbeats_.load();
  m.connected = connected_.load();
  std::lock_guard lock(status_mutex_);
  m.state = state_;
  m.last_error = last_error_;
  return m;
}

void TownPublisher::stop() {
  handoff_->stop();
  {
    std::lock_guard lock(conn_mutex_);
    if (conn_) conn_->close();  // cuts a blocking publish short
  }
  if (thread_.joinable()) thread_.join();
}

// ---- the publisher thread

void TownPublisher::run() {
  std::chrono::milliseconds delay = options_.retry_min;
  next_heartbeat_ = Clock::now();
  if (!startup_note_.empty()) say(startup_note_);
  while (!handoff_->stopped()) {
    try {
      if (!conn_ || conn_->closed()) open_connection();
      connected_ = conn_->connected();
      if (!stream_ready_) {
        ensure_stream(*conn_, options_.stream, options_.nats.servers.size());
        stream_ready_ = true;
      }
      if (need_resync_) resync();
      heartbeat_if_due();
      if (publish_some()) {
        delay = options_.retry_min;
        note_recovered();
        continue;
      }
      note_recovered();
      delay = options_.retry_min;
      set_state(PublisherState::live);
      handoff_->wait_for_work(bridged_.load(), next_heartbeat_);
    } catch (const BridgeError& e) {
      on_error(e.what(), PublisherState::blocked);
      back_off(options_.retry_max);
    } catch (const std::exception& e) {
      on_error(e.what(), conn_ ? PublisherState::retrying : PublisherState::connecting);
      back_off(delay);
      delay = std::min(delay * 2, options_.retry_max);
    } catch (...) {
      // Only a reader or logger of the daemon's could throw something else; never end the thread.
      on_error("the journal reader threw a non-standard exception", PublisherState::retrying);
      back_off(options_.retry_max);
    }
  }
  save_mark();
  {
    std::lock_guard lock(conn_mutex_);
    conn_.reset();
  }
  connected_ = false;
  set_state(PublisherState::stopped);
}

void TownPublisher::open_connection() {
  set_state(PublisherState::connecting);
  {
    std::lock_guard lock(conn_mutex_);
    conn_.reset();
  }
  ConnectOptions nats = options_.nats;
  if (nats.name == "bcp") nats.name = "bcp-bridge " + options_.town;
  auto fresh = Connection::connect(nats);
  std::lock_guard lock(conn_mutex_);
  conn_ = std::move(fresh);
  // stop() may have come while connecting; it found no connection to close.
  if (handoff_->stopped()) conn_->close();
  need_resync_ = true;
  stream_ready_ = false;
}

void TownPublisher::resync() {
  set_state(PublisherState::resyncing);
  ++resyncs_;
  std::uint64_t resume = 0;
  if (auto last = conn_->last_msg(kStreamName, subject_)) {
    auto seq = seq_of_msg_id(last->msg_id, options_.town);
    if (!seq) {
      throw BridgeError("the last message on " + subject_ + " (stream seq " +
                        std::to_string(last->stream_seq) + ") has Nats-Msg-Id \"" + last->msg_id +
                        "\", not " + options_.town + ":<seq>: something else publishes there");
    }
    resume = *seq;
    prev_stream_seq_ = last->stream_seq;
    if (resume < mark_) {
      say("the stream holds " + subject_ + " only up to " + std::to_string(resume) +
          " but this town bridged up to " + std::to_string(mark_) + "; sending again from there");
    }
  } else {
    // Nothing on the subject: retention removed it, the stream is new, or nothing was ever sent.
    resume = mark_;
    prev_stream_seq_ = 0;
  }
  const std::uint64_t committed = handoff_->committed();
  if (resume > committed) {
    throw BridgeError("the stream holds " + subject_ + " up to seq " + std::to_string(resume) +
                      " but this town's journal only up to " + std::to_string(committed) +
                      ": another daemon publishes as town \"" + options_.town +
                      "\", or the journal was replaced; the bridge publishes nothing until an "
                      "operator resolves it");
  }
  bridged_ = resume;
  if (resume > mark_) mark_ = resume;
  need_resync_ = false;
}

bool TownPublisher::publish_some() {
  const std::uint64_t committed = handoff_->committed();
  const std::uint64_t from = bridged_.load();
  if (from >= committed) return false;
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(options_.batch, committed - from));
  std::vector<JournalEvent> batch = handoff_->take(from, want);
  if (batch.empty()) {
    ++journal_reads_;
    batch = options_.read(from, want);
    if (batch.empty()) {
      throw std::runtime_error("the journal returned no events after seq " + std::to_string(from) +
                               " though " + std::to_string(committed) + " are committed");
    }
  }
  set_state(PublisherState::live);
  for (const JournalEvent& ev : batch) {
    if (handoff_->stopped()) break;
    const std::uint64_t expected = bridged_.load() + 1;
    if (ev.seq != expected) {
      throw std::runtime_error("the journal returned seq " + std::to_string(ev.seq) + " where " +
                               std::to_string(expected) + " was due");
    }
    const PubAck ack =
        conn_->js_publish(subject_, ev.json, msg_id(options_.town, ev.seq), prev_stream_seq_);
    if (ack.stream != kStreamName) {
      throw BridgeError(subject_ + " is stored by stream \"" + ack.stream + "\", not " +
                        kStreamName);
    }
    prev_stream_seq_ = ack.stream_seq;
    bridged_ = ev.seq;
    ++published_;
    if (ack.duplicate) ++duplicates_;
    heartbeat_if_due();
  }
  mark_ = bridged_.load();
  save_mark();
  return true;
}

void TownPublisher::heartbeat_if_due() {
  const auto now = Clock::now();
  if (now < next_heartbeat_) return;
  next_heartbeat_ = now + options_.heartbeat_every;
  if (!conn_ || !conn_->connected()) return;
  const auto at =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const nlohmann::json beat = {{"v", 1},
                               {"type", "heartbeat"},
                               {"town", options_.town},
                               {"at", model::format_time(at)},
                               {"committed", handoff_->committed()},
                               {"bridged", bridged_.load()}};
  try {
    conn_->publish(heartbeat_subject_, beat.dump());
    ++heartbeats_;
  } catch (const std::exception& e) {
    ++errors_;
    say(std::string("heartbeat: ") + e.what());
  }
}

// Sleeps `delay`, waking for heartbeats (the region must tell "cannot store" from "gone").
void TownPublisher::back_off(std::chrono::milliseconds delay) {
  const auto until = Clock::now() + delay;
  while (!handoff_->stopped() && Clock::now() < until) {
    heartbeat_if_due();
    handoff_->sleep_until(std::min(until, next_heartbeat_));
  }
}

void TownPublisher::on_error(const std::string& what, PublisherState state) {
  ++errors_;
  if (failing_since_ == Clock::time_point{}) failing_since_ = Clock::now();
  ++failed_attempts_;
  need_resync_ = true;
  stream_ready_ = false;
  save_mark();
  if (conn_) connected_ = conn_->connected();
  bool repeated = false;
  {
    std::lock_guard lock(status_mutex_);
    repeated = last_error_ == what && state_ == state;
    last_error_ = what;
    state_ = state;
  }
  if (!repeated) say(what);
}

// After errors: one line saying how long the stream could not be used, for the operator.
void TownPublisher::note_recovered() {
  if (failing_since_ == Clock::time_point{}) return;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - failing_since_);
  say("stream usable again after " + std::to_string(ms.count()) + " ms and " +
      std::to_string(failed_attempts_) + " failed attempt(s); bridged up to " +
      std::to_string(bridged_.load()));
  failing_since_ = {};
  failed_attempts_ = 0;
}

void TownPublisher::save_mark() {
  if (options_.mark_file.empty() || mark_ == mark_saved_) return;
  try {
    detail::store_mark(options_.mark_file, options_.town, mark_);
    mark_saved_ = mark_;
  } catch (const std::exception& e) {
    ++errors_;
    say(std::string("bridge mark: ") + e.what());
  }
}

void TownPublisher::set_state(PublisherState s) {
  std::lock_guard lock(status_mutex_);
  state_ = s;
}

void TownPublisher::say(const std::string& line) {
  if (!options_.log) return;
  try {
    options_.log("bridge " + options_.town + ": " + line);
  } catch (...) {
    // A logger that throws must not take the bridge down.
  }
}

}  // namespace bcp::bridge
