// The daemon's data flow after the gate: admitted events → journal (group commit) →
// reducer (the situation) → sinks. `submit` is the one way into the journal once the daemon
// runs, for routes, pollers and services alike; a source's `done` runs after its events are
// in the journal, in the situation and handed to every sink, so an answered client can rely
// on every wall having been sent its event.
//
// Threads: submit() is called on the I/O thread. The commit queue inside owns the committer
// thread, which runs the committer-thread sinks and posts each batch to the I/O thread;
// there the reducer and the I/O sinks run, then the `done`s.
#pragma once

#include <boost/asio/io_context.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "bcp/daemon/gate/commit_rules.hpp"
#include "bcp/daemon/journal/commit_queue.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/daemon/pipeline/event_sink.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::daemon {

// Refused by Pipeline::submit: an event that the codec would not read back from the journal.
struct UnreadableEvent : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

class Pipeline {
 public:
  // `committed` holds the request's events with their seqs (empty when `error` is set).
  using Committed = std::function<void(std::vector<model::Event> committed, std::exception_ptr)>;

  // Everything given must outlive the pipeline. `situation` is reduced here from now on;
  // `rules` were fed the journal at start-up and are the committer's from now on.
  Pipeline(boost::asio::io_context& ioc, Journal& journal, CommitRules& rules,
           model::Situation& situation, Metrics& metrics);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Before the first submit. Sinks are called in the order added.
  void add_sink(EventSink& sink, SinkThread thread);
  // Journals `events` (one group commit with whatever else is pending) and calls `done` on
  // the I/O thread after the commit, once the reducer and the sinks have seen them. What a
  // source's adapter and the gate let through is stored; the safety net here only cuts what
  // is over a field's limit and refuses what the journal could not read back, for events
  // the daemon makes itself.
  void submit(std::vector<model::Event> events, Committed done);
  // The same for events the gate admitted (gate/admit.hpp), every one of them: the safety net
  // has nothing left to find, and its read-back would be the event's second.
  void submit_admitted(std::vector<model::Event> admitted, Committed done);
  // Commits everything already submitted; answers are posted to the I/O thread. Idempotent.
  void stop();

  const CommitStats& commit_stats() const { return commits_->stats(); }
  // Test seam (DaemonOptions::before_commit).
  void set_before_commit(std::function<void()> hook) {
    commits_->set_before_commit(std::move(hook));
  }

 private:
  void on_committed(const std::vector<model::Event>& batch);  // committer thread
  void reduce(const std::vector<model::Event>& batch);        // I/O thread

  boost::asio::io_context& ioc_;
  model::Situation& situation_;
  Metrics& metrics_;
  std::vector<EventSink*> committer_sinks_;
  std::vector<EventSink*> io_sinks_;
  std::unique_ptr<CommitQueue> commits_;  // last: its thread calls on_committed
};

}  // namespace bcp::daemon
