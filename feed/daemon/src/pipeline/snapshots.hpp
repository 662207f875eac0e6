// Start-up snapshots: the state that start-up's journal replay rebuilds (snapshot_codec.hpp),
// stored in the journal's file every `every` events and at a clean shutdown, so that a start
// replays only the events after the newest good one instead of the whole journal.
//
// Which state: the reduced situation, the commit rules, the calendar service's journaled
// statuses, the hidden messages and the replay guard's journaled origins — each as a replay of
// the journal up to the snapshot's seq rebuilds it, never with what is admitted and not yet
// committed: a snapshot is taken on the I/O thread as an I/O sink, right after a batch was
// reduced and seen by the sinks before it. The committer's own commit rules run ahead of that
// (they admit the next batch meanwhile), so the keeper replays the journal into a copy of
// its own. The outbox rebuilds nothing from the replay (it reads its own table and the reduced
// situation), nor does anything else in Core.
//
// At start (restore()): the newest stored snapshot that is of this build's format, decodes,
// agrees with its stated seq (≤ the journal's last, the event there the one it was taken at)
// and was taken with this town's roster is restored; each one passed over is logged with why,
// and the next older one tried, then a full replay. Never a wrong state, never an empty one.
//
// Threads: capture() copies the state on the I/O thread (a few milliseconds); the encoding and
// the SQLite write run on the keeper's own writer thread, through the journal's write
// connection (one transaction, like a commit: the committer waits for it at most that long).
// The shutdown snapshot is written on the thread that destroys the daemon, after the I/O
// thread is gone. The newest kKeep are kept.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/gate/commit_rules.hpp"
#include "bcp/daemon/pipeline/event_sink.hpp"
#include "pipeline/snapshot_codec.hpp"

namespace bcp::daemon {

class SnapshotKeeper : public EventSink {
 public:
  static constexpr std::size_t kKeep = 3;

  // `every`: events between two snapshots (0: only at shutdown).
  SnapshotKeeper(Daemon::Core& core, std::size_t every);
  ~SnapshotKeeper() override;
  SnapshotKeeper(const SnapshotKeeper&) = delete;
  SnapshotKeeper& operator=(const SnapshotKeeper&) = delete;

  // Start-up, before the replay: restores every part from the newest good snapshot and
  // returns its seq, or 0 (nothing restored: replay the whole journal).
  model::Seq restore();
  // Start-up: one event replayed after the snapshot (or from the start).
  void replayed(const model::Event& e);
  // Start-up, after the replay of `count` events: a long one is saved at once (a crash soon
  // after would otherwise replay it all again).
  void started(std::size_t count);

  void on_committed(const std::vector<model::Event>& batch) override;  // I/O thread
  // Clean shutdown, once the I/O thread is gone: the state now, written on this thread.
  void write_final();
  // The state now, encoded as a snapshot of it would be (I/O thread, or no I/O thread).
  std::string encoded_state() const { return encode_snapshot(capture()); }

 private:
  std::optional<SnapshotState> usable(const StoredSnapshot& stored) const;
  void apply(SnapshotState state);
  SnapshotState capture() const;
  void capture_and_hand_off();
  // To the writer thread; `copied` is how long capture() held the I/O thread.
  void hand_off(SnapshotState state, std::chrono::microseconds copied);
  void run_writer();
  void write(const SnapshotState& state, std::chrono::microseconds copied);

  Daemon::Core& core_;
  const std::size_t every_;
  CommitRules rules_;    // the commit rules as the journal has them (the committer's run ahead)
  std::string at_event_;  // event_check of the last event seen
  model::Seq due_at_ = 0;       // the next periodic snapshot once the situation reaches it
  model::Seq written_seq_ = 0;  // the newest snapshot stored (or restored)

  std::mutex mu_;
  std::condition_variable wake_;
  std::optional<SnapshotState> pending_;  // the newest one not yet written; an older is dropped
  std::chrono::microseconds pending_copied_{0};
  bool stopping_ = false;
  model::Seq writer_seq_ = 0;  // written by the writer thread (under mu_)
  std::thread writer_;
};

}  // namespace bcp::daemon
