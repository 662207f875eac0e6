// .ics text -> Calendar. libical parses; this file checks what libical lets through quietly
// (its parser records problems as X-LIC-ERROR properties instead of failing), screens every
// recurrence rule before libical expands it (rule_screen.hpp), resolves time zones and
// classifies each VEVENT.
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "calendar_data.hpp"
#include "ical_helpers.hpp"
#include "classify.hpp"
#include "file_checks.hpp"
#include "rule_screen.hpp"
#include "source_lines.hpp"
#include "time_zones.hpp"

namespace bcp::calendar {
namespace {

bool ignored(icalcomponent* event) {
  if (icalproperty* p = icalcomponent_get_first_property(event, ICAL_TRANSP_PROPERTY)) {
    icalproperty_transp t = icalproperty_get_transp(p);
    if (t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT) return true;
  }
  return icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED;
}

// What the whole file's rules have used so far (the probe budget, rules that never occur).
struct RuleBudget {
  std::chrono::steady_clock::duration probe_spent{};
  std::size_t never_rules = 0;
};

// ---- one VEVENT -----------------------------------------------------------------------------
class EventReader {
 public:
  EventReader(const SourceLines& lines, ZoneResolver& zones, icalcomponent* vcalendar,
              icalcomponent* event, std::size_t index)
      : lines_(lines), zones_(&zones), vcalendar_(vcalendar), event_(event), index_(index) {
    const char* uid = icalcomponent_get_uid(event);
    uid_ = uid ? uid : "";
    name_ = "VEVENT " + (uid_.empty() ? "#" + std::to_string(index_ + 1) : "\"" + uid_ + "\"");
  }

  const std::string& uid() const { return uid_; }

  [[noreturn]] void fail(std::string_view property, const std::string& what,
                         std::size_t nth = 0) const {
    std::size_t line = property.empty() ? lines_.event_begin(index_)
                                        : lines_.property(Component::vevent, index_, property, nth);
    throw CalendarError(at_line(
        line, name_ + ": " + (property.empty() ? "" : std::string(property) + ": ") + what));
  }

  // A DATE or DATE-TIME property value with its zone resolved.
  TimeValue read_time(icalproperty* p, const char* name) const {
    icalvalue* v = icalproperty_get_value(p);
    icaltimetype t = icaltime_null_time();
    switch (v ? icalvalue_isa(v) : ICAL_NO_VALUE) {
      case ICAL_DATE_VALUE:
        t = icalvalue_get_date(v);
        break;
      case ICAL_DATETIME_VALUE:
        t = icalvalue_get_datetime(v);
        break;
      case ICAL_DATETIMEPERIOD_VALUE: {
        icaldatetimeperiodtype dp = icalvalue_get_datetimeperiod(v);
        t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
        break;
      }
      case ICAL_PERIOD_VALUE:  // RDATE;VALUE=PERIOD: the period's start
        t = icalvalue_get_period(v).start;
        break;
      default:
        fail(name, "expected a DATE or DATE-TIME value");
    }
    if (icaltime_is_null_time(t) || t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > icaltime_days_in_month(t.month, t.year) || t.hour > 23 || t.minute > 59 ||
        t.second > 60) {
      fail(name, "not a valid date or time");
    }
    TimeValue out;
    ZoneResolver::Result zone;
    if (t.is_date) {
      out.anchor = Anchor::date;
    } else if (icaltime_is_utc(t)) {
      out.anchor = Anchor::utc;
    } else if (icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
               tz && (zone = zones_->resolve(vcalendar_, icalparameter_get_tzid(tz))).zone) {
      t = icaltime_set_timezone(&t, zone.zone);
      out.anchor = Anchor::zoned;
    } else {
      if (!zone.error.empty()) fail(name, zone.error);
      t.zone = nullptr;
      out.anchor = Anchor::floating;
    }
    out.value = t;
    return out;
  }

  icalproperty* property(icalproperty_kind kind) const {
    return icalcomponent_get_first_property(event_, kind);
  }

  EventDef read(const ParseLimits& limits, RuleBudget& budget) const {
    report_progress(limits.progress_line, lines_.event_begin(index_));
    EventDef def;
    def.uid = uid_;
    def.name = name_;
    def.line = lines_.event_begin(index_);
    icalproperty* dtstart = property(ICAL_DTSTART_PROPERTY);
    if (!dtstart) fail("", "no DTSTART");
    def.start = read_time(dtstart, "DTSTART");
    def.kind = classify(words(def.start.anchor == Anchor::date));
    def.length = read_length(def.start);
    read_recurrence(def, limits, budget);
    return def;
  }

  // The words the owner gave the event (read only to classify it, see classify.hpp).
  EventWords words(bool all_day) const {
    EventWords w;
    w.all_day = all_day;
    if (const char* summary = icalcomponent_get_summary(event_)) w.summary = summary;
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_CATEGORIES_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_CATEGORIES_PROPERTY)) {
      if (const char* c = icalproperty_get_categories(p)) w.categories.emplace_back(c);
    }
    // Outlook marks absences as "out of office" in its own property.
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_X_PROPERTY)) {
      const char* name = icalproperty_get_x_name(p);
      const char* value = icalproperty_get_x(p);
      if (name && value && std::string_view(name) == "X-MICROSOFT-CDO-BUSYSTATUS" &&
          ascii_lower(value) == "oof") {
        w.out_of_office = true;
      }
    }
    return w;
  }

  // DTEND - DTSTART (or DURATION): days for all-day events, seconds otherwise.
  std::int64_t read_length(const TimeValue& start) const {
    const bool all_day = start.anchor == Anchor::date;
    if (icalproperty* dtend = property(ICAL_DTEND_PROPERTY)) {
      TimeValue end = read_time(dtend, "DTEND");
      if (all_day != (end.anchor == Anchor::date)) {
        fail("DTEND", "must be a DATE when DTSTART is a DATE, a DATE-TIME otherwise");
      }
      std::int64_t length = all_day ? *instance_key(end, start) - *instance_key(start, start)
                                    : instant_seconds(end, 0) - instant_seconds(start, 0);
      if (length < 0) fail("DTEND", "is before DTSTART");
      return length;
    }
    if (icalproperty* duration = property(ICAL_DURATION_PROPERTY)) {
      icaldurationtype d = icalproperty_get_duration(duration);
      if (d.is_neg) fail("DURATION", "is negative");
      std::int64_t seconds = icaldurationtype_as_int(d);
      return all_day ? std::max<std::int64_t>(1, (seconds + 86'399) / 86'400) : seconds;
    }
    // RFC 5545 3.6.1: a date event without an end takes one day, a date-time one no time.
    return all_day ? 1 : 0;
  }

  void read_recurrence(EventDef& def, const ParseLimits& limits, RuleBudget& budget) const {
    if (count_properties(event_, ICAL_RRULE_PROPERTY) > limits.max_rules_per_event) {
      fail("RRULE", "more than " + std::to_string(limits.max_rules_per_event) +
                        " recurrence rules in one event");
    }
    std::size_t nth = 0;
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_RRULE_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_RRULE_PROPERTY), ++nth) {
      const std::size_t line = lines_.property(Component::vevent, index_, "RRULE", nth);
      report_progress(limits.progress_line, line);
      icalrecurrencetype rule = icalproperty_get_rrule(p);
      if (auto refused = screen_event_rule(rule)) fail("RRULE", *refused, nth);
      if (never_occurs(rule, def.start.value)) {
        // Skipped without asking libical, which would search centuries for an instance.
        if (++budget.never_rules > limits.max_never_rules) {
          fail("RRULE",
               "recurrence rules take too long to expand: more than " +
                   std::to_string(limits.max_never_rules) +
                   " of them can never occur (their BY parts name no real date)",
               nth);
        }
        continue;
      }
      if (probe(rule, def.start.value, limits, budget, nth)) {
        def.rules.push_back(rule);
        def.rule_lines.push_back(line);
      }
    }
    for (icalproperty_kind kind : {ICAL_RDATE_PROPERTY, ICAL_EXDATE_PROPERTY}) {
      if (count_properties(event_, kind) > limits.max_dates_per_event) {
        const char* name = kind == ICAL_RDATE_PROPERTY ? "RDATE" : "EXDATE";
        fail(name, "more than " + std::to_string(limits.max_dates_per_event) + " " + name +
                       " values in one event");
      }
    }
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_RDATE_PROPERTY)) {
      def.rdates.push_back(read_time(p, "RDATE"));
      def.rdate_lengths.push_back(period_length(p, def.rdates.back()));
    }
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_EXDATE_PROPERTY)) {
      if (auto key = instance_key(read_time(p, "EXDATE"), def.start)) def.skipped.insert(*key);
    }
  }

  // RDATE;VALUE=PERIOD (RFC 5545 3.8.5.2; Lotus Notes writes every multi-date meeting so):
  // the period's end or duration is that instance's length. -1 for a plain date or time.
  std::int64_t period_length(icalproperty* p, const TimeValue& start) const {
    icalvalue* v = icalproperty_get_value(p);
    const icalvalue_kind kind = v ? icalvalue_isa(v) : ICAL_NO_VALUE;
    if (kind != ICAL_PERIOD_VALUE && kind != ICAL_DATETIMEPERIOD_VALUE) return -1;
    const icalperiodtype period = kind == ICAL_PERIOD_VALUE
                                      ? icalvalue_get_period(v)
                                      : icalvalue_get_datetimeperiod(v).period;
    if (icaltime_is_null_time(period.start)) return -1;
    std::int64_t seconds = 0;
    if (!icaltime_is_null_time(period.end)) {
      TimeValue end = start;
      end.value.year = period.end.year;
      end.value.month = period.end.month;
      end.value.day = period.end.day;
      end.value.hour = period.end.hour;
      end.value.minute = period.end.minute;
      end.value.second = period.end.second;
      if (icaltime_is_utc(period.end) && start.anchor != Anchor::utc) {
        end.anchor = Anchor::utc;
        end.value.zone = icaltimezone_get_utc_timezone();
      }
      seconds = instant_seconds(end, 0) - instant_seconds(start, 0);
    } else {
      if (period.duration.is_neg) fail("RDATE", "a period with a negative duration");
      seconds = icaldurationtype_as_int(period.duration);
    }
    if (seconds < 0) fail("RDATE", "a period that ends before it starts");
    // An all-day event's lengths are counted in days.
    return start.anchor == Anchor::date ? (seconds + 86'399) / 86'400 : seconds;
  }

  // Whether the rule yields any instance at all. A rule that never does in a way
  // never_occurs does not see costs libical a search of centuries on every expansion, so it
  // is found once here and dropped; the time all probes of a calendar take together is
  // bounded (checked between calls: a worker process bounds a single long call).
  bool probe(const icalrecurrencetype& rule, icaltimetype dtstart, const ParseLimits& limits,
             RuleBudget& budget, std::size_t nth) const {
    auto t0 = std::chrono::steady_clock::now();
    icalrecur_iterator* it = icalrecur_iterator_new(rule, dtstart);
    bool any = false;
    if (it) {
      any = !icaltime_is_null_time(icalrecur_iterator_next(it));
      icalrecur_iterator_free(it);
    }
    budget.probe_spent += std::chrono::steady_clock::now() - t0;
    if (budget.probe_spent > limits.probe_budget) {
      fail("RRULE",
           "recurrence rules take too long to expand (over " +
               std::to_string(limits.probe_budget.count()) + " ms for this calendar)",
           nth);
    }
    return any;
  }

 private:
  const SourceLines& lines_;
  ZoneResolver* zones_;
  icalcomponent* vcalendar_;
  icalcomponent* event_;
  std::size_t index_;  // position among the file's VEVENTs, for line numbers
  std::string uid_, name_;
};

IcalComponentPtr parse_root(const std::string& text, const SourceLines& lines) {
  if (lines.first_content_line().empty()) {
    throw CalendarError("empty calendar: expected an iCalendar document (BEGIN:VCALENDAR)");
  }
  if (ascii_lower(lines.first_content_line()) != "begin:vcalendar") {
    std::string first(lines.first_content_line().substr(0, 40));
    throw CalendarError("line " + std::to_string(lines.first_content_line_number()) +
                        ": expected BEGIN:VCALENDAR, found \"" + first + "\"");
  }
  icalerror_set_errors_are_fatal(0);
  IcalComponentPtr root(icalparser_parse_string(text.c_str()));
  if (!root) {
    const std::size_t line = lines.unbalanced();
    throw CalendarError(at_line(line ? line : lines.first_content_line_number(),
                                "incomplete calendar: a BEGIN:VCALENDAR or BEGIN:VEVENT has no "
                                "matching END line"));
  }
  return root;
}

std::vector<icalcomponent*> vcalendars(icalcomponent* root, const SourceLines& lines) {
  std::vector<icalcomponent*> out;
  if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
    out.push_back(root);
  } else if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
    for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c;
         c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT)) {
      out.push_back(c);
    }
  }
  if (out.empty()) {
    throw CalendarError(at_line(lines.first_content_line_number(),
                                std::string("top-level component is ") +
                                    icalcomponent_kind_to_string(icalcomponent_isa(root)) +
                                    ", expected VCALENDAR"));
  }
  return out;
}

}  // namespace

Calendar parse_ics(std::string_view text_in, const ParseLimits& limits) {
  // A UTF-8 byte order mark, which Windows tools write at the start of a saved file.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text_in.substr(0, kBom.size()) == kBom) text_in.remove_prefix(kBom.size());
  if (auto nul = text_in.find('\0'); nul != std::string_view::npos) {
    throw CalendarError("NUL byte at offset " + std::to_string(nul) + ": not an iCalendar text");
  }
  const std::string text(text_in);
  const SourceLines lines(text);
  auto data = std::make_shared<Calendar::Data>();
  report_progress(limits.progress_line, lines.first_content_line_number());
  data->root = parse_root(text, lines);
  check_libical_errors(data->root.get(), lines);
  screen_zones(data->root.get(), lines, limits);

  // Masters first; instances moved or cancelled through RECURRENCE-ID are applied after, as
  // they may come before their master in the file.
  struct Override {
    EventReader reader;
    icalcomponent* event;
    icalproperty* recurrence_id;
  };
  std::vector<Override> overrides;
  std::map<std::string, std::vector<std::size_t>> masters_by_uid;  // -> index in data->events
  RuleBudget budget;
  ZoneResolver zones(data->zones);
  std::size_t index = 0;
  for (icalcomponent* vcal : vcalendars(data->root.get(), lines)) {
    for (icalcomponent* ev = icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(vcal, ICAL_VEVENT_COMPONENT), ++index) {
      if (index >= limits.max_events) {
        throw CalendarError(at_line(
            lines.event_begin(index),
            "too many events (more than " + std::to_string(limits.max_events) + " VEVENTs)"));
      }
      EventReader reader(lines, zones, vcal, ev, index);
      if (icalproperty* rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
        overrides.push_back(Override{reader, ev, rid});
        continue;
      }
      EventDef def = reader.read(limits, budget);
      if (ignored(ev)) continue;
      masters_by_uid[def.uid].push_back(data->events.size());
      data->events.push_back(std::move(def));
    }
  }
  data->total = index;
  for (const Override& o : overrides) {
    TimeValue moved_from = o.reader.read_time(o.recurrence_id, "RECURRENCE-ID");
    if (auto it = masters_by_uid.find(o.reader.uid()); it != masters_by_uid.end()) {
      for (std::size_t m : it->second) {
        EventDef& master = data->events[m];
        if (auto key = instance_key(moved_from, master.start)) master.skipped.insert(*key);
      }
    }
    // The instance as it now is: its own time, its own title, its own TRANSP and STATUS (a
    // cancelled instance just removes the master's).
    EventDef def = o.reader.read(limits, budget);
    def.rules.clear();
    def.rule_lines.clear();
    def.rdates.clear();
    def.rdate_lengths.clear();
    if (!ignored(o.event)) data->events.push_back(std::move(def));
  }
  return Calendar(std::move(data));
}

}  // namespace bcp::calendar
