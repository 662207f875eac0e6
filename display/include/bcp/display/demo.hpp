// A scripted situation for tests, benches and `bcp-wall --demo`: the sample town during an
// earthquake roll call with talk, alerts and staff states, built without a daemon.
#pragma once

#include "bcp/model/situation.hpp"

namespace bcp::display {

struct DemoOptions {
  bool drill = true;  // drill roll call and drill alerts, or an actual event
  std::size_t staff = 120;
  std::size_t answered = 86;  // roll-call answers so far
  std::size_t talk_messages = 40;
};

model::Situation demo_situation(model::TimePoint now, const DemoOptions& o = {});

}  // namespace bcp::display
