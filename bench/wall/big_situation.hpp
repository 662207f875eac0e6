// A large situation for the wall benchmarks (issue 8, benchmark 4): thousands of staff, a long
// talk history, many alerts and a big roll call, folded through the real reducer so that
// the wall sees exactly the state a mirror fed by the stream would hold.
#pragma once

#include <cstddef>

#include "bcp/model/situation.hpp"

namespace bcp::bench {

struct BigSituationSize {
  std::size_t staff = 2000;
  std::size_t talk_messages = 5000;  // all kept: the per-group history limit is raised to fit
  std::size_t alerts = 20;
  std::size_t rollcall_answered = 1500;  // of `staff` in scope; the rest are still pending
};

// Deterministic for a given `now` and size.
model::Situation big_situation(model::TimePoint now, const BigSituationSize& size = {});

}  // namespace bcp::bench
