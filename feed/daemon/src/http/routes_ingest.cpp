// Ingest routes: talk, availability, check-ins, and the LINE WORKS bot callback.
// Threads: the I/O thread (routes and their commit callbacks).
#include <algorithm>

#include "bcp/daemon/adapters/lineworks.hpp"
#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/daemon/outbox/bot_replies.hpp"
#include "bcp/model/codec.hpp"
#include "http/routes.hpp"
#include "photos/photo_fetcher.hpp"

namespace bcp::daemon {
namespace {

using nlohmann::json;

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

// Derived events (keyword alerts) through the gate as alerts go (cut, never refused for
// their length), appended to `admitted`; the refusal of the whole item when one cannot be
// stored.
std::optional<Refusal> admit_derived(const Daemon::Core& core, std::vector<model::Event> derived,
                                     std::vector<model::Event>& admitted) {
  if (derived.empty()) return std::nullopt;
  auto result = admit(core.gate(), Candidates{std::move(derived), std::nullopt, OverLimit::cut});
  if (auto* r = std::get_if<Refusal>(&result)) return *r;
  for (model::Event& e : std::get<std::vector<model::Event>>(result)) admitted.push_back(std::move(e));
  return std::nullopt;
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

// The bot tells the person why their answer was not counted (BotReplies: the outbox, when the
// daemon has one). The implementation only queues; still, nothing it throws may leave the I/O
// thread.
void tell_not_counted(Daemon::Core& core, const UncountedAnswer& a) {
  BotReplies* replies = core.bot_replies;
  if (!replies) return;
  try {
    replies->answer_not_counted(a.lineworks_user, a.staff, a.rollcall, a.problem);
  } catch (const std::exception& e) {
    log(LogLevel::error, "lineworks", std::string("bot reply not queued: ") + e.what());
  }
}

// What a callback commits: its events, and what to do once they are journaled.
struct LineworksCommit {
  std::string key;  // the replay guard's
  std::vector<model::Event> events;
  bool admitted = true;                        // every event came out of the gate's admit
  std::optional<UncountedAnswer> not_counted;  // told once `events` (its notice) is journaled
  // A check-in whose roll call closed while it waited for the commit (CommitConflict) is
  // journaled as this notice instead, and the person told.
  std::optional<model::Event> fallback;
  std::optional<UncountedAnswer> fallback_not_counted;
  // An image from a room the gate let through: fetched once the message is journaled.
  std::optional<PhotoJob> photo;
};

// The photo job of a taken image message, when the callback carried a fileId.
std::optional<PhotoJob> photo_job(const LineworksItem& item, const model::Event& event) {
  const auto* talk = std::get_if<model::TalkMessage>(&event.body);
  if (!item.file_id || item.file_id->empty() || !talk) return std::nullopt;
  for (std::size_t i = 0; i < talk->attachments.size(); ++i) {
    if (talk->attachments[i].kind != model::AttachmentKind::image) continue;
    PhotoJob job;
    job.group = talk->group;
    job.message_id = talk->message_id;
    job.attachment = static_cast<int>(i);
    job.file_id = *item.file_id;
    job.created = event.at;
    return job;
  }
  return std::nullopt;
}

// Journals a callback's events and answers 200. Only a journal failure is not 200 (503: the
// callback is not stored, and the operator can resend it; nobody is told anything yet).
void submit_lineworks(const RequestContext& ctx, LineworksCommit commit) {
  // The gate admitted the callback's events; the fallback notice, built by the gate, goes
  // through the pipeline's safety net like every event the daemon makes itself.
  auto submit = commit.admitted ? &Daemon::Core::submit_admitted : &Daemon::Core::submit;
  std::vector<model::Event> events = std::move(commit.events);
  (ctx.core.*submit)(
      std::move(events), [ctx, commit = std::move(commit)](std::vector<model::Event>,
                                                           std::exception_ptr error) mutable {
        if (!error) {
          if (commit.not_counted) tell_not_counted(ctx.core, *commit.not_counted);
          // Queued only: the 200 never waits for a photo.
          if (commit.photo && ctx.core.photos) ctx.core.photos->take(std::move(*commit.photo));
          return answer_lineworks(ctx);
        }
        const Refusal r = submit_refusal(error);
        if (r.reason == RefusalReason::conflict && commit.fallback) {
          log(LogLevel::info, "lineworks", "check-in kept as a notice: " + r.message);
          LineworksCommit notice;
          notice.key = std::move(commit.key);
          notice.events.push_back(std::move(*commit.fallback));
          notice.admitted = false;
          notice.not_counted = std::move(commit.fallback_not_counted);
          return submit_lineworks(ctx, std::move(notice));
        }
        if (r.reason != RefusalReason::journal) return drop_lineworks(ctx, r);
        // Not stored: forget the digest so that a retry by an operator is not called a replay.
        ctx.core.replay_guard.forget(commit.key);
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
  std::vector<model::Event> candidates;
  candidates.push_back(std::move(*event));
  auto admitted = ctx.admit(std::move(candidates), true);
  if (!admitted) return;
  // Keyword alerts derive from an admitted message only, in the same transaction.
  std::string id = std::get<model::TalkMessage>(admitted->front().body).message_id;
  if (auto r = admit_derived(ctx.core, alerts_for_talk(ctx.core, admitted->front()), *admitted)) {
    return ctx.refuse(*r);
  }
  ctx.submit(std::move(*admitted), http::status::ok, {{"message_id", id}});
}

void route_availability(RequestContext& ctx) {
  auto event = ctx.api_event(ApiBody::availability, {});
  if (!event) return;
  ctx.commit_decoded(std::move(*event), http::status::ok);
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
  // The gate checks the person: in the roster and in this roll call's scope.
  ctx.commit_decoded(std::move(*event), http::status::ok, {{"rollcall", rc.started.rollcall}});
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
  const std::string digest = sha256_hex(ctx.req.body());
  const std::string key = "lw-" + digest.substr(0, 20);
  const model::TimePoint received = core.now();
  LineworksItem item = map_lineworks_callback(core.town, ctx.req.body(), digest, received);
  LineworksAdmission admitted = admit_lineworks(core.gate(), item, key, received);
  if (auto* r = std::get_if<Refusal>(&admitted.admission)) return drop_lineworks(ctx, *r);
  if (admitted.clock_ahead) {
    log(LogLevel::warning, "lineworks",
        "callback time taken as received: " + admitted.clock_ahead->message);
  }
  auto events = std::move(std::get<std::vector<model::Event>>(admitted.admission));
  if (events.empty()) return answer_lineworks(ctx);  // silent: a 1:1 room began or ended
  core.replay_guard.remember(key);
  if (std::holds_alternative<model::TalkMessage>(events.front().body)) {
    if (auto r = admit_derived(core, alerts_for_talk(core, events.front()), events)) {
      return drop_lineworks(ctx, *r);
    }
  }
  LineworksCommit commit;
  commit.key = key;
  commit.events = std::move(events);
  commit.not_counted = std::move(admitted.not_counted);
  commit.fallback = std::move(admitted.fallback);
  commit.fallback_not_counted = std::move(admitted.fallback_not_counted);
  commit.photo = photo_job(item, commit.events.front());
  submit_lineworks(ctx, std::move(commit));
}

}  // namespace bcp::daemon
