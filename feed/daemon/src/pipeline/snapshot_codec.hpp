// A start-up snapshot's contents and their encoding: everything start-up's journal replay
// rebuilds (daemon.cpp, Core::replay_journal), at one seq. The journal stores the encoded
// text in its `snapshots` table (journal.hpp, StoredSnapshot); snapshots.hpp decides when.
//
// Format 1, one JSON object:
//   {"format":1, "seq":N, "at_event":"<type> <at> <received> of the event at seq N",
//    "situation":{situation_to_json}, "commit_rules":{"rollcalls":{id:{"drill","open"}},
//    "alerts":[id…]}, "calendar":[staff.availability event…], "hidden":[message_id…],
//    "origins":[origin…, oldest first]}
// Deterministic (sorted maps and sets), so two equal states encode to the same text. A change
// to what a part means or holds is a new format number: older ones are then ignored (and
// replayed past), never read into the new meaning.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/daemon/gate/commit_rules.hpp"
#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::daemon {

inline constexpr int kSnapshotFormat = 1;

struct SnapshotState {
  model::Seq seq = 0;
  // The event at seq, in a few words (event_check): the journal the state was taken from.
  std::string at_event;
  model::Situation situation;
  CommitRules::State rules;
  std::map<std::string, model::StaffAvailability> calendar;  // CalendarService::journaled()
  std::vector<std::string> hidden;   // HiddenMessages::ids()
  std::vector<std::string> origins;  // ReplayGuard::journaled_origins()
};

// What a snapshot at an event's seq says about that event: its type and times.
std::string event_check(const model::Event& event);

std::string encode_snapshot(const SnapshotState& state);

// Throws SnapshotError naming what is wrong: not JSON, another format, a missing or
// mistyped member, a situation the model's codec refuses.
struct SnapshotError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
SnapshotState decode_snapshot(std::string_view text);

}  // namespace bcp::daemon
