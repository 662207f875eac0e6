// The one reducer that both the daemon and every wall run.
#pragma once

#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::model {

// Folds one event into the situation. Deterministic and total: it never throws for a
// well-formed Event. An event whose seq is not greater than s.last_seq (and not 0) is a
// repeat and changes nothing; returns false then, true when applied.
bool apply(Situation& s, const Event& event);

}  // namespace bcp::model
