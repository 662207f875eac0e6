// LINE WORKS calendar JSON -> iCalendar text (lineworks_events.hpp). Every access is
// type-checked; a problem anywhere refuses the whole answer (a half-read calendar would say
// "free" where the person is busy), naming the JSON pointer.
#include "bcp/calendar/lineworks_events.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <vector>

#include "bcp/model/strict_json.hpp"
#include "classify.hpp"

namespace bcp::calendar {

namespace lineworks_json {
namespace {

using nlohmann::json;

// Thrown inside this file only; lineworks_calendar_to_ics turns it into `error`.
struct Refused {
  std::string what;
};

[[noreturn]] void refuse(const std::string& at, const std::string& what) {
  throw Refused{at + ": " + what};
}

const char* type_of(const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

// The member `key` of `obj` if present and not null (LINE WORKS may send null for "none").
const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

const json& require(const json& obj, const std::string& at, const char* key) {
  const json* j = member(obj, key);
  if (!j) refuse(at + "/" + key, "required");
  return *j;
}

const json& expect(const json& j, const std::string& at, json::value_t type, const char* name) {
  if (j.type() != type) refuse(at, std::string("expected ") + name + ", got " + type_of(j));
  return j;
}

const std::string& text(const json& j, const std::string& at) {
  return expect(j, at, json::value_t::string, "a string").get_ref<const std::string&>();
}

bool digits(std::string_view s, std::size_t from, std::size_t n) {
  if (from + n > s.size()) return false;
  for (std::size_t i = from; i < from + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

int number(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// "YYYY-MM-DD" -> "YYYYMMDD", the fields in range.
std::optional<std::string> ical_date(std::string_view s) {
  if (s.size() != 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2))
    return std::nullopt;
  const int month = number(s, 5, 2), day = number(s, 8, 2);
  if (number(s, 0, 4) < 1900 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  return std::string(s.substr(0, 4)) + std::string(s.substr(5, 2)) + std::string(s.substr(8, 2));
}

// An Olson zone name as LINE WORKS writes it ("Asia/Tokyo"): only the characters such names
// use, so nothing else can reach the TZID parameter.
bool zone_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// One `start` or `end`: the property line's parameters and value, e.g. ";VALUE=DATE:20261203",
// ";TZID=Asia/Tokyo:20261203T100000", ":20261203T010000Z".
struct When {
  bool all_day = false;
  std::string line;
};

When read_when(const json& j, const std::string& at) {
  expect(j, at, json::value_t::object, "an object");
  const json* date = member(j, "date");
  const json* date_time = member(j, "dateTime");
  if (date && date_time) refuse(at, "both date and dateTime");
  if (!date && !date_time) refuse(at, "expected date (all day) or dateTime");
  if (date) {
    auto d = ical_date(text(*date, at + "/date"));
    if (!d) refuse(at + "/date", "expected \"YYYY-MM-DD\", got " + model::describe_json(*date));
    return {true, ";VALUE=DATE:" + *d};
  }
  const std::string& s = text(*date_time, at + "/dateTime");
  auto d = ical_date(std::string_view(s).substr(0, 10));
  const bool clock = s.size() >= 19 && s[10] == 'T' && digits(s, 11, 2) && s[13] == ':' &&
                     digits(s, 14, 2) && s[16] == ':' && digits(s, 17, 2) &&
                     number(s, 11, 2) < 24 && number(s, 14, 2) < 60 && number(s, 17, 2) < 61;
  const std::string_view offset = s.size() > 19 ? std::string_view(s).substr(19) : "";
  const bool offset_ok = offset.empty() || offset == "Z" ||
                         (offset.size() == 6 && (offset[0] == '+' || offset[0] == '-') &&
                          digits(offset, 1, 2) && offset[3] == ':' && digits(offset, 4, 2) &&
                          number(offset, 1, 2) < 24 && number(offset, 4, 2) < 60);
  if (!d || !clock || !offset_ok)
    refuse(at + "/dateTime", "expected \"YYYY-MM-DDThh:mm:ss\" (with timeZone), got " +
                                 model::describe_json(*date_time));
  const std::string local = *d + "T" + s.substr(11, 2) + s.substr(14, 2) + s.substr(17, 2);
  if (!offset.empty()) {
    // An instant with its own offset: written in UTC, the timeZone is then only a label.
    std::int64_t days = days_from_civil(number(s, 0, 4), number(s, 5, 2), number(s, 8, 2));
    std::int64_t seconds =
        days * 86400 + number(s, 11, 2) * 3600 + number(s, 14, 2) * 60 + number(s, 17, 2);
    if (offset != "Z") {
      const int sign = offset[0] == '-' ? -1 : 1;
      seconds -= sign * (number(offset, 1, 2) * 3600 + number(offset, 4, 2) * 60);
    }
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::snprintf(buf, sizeof buf, ":%04d%02d%02dT%02d%02d%02dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return {false, buf};
  }
  if (const json* zone = member(j, "timeZone")) {
    const std::string& z = text(*zone, at + "/timeZone");
    if (!zone_name(z))
      refuse(at + "/timeZone",
             "expected a zone name like \"Asia/Tokyo\", got " + model::describe_json(*zone));
    return {false, ";TZID=" + z + ":" + local};
  }
  return {false, ":" + local};  // floating: the town's offset, as in an .ics
}

// A `recurrence` entry: exactly one RRULE, EXDATE or RDATE property line.
const std::string& recurrence_line(const json& j, const std::string& at,
                                   const LineWorksCalendarLimits& limits) {
  const std::string& s = text(j, at);
  if (s.size() > limits.max_line_bytes)
    refuse(at, "longer than " + std::to_string(limits.max_line_bytes) + " bytes");
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) refuse(at, "expected printable ASCII (one property line)");
  }
  std::string name;
  for (char c : s) {
    if (c == ':' || c == ';') break;
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if ((name != "RRULE" && name != "EXDATE" && name != "RDATE") || name.size() == s.size())
    // The line is not quoted: whatever else it is, it may be someone's text.
    refuse(at, "expected an RRULE, EXDATE or RDATE line");
  return s;
}

bool declined_by(const json& component, const std::string& at, std::string_view user_id,
                 const LineWorksCalendarLimits& limits) {
  const json* attendees = member(component, "attendees");
  if (!attendees) return false;
  expect(*attendees, at + "/attendees", json::value_t::array, "an array");
  if (attendees->size() > limits.max_attendees)
    refuse(at + "/attendees", "more than " + std::to_string(limits.max_attendees) + " attendees");
  bool declined = false;
  for (std::size_t i = 0; i < attendees->size(); ++i) {
    const std::string here = at + "/attendees/" + std::to_string(i);
    const json& a = expect((*attendees)[i], here, json::value_t::object, "an object");
    const json* id = member(a, "id");
    const json* partstat = member(a, "partstat");
    if (!id || !partstat) continue;
    if (text(*id, here + "/id") == user_id && text(*partstat, here + "/partstat") == "DECLINED")
      declined = true;
  }
  return declined;
}

const char* category_of(Kind kind) {
  switch (kind) {
    case Kind::leave:
      return "leave";
    case Kind::trip:
      return "trip";
    case Kind::remote:
      return "remote";
    default:
      return nullptr;  // a meeting needs no word
  }
}

void write_component(const json& c, const std::string& at, std::size_t number,
                     std::string_view user_id, const LineWorksCalendarLimits& limits,
                     LineWorksCalendar& out) {
  expect(c, at, json::value_t::object, "an object");
  const When start = read_when(require(c, at, "start"), at + "/start");
  const When end = read_when(require(c, at, "end"), at + "/end");
  if (start.all_day != end.all_day)
    refuse(at + "/end", "all day where start is not, or not where it is");
  bool transparent = false;
  if (const json* t = member(c, "transparency")) {
    const std::string& v = text(*t, at + "/transparency");
    if (v != "OPAQUE" && v != "TRANSPARENT")
      refuse(at + "/transparency",
             "expected \"OPAQUE\" or \"TRANSPARENT\", got " + model::describe_json(*t));
    transparent = v == "TRANSPARENT";
  }
  std::vector<const std::string*> recurrence;
  if (const json* r = member(c, "recurrence")) {
    expect(*r, at + "/recurrence", json::value_t::array, "an array");
    if (r->size() > limits.max_recurrence_lines)
      refuse(at + "/recurrence",
             "more than " + std::to_string(limits.max_recurrence_lines) + " lines");
    for (std::size_t i = 0; i < r->size(); ++i)
      recurrence.push_back(
          &recurrence_line((*r)[i], at + "/recurrence/" + std::to_string(i), limits));
  }
  // Read for its meaning only (classify.hpp); the text itself is never written.
  std::string_view summary;
  if (const json* s = member(c, "summary")) summary = text(*s, at + "/summary");
  if (declined_by(c, at, user_id, limits)) {
    ++out.declined;
    return;
  }
  std::string& ics = out.ics;
  ics += "BEGIN:VEVENT\r\nUID:lineworks-" + std::to_string(number) + "\r\n";
  ics += "DTSTAMP:19700101T000000Z\r\n";
  ics += "DTSTART" + start.line + "\r\nDTEND" + end.line + "\r\n";
  if (transparent) ics += "TRANSP:TRANSPARENT\r\n";
  if (const char* word = category_of(classify(EventWords{summary, {}, start.all_day, false})))
    ics += std::string("CATEGORIES:") + word + "\r\n";
  for (const std::string* line : recurrence) ics += *line + "\r\n";
  ics += "END:VEVENT\r\n";
}

}  // namespace
}  // namespace lineworks_json

std::optional<LineWorksCalendar> lineworks_calendar_to_ics(std::string_view body,
                                                           std::string_view user_id,
                                                           std::string& error,
                                                           const LineWorksCalendarLimits& limits) {
  using namespace lineworks_json;
  model::StrictJson parsed = model::parse_strict_json(body, 16);
  if (!parsed.value) {
    error = "not JSON: " + parsed.error;
    return std::nullopt;
  }
  LineWorksCalendar out;
  out.ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//BCP Wall//LINE WORKS calendar//EN\r\n";
  try {
    const json& root = expect(*parsed.value, "", json::value_t::object, "an object");
    const json& events =
        expect(require(root, "", "events"), "/events", json::value_t::array, "an array");
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::string at = "/events/" + std::to_string(i);
      const json& e = expect(events[i], at, json::value_t::object, "an object");
      const json& components = expect(require(e, at, "eventComponents"), at + "/eventComponents",
                                      json::value_t::array, "an array");
      for (std::size_t k = 0; k < components.size(); ++k) {
        if (out.events >= limits.max_events)
          refuse("/events", "more than " + std::to_string(limits.max_events) + " events");
        write_component(components[k], at + "/eventComponents/" + std::to_string(k), out.events,
                        user_id, limits, out);
        ++out.events;
      }
    }
  } catch (const Refused& r) {
    error = r.what;
    return std::nullopt;
  } catch (const std::exception& e) {  // a type nlohmann refused after all: still a refusal
    error = std::string("unreadable: ") + e.what();
    return std::nullopt;
  }
  out.ics += "END:VCALENDAR\r\n";
  return out;
}

}  // namespace bcp::calendar
