#include "pipeline/snapshots.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "pipeline/core.hpp"
#include "sources/calendar_service.hpp"

namespace bcp::daemon {

namespace {
std::string snapshot_named(model::Seq seq) { return "snapshot at seq " + std::to_string(seq); }
}  // namespace

SnapshotKeeper::SnapshotKeeper(Daemon::Core& core, std::size_t every)
    : core_(core), every_(every) {
  writer_ = std::thread([this] { run_writer(); });
}

SnapshotKeeper::~SnapshotKeeper() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

// ---- start-up -----------------------------------------------------------------------

model::Seq SnapshotKeeper::restore() {
  std::vector<StoredSnapshot> stored;
  try {
    stored = core_.journal->snapshots();
  } catch (const std::exception& e) {
    log(LogLevel::warning, "journal", std::string("snapshots cannot be read, replaying the whole journal: ") + e.what());
    return 0;
  }
  for (const StoredSnapshot& s : stored) {  // newest first
    std::optional<SnapshotState> state = usable(s);
    if (!state) continue;
    const model::Seq seq = state->seq;
    apply(std::move(*state));
    return seq;
  }
  return 0;
}

// The snapshot's state if it holds up; otherwise nullopt, after a log line saying why.
std::optional<SnapshotState> SnapshotKeeper::usable(const StoredSnapshot& stored) const {
  auto ignored = [&](const std::string& why) {
    log(LogLevel::warning, "journal",
        snapshot_named(stored.seq) + " ignored (" + why + "): an older one or a full replay instead");
    return std::nullopt;
  };
  if (stored.format != kSnapshotFormat) {
    return ignored("format " + std::to_string(stored.format) + ", this build reads " +
                   std::to_string(kSnapshotFormat));
  }
  const model::Seq last = core_.journal->last_seq();
  if (stored.seq <= 0 || stored.seq > last) {
    return ignored("the journal ends at seq " + std::to_string(last));
  }
  SnapshotState state;
  try {
    state = decode_snapshot(stored.body);
  } catch (const std::exception& e) {
    return ignored(std::string("cannot be decoded: ") + e.what());
  }
  if (state.seq != stored.seq || state.situation.last_seq != stored.seq) {
    return ignored("it holds the state at seq " + std::to_string(state.seq) + ", situation at " +
                   std::to_string(state.situation.last_seq));
  }
  try {
    std::vector<model::Event> at = core_.journal->read(stored.seq - 1, 1);
    if (at.empty() || at.front().seq != stored.seq || event_check(at.front()) != state.at_event) {
      return ignored("taken at another event than the journal's at that seq");
    }
  } catch (const std::exception& e) {
    return ignored(std::string("the event at its seq cannot be read: ") + e.what());
  }
  // The reducer reads the roster (scopes of roll calls, departments): a state reduced with
  // another one is not what a replay with this one gives.
  // Called before anything is restored: core_.situation is still the config's empty one.
  const model::Situation& fresh = core_.situation;
  if (state.situation.directory != fresh.directory ||
      state.situation.talk_history_limit != fresh.talk_history_limit ||
      state.situation.notice_limit != fresh.notice_limit) {
    return ignored("taken with another roster or other limits than this config's");
  }
  return state;
}

void SnapshotKeeper::apply(SnapshotState state) {
  written_seq_ = state.seq;
  at_event_ = state.at_event;
  core_.situation = std::move(state.situation);
  core_.commit_rules.restore(state.rules);
  rules_.restore(std::move(state.rules));
  core_.calendars->restore(std::move(state.calendar));
  core_.hidden_messages.restore(state.hidden);
  core_.replay_guard.restore(state.origins);
}

void SnapshotKeeper::replayed(const model::Event& e) {
  rules_.replay(e);
  at_event_ = event_check(e);
}

void SnapshotKeeper::started(std::size_t count) {
  const model::Seq seq = core_.situation.last_seq;
  due_at_ = seq + static_cast<model::Seq>(every_);
  if (every_ > 0 && count >= every_ && seq > written_seq_) capture_and_hand_off();
}

// ---- while running ------------------------------------------------------------------

void SnapshotKeeper::on_committed(const std::vector<model::Event>& batch) {
  for (const model::Event& e : batch) rules_.replay(e);
  if (!batch.empty()) at_event_ = event_check(batch.back());
  if (every_ == 0 || core_.situation.last_seq < due_at_) return;
  due_at_ = core_.situation.last_seq + static_cast<model::Seq>(every_);
  capture_and_hand_off();
}

void SnapshotKeeper::capture_and_hand_off() {
  const auto t0 = std::chrono::steady_clock::now();
  SnapshotState state = capture();
  hand_off(std::move(state), std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - t0));
}

SnapshotState SnapshotKeeper::capture() const {
  SnapshotState s;
  s.seq = core_.situation.last_seq;
  s.at_event = at_event_;
  s.situation = core_.situation;
  s.rules = rules_.state();
  s.calendar = core_.calendars->journaled();
  s.hidden = core_.hidden_messages.ids();
  s.origins = core_.replay_guard.journaled_origins();
  return s;
}

void SnapshotKeeper::hand_off(SnapshotState state, std::chrono::microseconds copied) {
  {
    std::lock_guard lock(mu_);
    pending_ = std::move(state);
    pending_copied_ = copied;
  }
  wake_.notify_one();
}

void SnapshotKeeper::run_writer() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || pending_; });
    if (!pending_) return;  // stopping, nothing left
    SnapshotState state = std::move(*pending_);
    pending_.reset();
    const std::chrono::microseconds copied = pending_copied_;
    lock.unlock();
    write(state, copied);
    lock.lock();
  }
}

void SnapshotKeeper::write_final() {
  // The writer finishes what it has; then this thread has the state to itself.
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  const model::Seq seq = core_.situation.last_seq;
  if (seq == 0 || seq <= core_.metrics.snapshot_seq.load() || seq <= written_seq_) return;
  if (seq != core_.journal->last_seq()) {
    // A committed batch never reached the reducer (the I/O thread stopped first): the state
    // is not the journal's, and the periodic snapshot stands.
    log(LogLevel::warning, "journal",
        "no snapshot at shutdown: the state is at seq " + std::to_string(seq) +
            ", the journal at " + std::to_string(core_.journal->last_seq()));
    return;
  }
  write(capture(), std::chrono::microseconds(0));
}

// Writer thread (or the shutdown): encodes and stores; a failure costs only replay time.
void SnapshotKeeper::write(const SnapshotState& state, std::chrono::microseconds copied) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    StoredSnapshot stored;
    stored.seq = state.seq;
    stored.format = kSnapshotFormat;
    stored.body = encode_snapshot(state);
    stored.taken = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
    const auto t1 = std::chrono::steady_clock::now();
    core_.journal->put_snapshot(stored, kKeep);
    const auto t2 = std::chrono::steady_clock::now();
    using us = std::chrono::microseconds;
    core_.metrics.snapshot_seq = state.seq;
    core_.metrics.snapshots_written++;
    core_.metrics.snapshot_encode_us = std::chrono::duration_cast<us>(t1 - t0).count();
    core_.metrics.snapshot_store_us = std::chrono::duration_cast<us>(t2 - t1).count();
    log(LogLevel::info, "journal",
        snapshot_named(state.seq) + " stored (" + std::to_string(stored.body.size()) +
            " bytes; copied in " + std::to_string(copied.count() / 1000) + " ms on the I/O thread, encoded in " +
            std::to_string(core_.metrics.snapshot_encode_us.load() / 1000) + " ms, stored in " +
            std::to_string(core_.metrics.snapshot_store_us.load() / 1000) + " ms)");
  } catch (const std::exception& e) {
    core_.metrics.snapshot_failures++;
    log(LogLevel::warning, "journal", snapshot_named(state.seq) + " not stored: " + e.what());
  }
}

}  // namespace bcp::daemon
