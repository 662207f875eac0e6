#include "bcp/daemon/gate/commit_rules.hpp"

#include <variant>

namespace bcp::daemon {

namespace {
std::string kind_of(bool drill) { return drill ? "a drill" : "an actual"; }
}  // namespace

void CommitRules::replay(const model::Event& event) {
  recording_ = false;
  record(event);
}

CommitRules::State CommitRules::state() const {
  return State{rollcalls_, std::set<std::string>(alerts_.begin(), alerts_.end())};
}

void CommitRules::restore(State state) {
  rollcalls_ = std::move(state.rollcalls);
  alerts_ = std::unordered_set<std::string>(state.alerts.begin(), state.alerts.end());
  undo_.clear();
}

std::optional<std::string> CommitRules::admit(const std::vector<model::Event>& events) {
  // A request is admitted whole or not at all: a later event of it that conflicts takes
  // back what the earlier ones recorded.
  const std::size_t mark = undo_.size();
  recording_ = true;
  for (const model::Event& e : events) {
    if (auto conflict = check(e)) {
      undo_to(mark);
      return conflict;
    }
    record(e);
  }
  return std::nullopt;
}

void CommitRules::committed() { undo_.clear(); }

void CommitRules::failed() { undo_to(0); }

void CommitRules::undo_to(std::size_t mark) {
  while (undo_.size() > mark) {
    undo_.back()();
    undo_.pop_back();
  }
}

std::optional<std::string> CommitRules::check(const model::Event& event) const {
  if (const auto* r = std::get_if<model::RollcallStarted>(&event.body)) {
    if (rollcalls_.contains(r->rollcall)) return "roll call \"" + r->rollcall + "\" exists already";
    if (const std::string* open = open_rollcall(r->drill)) {
      return kind_of(r->drill) + " roll call is open already: \"" + *open + "\"";
    }
    return std::nullopt;
  }
  const std::string* answered = nullptr;
  if (const auto* c = std::get_if<model::RollcallCheckin>(&event.body)) answered = &c->rollcall;
  if (const auto* c = std::get_if<model::RollcallClosed>(&event.body)) answered = &c->rollcall;
  if (answered) {
    auto it = rollcalls_.find(*answered);
    if (it == rollcalls_.end()) return "unknown roll call \"" + *answered + "\"";
    if (!it->second.open) return "roll call \"" + *answered + "\" is closed";
    return std::nullopt;
  }
  if (const auto* a = std::get_if<model::AlertRaised>(&event.body)) {
    // CAP updates and JMA 続報 raise the same id again on purpose (the reducer folds them
    // in); an operator's raise names a new alert.
    if (a->source.kind == model::AlertSourceKind::manual && alerts_.contains(a->alert)) {
      return "alert \"" + a->alert + "\" exists already";
    }
  }
  return std::nullopt;
}

const std::string* CommitRules::open_rollcall(bool drill) const {
  for (const auto& [id, r] : rollcalls_) {
    if (r.open && r.drill == drill) return &id;
  }
  return nullptr;
}

void CommitRules::record(const model::Event& event) {
  if (const auto* r = std::get_if<model::RollcallStarted>(&event.body)) {
    // The reducer keeps the first start of an id; so do we.
    if (rollcalls_.emplace(r->rollcall, Rollcall{r->drill, true}).second && recording_) {
      undo_.push_back([this, id = r->rollcall] { rollcalls_.erase(id); });
    }
  } else if (const auto* c = std::get_if<model::RollcallClosed>(&event.body)) {
    auto it = rollcalls_.find(c->rollcall);
    if (it == rollcalls_.end() || !it->second.open) return;
    it->second.open = false;
    if (recording_) undo_.push_back([this, id = c->rollcall] { rollcalls_[id].open = true; });
  } else if (const auto* a = std::get_if<model::AlertRaised>(&event.body)) {
    if (alerts_.insert(a->alert).second && recording_) {
      undo_.push_back([this, id = a->alert] { alerts_.erase(id); });
    }
  }
}

}  // namespace bcp::daemon
