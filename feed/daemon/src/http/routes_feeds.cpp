// Alert sources wired into the daemon: CAP, JMA, keyword rules on talk (issue 4), and the
// roll call a strong quake starts by itself (issue 5).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

#include "adapters/alert_sources.hpp"
#include "bcp/alerts/cap.hpp"
#include "bcp/alerts/jma.hpp"
#include "bcp/daemon/log.hpp"
#include "http/routes.hpp"

namespace bcp::daemon {
namespace {

using nlohmann::json;

bool content_type_is(const RequestContext& ctx, std::initializer_list<std::string_view> accepted) {
  std::string_view type = ctx.req[http::field::content_type];
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return std::find(accepted.begin(), accepted.end(), lower) != accepted.end();
}

model::Event event_at(model::TimePoint at, model::Payload body) {
  model::Event e;
  e.at = at;
  e.body = std::move(body);
  return e;
}

// "地震 安否確認 震度5強 石狩地方北部 11/24 14:02": what the room needs to tell roll calls apart.
std::string quake_rollcall_title(const alerts::JmaResult& r, int utc_offset_minutes,
                                 model::TimePoint fallback) {
  std::string title = "地震 安否確認 " + alerts::intensity_label(*r.town_max_intensity);
  const std::string& where = !r.town_areas.empty() ? r.town_areas.front() : r.epicenter;
  if (!where.empty()) title += " " + where;
  model::TimePoint t = r.origin_time       ? *r.origin_time
                       : r.report_datetime ? *r.report_datetime
                                           : fallback;
  auto local =
      std::chrono::floor<std::chrono::minutes>(t + std::chrono::minutes(utc_offset_minutes));
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, " %u/%u %02d:%02d", static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return title + buf;
}

// Issue 5: an observed intensity at or above the threshold in the town starts a roll call.
// Early warnings are forecasts and are often withdrawn, so they do not start one. The id is
// derived from the EventID, so later bulletins of the same quake (and a restart) find it.
std::optional<model::RollcallStarted> auto_rollcall(const Daemon::Core& core,
                                                    const alerts::JmaResult& r) {
  const JmaSettings& settings = core.alert_sources->jma;
  if (!settings.rollcall_threshold || !r.town_max_intensity) return std::nullopt;
  if (r.disposition != alerts::Disposition::raise && r.disposition != alerts::Disposition::update)
    return std::nullopt;
  if (r.bulletin != alerts::JmaBulletin::intensity_flash &&
      r.bulletin != alerts::JmaBulletin::hypocenter_intensity) {
    return std::nullopt;
  }
  if (*r.town_max_intensity < *settings.rollcall_threshold) return std::nullopt;
  std::string id =
      "rc-jma-" + (r.event_id.empty() ? r.alert.alert : r.event_id) + (r.drill ? "-drill" : "");
  if (core.situation.rollcalls.contains(id)) return std::nullopt;
  if (core.situation.open_rollcall(r.drill)) {
    log(LogLevel::info, "alerts",
        "JMA " + r.event_id + ": " + (r.drill ? "a drill" : "an actual") +
            " roll call is already open, not starting another");
    return std::nullopt;
  }
  model::RollcallStarted rc;
  rc.rollcall = std::move(id);
  rc.title = quake_rollcall_title(r, settings.options.utc_offset_minutes, core.now());
  rc.drill = r.drill;
  rc.trigger = model::RollcallTrigger::jma;
  return rc;
}

FeedResult refused(http::status status, RefusalReason reason, std::string message) {
  return FeedResult{status, {{"error", std::move(message)}}, reason};
}

// Answers a request with what ingesting its document came to.
void answer(const RequestContext& ctx, FeedResult r) {
  if (r.refused) return ctx.refuse(r.status, *r.refused, r.body.value("error", ""));
  ctx.reply(r.status, r.body);
}

// Journals a document's events, with the roll call it starts (if any) in the same commit.
// When another roll call of that kind was committed first (CommitConflict), the document
// still counts: its events are journaled again without the roll call.
void commit_alert_events(Daemon::Core& core, std::vector<model::Event> events,
                         std::optional<model::RollcallStarted> rollcall, http::status status,
                         json extra, std::optional<std::string> origin, FeedDone done) {
  std::optional<std::vector<model::Event>> without_rollcall;
  if (rollcall) {
    without_rollcall = events;
    extra["rollcall"] = rollcall->rollcall;
    log(LogLevel::info, "alerts",
        "starting roll call " + rollcall->rollcall + ": " + rollcall->title);
    events.push_back(event_at(events.front().at, std::move(*rollcall)));
  }
  core.submit(std::move(events), [&core, status, extra = std::move(extra), origin,
                                  without_rollcall = std::move(without_rollcall),
                                  done = std::move(done)](std::vector<model::Event> committed,
                                                          std::exception_ptr error) mutable {
    if (error || committed.empty()) {
      const Refusal r = submit_refusal(error);
      if (r.reason == RefusalReason::conflict && without_rollcall) {
        log(LogLevel::info, "alerts", "roll call not started: " + r.message);
        extra.erase("rollcall");
        return commit_alert_events(core, std::move(*without_rollcall), std::nullopt, status,
                                   std::move(extra), std::move(origin), std::move(done));
      }
      return done(refused(static_cast<http::status>(r.status), r.reason, r.message));
    }
    if (origin) core.replay_guard.remember(*origin);
    extra["seq"] = committed.front().seq;
    done(FeedResult{status, std::move(extra)});
  });
}

// The common tail of CAP and JMA: not shown, unknown references, raise vs update, commit.
// `origin` goes with the document's own event (the first one journaled).
void commit_outcome(Daemon::Core& core, const alerts::Outcome& outcome, std::string_view source,
                    std::optional<model::RollcallStarted> rollcall,
                    std::optional<std::string> origin, FeedDone done) {
  if (outcome.disposition == alerts::Disposition::not_shown) {
    core.metrics.refuse(RefusalReason::not_shown);
    log(LogLevel::info, "alerts", std::string(source) + " not shown: " + outcome.not_shown_reason);
    return done(FeedResult{http::status::accepted, {{"not_shown", outcome.not_shown_reason}}});
  }
  const std::string& id = outcome.alert.alert;
  const bool known = core.situation.alerts.contains(id);
  const model::TimePoint at = core.now();
  std::vector<model::Event> events;
  http::status status = known ? http::status::ok : http::status::created;
  if (outcome.disposition == alerts::Disposition::cancel && !known) {
    // A cancel of something never seen: keep the record (after-action review) as a raise
    // that is cancelled in the same transaction, so no wall ever shows it active.
    if (outcome.alert.title.empty()) {
      return done(refused(http::status::not_found, RefusalReason::malformed,
                          std::string(source) + ": cancels unknown alert \"" + id + "\""));
    }
    events.push_back(event_at(at, outcome.alert));
    events.push_back(event_at(at, *outcome.payload(false)));
  } else {
    events.push_back(event_at(at, *outcome.payload(known)));
    if (outcome.disposition == alerts::Disposition::cancel) status = http::status::ok;
  }
  // The gate: an alert must not be lost, so a field over its limit is cut, not refused; the
  // bulletin's feed entry (`origin`) is the replay guard's and goes with its own event.
  auto admitted = admit(core.gate(), Candidates{std::move(events), origin, OverLimit::cut});
  if (auto* r = std::get_if<Refusal>(&admitted)) {
    return done(refused(static_cast<http::status>(r->status), r->reason, r->message));
  }
  json extra = {{"alert", id}};
  commit_alert_events(core, std::move(std::get<std::vector<model::Event>>(admitted)),
                      std::move(rollcall), status, std::move(extra), std::move(origin),
                      std::move(done));
}

}  // namespace

void route_cap(RequestContext& ctx) {
  if (!content_type_is(ctx, {"application/cap+xml", "application/xml"})) {
    return ctx.refuse(http::status::unsupported_media_type, RefusalReason::content_type,
                      "expected Content-Type application/cap+xml or application/xml");
  }
  alerts::CapResult cap;
  try {
    cap = alerts::parse_cap(ctx.req.body(), ctx.core.alert_sources->cap);
  } catch (const alerts::AlertClassifiedError& e) {  // scope not Public: like a level-B group
    return ctx.refuse(http::status::forbidden, RefusalReason::classification, e.what());
  } catch (const alerts::AlertParseError& e) {
    return ctx.refuse(http::status::bad_request, RefusalReason::malformed, e.what());
  }
  if ((cap.disposition == alerts::Disposition::update ||
       cap.disposition == alerts::Disposition::cancel) &&
      !ctx.core.situation.alerts.contains(cap.alert.alert) && cap.alert.title.empty()) {
    std::string ref = cap.references.empty() ? cap.alert.alert
                                             : cap.references.front().sender + "," +
                                                   cap.references.front().identifier + "," +
                                                   cap.references.front().sent;
    return ctx.refuse(http::status::not_found, RefusalReason::malformed,
                      "CAP " + cap.msg_type + " references unknown alert " + ref);
  }
  commit_outcome(ctx.core, cap, "CAP", std::nullopt, std::nullopt,
                 [ctx](FeedResult r) { answer(ctx, std::move(r)); });
}

void ingest_jma(Daemon::Core& core, std::string_view xml, std::optional<std::string> origin,
                FeedDone done) {
  alerts::JmaResult jma;
  try {
    jma = alerts::parse_jma(xml, core.alert_sources->jma.options);
  } catch (const alerts::AlertParseError& e) {
    return done(refused(http::status::bad_request, RefusalReason::malformed, e.what()));
  }
  for (const std::string& why : jma.replaced)
    log(LogLevel::warning, "alerts", "JMA " + jma.event_id + ": " + why);
  if ((jma.disposition == alerts::Disposition::update ||
       jma.disposition == alerts::Disposition::cancel) &&
      !core.situation.alerts.contains(jma.alert.alert) && jma.alert.title.empty()) {
    return done(refused(http::status::not_found, RefusalReason::malformed,
                        "JMA " + jma.info_type + " of EventID " + jma.event_id +
                            ": unknown alert \"" + jma.alert.alert + "\""));
  }
  commit_outcome(core, jma, "JMA", auto_rollcall(core, jma), std::move(origin), std::move(done));
}

void route_jma(RequestContext& ctx) {
  if (!content_type_is(ctx, {"application/xml", "text/xml"})) {
    return ctx.refuse(http::status::unsupported_media_type, RefusalReason::content_type,
                      "expected Content-Type application/xml or text/xml");
  }
  ingest_jma(ctx.core, ctx.req.body(), std::nullopt,
             [ctx](FeedResult r) { answer(ctx, std::move(r)); });
}

std::vector<model::Event> alerts_for_talk(Daemon::Core& core, const model::Event& talk) {
  const auto* msg = std::get_if<model::TalkMessage>(&talk.body);
  if (!msg || !core.alert_sources) return {};
  const config::Group* group = core.town.find_group(msg->group);
  const bool drill_group = group && group->drill_group;
  const std::string label = group ? group->name : msg->group;
  alerts::KeywordAlerter& alerter = core.alert_sources->keywords;
  auto decisions = alerter.on_message(*msg, talk.at, drill_group, label);
  // An operator may have cancelled the alert the debounce would update, or it expired: then
  // this sighting is news again and raises a new alert.
  bool stale = false;
  for (const auto& d : decisions) {
    auto it = core.situation.alerts.find(d.alert.alert);
    if (d.disposition == alerts::Disposition::update && it != core.situation.alerts.end() &&
        !it->second.active(talk.at)) {
      alerter.forget(d.alert.alert);
      stale = true;
    }
  }
  if (stale) decisions = alerter.on_message(*msg, talk.at, drill_group, label);
  std::vector<model::Event> out;
  for (const auto& d : decisions) {
    // Not yet in the situation (its commit is in flight or failed): journal a full raise,
    // which the reducer folds into the same alert if the first one lands too.
    auto payload = d.payload(core.situation.alerts.contains(d.alert.alert));
    if (payload) out.push_back(event_at(talk.at, std::move(*payload)));
  }
  return out;
}

}  // namespace bcp::daemon
