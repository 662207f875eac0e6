// Operator routes: roll calls and manual alerts.
#include <algorithm>
#include <cctype>

#include "bcp/daemon/gate.hpp"
#include "bcp/model/codec.hpp"
#include "rollcall_report.hpp"
#include "routes.hpp"

namespace bcp::daemon {

using nlohmann::json;

void route_rollcall_start(RequestContext& ctx) {
  auto event = ctx.api_event(ApiBody::rollcall_start, {.new_id = ctx.core.new_id("rc")});
  if (!event) return;
  const auto& started = std::get<model::RollcallStarted>(event->body);
  const model::Situation& s = ctx.core.situation;
  if (s.rollcalls.count(started.rollcall)) {
    return ctx.refuse(http::status::conflict, RefusalReason::conflict, "roll call \"" + started.rollcall + "\" exists already");
  }
  if (const model::RollcallState* open = s.open_rollcall(started.drill)) {
    return ctx.refuse(http::status::conflict, RefusalReason::conflict,
                      std::string(started.drill ? "a drill" : "an actual") + " roll call is open already: \"" +
                          open->started.rollcall + "\"");
  }
  for (const std::string& d : started.departments) {
    if (!s.directory.find_department(d)) {
      return ctx.refuse(http::status::bad_request, RefusalReason::malformed, "/departments: unknown department \"" + d + "\"");
    }
  }
  std::string id = started.rollcall;
  ctx.commit(std::move(*event), http::status::created, {{"rollcall", id}});
}

void route_rollcall_close(RequestContext& ctx, std::string_view rollcall) {
  auto it = ctx.core.situation.rollcalls.find(std::string(rollcall));
  if (it == ctx.core.situation.rollcalls.end()) {
    return ctx.refuse(http::status::not_found, RefusalReason::malformed, "unknown roll call \"" + std::string(rollcall) + "\"");
  }
  if (!it->second.open()) {
    return ctx.refuse(http::status::conflict, RefusalReason::conflict, "roll call \"" + std::string(rollcall) + "\" is closed already");
  }
  model::Event e;
  e.at = ctx.core.now();
  e.body = model::RollcallClosed{std::string(rollcall)};
  ctx.commit(std::move(e), http::status::ok, {{"rollcall", std::string(rollcall)}});
}

void route_alert_raise(RequestContext& ctx) {
  auto event = ctx.api_event(ApiBody::alert_raise,
                             {.new_id = ctx.core.new_id("manual"), .token_name = ctx.token->name});
  if (!event) return;
  const std::string id = std::get<model::AlertRaised>(event->body).alert;
  if (ctx.core.situation.alerts.count(id)) {
    return ctx.refuse(http::status::conflict, RefusalReason::conflict, "alert \"" + id + "\" exists already");
  }
  ctx.commit(std::move(*event), http::status::created, {{"alert", id}});
}

namespace {
// Ack and cancel take an optional JSON body; an empty body is fine.
std::optional<json> optional_body(RequestContext& ctx) {
  if (ctx.req.body().empty()) return json::object();
  return ctx.json_body();
}

const model::AlertState* find_alert(RequestContext& ctx, std::string_view id) {
  auto it = ctx.core.situation.alerts.find(std::string(id));
  if (it == ctx.core.situation.alerts.end()) {
    ctx.refuse(http::status::not_found, RefusalReason::malformed, "unknown alert \"" + std::string(id) + "\"");
    return nullptr;
  }
  if (it->second.cancelled) {
    ctx.refuse(http::status::conflict, RefusalReason::conflict, "alert \"" + std::string(id) + "\" is cancelled");
    return nullptr;
  }
  return &it->second;
}
}  // namespace

void route_alert_ack(RequestContext& ctx, std::string_view alert) {
  auto body = optional_body(ctx);
  if (!body || !find_alert(ctx, alert)) return;
  auto by = optional_string_field(*body, "by");
  if (auto* r = std::get_if<Refusal>(&by)) return ctx.refuse(*r);
  model::Event e;
  e.at = ctx.core.now();
  e.body = model::AlertAcknowledged{
      std::string(alert), std::get<std::optional<std::string>>(by).value_or(ctx.token->name)};
  ctx.commit(std::move(e), http::status::ok, {{"alert", std::string(alert)}});
}

void route_alert_cancel(RequestContext& ctx, std::string_view alert) {
  auto body = optional_body(ctx);
  if (!body || !find_alert(ctx, alert)) return;
  auto reason = optional_string_field(*body, "reason");
  if (auto* r = std::get_if<Refusal>(&reason)) return ctx.refuse(*r);
  model::Event e;
  e.at = ctx.core.now();
  e.body = model::AlertCancelled{std::string(alert), std::get<std::optional<std::string>>(reason)};
  ctx.commit(std::move(e), http::status::ok, {{"alert", std::string(alert)}});
}

void route_rollcall_report(RequestContext& ctx, std::string_view rollcall) {
  auto report = build_rollcall_report(ctx.core.situation, rollcall, ctx.core.now());
  if (!report) {
    return ctx.refuse(http::status::not_found, RefusalReason::malformed, "unknown roll call \"" + std::string(rollcall) + "\"");
  }
  if (std::string_view(ctx.req[http::field::accept]).find("text/csv") == std::string_view::npos) {
    return ctx.reply(http::status::ok, report_to_json(*report));
  }
  const std::string part_name = ctx.query("part").value_or("people");
  const std::optional<ReportPart> part = report_part_from_string(part_name);
  if (!part) {
    return ctx.refuse(http::status::bad_request, RefusalReason::malformed, "part: expected people, departments or summary");
  }
  // The id goes into a header: keep only characters that cannot break out of it.
  std::string file = "rollcall-" + std::string(rollcall) + (*part == ReportPart::people ? "" : "-" + part_name);
  std::replace_if(file.begin(), file.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.'; }, '_');
  Response res{http::status::ok, ctx.req.version()};
  res.set(http::field::server, "bcp-feedd");
  res.set(http::field::content_type, "text/csv; charset=utf-8");
  res.set(http::field::content_disposition, "attachment; filename=\"" + file + ".csv\"");
  res.keep_alive(ctx.req.keep_alive());
  res.body() = report_to_csv(*report, *part);
  ctx.respond(std::move(res));
}

}  // namespace bcp::daemon
