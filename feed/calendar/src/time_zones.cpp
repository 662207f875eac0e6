#include "time_zones.hpp"

#include <string_view>

namespace bcp::calendar {
namespace {

icaltimezone* system_zone(const char* name) {
  if (icaltimezone* z = icaltimezone_get_builtin_timezone(name)) return z;
  return icaltimezone_get_builtin_timezone_from_tzid(name);
}

// "/mozilla.org/20050126_1/America/New_York" -> the zone of the longest tail that names one.
icaltimezone* olson_tail(std::string_view tzid) {
  for (auto slash = tzid.find('/'); slash != std::string_view::npos;
       slash = tzid.find('/', slash + 1)) {
    const std::string tail(tzid.substr(slash + 1));
    if (tail.find('/') == std::string::npos) break;  // "New_York" alone names nothing
    if (icaltimezone* z = icaltimezone_get_builtin_timezone(tail.c_str())) return z;
  }
  return nullptr;
}

}  // namespace

ZoneResolver::Result ZoneResolver::resolve(icalcomponent* vcalendar, const char* tzid) {
  if (!tzid || !*tzid) return resolve_empty(vcalendar);
  if (icaltimezone* z = icalcomponent_get_timezone(vcalendar, tzid)) return {z, {}};
  if (icaltimezone* z = system_zone(tzid)) return {z, {}};
  if (icaltimezone* z = olson_tail(tzid)) return {z, {}};
  return {nullptr, std::string("unknown time zone TZID=\"") + tzid +
                       "\" (no VTIMEZONE for it in the file and not an Olson name)"};
}

ZoneResolver::Result ZoneResolver::resolve_empty(icalcomponent* vcalendar) {
  if (auto known = empty_.find(vcalendar); known != empty_.end()) return known->second;
  std::vector<icalcomponent*> unnamed;
  for (icalcomponent* z = icalcomponent_get_first_component(vcalendar, ICAL_VTIMEZONE_COMPONENT); z;
       z = icalcomponent_get_next_component(vcalendar, ICAL_VTIMEZONE_COMPONENT)) {
    // libical drops an empty `TZID:` property (and notes it, see check_libical_errors).
    if (!icalcomponent_get_first_property(z, ICAL_TZID_PROPERTY)) unnamed.push_back(z);
  }
  Result out;
  if (unnamed.size() > 1) {
    out.error = "TZID is empty, and " + std::to_string(unnamed.size()) +
                " VTIMEZONEs of the file have no TZID: which one is meant is unclear";
  } else if (unnamed.size() == 1) {
    // libical builds a zone only from a VTIMEZONE with a TZID: give a copy one.
    icalcomponent* copy = icalcomponent_new_clone(unnamed.front());
    icalcomponent_add_property(copy, icalproperty_new_tzid("(empty TZID)"));
    IcalZonePtr zone(icaltimezone_new());
    if (zone && icaltimezone_set_component(zone.get(), copy)) {
      out.zone = zone.get();
      owned_.push_back(std::move(zone));
    } else {
      icalcomponent_free(copy);
      out.error = "TZID is empty and the VTIMEZONE without a TZID cannot be used";
    }
  }
  // No VTIMEZONE without a TZID: the time is floating, read in the town's offset.
  return empty_[vcalendar] = out;
}

}  // namespace bcp::calendar
