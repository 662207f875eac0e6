// Line numbers for error messages. libical reports what is wrong but not where; this maps a
// problem back to the line of the .ics text a person would open in an editor. It only
// searches the raw lines, it does not interpret them (libical does the parsing).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bcp::calendar {

// The components whose lines are indexed, counted in document order.
enum class Component { vevent, vtimezone };

class SourceLines {
 public:
  static constexpr std::size_t kAny = SIZE_MAX;  // search the whole text, not one component

  explicit SourceLines(std::string_view text);  // `text` must outlive this object

  std::string_view first_content_line() const;  // first non-blank line ("" when none)
  std::size_t first_content_line_number() const;
  // 1-based line numbers; 0 when not found.
  std::size_t event_begin(std::size_t event_index) const;  // its BEGIN:VEVENT
  std::size_t event_property(std::size_t event_index, std::string_view name) const;
  // The `nth` (0-based) line of property `name` in the `index`th component of `kind`; its
  // BEGIN line when there are fewer.
  std::size_t property(Component kind, std::size_t index, std::string_view name,
                       std::size_t nth) const;
  std::size_t begin(Component kind, std::size_t index) const;
  // A line of `property` (within the `index`th component of `kind`, or anywhere for kAny)
  // holding `value`; with no property, a line that is exactly `value`.
  std::size_t find(std::string_view value, std::string_view property, Component kind,
                   std::size_t index) const;
  // The first line of property `name` in the component (or anywhere): 0 when none.
  std::size_t first_property(Component kind, std::size_t index, std::string_view name) const;
  // The values of every line of property `name` in the component, as written (unfolded
  // lines only: a value continued on the next line is cut there).
  struct Value {
    std::size_t line;
    std::string_view text;
  };
  std::vector<Value> values(Component kind, std::size_t index, std::string_view name) const;
  // The first BEGIN line whose END never comes, or END line without its BEGIN (0: balanced).
  std::size_t unbalanced() const;

 private:
  struct Range {
    std::size_t first = 0, end = 0;  // 0-based, end exclusive
  };
  Range range_of(Component kind, std::size_t index) const;

  std::vector<std::string_view> lines_;  // without line ends
  std::vector<std::size_t> begins_[2];   // 0-based index of each BEGIN line, per Component
};

}  // namespace bcp::calendar
