// Calendars evaluated (parsed and expanded into a Timeline) where a hostile one cannot hold
// anyone up. libical 3.0 has no bound of its own: one call on a hostile rule can run for
// seconds and allocate hundreds of megabytes, and a thread cannot be stopped in the middle of
// it. A process can. evaluate_isolated forks a worker process from the calling thread; the
// worker evaluates the calendars one after the other and writes each result to a pipe. A
// calendar that runs over its wall-clock budget gets the worker killed and is reported over
// budget, naming the line it was at; the rest of the batch goes on in a fresh worker. A
// worker also has a memory ceiling, and its crash (libical on a file nobody tested) costs
// one calendar, not the process.
//
// Threads: evaluate_isolated blocks its caller for up to `budget` per calendar; call it from
// a thread that may wait (the daemon's calendar worker threads), never from an I/O thread.
// The worker process runs only this component and libical, which the daemon itself never
// calls, so no lock another thread held at the fork is ever needed in the worker.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/calendar/calendar.hpp"

namespace bcp::calendar {

struct EvaluationOptions {
  model::TimePoint from;  // the window evaluated: [from, from + span)
  std::chrono::seconds span = std::chrono::days{32};
  int utc_offset_minutes = 0;  // the town's, for all-day dates and floating times
  Limits limits;               // progress_line is the worker's own
  ParseLimits parse_limits;
  std::chrono::milliseconds budget{3000};             // wall clock per calendar
  std::size_t memory_bytes = std::size_t{512} << 20;  // address space a worker may add
};

struct Evaluation {
  enum class Outcome {
    ok,           // timeline, events and busy_events are set
    invalid,      // the file cannot be used (CalendarError); error names the line
    over_budget,  // took longer than the budget or more memory than allowed; error names the line
    crashed,      // the worker died evaluating it (a signal, a garbled answer)
    unavailable,  // not evaluated: no worker could be started, or the batch was cancelled
  };
  Outcome outcome = Outcome::unavailable;
  std::string error;  // unless ok
  Timeline timeline;
  std::size_t events = 0, busy_events = 0;  // Calendar::total_events() / busy_events()
};

// The same steps in the calling thread (tests, tools): parse, expand, count. Never throws.
Evaluation evaluate(std::string_view ics, const EvaluationOptions& options);

// One Evaluation per text, in order. `cancel`, when it becomes true, stops the batch within
// about 100 ms (the worker is killed; the rest are `unavailable`).
std::vector<Evaluation> evaluate_isolated(const std::vector<std::string_view>& texts,
                                          const EvaluationOptions& options,
                                          const std::atomic<bool>* cancel = nullptr);

}  // namespace bcp::calendar
