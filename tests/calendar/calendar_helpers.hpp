// Small helpers shared by the calendar tests: fixtures, one-event calendars, error texts.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bcp/calendar/calendar.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::calendar::test {

inline constexpr int kJst = 540;

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(BCP_SOURCE_DIR) + "/tests/calendar/fixtures/" + name,
                   std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline model::TimePoint utc(const char* text) { return model::parse_time(text); }

// Lines (LF-separated, written without CR) inside a minimal VCALENDAR with CRLF line ends.
// The VCALENDAR's own lines are 1-3, so the first given line is line 4.
inline std::string calendar_with(const std::string& body_lines) {
  std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n";
  std::istringstream in(body_lines);
  for (std::string line; std::getline(in, line);) out += line + "\r\n";
  return out + "END:VCALENDAR\r\n";
}

// One VEVENT (BEGIN on line 4 of calendar_with) with a UID, a one-hour DTSTART/DTEND, a
// SUMMARY and then `extra` (from line 9 on).
inline std::string event_with(const std::string& uid, const std::string& extra,
                              const std::string& dtstart = "20261201T000000Z",
                              const std::string& dtend = "20261201T010000Z") {
  std::string lines = extra;
  while (!lines.empty() && lines.back() == '\n') lines.pop_back();
  return "BEGIN:VEVENT\nUID:" + uid + "\nDTSTART:" + dtstart + "\nDTEND:" + dtend +
         "\nSUMMARY:x\n" + lines + "\nEND:VEVENT\n";
}

inline std::string error_of(const std::string& text, const ParseLimits& limits = {}) {
  try {
    parse_ics(text, limits);
  } catch (const CalendarError& e) {
    return e.what();
  }
  return "(parsed without error)";
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace bcp::calendar::test
