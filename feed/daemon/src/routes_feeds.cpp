// Alert sources wired into the daemon: CAP, JMA, keyword rules on talk (issue 4).
#include "routes.hpp"

namespace bcp::daemon {

void route_cap(RequestContext& ctx) {
  ctx.refuse(http::status::not_implemented, RefusalReason::ignored, "CAP ingest is not available in this build yet");
}

void route_jma(RequestContext& ctx) {
  ctx.refuse(http::status::not_implemented, RefusalReason::ignored, "JMA ingest is not available in this build yet");
}

std::vector<model::Event> alerts_for_talk(Daemon::Core&, const model::Event&) { return {}; }

}  // namespace bcp::daemon
