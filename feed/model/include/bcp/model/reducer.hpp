// The one reducer that both the daemon and every wall run.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::model {

// Folds one event into the situation. Deterministic and total: it never throws for a
// well-formed Event. An event whose seq is not greater than s.last_seq (and not 0) is a
// repeat and changes nothing; returns false then, true when applied.
bool apply(Situation& s, const Event& event);

// For whatever replays a stretch of the journal (bcp-wall --replay, the drill report's
// pictures): drops every talk.message that a talk.hidden anywhere in `events` took off the
// wall, so that no replayed moment shows it again, also one before the hide. The hide
// events stay (they change nothing without their message). Returns how many were dropped.
std::size_t drop_hidden_messages(std::vector<Event>& events);
// The parts of it: the ids some talk.hidden in `events` names, and whether `e` is one of
// those messages.
std::set<std::string, std::less<>> hidden_message_ids(const std::vector<Event>& events);
bool is_hidden_message(const Event& e, const std::set<std::string, std::less<>>& hidden);

}  // namespace bcp::model
