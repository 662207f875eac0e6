#include "file_checks.hpp"
#include "ical_helpers.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "calendar_data.hpp"
#include "rule_screen.hpp"

namespace bcp::calendar {
namespace {

// The properties whose problems refuse a file: the ones the importer reads.
bool read_by_importer(icalcomponent_kind kind, std::string_view property) {
  static constexpr std::string_view kEvent[] = {"DTSTART", "DTEND",  "DURATION",     "RRULE",
                                                "RDATE",   "EXDATE", "RECURRENCE-ID"};
  static constexpr std::string_view kObservance[] = {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO",
                                                     "RRULE", "RDATE"};
  auto in = [&](const auto& names) {
    return std::find(std::begin(names), std::end(names), property) != std::end(names);
  };
  switch (kind) {
    case ICAL_VEVENT_COMPONENT:
      return in(kEvent);
    case ICAL_XSTANDARD_COMPONENT:
    case ICAL_XDAYLIGHT_COMPONENT:
      return in(kObservance);
    default:
      return false;  // VCALENDAR's own properties, VALARM, VTODO, ...: nothing is read there
  }
}

// An iana-token or x-name (RFC 5545 3.1): letters, digits and '-'.
bool is_property_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// What libical's message says, split: "<what> in <NAME> property. Removing entire property:
// <value>", "No value for <NAME> property...", "Invalid VALUE type for property <NAME>:
// <param>", "Parse error in property name: <name>", "Got a data line, but ...: <line>".
struct LibicalComplaint {
  icalparameter_xlicerrortype type = ICAL_XLICERRORTYPE_NONE;
  std::string message, property, value;
};

std::string between(const std::string& text, std::string_view before, std::string_view after) {
  auto a = text.find(before);
  if (a == std::string::npos) return {};
  a += before.size();
  auto b = after.empty() ? std::string::npos : text.find(after, a);
  return text.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

LibicalComplaint read_complaint(icalproperty* p) {
  LibicalComplaint c;
  if (icalparameter* t = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER)) {
    c.type = icalparameter_get_xlicerrortype(t);
  }
  c.message = icalproperty_get_xlicerror(p) ? icalproperty_get_xlicerror(p) : "";
  if (auto colon = c.message.rfind(": "); colon != std::string::npos) {
    c.value = c.message.substr(colon + 2);
    c.message.erase(colon);
  } else if (!c.message.empty() && c.message.back() == ':') {
    c.message.pop_back();  // "... Removing entire property:" with an empty value
  }
  if (auto removing = c.message.find(". Removing"); removing != std::string::npos) {
    c.message.erase(removing);
  }
  if (c.type == ICAL_XLICERRORTYPE_PROPERTYPARSEERROR) {
    c.property = c.value;  // the name libical could not take
  } else if (c.message.rfind("No value for ", 0) == 0) {
    c.property = between(c.message, "No value for ", " property");
  } else if (auto name = between(c.message, "for property ", ""); !name.empty()) {
    c.property = name;
  } else {
    c.property = between(c.message, " in ", " property");
  }
  return c;
}

bool refuses(const LibicalComplaint& c, icalcomponent_kind kind) {
  switch (c.type) {
    case ICAL_XLICERRORTYPE_COMPONENTPARSEERROR:
      return true;  // a line that is not a content line: the file's structure is broken
    case ICAL_XLICERRORTYPE_PROPERTYPARSEERROR:
      // A property libical does not know (RFC 9253 LINK, STRUCTURED-DATA): ignored, as RFC
      // 5545 says; a "name" that is no name at all is a broken line.
      return !is_property_name(c.property);
    case ICAL_XLICERRORTYPE_PARAMETERNAMEPARSEERROR:
      return false;  // libical keeps the property without the parameter
    case ICAL_XLICERRORTYPE_VALUEPARSEERROR:
    case ICAL_XLICERRORTYPE_PARAMETERVALUEPARSEERROR:
      return read_by_importer(kind, c.property);
    default:
      return true;
  }
}

// Where in the text a component is (the nearest VEVENT or VTIMEZONE around it), and how
// messages name it.
struct Place {
  Component kind = Component::vevent;
  std::size_t index = SourceLines::kAny;
  std::string name;
};

class ErrorWalk {
 public:
  explicit ErrorWalk(const SourceLines& lines) : lines_(lines) {}

  void walk(icalcomponent* c, const Place& outer) {
    Place here = outer;
    const icalcomponent_kind kind = icalcomponent_isa(c);
    if (kind == ICAL_VEVENT_COMPONENT) {
      const char* uid = icalcomponent_get_uid(c);
      here = {Component::vevent, events_++, ""};
      here.name = std::string("VEVENT ") +
                  (uid ? "\"" + std::string(uid) + "\"" : "#" + std::to_string(here.index + 1));
    } else if (kind == ICAL_VTIMEZONE_COMPONENT) {
      const char* tzid = nullptr;
      if (icalproperty* p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY)) {
        tzid = icalproperty_get_tzid(p);
      }
      here = {Component::vtimezone, zones_++,
              std::string("VTIMEZONE \"") + (tzid ? tzid : "") + "\""};
    } else if (here.index == SourceLines::kAny) {
      // Outside any event or zone (VCALENDAR itself, a VTODO): named by its kind. Inside one
      // (its VALARM, a zone's STANDARD), the event or zone names the place.
      here.name = icalcomponent_kind_to_string(kind);
    }
    for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
      LibicalComplaint complaint = read_complaint(p);
      if (refuses(complaint, kind)) fail(complaint, here);
    }
    for (icalcomponent* k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
      walk(k, here);
    }
  }

 private:
  [[noreturn]] void fail(const LibicalComplaint& c, const Place& at) const {
    const bool structural = c.type == ICAL_XLICERRORTYPE_COMPONENTPARSEERROR ||
                            c.type == ICAL_XLICERRORTYPE_PROPERTYPARSEERROR;
    const std::string property = structural ? "" : c.property;
    std::size_t line = c.type == ICAL_XLICERRORTYPE_PROPERTYPARSEERROR
                           ? lines_.first_property(at.kind, at.index, c.property)
                           : lines_.find(c.value, property, at.kind, at.index);
    if (!line && !property.empty()) line = lines_.first_property(at.kind, at.index, property);
    if (!line) line = lines_.begin(at.kind, at.index);
    if (!line) line = lines_.first_content_line_number();
    throw CalendarError(at_line(
        line, at.name + ": " + c.message + (c.value.empty() ? "" : " \"" + c.value + "\"")));
  }

  const SourceLines& lines_;
  std::size_t events_ = 0, zones_ = 0;
};

// libical reads a UTC offset it cannot parse (`TZOFFSETTO:nine`) as +0000 without a word,
// and drops an observance without TZOFFSETTO: either would put every time of the zone off.
void check_offsets(icalcomponent* zone, std::size_t index, const std::string& name,
                   const SourceLines& lines) {
  for (const char* property : {"TZOFFSETFROM", "TZOFFSETTO"}) {
    for (const SourceLines::Value& v : lines.values(Component::vtimezone, index, property)) {
      const std::string_view text = v.text;
      const bool ok =
          (text.size() == 5 || text.size() == 7) && (text[0] == '+' || text[0] == '-') &&
          std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!ok) {
        throw CalendarError(at_line(v.line, name + ": " + property + ": \"" +
                                                std::string(text.substr(0, 20)) +
                                                "\" is not a UTC offset (like +0900)"));
      }
    }
  }
  for (icalcomponent* o = icalcomponent_get_first_component(zone, ICAL_ANY_COMPONENT); o;
       o = icalcomponent_get_next_component(zone, ICAL_ANY_COMPONENT)) {
    const icalcomponent_kind kind = icalcomponent_isa(o);
    if (kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT) continue;
    for (icalproperty_kind needed : {ICAL_DTSTART_PROPERTY, ICAL_TZOFFSETTO_PROPERTY}) {
      if (!icalcomponent_get_first_property(o, needed)) {
        throw CalendarError(at_line(lines.begin(Component::vtimezone, index),
                                    name + ": " + icalcomponent_kind_to_string(kind) + " without " +
                                        icalproperty_kind_to_string(needed)));
      }
    }
  }
}

}  // namespace

void check_libical_errors(icalcomponent* root, const SourceLines& lines) {
  ErrorWalk(lines).walk(root, Place{});
}

void screen_zones(icalcomponent* root, const SourceLines& lines, const ParseLimits& limits) {
  std::size_t zone_index = 0;
  auto check_zone = [&](icalcomponent* zone) {
    const std::size_t index = zone_index++;
    report_progress(limits.progress_line, lines.begin(Component::vtimezone, index));
    const char* tzid = nullptr;
    if (icalproperty* p = icalcomponent_get_first_property(zone, ICAL_TZID_PROPERTY)) {
      tzid = icalproperty_get_tzid(p);
    }
    const std::string name = std::string("VTIMEZONE \"") + (tzid ? tzid : "") + "\"";
    check_offsets(zone, index, name, lines);
    std::size_t changes = 0, nth_rule = 0;
    for (icalcomponent* o = icalcomponent_get_first_component(zone, ICAL_ANY_COMPONENT); o;
         o = icalcomponent_get_next_component(zone, ICAL_ANY_COMPONENT)) {
      int first_year = 1970;
      if (icalproperty* p = icalcomponent_get_first_property(o, ICAL_DTSTART_PROPERTY)) {
        first_year = icalproperty_get_dtstart(p).year;
      }
      // The years libical may expand: from the observance's start to well past the years
      // a calendar is read in.
      const std::size_t years = static_cast<std::size_t>(std::max(1, 2100 - first_year + 1));
      for (icalproperty* p = icalcomponent_get_first_property(o, ICAL_RRULE_PROPERTY); p;
           p = icalcomponent_get_next_property(o, ICAL_RRULE_PROPERTY), ++nth_rule) {
        ZoneRuleCheck check = screen_zone_rule(icalproperty_get_rrule(p));
        if (check.error) {
          throw CalendarError(
              at_line(lines.property(Component::vtimezone, index, "RRULE", nth_rule),
                      name + ": RRULE: " + *check.error));
        }
        changes += years * check.per_year;
      }
      changes += count_properties(o, ICAL_RDATE_PROPERTY) + 1;
      if (changes > limits.max_zone_changes) {
        throw CalendarError(at_line(lines.begin(Component::vtimezone, index),
                                    name + ": implies more than " +
                                        std::to_string(limits.max_zone_changes) +
                                        " offset changes (a time zone has a few hundred)"));
      }
    }
  };
  auto walk = [&](auto&& self, icalcomponent* c) -> void {
    for (icalcomponent* k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
      if (icalcomponent_isa(k) == ICAL_VTIMEZONE_COMPONENT) {
        check_zone(k);
      } else if (icalcomponent_isa(k) == ICAL_VCALENDAR_COMPONENT) {
        self(self, k);
      }
    }
  };
  if (icalcomponent_isa(root) == ICAL_VTIMEZONE_COMPONENT) {
    check_zone(root);
  } else {
    walk(walk, root);
  }
}

}  // namespace bcp::calendar
