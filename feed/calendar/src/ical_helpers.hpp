// Small helpers that parse_ics.cpp, file_checks.cpp and classify.cpp all use: one definition,
// so the files can also be compiled together (the demo's unity build, scripts/build).
#pragma once

#include <libical/ical.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bcp::calendar {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The line being read, for the worker's watchdog (null when nobody watches).
inline void report_progress(std::atomic<std::uint32_t>* progress, std::size_t line) {
  if (progress) progress->store(static_cast<std::uint32_t>(line), std::memory_order_relaxed);
}

inline std::size_t count_properties(icalcomponent* c, icalproperty_kind kind) {
  return static_cast<std::size_t>(icalcomponent_count_properties(c, kind));
}

}  // namespace bcp::calendar
