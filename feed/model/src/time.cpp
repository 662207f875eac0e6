// RFC 3339 timestamps. Output is always UTC with milliseconds so that journal rows and
// snapshots compare as text; input is lenient within RFC 3339 because sources differ
// (JMA uses +09:00, LINE WORKS sends no fraction).
#include <cstdio>

#include "codec_detail.hpp"

namespace bcp::model {

namespace {

class TimeScanner {
 public:
  explicit TimeScanner(std::string_view text) : text_(text) {}

  bool digits(std::size_t count, int& out) {
    out = 0;
    for (std::size_t k = 0; k < count; ++k) {
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') return false;
      out = out * 10 + (text_[pos_++] - '0');
    }
    return true;
  }
  bool literal(std::string_view any_of) {
    if (pos_ >= text_.size() || any_of.find(text_[pos_]) == std::string_view::npos) return false;
    ++pos_;
    return true;
  }
  bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool at_digit() const { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; }
  bool done() const { return pos_ == text_.size(); }
  char next() { return text_[pos_++]; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

std::optional<TimePoint> scan(std::string_view text) {
  using namespace std::chrono;
  TimeScanner in(text);
  int year, month, day, hour, minute, second;
  if (!in.digits(4, year) || !in.literal("-") || !in.digits(2, month) || !in.literal("-") ||
      !in.digits(2, day) || !in.literal("Tt ") || !in.digits(2, hour) || !in.literal(":") ||
      !in.digits(2, minute) || !in.literal(":") || !in.digits(2, second)) {
    return std::nullopt;
  }
  int millis = 0;
  if (in.literal(".")) {
    if (!in.at_digit()) return std::nullopt;
    // Digits beyond milliseconds are truncated: the model's resolution is 1 ms.
    for (int scale = 100; in.at_digit(); scale /= 10) {
      const int digit = in.next() - '0';
      millis += digit * scale;
    }
  }
  int offset_minutes = 0;
  if (!in.literal("Zz")) {
    const bool east = in.peek('+');
    if (!in.literal("+-")) return std::nullopt;
    int offset_hours, offset_mins;
    if (!in.digits(2, offset_hours) || !in.literal(":") || !in.digits(2, offset_mins)) {
      return std::nullopt;
    }
    if (offset_hours > 23 || offset_mins > 59) return std::nullopt;
    offset_minutes = (east ? 1 : -1) * (offset_hours * 60 + offset_mins);
  }
  if (!in.done()) return std::nullopt;
  // A leap second (:60) cannot be represented by sys_time; sources do not send them.
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                            std::chrono::day{unsigned(day)}};
  if (!date.ok()) return std::nullopt;
  return sys_days{date} + hours{hour} + minutes{minute} + seconds{second} + milliseconds{millis} -
         minutes{offset_minutes};
}

}  // namespace

std::string format_time(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{t - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()),
                int(clock.subseconds().count()));
  return buffer;
}

TimePoint parse_time(std::string_view text, const std::string& pointer) {
  if (auto parsed = scan(text)) return *parsed;
  throw CodecError(pointer, "invalid time " + nlohmann::json(std::string(text)).dump() +
                                " (expected RFC 3339 like 2026-11-24T05:12:00.123Z)");
}

}  // namespace bcp::model
