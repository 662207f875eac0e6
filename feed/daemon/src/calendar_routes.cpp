// PUT /v1/staff/{id}/calendar: checks the request and parses the calendar on the I/O thread
// (libical; bounded, see bcp/calendar/calendar.hpp), then hands it to the CalendarService.
#include <boost/beast/core/string.hpp>

#include "calendar_service.hpp"

namespace bcp::daemon {

void route_calendar_import(RequestContext& ctx, std::string_view staff_id) {
  std::string_view type = ctx.req[http::field::content_type];
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (!boost::beast::iequals(type, "text/calendar")) {
    return ctx.refuse(http::status::unsupported_media_type, RefusalReason::content_type,
                      "expected Content-Type text/calendar (an .ics file)");
  }
  std::string staff(staff_id);
  if (!ctx.core.situation.directory.find_staff(staff)) {
    return ctx.refuse(http::status::not_found, RefusalReason::malformed,
                      "unknown staff \"" + staff + "\"");
  }
  // Taken out of the request: the context is copied into the callbacks below.
  std::string ics = std::move(ctx.req.body());
  ctx.req.body().clear();
  std::optional<calendar::Calendar> parsed;
  try {
    parsed = calendar::parse_ics(ics);
  } catch (const calendar::CalendarError& e) {
    return ctx.refuse(http::status::bad_request, RefusalReason::malformed,
                      std::string("calendar: ") + e.what());
  }
  ctx.core.calendars->import(ctx, std::move(staff), std::move(ics), std::move(*parsed));
}

}  // namespace bcp::daemon
