// PUT /v1/staff/{id}/calendar: checks the request on the I/O thread, then hands the text to
// the CalendarService, which evaluates it in a worker process (libical never runs on the I/O
// thread: a hostile file costs its import the budget, nobody else anything).
#include <boost/beast/core/string.hpp>

#include "sources/calendar_service.hpp"

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
  // Taken out of the request: the context is copied into the service's callbacks.
  std::string ics = std::move(ctx.req.body());
  ctx.req.body().clear();
  ctx.core.calendars->import(ctx, std::move(staff), std::move(ics));
}

}  // namespace bcp::daemon
