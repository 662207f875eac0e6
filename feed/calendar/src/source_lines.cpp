#include "source_lines.hpp"

#include <algorithm>

namespace bcp::calendar {
namespace {

bool iequals_prefix(std::string_view line, std::string_view prefix) {
  if (line.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = line[i], b = prefix[i];
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 'a' + 'A');
    if (a != b) return false;
  }
  return true;
}

std::string_view trimmed(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

bool is_line(std::string_view line, std::string_view what) {
  line = trimmed(line);
  return line.size() == what.size() && iequals_prefix(line, what);
}

// A content line of property `name`: NAME followed by ':' or ';' (parameters).
bool is_property_line(std::string_view line, std::string_view name) {
  return iequals_prefix(line, name) && line.size() > name.size() &&
         (line[name.size()] == ':' || line[name.size()] == ';');
}

constexpr std::string_view kBegin[] = {"BEGIN:VEVENT", "BEGIN:VTIMEZONE"};
constexpr std::string_view kEnd[] = {"END:VEVENT", "END:VTIMEZONE"};

std::size_t slot(Component kind) { return static_cast<std::size_t>(kind); }

}  // namespace

SourceLines::SourceLines(std::string_view text) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (std::size_t k = 0; k < 2; ++k) {
      if (is_line(line, kBegin[k])) begins_[k].push_back(lines_.size());
    }
    lines_.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

std::string_view SourceLines::first_content_line() const {
  std::size_t n = first_content_line_number();
  return n ? lines_[n - 1] : std::string_view{};
}

std::size_t SourceLines::first_content_line_number() const {
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    if (lines_[i].find_first_not_of(" \t") != std::string_view::npos) return i + 1;
  }
  return 0;
}

SourceLines::Range SourceLines::range_of(Component kind, std::size_t index) const {
  if (index == kAny) return {0, lines_.size()};
  const auto& begins = begins_[slot(kind)];
  if (index >= begins.size()) return {0, 0};
  Range r{begins[index], lines_.size()};
  for (std::size_t i = r.first + 1; i < lines_.size(); ++i) {
    if (is_line(lines_[i], kEnd[slot(kind)])) {
      r.end = i + 1;
      break;
    }
  }
  return r;
}

std::size_t SourceLines::begin(Component kind, std::size_t index) const {
  const auto& begins = begins_[slot(kind)];
  return index < begins.size() ? begins[index] + 1 : 0;
}

std::size_t SourceLines::event_begin(std::size_t event_index) const {
  return begin(Component::vevent, event_index);
}

std::size_t SourceLines::property(Component kind, std::size_t index, std::string_view name,
                                  std::size_t nth) const {
  Range r = range_of(kind, index);
  for (std::size_t i = r.first; i < r.end; ++i) {
    if (is_property_line(lines_[i], name) && nth-- == 0) return i + 1;
  }
  return begin(kind, index);
}

std::size_t SourceLines::event_property(std::size_t event_index, std::string_view name) const {
  return property(Component::vevent, event_index, name, 0);
}

std::size_t SourceLines::first_property(Component kind, std::size_t index,
                                        std::string_view name) const {
  Range r = range_of(kind, index);
  for (std::size_t i = r.first; i < r.end; ++i) {
    if (is_property_line(lines_[i], name)) return i + 1;
  }
  return 0;
}

std::vector<SourceLines::Value> SourceLines::values(Component kind, std::size_t index,
                                                    std::string_view name) const {
  std::vector<Value> out;
  Range r = range_of(kind, index);
  for (std::size_t i = r.first; i < r.end; ++i) {
    if (!is_property_line(lines_[i], name)) continue;
    std::string_view line = trimmed(lines_[i]);
    auto colon = line.find(':');
    out.push_back(
        {i + 1, colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1)});
  }
  return out;
}

std::size_t SourceLines::unbalanced() const {
  struct Open {
    std::string_view name;
    std::size_t line;
  };
  std::vector<Open> open;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    std::string_view line = trimmed(lines_[i]);
    if (iequals_prefix(line, "BEGIN:")) {
      open.push_back({line.substr(6), i + 1});
    } else if (iequals_prefix(line, "END:")) {
      std::string_view name = line.substr(4);
      if (open.empty() || open.back().name.size() != name.size() ||
          !iequals_prefix(open.back().name, name)) {
        // An END for something not open: the BEGIN it closes over is the one left open,
        // unless nothing is open at all.
        return open.empty() ? i + 1 : open.back().line;
      }
      open.pop_back();
    }
  }
  return open.empty() ? 0 : open.front().line;
}

std::size_t SourceLines::find(std::string_view value, std::string_view property, Component kind,
                              std::size_t index) const {
  Range r = range_of(kind, index);
  // Long values may be folded onto continuation lines: match on their start.
  std::string_view head = value.substr(0, 16);
  for (std::size_t i = r.first; i < r.end; ++i) {
    std::string_view line = lines_[i];
    if (property.empty()) {
      if (line == value) return i + 1;
    } else if (is_property_line(line, property) && line.find(head) != std::string_view::npos) {
      return i + 1;
    }
  }
  return 0;
}

}  // namespace bcp::calendar
