// How the TZID of an event's time becomes a zone, including the shapes exporters write that
// RFC 5545 does not foresee (docs/protocol.md "Staff calendars" lists the decisions):
// - a VTIMEZONE of the file with that TZID; else the system's zone of that Olson name;
// - a prefixed TZID without a VTIMEZONE (Evolution/Lightning's
//   `/mozilla.org/20050126_1/America/New_York`): the Olson name at its end;
// - an empty TZID (Exchange writes `TZID:` in its VTIMEZONE and `DTSTART;TZID=:`): the
//   file's one VTIMEZONE without a TZID; with none, the time is read in the town's offset.
#pragma once

#include <map>
#include <string>

#include "calendar_data.hpp"

namespace bcp::calendar {

class ZoneResolver {
 public:
  struct Result {
    icaltimezone* zone = nullptr;  // null and no error: a floating time (the town's offset)
    std::string error;             // why the TZID cannot be resolved
  };
  // Zones built for the file are kept in `owned` (they must live as long as the calendar).
  explicit ZoneResolver(std::vector<IcalZonePtr>& owned) : owned_(owned) {}
  Result resolve(icalcomponent* vcalendar, const char* tzid);

 private:
  Result resolve_empty(icalcomponent* vcalendar);
  std::vector<IcalZonePtr>& owned_;
  std::map<icalcomponent*, Result> empty_;  // per VCALENDAR
};

}  // namespace bcp::calendar
