#include "time_util.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>

#include "bcp/alerts/outcome.hpp"

namespace bcp::alerts::detail {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<model::TimePoint> parse_datetime(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100, n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++n;
    }
    if (n == 0) return std::nullopt;
  }
  int offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  auto tp = std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
            std::chrono::seconds{se} + std::chrono::milliseconds{millis} -
            std::chrono::minutes{offset_min};
  return std::chrono::time_point_cast<std::chrono::milliseconds>(tp);
}

bool in_document_range(model::TimePoint t) {
  using namespace std::chrono;
  static const model::TimePoint first = sys_days{year{1970} / January / 1};
  static const model::TimePoint last = sys_days{year{9999} / December / 31} + hours{23} +
                                       minutes{59} + seconds{59} + milliseconds{999};
  return t >= first && t <= last;
}

model::TimePoint document_time(std::string_view text, std::string_view prefix,
                               std::string_view where) {
  const std::string at = std::string(prefix) + ": " + std::string(where) + ": ";
  std::optional<model::TimePoint> t = parse_datetime(text);
  // The text is shown only when it is short: a date-time is about 25 characters, and a long
  // element is not a date-time but possibly content.
  if (!t) {
    throw AlertParseError(at + "not a date-time with offset" +
                          (text.size() <= 40 ? ": \"" + std::string(text) + "\"" : ""));
  }
  if (!in_document_range(*t)) {
    throw AlertParseError(at + "out of range: \"" + std::string(text) + "\" is outside " +
                          std::string(kDocumentRange));
  }
  return *t;
}

std::string format_local(model::TimePoint t, int utc_offset_minutes) {
  auto local = t + std::chrono::minutes{utc_offset_minutes};
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(local - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()));
  return buf;
}

std::string compact_utc(model::TimePoint t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

std::string stable_hash(std::string_view a, std::string_view b) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(a);
  mix(std::string_view("\x1f", 1));  // separator: ("ab","c") and ("a","bc") must differ
  mix(b);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace bcp::alerts::detail
