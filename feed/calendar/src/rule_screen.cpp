#include "rule_screen.hpp"

#include <strings.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <span>
#include <vector>

namespace bcp::calendar {
namespace {

template <std::size_t N>
std::span<const short> values(const short (&list)[N]) {
  std::size_t n = 0;
  while (n < N && list[n] != ICAL_RECURRENCE_ARRAY_MAX) ++n;
  return {list, n};
}

constexpr std::array<int, 12> kMaxDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

int days_in(int month, bool leap_year) {
  return month == 2 ? (leap_year ? 29 : 28) : kMaxDays[static_cast<std::size_t>(month - 1)];
}

bool sub_daily(icalrecurrencetype_frequency f) {
  return f == ICAL_SECONDLY_RECURRENCE || f == ICAL_MINUTELY_RECURRENCE ||
         f == ICAL_HOURLY_RECURRENCE;
}

std::string freq_name(icalrecurrencetype_frequency f) {
  const char* name = icalrecur_freq_to_string(f);
  return name ? name : "?";
}

std::string joined(std::span<const short> list) {
  std::string out;
  for (short v : list) out += (out.empty() ? "" : ",") + std::to_string(v);
  return out;
}

// The months the rule can fall in (1-12). Without BYMONTH: every month, except a YEARLY rule
// whose day comes from DTSTART alone, which keeps DTSTART's month.
std::array<bool, 13> allowed_months(const icalrecurrencetype& r, const icaltimetype& dtstart) {
  std::array<bool, 13> months{};
  auto by_month = values(r.by_month);
  if (!by_month.empty()) {
    for (short v : by_month) {
      int m = icalrecurrencetype_month_month(v);
      if (m >= 1 && m <= 12 && !icalrecurrencetype_month_is_leap(v)) {
        months[static_cast<std::size_t>(m)] = true;
      }
    }
    return months;
  }
  const bool day_from_dtstart = values(r.by_month_day).empty() && values(r.by_day).empty() &&
                                values(r.by_year_day).empty() && values(r.by_week_no).empty();
  if (r.freq == ICAL_YEARLY_RECURRENCE && day_from_dtstart && dtstart.month >= 1 &&
      dtstart.month <= 12) {
    months[static_cast<std::size_t>(dtstart.month)] = true;
  } else {
    std::fill(months.begin() + 1, months.end(), true);
  }
  return months;
}

// The days of the month the rule names: BYMONTHDAY, or DTSTART's day for a MONTHLY or
// YEARLY rule without any day part. Empty: any day.
std::vector<int> month_days(const icalrecurrencetype& r, const icaltimetype& dtstart) {
  std::vector<int> out(values(r.by_month_day).begin(), values(r.by_month_day).end());
  const bool no_day_part = out.empty() && values(r.by_day).empty() &&
                           values(r.by_year_day).empty() && values(r.by_week_no).empty();
  if (no_day_part && (r.freq == ICAL_MONTHLY_RECURRENCE || r.freq == ICAL_YEARLY_RECURRENCE)) {
    out.push_back(dtstart.day);
  }
  return out;
}

bool day_matches(int day, int month, bool leap_year, int by_month_day) {
  const int length = days_in(month, leap_year);
  return by_month_day > 0 ? by_month_day == day : length + 1 + by_month_day == day;
}

// Month and day of day-of-year `yd` (negative: from the end), false when the year is shorter.
bool month_day_of(int yd, bool leap_year, int& month, int& day) {
  const int length = leap_year ? 366 : 365;
  if (yd < 0) yd = length + 1 + yd;
  if (yd < 1 || yd > length) return false;
  for (month = 1; month <= 12; ++month) {
    if (yd <= days_in(month, leap_year)) {
      day = yd;
      return true;
    }
    yd -= days_in(month, leap_year);
  }
  return false;
}

// What RFC 5545 3.3.10 forbids in a rule's combination of parts (libical expands such rules
// in ways no calendar service means).
std::optional<std::string> forbidden_combination(const icalrecurrencetype& r) {
  const std::string freq = "FREQ=" + freq_name(r.freq);
  if (!values(r.by_week_no).empty() && r.freq != ICAL_YEARLY_RECURRENCE) {
    return "BYWEEKNO is only allowed with FREQ=YEARLY (RFC 5545 3.3.10)";
  }
  if (!values(r.by_year_day).empty() &&
      (r.freq == ICAL_DAILY_RECURRENCE || r.freq == ICAL_WEEKLY_RECURRENCE ||
       r.freq == ICAL_MONTHLY_RECURRENCE)) {
    return "BYYEARDAY is not allowed with " + freq + " (RFC 5545 3.3.10)";
  }
  if (!values(r.by_month_day).empty() && r.freq == ICAL_WEEKLY_RECURRENCE) {
    return "BYMONTHDAY is not allowed with FREQ=WEEKLY (RFC 5545 3.3.10)";
  }
  for (short d : values(r.by_day)) {
    if (icalrecurrencetype_day_position(d) != 0 && r.freq != ICAL_MONTHLY_RECURRENCE &&
        r.freq != ICAL_YEARLY_RECURRENCE) {
      return "BYDAY with a number (like 2TU) is only allowed with FREQ=MONTHLY or FREQ=YEARLY "
             "(RFC 5545 3.3.10)";
    }
  }
  if (!values(r.by_set_pos).empty() && values(r.by_second).empty() && values(r.by_minute).empty() &&
      values(r.by_hour).empty() && values(r.by_day).empty() && values(r.by_month_day).empty() &&
      values(r.by_year_day).empty() && values(r.by_week_no).empty() && values(r.by_month).empty()) {
    return "BYSETPOS needs another BY part to select from (RFC 5545 3.3.10)";
  }
  return std::nullopt;
}

// The most days one period of the rule can hold before BYSETPOS picks from them (an upper
// bound): libical 3.0 applies BYSETPOS to the days of a week, month or year, not to times.
std::size_t max_set_size(const icalrecurrencetype& r) {
  const auto by_day = values(r.by_day);
  std::size_t weekdays_in_month = 0;  // "SU" can be 5 days of a month, "2SU" one
  for (short d : by_day) weekdays_in_month += icalrecurrencetype_day_position(d) == 0 ? 5 : 1;
  const std::size_t month_days = values(r.by_month_day).size();
  std::size_t days = 1;
  switch (r.freq) {
    case ICAL_WEEKLY_RECURRENCE:
      days = std::max<std::size_t>(1, by_day.size());
      break;
    case ICAL_MONTHLY_RECURRENCE:
      days = month_days ? month_days : (!by_day.empty() ? weekdays_in_month : 1);
      if (month_days && !by_day.empty()) days = std::min(month_days, weekdays_in_month);
      break;
    case ICAL_YEARLY_RECURRENCE:
      days = 366;  // bounded by the year; the parts are not worth narrowing here
      break;
    default:
      break;
  }
  return days;
}

}  // namespace

std::string describe_rule(const icalrecurrencetype& r) {
  std::string out = "FREQ=" + freq_name(r.freq);
  if (r.interval > 1) out += ";INTERVAL=" + std::to_string(r.interval);
  if (!values(r.by_hour).empty()) out += ";BYHOUR=" + joined(values(r.by_hour));
  if (!values(r.by_minute).empty()) out += ";BYMINUTE=" + joined(values(r.by_minute));
  if (!values(r.by_second).empty()) out += ";BYSECOND=" + joined(values(r.by_second));
  if (!values(r.by_set_pos).empty()) out += ";BYSETPOS=" + joined(values(r.by_set_pos));
  return out;
}

std::optional<std::string> screen_event_rule(icalrecurrencetype& r) {
  constexpr const char* kAtMostDaily = " (at most one instance a day)";
  if (r.freq == ICAL_NO_RECURRENCE) return "has no FREQ";
  if (r.rscale && *r.rscale && strcasecmp(r.rscale, "GREGORIAN") != 0) {
    return std::string("RSCALE=") + r.rscale + " is not supported (Gregorian rules only)";
  }
  if (auto forbidden = forbidden_combination(r)) return forbidden;
  const std::size_t hours = values(r.by_hour).size(), minutes = values(r.by_minute).size(),
                    seconds = values(r.by_second).size(), set_pos = values(r.by_set_pos).size();
  if (sub_daily(r.freq)) {
    if (hours == 0 && minutes == 0 && seconds == 0) {
      return "FREQ=" + freq_name(r.freq) + " is not supported" + kAtMostDaily;
    }
    // Times of day the rule can hit: each part left out takes every value of the units the
    // frequency steps through (an HOURLY rule without BYHOUR hits every hour).
    const std::size_t per_day = (hours ? hours : 24) *
                                (minutes ? minutes : (r.freq == ICAL_HOURLY_RECURRENCE ? 1 : 60)) *
                                (seconds ? seconds : (r.freq == ICAL_SECONDLY_RECURRENCE ? 60 : 1));
    if (per_day > 1) {
      return describe_rule(r) + " gives " + std::to_string(per_day) + " instances a day" +
             kAtMostDaily;
    }
    if (r.interval > 1 || set_pos > 0) {
      return std::string(r.interval > 1 ? "INTERVAL" : "BYSETPOS") +
             " with FREQ=" + freq_name(r.freq) + " is not supported" + kAtMostDaily;
    }
    // One fixed time a day: the same instances as FREQ=DAILY, which libical expands a day
    // at a time instead of a second, minute or hour at a time.
    r.freq = ICAL_DAILY_RECURRENCE;
    return std::nullopt;
  }
  // BYSETPOS does not bring this down: libical 3.0 applies it to the days only, and gives
  // every listed time of each day it keeps.
  const std::size_t per_day = std::max<std::size_t>(1, hours) * std::max<std::size_t>(1, minutes) *
                              std::max<std::size_t>(1, seconds);
  if (per_day > 1) {
    return describe_rule(r) + " gives " + std::to_string(per_day) + " instances a day" +
           kAtMostDaily;
  }
  return std::nullopt;
}

bool never_occurs(const icalrecurrencetype& r, const icaltimetype& dtstart) {
  const std::array<bool, 13> months = allowed_months(r, dtstart);
  if (std::none_of(months.begin() + 1, months.end(), [](bool b) { return b; })) return true;
  const std::vector<int> days = month_days(r, dtstart);
  if (!days.empty()) {
    bool any = false;
    for (int m = 1; m <= 12 && !any; ++m) {
      if (!months[static_cast<std::size_t>(m)]) continue;
      for (int d : days) {
        if (d != 0 && std::abs(d) <= kMaxDays[static_cast<std::size_t>(m - 1)]) any = true;
      }
    }
    if (!any) return true;
  }
  auto year_days = values(r.by_year_day);
  if (!year_days.empty()) {
    bool any = false;
    for (short yd : year_days) {
      for (bool leap_year : {false, true}) {
        int month = 0, day = 0;
        if (!month_day_of(yd, leap_year, month, day)) continue;
        if (!months[static_cast<std::size_t>(month)]) continue;
        if (days.empty() || std::any_of(days.begin(), days.end(), [&](int d) {
              return day_matches(day, month, leap_year, d);
            })) {
          any = true;
        }
      }
    }
    if (!any) return true;
  }
  // BYSETPOS=6 of the Mondays of a month: no month has six.
  auto set_pos = values(r.by_set_pos);
  if (!set_pos.empty()) {
    const auto size = static_cast<int>(max_set_size(r));
    if (std::none_of(set_pos.begin(), set_pos.end(),
                     [&](short p) { return p != 0 && std::abs(p) <= size; })) {
      return true;
    }
  }
  return false;
}

ZoneRuleCheck screen_zone_rule(const icalrecurrencetype& r) {
  constexpr std::size_t kMaxPerYear = 12;
  ZoneRuleCheck out;
  if (r.freq != ICAL_YEARLY_RECURRENCE) {
    out.error = "FREQ=" + freq_name(r.freq) +
                " is not a time zone rule (offsets change at most a few times a year: "
                "FREQ=YEARLY)";
    return out;
  }
  if (r.rscale && *r.rscale && strcasecmp(r.rscale, "GREGORIAN") != 0) {
    out.error = std::string("RSCALE=") + r.rscale + " is not supported (Gregorian rules only)";
    return out;
  }
  // An upper bound of the instances in one year: days the parts can select, times the
  // times of day.
  const auto by_day = values(r.by_day);
  std::size_t weekdays_in_month = 0;  // "SU" can be 5 days of a month, "2SU" one
  for (short d : by_day) weekdays_in_month += icalrecurrencetype_day_position(d) == 0 ? 5 : 1;
  std::size_t days = 0;
  if (!values(r.by_year_day).empty()) {
    days = values(r.by_year_day).size();
  } else if (!values(r.by_week_no).empty()) {
    days = values(r.by_week_no).size() * std::max<std::size_t>(1, by_day.size());
  } else {
    const std::size_t month_days = values(r.by_month_day).size();
    const std::size_t months = !values(r.by_month).empty()       ? values(r.by_month).size()
                               : (month_days || !by_day.empty()) ? 12
                                                                 : 1;
    std::size_t per_month = month_days ? month_days : (!by_day.empty() ? weekdays_in_month : 1);
    if (month_days && !by_day.empty()) per_month = std::min(month_days, weekdays_in_month);
    days = months * per_month;
  }
  // BYSETPOS picks among the days (see max_set_size); every listed time of a day is kept.
  if (!values(r.by_set_pos).empty()) days = std::min(days, values(r.by_set_pos).size());
  const std::size_t per_year = days * std::max<std::size_t>(1, values(r.by_hour).size()) *
                               std::max<std::size_t>(1, values(r.by_minute).size()) *
                               std::max<std::size_t>(1, values(r.by_second).size());
  out.per_year = per_year;
  if (per_year > kMaxPerYear) {
    out.error = "gives up to " + std::to_string(per_year) +
                " offset changes a year (a time zone rule has at most " +
                std::to_string(kMaxPerYear) + ")";
  }
  return out;
}

}  // namespace bcp::calendar
