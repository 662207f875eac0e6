// Calendar -> Timeline: expand the events' instances over a window (libical's recurrence
// iterator, bounded by Limits), then hand the busy intervals to make_timeline.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "calendar_data.hpp"

namespace bcp::calendar {

std::int64_t days_from_civil(int year, int month, int day) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{static_cast<unsigned>(month)} /
                  std::chrono::day{static_cast<unsigned>(day)}}
      .time_since_epoch()
      .count();
}

namespace {

std::int64_t wall_clock_seconds(const icaltimetype& t) {
  return days_from_civil(t.year, t.month, t.day) * 86'400 + t.hour * 3600 + t.minute * 60 +
         t.second;
}

const icaltimezone* zone_of(const TimeValue& v) {
  return v.anchor == Anchor::utc ? icaltimezone_get_utc_timezone() : v.value.zone;
}

}  // namespace

std::int64_t instant_seconds(const TimeValue& v, int utc_offset_minutes) {
  switch (v.anchor) {
    case Anchor::date:
      return days_from_civil(v.value.year, v.value.month, v.value.day) * 86'400 -
             utc_offset_minutes * 60;
    case Anchor::floating:
      return wall_clock_seconds(v.value) - utc_offset_minutes * 60;
    case Anchor::utc:
      return wall_clock_seconds(v.value);
    case Anchor::zoned:
      return icaltime_as_timet_with_zone(v.value, v.value.zone);
  }
  return 0;
}

std::optional<std::int64_t> instance_key(const TimeValue& v, const TimeValue& master) {
  switch (master.anchor) {
    case Anchor::date:
      return days_from_civil(v.value.year, v.value.month, v.value.day);
    case Anchor::floating:
      if (v.anchor != Anchor::floating) return std::nullopt;
      return wall_clock_seconds(v.value);
    case Anchor::utc:
    case Anchor::zoned:
      if (v.anchor == Anchor::date) return std::nullopt;
      if (v.anchor == Anchor::floating) {
        // A floating EXDATE of a zoned event is read in the event's zone.
        icaltimetype t = v.value;
        t.zone = zone_of(master);
        return icaltime_as_timet_with_zone(t, t.zone);
      }
      return instant_seconds(v, 0);
  }
  return std::nullopt;
}

namespace {

Kind kind_of(model::Availability a) {
  switch (a) {
    case model::Availability::leave:
      return Kind::leave;
    case model::Availability::trip:
      return Kind::trip;
    case model::Availability::remote:
      return Kind::remote;
    default:
      return Kind::meeting;
  }
}

model::Availability availability_of(Kind k) {
  switch (k) {
    case Kind::leave:
      return model::Availability::leave;
    case Kind::trip:
      return model::Availability::trip;
    case Kind::remote:
      return model::Availability::remote;
    case Kind::meeting:
      break;
  }
  return model::Availability::meeting;
}

// Which FREQ period a time falls in (days, weeks, months or years since an epoch), to charge
// each iterator call the periods libical walked through.
std::int64_t period_index(const icaltimetype& t, icalrecurrencetype_frequency freq) {
  const std::int64_t days = days_from_civil(t.year, t.month, t.day);
  switch (freq) {
    case ICAL_WEEKLY_RECURRENCE:
      return days >= 0 ? days / 7 : (days - 6) / 7;
    case ICAL_MONTHLY_RECURRENCE:
      return static_cast<std::int64_t>(t.year) * 12 + t.month - 1;
    case ICAL_YEARLY_RECURRENCE:
      return t.year;
    default:
      return days;
  }
}

std::string date_of(const icaltimetype& t) {
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", t.year, t.month, t.day);
  return out;
}

// Collects the instances that overlap [from, to) without passing the limits.
class Expander {
 public:
  Expander(std::int64_t from, std::int64_t to, int offset, const Limits& limits)
      : from_(from), to_(to), offset_(offset), limits_(limits) {}

  void expand(const EventDef& e) {
    // Takes no time (and no RDATE period of its own gives it some): never busy.
    if (e.length <= 0 && std::none_of(e.rdate_lengths.begin(), e.rdate_lengths.end(),
                                      [](std::int64_t l) { return l > 0; })) {
      return;
    }
    progress(e.line);
    seen_.clear();
    add(e, e.start);  // DTSTART is always the first instance (RFC 5545 3.8.5.3)
    for (std::size_t i = 0; i < e.rdates.size(); ++i) {
      const std::int64_t own = i < e.rdate_lengths.size() ? e.rdate_lengths[i] : -1;
      add(e, e.rdates[i], own >= 0 ? own : e.length);
    }
    for (std::size_t i = 0; i < e.rules.size(); ++i) {
      expand_rule(e, e.rules[i], i < e.rule_lines.size() ? e.rule_lines[i] : e.line);
    }
  }

  std::vector<BusyInterval>& intervals() { return intervals_; }
  bool truncated() const { return truncated_; }
  const std::string& truncated_at() const { return truncated_at_; }

 private:
  void progress(std::size_t line) const {
    if (limits_.progress_line) {
      limits_.progress_line->store(static_cast<std::uint32_t>(line), std::memory_order_relaxed);
    }
  }

  // Notes the first limit reached; imports (strict) stop there.
  void cut(std::string why) {
    if (limits_.strict) throw CalendarError(why);
    if (!truncated_) truncated_at_ = std::move(why);
    truncated_ = true;
  }

  std::int64_t length_seconds(const EventDef& e, std::int64_t length) const {
    return e.start.anchor == Anchor::date ? length * 86'400 : length;
  }
  std::int64_t length_seconds(const EventDef& e) const { return length_seconds(e, e.length); }

  // False once the instance starts at or after the window's end (stop iterating). `length`
  // in the event's units (days for all-day events); the event's own by default.
  bool add(const EventDef& e, const TimeValue& instance, std::int64_t length = -1) {
    std::int64_t start = instant_seconds(instance, offset_);
    if (start >= to_) return false;
    std::int64_t end = start + length_seconds(e, length >= 0 ? length : e.length);
    if (end <= start) return true;  // an instance that takes no time
    if (end <= from_) return true;
    auto key = instance_key(instance, e.start);
    if (key && (e.skipped.count(*key) || !seen_.insert(*key).second)) return true;
    if (intervals_.size() >= limits_.max_instances) {
      cut(at_line(e.line, e.name + ": more than " + std::to_string(limits_.max_instances) +
                              " instances (all events together) in the weeks evaluated"));
      return false;
    }
    using std::chrono::seconds;
    intervals_.push_back({model::TimePoint{seconds{start}}, model::TimePoint{seconds{end}},
                          availability_of(e.kind)});
    return true;
  }

  // The earliest instance that could still overlap the window, in the event's own terms, so
  // that the iterator need not walk from a DTSTART years ago.
  icaltimetype jump_target(const EventDef& e) const {
    // A day of margin covers zone offsets and DST shifts between the instant and wall time.
    std::int64_t t = from_ - length_seconds(e) - 86'400;
    icaltimetype out;
    switch (e.start.anchor) {
      case Anchor::date:
        out = icaltime_from_timet_with_zone(t + offset_ * 60, 1, nullptr);
        break;
      case Anchor::floating:
        out = icaltime_from_timet_with_zone(t + offset_ * 60, 0, nullptr);
        out.zone = nullptr;
        break;
      default:
        out = icaltime_convert_to_zone(
            icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone()),
            const_cast<icaltimezone*>(zone_of(e.start)));
        break;
    }
    out.is_date = e.start.value.is_date;
    if (out.is_date) out.hour = out.minute = out.second = 0;
    return out;
  }

  void expand_rule(const EventDef& e, const icalrecurrencetype& rule, std::size_t line) {
    progress(line);
    const std::string where = at_line(line, e.name + ": RRULE: ");
    if (total_steps_ >= limits_.max_total_steps) {
      cut(where + "the calendar's recurrence rules together need more than " +
          std::to_string(limits_.max_total_steps) + " steps");
      return;
    }
    icalrecur_iterator* it = icalrecur_iterator_new(rule, e.start.value);
    if (!it) return;
    // set_start cannot be used with COUNT (the count starts at DTSTART); such rules are
    // walked from the beginning, within max_steps_per_rule.
    icaltimetype position = e.start.value;
    icaltimetype target = jump_target(e);
    if (rule.count == 0 && icaltime_compare(target, e.start.value) > 0 &&
        icalrecur_iterator_set_start(it, target)) {
      position = target;
    }
    std::size_t steps = 0;
    for (;;) {
      if (steps >= limits_.max_steps_per_rule) {
        cut(where + "needs more than " + std::to_string(limits_.max_steps_per_rule) +
            " steps to reach the weeks evaluated" +
            (rule.count ? " (a rule with COUNT is walked from its DTSTART " +
                              date_of(e.start.value) + "; UNTIL or a later DTSTART avoids that)"
                        : ""));
        break;
      }
      if (total_steps_ >= limits_.max_total_steps) {
        cut(where + "the calendar's recurrence rules together need more than " +
            std::to_string(limits_.max_total_steps) + " steps");
        break;
      }
      icaltimetype t = icalrecur_iterator_next(it);
      if (icaltime_is_null_time(t)) break;
      // Charged what libical walked through: a rule matching one day in four years costs
      // 1461 steps of FREQ=DAILY for each instance.
      const std::int64_t walked =
          std::max<std::int64_t>(1, period_index(t, rule.freq) - period_index(position, rule.freq));
      steps += static_cast<std::size_t>(walked);
      total_steps_ += static_cast<std::size_t>(walked);
      position = t;
      TimeValue instance = e.start;
      instance.value.year = t.year;
      instance.value.month = t.month;
      instance.value.day = t.day;
      instance.value.hour = t.hour;
      instance.value.minute = t.minute;
      instance.value.second = t.second;
      if (!add(e, instance)) break;
    }
    icalrecur_iterator_free(it);
  }

  std::int64_t from_, to_;
  int offset_;
  const Limits& limits_;
  std::vector<BusyInterval> intervals_;
  std::unordered_set<std::int64_t> seen_;  // instance keys of the current event
  std::size_t total_steps_ = 0;
  bool truncated_ = false;
  std::string truncated_at_;
};

}  // namespace

int priority(model::Availability a) { return static_cast<int>(kind_of(a)); }

Timeline expand(const Calendar& calendar, model::TimePoint from, std::chrono::seconds span,
                int utc_offset_minutes, const Limits& limits) {
  using namespace std::chrono;
  const std::int64_t from_s = floor<seconds>(from).time_since_epoch().count();
  const std::int64_t to_s = from_s + span.count();
  Expander expander(from_s, to_s, utc_offset_minutes, limits);
  for (const EventDef& e : calendar.data().events) expander.expand(e);
  Timeline out = make_timeline(expander.intervals(), model::TimePoint{seconds{from_s}},
                               model::TimePoint{seconds{to_s}});
  out.truncated = expander.truncated();
  out.truncated_at = expander.truncated_at();
  return out;
}

}  // namespace bcp::calendar
