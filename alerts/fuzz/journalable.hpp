// Shared by the CAP and JMA fuzz targets: what a parser accepts must be something the journal
// can take. The daemon journals Outcome::payload(); an event that does not read back through
// the codec (invalid UTF-8, a time beyond year 9999) would fail at the commit instead of
// being refused with a 400 naming the element (issue 12, class 14).
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "bcp/alerts/outcome.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::alerts::fuzz {

inline void require_journalable(const Outcome& outcome) {
  for (bool known : {false, true}) {
    auto payload = outcome.payload(known);
    if (!payload) continue;
    model::Event e;
    e.seq = 1;
    e.at = model::TimePoint{std::chrono::milliseconds{1'700'000'000'000}};
    e.body = *payload;
    try {
      model::event_from_json(model::to_json(e));
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "accepted document gives an event the journal cannot take: %s\n",
                   ex.what());
      std::abort();
    }
  }
}

}  // namespace bcp::alerts::fuzz
