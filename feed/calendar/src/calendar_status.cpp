// Calendar -> status at a moment: expand the events' instances around `now` (libical's
// recurrence iterator, bounded), then sweep their start and end times in order to find what
// holds now and when that next changes.
#include <algorithm>
#include <array>
#include <chrono>

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

struct Interval {
  std::int64_t start, end;  // seconds since the epoch, end exclusive
  Kind kind;
};

// Collects the instances that overlap [from, to) without passing the limits.
class Expander {
 public:
  Expander(std::int64_t from, std::int64_t to, int offset, const Limits& limits)
      : from_(from), to_(to), offset_(offset), limits_(limits) {}

  void expand(const EventDef& e) {
    if (e.length <= 0) return;  // takes no time
    seen_.clear();
    add(e, e.start);  // DTSTART is always the first instance (RFC 5545 3.8.5.3)
    for (const TimeValue& r : e.rdates) add(e, r);
    for (const icalrecurrencetype& rule : e.rules) expand_rule(e, rule);
  }

  std::vector<Interval>& intervals() { return intervals_; }
  bool truncated() const { return truncated_; }

 private:
  std::int64_t length_seconds(const EventDef& e) const {
    return e.start.anchor == Anchor::date ? e.length * 86'400 : e.length;
  }

  // False once the instance starts at or after the window's end (stop iterating).
  bool add(const EventDef& e, const TimeValue& instance) {
    std::int64_t start = instant_seconds(instance, offset_);
    if (start >= to_) return false;
    std::int64_t end = start + length_seconds(e);
    if (end <= from_) return true;
    auto key = instance_key(instance, e.start);
    if (key && (e.skipped.count(*key) || !seen_.insert(*key).second)) return true;
    if (intervals_.size() >= limits_.max_instances) {
      truncated_ = true;
      return false;
    }
    intervals_.push_back({start, end, e.kind});
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

  void expand_rule(const EventDef& e, const icalrecurrencetype& rule) {
    if (total_steps_ >= limits_.max_total_steps) {
      truncated_ = true;
      return;
    }
    icalrecur_iterator* it = icalrecur_iterator_new(rule, e.start.value);
    if (!it) return;
    // set_start cannot be used with COUNT (the count starts at DTSTART); such rules are
    // walked from the beginning, within max_steps_per_rule.
    icaltimetype target = jump_target(e);
    if (rule.count == 0 && icaltime_compare(target, e.start.value) > 0) {
      icalrecur_iterator_set_start(it, target);
    }
    std::size_t steps = 0;
    for (;;) {
      if (++steps > limits_.max_steps_per_rule || ++total_steps_ > limits_.max_total_steps) {
        truncated_ = true;
        break;
      }
      icaltimetype t = icalrecur_iterator_next(it);
      if (icaltime_is_null_time(t)) break;
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
  std::vector<Interval> intervals_;
  std::unordered_set<std::int64_t> seen_;  // instance keys of the current event
  std::size_t total_steps_ = 0;
  bool truncated_ = false;
};

using Counts = std::array<int, kKinds>;

std::optional<Kind> strongest(const Counts& counts) {
  for (int k = kKinds - 1; k >= 0; --k) {
    if (counts[static_cast<std::size_t>(k)] > 0) return static_cast<Kind>(k);
  }
  return std::nullopt;
}

model::Availability to_availability(Kind k) {
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

}  // namespace

Calendar::Calendar(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
std::size_t Calendar::busy_events() const { return data_->events.size(); }
std::size_t Calendar::total_events() const { return data_->total; }

CalendarStatus status_at(const Calendar& calendar, model::TimePoint now, int utc_offset_minutes,
                         const Limits& limits) {
  using namespace std::chrono;
  const std::int64_t from = floor<seconds>(now).time_since_epoch().count();
  const std::int64_t to = from + duration_cast<seconds>(limits.lookahead).count();
  Expander expander(from, to, utc_offset_minutes, limits);
  for (const EventDef& e : calendar.data().events) expander.expand(e);

  // Sweep: what holds at `from`, then each boundary in time order until the strongest kind
  // changes.
  Counts counts{};
  struct Edge {
    std::int64_t at;
    int delta;
    Kind kind;
  };
  std::vector<Edge> edges;
  for (const Interval& i : expander.intervals()) {
    if (i.start <= from) {
      ++counts[static_cast<std::size_t>(i.kind)];
    } else {
      edges.push_back({i.start, +1, i.kind});
    }
    if (i.end <= to) edges.push_back({i.end, -1, i.kind});
  }
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.at < b.at; });

  CalendarStatus out;
  out.truncated = expander.truncated();
  const std::optional<Kind> current = strongest(counts);
  for (std::size_t i = 0; i < edges.size();) {
    const std::int64_t at = edges[i].at;
    for (; i < edges.size() && edges[i].at == at; ++i) {
      counts[static_cast<std::size_t>(edges[i].kind)] += edges[i].delta;
    }
    if (strongest(counts) != current) {
      out.until = model::TimePoint{seconds{at}};
      break;
    }
  }
  if (current) {
    out.status = to_availability(*current);
    // Event titles may be classified above level C ("人事面談: 山田", a medical appointment)
    // and the wall is seen by visitors, so the note is generic: it says where the status
    // came from, never what the event is.
    out.note = "予定表より";
  }
  return out;
}

}  // namespace bcp::calendar
