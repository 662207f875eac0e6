#include "classify.hpp"
#include "ical_helpers.hpp"

#include <algorithm>
#include <string>

namespace bcp::calendar {
namespace {

// Substrings matched against SUMMARY and CATEGORIES (ASCII letters compared case-blind).
constexpr std::string_view kLeaveWords[] = {"休暇",  "有給",     "年休",    "代休",         "休み",
                                            "leave", "vacation", "holiday", "out of office"};
constexpr std::string_view kTripWords[] = {"出張", "trip", "business travel"};
constexpr std::string_view kRemoteWords[] = {"在宅",   "テレワーク",     "リモート",
                                             "remote", "work from home", "wfh"};

bool contains_any(const std::string& text, const auto& words) {
  return std::any_of(std::begin(words), std::end(words),
                     [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

void erase_all(std::string& text, std::string_view what) {
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at)) {
    text.erase(at, what.size());
  }
}

}  // namespace

Kind classify(const EventWords& words) {
  std::string text = ascii_lower(words.summary);
  for (std::string_view c : words.categories) text += "\n" + ascii_lower(c);
  // 昼休み (lunch break) is a break in the day, not a day off.
  erase_all(text, "昼休み");
  if (contains_any(text, kLeaveWords)) return Kind::leave;
  if (contains_any(text, kTripWords)) return Kind::trip;
  if (contains_any(text, kRemoteWords)) return Kind::remote;
  if (words.out_of_office) return Kind::leave;
  return words.all_day ? Kind::leave : Kind::meeting;
}

}  // namespace bcp::calendar
