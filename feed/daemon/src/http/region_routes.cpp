// The regional daemon's HTTP endpoints (DESIGN.md, "Several towns"): GET /v1/region, the
// snapshot of every town, /healthz and /metrics. On the I/O thread, like every route.
#include "bridge/region_service.hpp"
#include "http/routes.hpp"

namespace bcp::daemon {

void route_region(RequestContext& ctx) {
  Daemon::Core& core = ctx.core;
  const auto& s = ctx.segments;
  const bool get = ctx.req.method() == http::verb::get;
  auto is = [&](std::initializer_list<std::string_view> path) {
    return std::equal(path.begin(), path.end(), s.begin(), s.end());
  };
  using config::Role;
  const model::TimePoint now = core.now();

  if (get && is({"healthz"})) {
    return ctx.reply(http::status::ok,
                     {{"status", "ok"}, {"seq", core.region->total_seq()}, {"region", true}});
  }
  if (get && is({"metrics"})) {
    Response res{http::status::ok, ctx.req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = core.metrics.prometheus_text() + core.region->prometheus_text(now);
    return ctx.respond(std::move(res));
  }
  if (get && is({"v1", "region"})) {
    if (!ctx.require({Role::display, Role::operator_})) return;
    return ctx.reply(http::status::ok, core.region->region_json(now));
  }
  if (get && is({"v1", "snapshot"})) {
    if (!ctx.require({Role::display, Role::operator_})) return;
    return ctx.reply(http::status::ok, core.region->snapshot_json(now));
  }
  if (get && is({"v1", "stream"})) {
    return ctx.refuse(http::status::upgrade_required, RefusalReason::malformed,
                      "GET /v1/stream needs a WebSocket upgrade");
  }
  ctx.respond(error_response(
      http::status::not_found,
      "no such endpoint on a regional daemon: " + std::string(ctx.req.method_string()) + " " +
          std::string(ctx.req.target().substr(0, ctx.req.target().find('?'))) +
          " (talk, check-ins, roll calls and alerts go to the town's own daemon)",
      ctx.req.version(), ctx.req.keep_alive()));
}

}  // namespace bcp::daemon
