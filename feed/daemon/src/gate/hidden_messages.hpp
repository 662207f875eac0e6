// Ids of talk messages taken off the wall (talk.hidden): the situation no longer holds them,
// and a second hide is answered 409, not 404. Operator actions, so a few at most. Filled
// from the journal at start-up and then as a sink of the pipeline.
//
// Threads: the I/O thread only (an io sink).
#pragma once

#include <algorithm>
#include <string>
#include <unordered_set>
#include <variant>

#include "bcp/daemon/pipeline/event_sink.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

class HiddenMessages : public EventSink {
 public:
  bool contains(const std::string& message_id) const { return hidden_.contains(message_id); }
  void observe(const model::Event& e) {
    if (const auto* h = std::get_if<model::TalkHidden>(&e.body)) hidden_.insert(h->message_id);
  }
  void on_committed(const std::vector<model::Event>& batch) override {
    for (const model::Event& e : batch) observe(e);
  }
  // Sorted, for a start-up snapshot (pipeline/snapshots.hpp); restore() before any observe().
  std::vector<std::string> ids() const {
    std::vector<std::string> out(hidden_.begin(), hidden_.end());
    std::sort(out.begin(), out.end());
    return out;
  }
  void restore(const std::vector<std::string>& ids) { hidden_.insert(ids.begin(), ids.end()); }

 private:
  std::unordered_set<std::string> hidden_;
};

}  // namespace bcp::daemon
