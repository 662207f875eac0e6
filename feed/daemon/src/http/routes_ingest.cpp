// Ingest routes: talk, availability, check-ins, and the LINE WORKS bot callback.
#include <algorithm>

#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/adapters/lineworks.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "http/routes.hpp"

namespace bcp::daemon {
namespace {

using nlohmann::json;

// The open roll call a check-in answers: an id, or "current" = the open one (of the kind
// asked for with ?kind=drill|actual when both are open).
std::variant<const model::RollcallState*, Refusal> resolve_rollcall(const model::Situation& s, std::string_view id,
                                                                     std::optional<bool> drill) {
  if (id != "current") {
    auto it = s.rollcalls.find(std::string(id));
    if (it == s.rollcalls.end()) return Refusal{404, RefusalReason::malformed, "unknown roll call \"" + std::string(id) + "\""};
    if (!it->second.open()) return Refusal{409, RefusalReason::conflict, "roll call \"" + std::string(id) + "\" is closed"};
    return &it->second;
  }
  const model::RollcallState* actual = s.open_rollcall(false);
  const model::RollcallState* exercise = s.open_rollcall(true);
  if (drill) {
    const model::RollcallState* r = *drill ? exercise : actual;
    if (!r) return Refusal{404, RefusalReason::conflict, std::string("no open ") + (*drill ? "drill" : "actual") + " roll call"};
    return r;
  }
  if (actual && exercise) {
    return Refusal{409, RefusalReason::conflict,
                   "both an actual and a drill roll call are open: name the roll call or add ?kind=actual|drill"};
  }
  if (!actual && !exercise) return Refusal{404, RefusalReason::conflict, "no roll call is open"};
  return actual ? actual : exercise;
}

std::optional<Refusal> check_scope(const model::Situation& s, const model::RollcallState& rc, const std::string& staff) {
  if (!s.directory.find_staff(staff)) return Refusal{400, RefusalReason::malformed, "/staff: unknown staff \"" + staff + "\""};
  if (std::find(rc.scope.begin(), rc.scope.end(), staff) == rc.scope.end()) {
    return Refusal{403, RefusalReason::conflict,
                   "/staff: \"" + staff + "\" is not in the scope of roll call \"" + rc.started.rollcall + "\""};
  }
  return std::nullopt;
}

// DESIGN.md: a sender whose id is a roster staff id may omit name and department, and the
// roster's are used. They are used also when the post names someone else, so that the talk
// row, the keyword alert it raises, the report and the replay all show the one name the
// roster gives (the wall shows roster names). Anything not shaped like a sender is left to
// the codec, which names what is wrong.
void use_roster_sender(const model::Directory& directory, json& item) {
  auto sender = item.find("sender");
  if (sender == item.end() || !sender->is_object()) return;
  auto id = sender->find("id");
  if (id == sender->end() || !id->is_string()) return;
  const model::DirectoryStaff* staff = directory.find_staff(id->get<std::string>());
  if (!staff) return;
  (*sender)["name"] = staff->name;
  (*sender)["department"] = staff->department;
}

// A LINE WORKS answer that no open roll call takes: kept as a notice, never lost.
model::Notice answer_without_rollcall(const Daemon::Core& core, const LineworksItem& item) {
  const model::DirectoryStaff* who = core.situation.directory.find_staff(item.staff);
  return model::Notice{"安否回答（対象の点呼なし）: " + (who ? who->name : item.staff) + " — " +
                           std::string(model::to_string(item.answer.safety)) + ", 出勤 " +
                           std::string(model::to_string(item.answer.can_work)),
                       model::NoticeLevel::warning};
}

void answer_lineworks(const RequestContext& ctx) {
  Response res{http::status::ok, ctx.req.version()};
  res.keep_alive(ctx.req.keep_alive());
  ctx.respond(std::move(res));
}

// LINE WORKS never resends a callback: what the gate refuses is counted, logged and
// answered 200 all the same.
void drop_lineworks(const RequestContext& ctx, const Refusal& r) {
  ctx.core.metrics.refuse(r.reason);
  log(LogLevel::info, "lineworks",
      "dropped callback: " + std::string(to_string(r.reason)) + ": " + r.message);
  answer_lineworks(ctx);
}

// Journals a callback's events and answers 200. Only a journal failure is not 200 (503: the
// callback is not stored, and the operator can resend it). A check-in whose roll call
// closed while it waited for the commit (CommitConflict) is journaled as `fallback`.
void submit_lineworks(const RequestContext& ctx, std::string key, std::vector<model::Event> events,
                      std::optional<model::Event> fallback) {
  ctx.core.submit(std::move(events),
                  [ctx, key, fallback = std::move(fallback)](std::vector<model::Event>,
                                                             std::exception_ptr error) mutable {
                    if (!error) return answer_lineworks(ctx);
                    const Refusal r = submit_refusal(error);
                    if (r.reason == RefusalReason::conflict && fallback) {
                      log(LogLevel::info, "lineworks", "check-in kept as a notice: " + r.message);
                      std::vector<model::Event> notice;
                      notice.push_back(std::move(*fallback));
                      return submit_lineworks(ctx, std::move(key), std::move(notice), std::nullopt);
                    }
                    if (r.reason != RefusalReason::journal) return drop_lineworks(ctx, r);
                    // Not stored: forget the digest so that a retry by an operator is not called a
                    // replay.
                    ctx.core.seen_callbacks.erase(key);
                    ctx.refuse(r);
                  });
}

}  // namespace

void route_talk(RequestContext& ctx) {
  auto body = ctx.api_body(ApiBody::talk);
  if (!body) return;
  use_roster_sender(ctx.core.situation.directory, *body);
  auto event = ctx.api_event(ApiBody::talk, std::move(*body), {.new_id = ctx.core.new_id("api")});
  if (!event) return;
  const auto& talk = std::get<model::TalkMessage>(event->body);
  if (auto r = check_group(ctx.core.town, talk.group)) return ctx.refuse(*r);
  std::string id = talk.message_id;
  std::vector<model::Event> derived = alerts_for_talk(ctx.core, *event);
  ctx.commit(std::move(*event), http::status::ok, {{"message_id", id}}, std::move(derived));
}

void route_availability(RequestContext& ctx) {
  auto event = ctx.api_event(ApiBody::availability, {});
  if (!event) return;
  const auto& a = std::get<model::StaffAvailability>(event->body);
  if (!ctx.core.situation.directory.find_staff(a.staff)) {
    return ctx.refuse(http::status::bad_request, RefusalReason::malformed, "/staff: unknown staff \"" + a.staff + "\"");
  }
  ctx.commit(std::move(*event), http::status::ok);
}

void route_checkin(RequestContext& ctx, std::string_view rollcall) {
  auto body = ctx.api_body(ApiBody::checkin);
  if (!body) return;
  std::optional<bool> drill;
  if (auto kind = ctx.query("kind")) {
    if (*kind != "drill" && *kind != "actual") {
      return ctx.refuse(http::status::bad_request, RefusalReason::malformed, "kind: expected drill or actual");
    }
    drill = *kind == "drill";
  }
  auto resolved = resolve_rollcall(ctx.core.situation, rollcall, drill);
  if (auto* r = std::get_if<Refusal>(&resolved)) return ctx.refuse(*r);
  const model::RollcallState& rc = *std::get<const model::RollcallState*>(resolved);
  auto event = ctx.api_event(ApiBody::checkin, std::move(*body), {.rollcall = rc.started.rollcall});
  if (!event) return;
  if (auto r = check_scope(ctx.core.situation, rc, std::get<model::RollcallCheckin>(event->body).staff)) {
    return ctx.refuse(*r);
  }
  ctx.commit(std::move(*event), http::status::ok, {{"rollcall", rc.started.rollcall}});
}

void route_lineworks(RequestContext& ctx) {
  Daemon::Core& core = ctx.core;
  // Beast compares field names case-insensitively. Two of either header are refused: which
  // one a proxy or the signature check reads would be anybody's guess.
  for (std::string_view header : {"X-WORKS-BotId", "X-WORKS-Signature"}) {
    if (ctx.req.count(header) > 1) {
      return ctx.refuse(http::status::unauthorized, RefusalReason::unauthorized,
                        "more than one " + std::string(header) + " header");
    }
  }
  std::string_view bot_id = ctx.req["X-WORKS-BotId"];
  std::string_view signature = ctx.req["X-WORKS-Signature"];
  const config::Bot* bot = core.town.find_bot(bot_id);
  if (!bot) return ctx.refuse(http::status::unauthorized, RefusalReason::unauthorized, "unknown bot id");
  if (signature.empty() || !verify_lineworks_signature(bot->secret, ctx.req.body(), signature)) {
    return ctx.refuse(http::status::unauthorized, RefusalReason::unauthorized, "bad or missing X-WORKS-Signature");
  }
  // A signed callback: LINE WORKS reaches us (source health, "lineworks").
  core.sources->succeeded("lineworks");
  // From here on LINE WORKS gets 200 whatever happens: it never resends a callback.
  auto drop = [&ctx](const Refusal& r) { drop_lineworks(ctx, r); };
  const std::string digest = sha256_hex(ctx.req.body());
  const std::string key = "lw-" + digest.substr(0, 20);
  if (core.seen_callbacks.count(key)) {
    return drop(Refusal{200, RefusalReason::duplicate, "callback already taken (replayed body)"});
  }
  const model::TimePoint received = core.now();
  LineworksItem item = map_lineworks_callback(core.town, ctx.req.body(), digest, received);
  model::Event event;
  event.at = item.at;
  event.origin = key;
  std::optional<model::Event> fallback;  // a check-in's answer without a roll call
  switch (item.kind) {
    case LineworksItem::Kind::dropped:
      return drop(*item.refusal);
    case LineworksItem::Kind::talk:
      event.body = std::move(item.talk);
      break;
    case LineworksItem::Kind::notice:
      event.body = std::move(item.notice);
      break;
    case LineworksItem::Kind::checkin: {
      std::string_view wanted = item.answer.rollcall ? std::string_view(*item.answer.rollcall) : "current";
      auto resolved = resolve_rollcall(core.situation, wanted, std::nullopt);
      const model::RollcallState* rc = nullptr;
      if (auto* p = std::get_if<const model::RollcallState*>(&resolved)) rc = *p;
      if (rc && check_scope(core.situation, *rc, item.staff)) rc = nullptr;
      if (!rc) {
        event.body = answer_without_rollcall(core, item);
      } else {
        fallback = event;
        fallback->body = answer_without_rollcall(core, item);
        model::RollcallCheckin c;
        c.rollcall = rc->started.rollcall;
        c.staff = item.staff;
        c.safety = item.answer.safety;
        c.can_work = item.answer.can_work;
        c.source = "lineworks";
        event.body = std::move(c);
      }
      break;
    }
  }
  // What the journal could not take as it is (an issuedTime of 9999-12-31T23:59:59-14:00) is
  // malformed like any other source's, never a journal failure.
  if (auto r = check_readable(event)) return drop(*r);
  if (auto ahead = check_not_ahead(event.at, received, "/issuedTime")) {
    // A LINE WORKS clock ahead must not make this item newer than what follows it, and
    // dropping it would lose an answer: it happened when it arrived.
    log(LogLevel::warning, "lineworks", "callback time taken as received: " + ahead->message);
    event.at = received;
    if (fallback) fallback->at = received;
  }
  core.remember_callback(key);
  std::vector<model::Event> events;
  if (std::holds_alternative<model::TalkMessage>(event.body)) events = alerts_for_talk(core, event);
  events.insert(events.begin(), std::move(event));
  submit_lineworks(ctx, key, std::move(events), std::move(fallback));
}

}  // namespace bcp::daemon
