// .ics text -> Calendar. libical parses; this file checks what libical lets through quietly
// (its parser records problems as X-LIC-ERROR properties instead of failing), resolves time
// zones, classifies each VEVENT and refuses recurrence rules that could stall the daemon.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "calendar_data.hpp"
#include "source_lines.hpp"

namespace bcp::calendar {
namespace {

// ---- classification -----------------------------------------------------------------------
// Substrings matched against SUMMARY and CATEGORIES (ASCII letters compared case-blind).
// The title is read only to classify; it never leaves this component (see status_at).
constexpr std::string_view kLeaveWords[] = {"休暇",  "有給",     "年休",    "代休",         "休み",
                                            "leave", "vacation", "holiday", "out of office"};
constexpr std::string_view kTripWords[] = {"出張", "trip", "business travel"};
constexpr std::string_view kRemoteWords[] = {"在宅",   "テレワーク",     "リモート",
                                             "remote", "work from home", "wfh"};

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool contains_any(const std::string& text, const auto& words) {
  return std::any_of(std::begin(words), std::end(words),
                     [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

void erase_all(std::string& text, std::string_view what) {
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at)) {
    text.erase(at, what.size());
  }
}

Kind classify(icalcomponent* event, bool all_day) {
  std::string text;
  if (const char* summary = icalcomponent_get_summary(event)) text = ascii_lower(summary);
  for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_CATEGORIES_PROPERTY); p;
       p = icalcomponent_get_next_property(event, ICAL_CATEGORIES_PROPERTY)) {
    if (const char* c = icalproperty_get_categories(p)) text += "\n" + ascii_lower(c);
  }
  // 昼休み (lunch break) is a break in the day, not a day off.
  erase_all(text, "昼休み");
  if (contains_any(text, kLeaveWords)) return Kind::leave;
  if (contains_any(text, kTripWords)) return Kind::trip;
  if (contains_any(text, kRemoteWords)) return Kind::remote;
  // Outlook marks absences as "out of office" in its own property.
  for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_X_PROPERTY); p;
       p = icalcomponent_get_next_property(event, ICAL_X_PROPERTY)) {
    const char* name = icalproperty_get_x_name(p);
    const char* value = icalproperty_get_x(p);
    if (name && value && std::strcmp(name, "X-MICROSOFT-CDO-BUSYSTATUS") == 0 &&
        ascii_lower(value) == "oof") {
      return Kind::leave;
    }
  }
  return all_day ? Kind::leave : Kind::meeting;
}

bool ignored(icalcomponent* event) {
  if (icalproperty* p = icalcomponent_get_first_property(event, ICAL_TRANSP_PROPERTY)) {
    icalproperty_transp t = icalproperty_get_transp(p);
    if (t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT) return true;
  }
  return icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED;
}

// ---- one VEVENT -----------------------------------------------------------------------------
class EventReader {
 public:
  EventReader(const SourceLines& lines, icalcomponent* vcalendar, icalcomponent* event,
              std::size_t index)
      : lines_(lines), vcalendar_(vcalendar), event_(event), index_(index) {
    const char* uid = icalcomponent_get_uid(event);
    uid_ = uid ? uid : "";
  }

  const std::string& uid() const { return uid_; }

  [[noreturn]] void fail(std::string_view property, const std::string& what) const {
    std::string where =
        "VEVENT " + (uid_.empty() ? "#" + std::to_string(index_ + 1) : "\"" + uid_ + "\"");
    std::size_t line =
        property.empty() ? lines_.event_begin(index_) : lines_.event_property(index_, property);
    std::string prefix = line ? "line " + std::to_string(line) + ": " : std::string();
    throw CalendarError(prefix + where + ": " +
                        (property.empty() ? "" : std::string(property) + ": ") + what);
  }

  icaltimezone* resolve_zone(const char* tzid) const {
    if (icaltimezone* z = icalcomponent_get_timezone(vcalendar_, tzid)) return z;
    if (icaltimezone* z = icaltimezone_get_builtin_timezone(tzid)) return z;
    return icaltimezone_get_builtin_timezone_from_tzid(tzid);
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
      default:
        fail(name, "expected a DATE or DATE-TIME value");
    }
    if (icaltime_is_null_time(t) || t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > icaltime_days_in_month(t.month, t.year) || t.hour > 23 || t.minute > 59 ||
        t.second > 60) {
      fail(name, "not a valid date or time");
    }
    TimeValue out;
    if (t.is_date) {
      out.anchor = Anchor::date;
    } else if (icaltime_is_utc(t)) {
      out.anchor = Anchor::utc;
    } else if (icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER)) {
      const char* tzid = icalparameter_get_tzid(tz);
      icaltimezone* zone = tzid ? resolve_zone(tzid) : nullptr;
      if (!zone) {
        fail(name, std::string("unknown time zone TZID=\"") + (tzid ? tzid : "") +
                       "\" (no VTIMEZONE for it in the file and not an Olson name)");
      }
      t = icaltime_set_timezone(&t, zone);
      out.anchor = Anchor::zoned;
    } else {
      t.zone = nullptr;
      out.anchor = Anchor::floating;
    }
    out.value = t;
    return out;
  }

  icalproperty* property(icalproperty_kind kind) const {
    return icalcomponent_get_first_property(event_, kind);
  }

  EventDef read(const ParseLimits& limits, std::chrono::steady_clock::duration& probe_spent) const {
    EventDef def;
    def.uid = uid_;
    icalproperty* dtstart = property(ICAL_DTSTART_PROPERTY);
    if (!dtstart) fail("", "no DTSTART");
    def.start = read_time(dtstart, "DTSTART");
    const bool all_day = def.start.anchor == Anchor::date;
    def.kind = classify(event_, all_day);
    def.length = read_length(def.start);
    read_recurrence(def, limits, probe_spent);
    return def;
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

  void read_recurrence(EventDef& def, const ParseLimits& limits,
                       std::chrono::steady_clock::duration& probe_spent) const {
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_RRULE_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_RRULE_PROPERTY)) {
      icalrecurrencetype rule = icalproperty_get_rrule(p);
      switch (rule.freq) {
        case ICAL_SECONDLY_RECURRENCE:
        case ICAL_MINUTELY_RECURRENCE:
        case ICAL_HOURLY_RECURRENCE:
          // No calendar service exports these for appointments, and libical 3.0 can spend
          // minutes looking for the next instance of one whose BY-parts never match.
          fail("RRULE", std::string("FREQ=") + icalrecur_freq_to_string(rule.freq) +
                            " is not supported (at most one instance a day)");
        case ICAL_NO_RECURRENCE:
          fail("RRULE", "has no FREQ");
        default:
          break;
      }
      if (probe(rule, def.start.value, limits, probe_spent)) def.rules.push_back(rule);
    }
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_RDATE_PROPERTY)) {
      def.rdates.push_back(read_time(p, "RDATE"));
    }
    for (icalproperty* p = icalcomponent_get_first_property(event_, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event_, ICAL_EXDATE_PROPERTY)) {
      if (auto key = instance_key(read_time(p, "EXDATE"), def.start)) def.skipped.insert(*key);
    }
  }

  // Whether the rule yields any instance at all. A rule that never does costs libical a
  // search of centuries on every expansion, so it is found once here and dropped; the time
  // all probes of a calendar take together is bounded.
  bool probe(const icalrecurrencetype& rule, icaltimetype dtstart, const ParseLimits& limits,
             std::chrono::steady_clock::duration& spent) const {
    auto t0 = std::chrono::steady_clock::now();
    icalrecur_iterator* it = icalrecur_iterator_new(rule, dtstart);
    bool any = false;
    if (it) {
      any = !icaltime_is_null_time(icalrecur_iterator_next(it));
      icalrecur_iterator_free(it);
    }
    spent += std::chrono::steady_clock::now() - t0;
    if (spent > limits.probe_budget) {
      fail("RRULE", "recurrence rules take too long to expand (over " +
                        std::to_string(limits.probe_budget.count()) + " ms for this calendar)");
    }
    return any;
  }

 private:
  const SourceLines& lines_;
  icalcomponent* vcalendar_;
  icalcomponent* event_;
  std::size_t index_;  // position among the file's VEVENTs, for line numbers
  std::string uid_;
};

// libical keeps going after a syntax error and records it as an X-LIC-ERROR property on the
// component where it happened. The first one (in document order) refuses the calendar.
void check_libical_errors(icalcomponent* c, const SourceLines& lines, std::size_t& vevent_index) {
  const bool is_event = icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT;
  const std::size_t my_index = vevent_index;
  if (is_event) ++vevent_index;
  if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY)) {
    std::string message = icalproperty_get_xlicerror(p) ? icalproperty_get_xlicerror(p) : "";
    // libical's text: "<what> in <NAME> property. Removing entire property: <value>" or
    // "Got a data line, but could not find ...: <line>".
    std::string value;
    if (auto colon = message.rfind(": "); colon != std::string::npos) {
      value = message.substr(colon + 2);
      message.erase(colon);
    }
    if (auto removing = message.find(". Removing"); removing != std::string::npos) {
      message.erase(removing);
    }
    std::string property;
    if (auto in = message.find(" in "); in != std::string::npos) {
      auto end = message.find(" property", in + 4);
      if (end != std::string::npos) property = message.substr(in + 4, end - in - 4);
    }
    std::size_t line = lines.find(value, property, is_event ? my_index : SourceLines::kAny);
    std::string where;
    if (is_event) {
      const char* uid = icalcomponent_get_uid(c);
      where = std::string("VEVENT ") +
              (uid ? "\"" + std::string(uid) + "\"" : "#" + std::to_string(my_index + 1)) + ": ";
    } else {
      where = std::string(icalcomponent_kind_to_string(icalcomponent_isa(c))) + ": ";
    }
    throw CalendarError((line ? "line " + std::to_string(line) + ": " : std::string()) + where +
                        message + (value.empty() ? "" : " \"" + value + "\""));
  }
  for (icalcomponent* k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
       k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
    check_libical_errors(k, lines, vevent_index);
  }
}

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
    throw CalendarError(
        "incomplete calendar: a BEGIN:VCALENDAR or BEGIN:VEVENT has no matching END line");
  }
  return root;
}

std::vector<icalcomponent*> vcalendars(icalcomponent* root) {
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
    throw CalendarError(std::string("top-level component is ") +
                        icalcomponent_kind_to_string(icalcomponent_isa(root)) +
                        ", expected VCALENDAR");
  }
  return out;
}

}  // namespace

Calendar parse_ics(std::string_view text_in, const ParseLimits& limits) {
  if (auto nul = text_in.find('\0'); nul != std::string_view::npos) {
    throw CalendarError("NUL byte at offset " + std::to_string(nul) + ": not an iCalendar text");
  }
  const std::string text(text_in);
  const SourceLines lines(text);
  auto data = std::make_shared<Calendar::Data>();
  data->root = parse_root(text, lines);
  std::size_t vevent_index = 0;
  check_libical_errors(data->root.get(), lines, vevent_index);

  // Masters first; instances moved or cancelled through RECURRENCE-ID are applied after, as
  // they may come before their master in the file.
  struct Override {
    EventReader reader;
    icalcomponent* event;
    icalproperty* recurrence_id;
  };
  std::vector<Override> overrides;
  std::map<std::string, std::vector<std::size_t>> masters_by_uid;  // -> index in data->events
  std::chrono::steady_clock::duration probe_spent{};
  std::size_t index = 0;
  for (icalcomponent* vcal : vcalendars(data->root.get())) {
    for (icalcomponent* ev = icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(vcal, ICAL_VEVENT_COMPONENT), ++index) {
      if (index >= limits.max_events) {
        throw CalendarError("too many events (more than " + std::to_string(limits.max_events) +
                            " VEVENTs)");
      }
      EventReader reader(lines, vcal, ev, index);
      if (icalproperty* rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
        overrides.push_back(Override{reader, ev, rid});
        continue;
      }
      EventDef def = reader.read(limits, probe_spent);
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
    EventDef def = o.reader.read(limits, probe_spent);
    def.rules.clear();
    def.rdates.clear();
    if (!ignored(o.event)) data->events.push_back(std::move(def));
  }
  return Calendar(std::move(data));
}

}  // namespace bcp::calendar
