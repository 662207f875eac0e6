// Operator routes: roll calls, manual alerts, stopping the drill, taking a post off the wall.
#include <algorithm>
#include <cctype>

#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "report/rollcall_report.hpp"
#include "http/routes.hpp"

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
  const config::TownConfig& town = ctx.core.town;
  auto reachable = [&town](const std::string& staff) {
    const config::Staff* person = town.find_staff(staff);
    return person && person->lineworks_user.has_value();
  };
  auto report = build_rollcall_report(ctx.core.situation, rollcall, ctx.core.now(), reachable);
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

// ---- what every wall shows at once: stopping the drill, taking a post off the wall ------

namespace bcp::daemon {

namespace {

constexpr std::size_t kHideReasonMaxChars = 200;

// Characters, not bytes: a Japanese reason is three bytes a character. The body parser has
// checked the UTF-8 already.
std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// An id from the path, safe to quote in an answer: bounded, and only if it looks like one.
std::string quoted_id(std::string_view id) {
  constexpr std::size_t kMax = 64;
  std::string out(id.substr(0, kMax));
  std::replace_if(
      out.begin(), out.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '"'; }, '_');
  return "\"" + out + (id.size() > kMax ? "…\"" : "\"");
}

bool shows_message(const model::Situation& s, std::string_view id) {
  for (const auto& [group, talk] : s.talk) {
    for (const model::TalkEntry& e : talk.recent) {
      if (e.message.message_id == id) return true;
    }
  }
  return false;
}

// Issue 15 hooks in here. When the bot's rollcall_distribution is configured, the staff that
// were messaged for the closed drill roll calls and the announce_groups are to be told that
// the drill is stopped (an actual roll call, if one is open, goes on and is not mentioned).
// Until the distribution exists there is nobody to tell; the log says what was stopped.
void tell_staff_drill_stopped(Daemon::Core& /*core*/, const json& closed, const json& cancelled) {
  log(LogLevel::info, "drill",
      "drill stopped: closed " + closed.dump() + ", cancelled " + cancelled.dump() +
          " (no roll-call distribution to tell yet)");
}

}  // namespace

void route_drill_stop(RequestContext& ctx) {
  auto body = optional_body(ctx);
  if (!body) return;
  if (!body->empty()) {
    return ctx.refuse(
        http::status::bad_request, RefusalReason::malformed,
        "/" + body->begin().key() + ": unknown field (the drill stop takes no fields)");
  }
  const model::Situation& s = ctx.core.situation;
  const model::TimePoint now = ctx.core.now();
  json closed = json::array();
  json cancelled = json::array();
  std::vector<model::Event> events;
  auto event = [&](model::Payload body) {
    model::Event e;
    e.at = now;
    e.body = std::move(body);
    events.push_back(std::move(e));
  };
  for (const std::string& id : s.rollcall_order) {
    auto it = s.rollcalls.find(id);
    if (it == s.rollcalls.end() || !it->second.open() || !it->second.started.drill) continue;
    event(model::RollcallClosed{id});
    closed.push_back(id);
  }
  for (const auto& [id, a] : s.alerts) {
    if (!a.alert.drill || !a.active(now)) continue;
    event(model::AlertCancelled{id, std::string(model::kDrillStoppedNotice)});
    cancelled.push_back(id);
  }
  if (events.empty()) {
    // Nothing of a drill is shown: nothing to journal, and no 訓練中止 on the walls.
    return ctx.reply(http::status::ok,
                     {{"closed", closed}, {"cancelled", cancelled}, {"seq", s.last_seq}});
  }
  event(model::Notice{std::string(model::kDrillStoppedNotice), model::NoticeLevel::warning});
  tell_staff_drill_stopped(ctx.core, closed, cancelled);
  ctx.commit_all(std::move(events), http::status::ok,
                 {{"closed", closed}, {"cancelled", cancelled}});
}

void route_talk_hide(RequestContext& ctx, std::string_view message_id) {
  auto body = ctx.json_body();
  if (!body) return;
  std::string reason;
  for (const auto& [key, value] : body->items()) {
    if (key != "reason") {
      return ctx.refuse(http::status::bad_request, RefusalReason::malformed,
                        "/" + key + ": unknown field");
    }
    if (!value.is_string()) {
      return ctx.refuse(http::status::bad_request, RefusalReason::malformed,
                        std::string("/reason: expected a string, got ") + value.type_name());
    }
    reason = value.get<std::string>();
  }
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return ctx.refuse(
        http::status::bad_request, RefusalReason::malformed,
        "/reason: required, say why the post comes off the wall (kept for the audit)");
  }
  if (utf8_chars(reason) > kHideReasonMaxChars) {
    return ctx.refuse(
        http::status::bad_request, RefusalReason::malformed,
        "/reason: longer than " + std::to_string(kHideReasonMaxChars) + " characters");
  }
  if (ctx.core.hidden_messages.contains(std::string(message_id))) {
    return ctx.refuse(http::status::conflict, RefusalReason::conflict,
                      "talk message " + quoted_id(message_id) + " is off the wall already");
  }
  if (!shows_message(ctx.core.situation, message_id)) {
    return ctx.refuse(http::status::not_found, RefusalReason::malformed,
                      "unknown talk message " + quoted_id(message_id));
  }
  model::Event e;
  e.at = ctx.core.now();
  e.body = model::TalkHidden{std::string(message_id), std::move(reason), ctx.token->name};
  ctx.commit(std::move(e), http::status::ok, {{"message_id", std::string(message_id)}});
}

}  // namespace bcp::daemon
