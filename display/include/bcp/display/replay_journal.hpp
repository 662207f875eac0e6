// Reading a journal export for replay (issue 19): `bcpctl events` output, one JSON event a
// line, or pages of GET /v1/events. Every event is decoded with the strict codec and checked
// to continue the journal (seq 1, 2, 3, … without gaps); the first line that fails stops the
// reading there, so a replay never shows a state the journal did not hold. Pure: no I/O
// besides the stream it is given.
#pragma once

#include <cstddef>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/model/events.hpp"

namespace bcp::display {

// Where and why reading stopped. `line` is 1-based; `why` names the problem without
// echoing the line's content (a journal may hold names and messages).
struct JournalStop {
  std::size_t line = 0;
  std::string why;
  std::string to_string() const;  // "line 12: /type: unknown event type \"talk.msg\""
};

struct JournalLimits {
  std::size_t max_line_bytes = 4u << 20;  // an event is at most 1 MiB on the API
  std::size_t max_events = 5'000'000;     // years of a town's journal
  int max_depth = 32;                     // events nest a few levels; deeper is not an event
};

class JournalReader {
 public:
  explicit JournalReader(JournalLimits limits = {}) : limits_(limits) {}

  // One line of an export (`number` 1-based). A blank line is skipped; a line holding a
  // GET /v1/events page ({"events": [...]}) counts as its events. Returns false once
  // reading has stopped (this line or an earlier one was refused).
  bool add_line(std::string_view line, std::size_t number);
  // One already-parsed event object (a page fetched from the daemon); `number` is what a
  // stop reports as its line (the event's position in the fetch).
  bool add_event(const nlohmann::json& event, std::size_t number);

  const std::vector<model::Event>& events() const { return events_; }
  std::vector<model::Event> take_events() { return std::move(events_); }
  const std::optional<JournalStop>& stop() const { return stop_; }

 private:
  bool refuse(std::size_t number, std::string why);

  JournalLimits limits_;
  std::vector<model::Event> events_;
  std::optional<JournalStop> stop_;
};

struct JournalFile {
  std::vector<model::Event> events;  // every event before the stop
  std::optional<JournalStop> stop;   // the first refused line, if any
  std::string error;                 // the file could not be read at all
};
// Reads a whole export; stops at the first refused line (later lines are not read).
JournalFile read_journal(std::istream& in, JournalLimits limits = {});

// The moment an event reached the wall: when the daemon journaled it (`received`), else `at`.
model::TimePoint arrival_time(const model::Event& e);

}  // namespace bcp::display
