// Checks of a whole parsed file, before any of its events is read: what libical complained
// about while parsing (and whether that matters to the importer), and the VTIMEZONE rules
// libical would expand on the first time conversion.
#pragma once

#include <libical/ical.h>

#include "bcp/calendar/calendar.hpp"
#include "source_lines.hpp"

namespace bcp::calendar {

// libical keeps going after a syntax error and records it as an X-LIC-ERROR property on the
// component where it happened. The first one about something the importer reads (the times
// and recurrence of events and time zones) or about the file's structure refuses the
// calendar, naming its line; the rest (an empty DESCRIPTION:, a property libical does not
// know, such as RFC 9253's LINK) are ignored, as RFC 5545 asks for what one does not use.
void check_libical_errors(icalcomponent* root, const SourceLines& lines);

// libical 3.0 expands every change of a zone's observances, from their DTSTART to the year
// asked for, on the first conversion, with no bound of its own (a FREQ=MINUTELY observance
// cost 17 s and 160 MB). Observance rules are checked before any time is converted.
void screen_zones(icalcomponent* root, const SourceLines& lines, const ParseLimits& limits);

}  // namespace bcp::calendar
