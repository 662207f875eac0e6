// The daemon's commit-time invariants (CommitAdmission): what the routes check when they
// validate a request, checked again where the order is decided. Owned by the committer
// thread once the commit queue runs; before that, start-up feeds it the journal.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "bcp/daemon/journal/commit_queue.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

class CommitRules : public CommitAdmission {
 public:
  struct Rollcall {
    bool drill = false;
    bool open = true;
    bool operator==(const Rollcall&) const = default;
  };
  // What replay() rebuilds: every roll call with its kind and whether it is open, and every
  // alert id raised. Part of a start-up snapshot (pipeline/snapshots.hpp).
  struct State {
    std::map<std::string, Rollcall> rollcalls;
    std::set<std::string> alerts;
    bool operator==(const State&) const = default;
  };
  // The state now, with whatever is admitted and not yet committed.
  State state() const;
  // Start-up from a snapshot, before any replay() or admit().
  void restore(State state);

  // An event already in the journal (start-up replay): taken as it is, never refused.
  void replay(const model::Event& event);

  // Refuses (409 at the caller):
  //  - rollcall.started with an id already used, or while a roll call of the same kind
  //    (drill or actual) is open;
  //  - rollcall.checkin and rollcall.closed for a roll call that is unknown or closed;
  //  - alert.raised by an operator (source manual) with an alert id already used.
  // These are exactly the events the reducer would ignore or fold into something else, so
  // an event admitted here is one the reducer applies as the client was told.
  std::optional<std::string> admit(const std::vector<model::Event>& events) override;
  void committed() override;
  void failed() override;

 private:
  std::optional<std::string> check(const model::Event& event) const;
  const std::string* open_rollcall(bool drill) const;
  void record(const model::Event& event);  // with an undo step while not yet committed
  void undo_to(std::size_t mark);

  // Roll calls are few (a handful a year): the open one of a kind is found by looking.
  std::map<std::string, Rollcall> rollcalls_;
  std::unordered_set<std::string> alerts_;
  // Undo steps of what was admitted since the last committed()/failed(), newest last.
  std::vector<std::function<void()>> undo_;
  bool recording_ = false;  // false during replay: nothing to undo
};

}  // namespace bcp::daemon
