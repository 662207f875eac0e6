#include "bcp/display/replay_journal.hpp"

#include "bcp/model/codec.hpp"

namespace bcp::display {
namespace {

// Nesting depth of a JSON text, counted without parsing (brackets inside strings do not
// count), so that a hostile line is refused before the recursive parts of parsing see it.
int nesting_depth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

std::string JournalStop::to_string() const { return "line " + std::to_string(line) + ": " + why; }

model::TimePoint arrival_time(const model::Event& e) { return e.received.value_or(e.at); }

bool JournalReader::refuse(std::size_t number, std::string why) {
  stop_ = JournalStop{number, std::move(why)};
  return false;
}

bool JournalReader::add_line(std::string_view line, std::size_t number) {
  if (stop_) return false;
  if (line.size() > limits_.max_line_bytes) {
    return refuse(number, "longer than " + std::to_string(limits_.max_line_bytes) + " bytes");
  }
  if (blank(line)) return true;
  if (nesting_depth(line) > limits_.max_depth) {
    return refuse(number, "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    // The parser's own message quotes the bytes it read: say only where it failed.
    return refuse(number, "not JSON (syntax error at byte " + std::to_string(e.byte) + ")");
  }
  if (doc.is_object() && !doc.contains("type") && doc.contains("events")) {
    // A page as GET /v1/events answers it (curl's output): its events, in order.
    const nlohmann::json& page = doc["events"];
    if (!page.is_array()) return refuse(number, "/events: expected an array of events");
    for (const auto& e : page) {
      if (!add_event(e, number)) return false;
    }
    return true;
  }
  return add_event(doc, number);
}

bool JournalReader::add_event(const nlohmann::json& j, std::size_t number) {
  if (stop_) return false;
  if (!j.is_object()) return refuse(number, "expected a JSON object (one event)");
  // Only level C reaches the wall; a journal never holds anything else, an edited file might.
  if (auto level = j.find("level"); level != j.end() && j.value("type", "") != "notice") {
    if (!level->is_string() || level->get<std::string>() != "C") {
      return refuse(number, "/level: only level C may be shown on a wall");
    }
  }
  model::Event e;
  try {
    e = model::event_from_json(j);
  } catch (const model::CodecError& err) {
    return refuse(number, err.what());
  } catch (const std::exception& err) {
    return refuse(number, std::string("not an event: ") + err.what());
  }
  const model::Seq expected = events_.empty() ? 1 : events_.back().seq + 1;
  if (e.seq <= 0) return refuse(number, "/seq: missing (not a journal export)");
  if (e.seq != expected) {
    if (events_.empty()) {
      return refuse(number,
                    "/seq: " + std::to_string(e.seq) +
                        ", but a replay needs the journal from seq 1 (bcpctl events --all)");
    }
    return refuse(number, "/seq: " + std::to_string(e.seq) + " after " +
                              std::to_string(events_.back().seq) +
                              (e.seq > expected ? " (events missing)" : " (out of order)"));
  }
  if (events_.size() >= limits_.max_events) {
    return refuse(number, "more than " + std::to_string(limits_.max_events) + " events");
  }
  events_.push_back(std::move(e));
  return true;
}

JournalFile read_journal(std::istream& in, JournalLimits limits) {
  JournalFile out;
  JournalReader reader(limits);
  std::string line;
  std::size_t number = 0;
  while (true) {
    line.clear();
    // getline with a cap: a file without newlines must not be read into memory whole.
    char c;
    bool any = false, too_long = false;
    while (in.get(c)) {
      any = true;
      if (c == '\n') break;
      if (line.size() > limits.max_line_bytes) {
        too_long = true;
        continue;
      }
      line.push_back(c);
    }
    if (!any) break;
    ++number;
    if (too_long) line.assign(limits.max_line_bytes + 1, ' ');
    if (!reader.add_line(line, number)) break;
  }
  if (in.bad()) out.error = "read error after line " + std::to_string(number);
  out.stop = reader.stop();
  out.events = reader.take_events();
  return out;
}

}  // namespace bcp::display
