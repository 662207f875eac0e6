// Recurrence rules judged by the instances they would produce, before libical expands them.
// libical 3.0 iterates candidate periods one by one and has no bound of its own: a rule
// whose instances come every minute, or one that can never occur, makes a single call run
// for seconds. These checks look only at the rule's parts, so they take microseconds.
#pragma once

#include <libical/ical.h>

#include <cstddef>
#include <optional>
#include <string>

namespace bcp::calendar {

// Why a VEVENT's RRULE is refused (nullopt: it is usable). Every instance must come at most
// once a day: FREQ=SECONDLY/MINUTELY/HOURLY are refused unless BYHOUR (and BYMINUTE and
// BYSECOND below an hour) pin the rule to one time of day, and then `rule` is rewritten to
// the equivalent FREQ=DAILY; other frequencies are refused when their BYHOUR/BYMINUTE/
// BYSECOND lists give more than one time a day (BYSETPOS does not help: libical 3.0 keeps
// every listed time of each day it selects).
// Non-Gregorian RSCALE rules are refused too (the checks here assume Gregorian months).
std::optional<std::string> screen_event_rule(icalrecurrencetype& rule);

// True when the rule can never produce an instance, judged from its BY-parts and DTSTART:
// a BYMONTHDAY no allowed month has (BYMONTHDAY=30 with BYMONTH=2), a BYYEARDAY outside every
// allowed month, a monthly rule from the 31st limited to 30-day months, a BYSETPOS beyond
// what a period can hold (the 6th Monday of a month).
bool never_occurs(const icalrecurrencetype& rule, const icaltimetype& dtstart);

// The most instances a time zone observance's RRULE can have in a year, or why it is refused:
// observances (STANDARD/DAYLIGHT) change the offset once or twice a year, so anything but
// FREQ=YEARLY with a handful of instances a year is not a time zone.
struct ZoneRuleCheck {
  std::optional<std::string> error;
  std::size_t per_year = 0;
};
ZoneRuleCheck screen_zone_rule(const icalrecurrencetype& rule);

// "FREQ=DAILY;BYHOUR=9,10": the rule's frequency and time lists, for messages.
std::string describe_rule(const icalrecurrencetype& rule);

}  // namespace bcp::calendar
