// Shared by the route files: one request's context, auth and body helpers.
// A route decodes (adapters/), admits (gate/admit.hpp), submits (pipeline/) and answers.
//
// Threads: the I/O thread only; answers after a commit are posted back to it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bcp/daemon/adapters/api_body.hpp"
#include "bcp/daemon/gate/admit.hpp"
#include "bcp/daemon/gate/gate.hpp"
#include "pipeline/core.hpp"

namespace bcp::daemon {

// A request's API body read ahead on its HTTP thread (http_session.cpp): stage 1 of
// api_body.hpp (parse, level, no server-assigned fields), which reads nothing of the
// situation, so the I/O thread does not spend its time on the JSON parse.
struct ReadAhead {
  ApiBody kind;
  const config::Token* token;  // what the bearer credentials name (the digests compared here too)
  std::variant<nlohmann::json, Refusal> body;
};

// On an HTTP thread: the read-ahead of a request whose route reads an API body (POST
// /v1/talk, /v1/availability, /v1/rollcalls/{id}/checkins, declared application/json) and
// whose bearer token is one of `town`'s; nullopt for any other (a body without a known token
// is never parsed: the I/O thread answers 401).
std::optional<ReadAhead> read_ahead(const Request& req, const config::TownConfig& town);

struct RequestContext {
  Daemon::Core& core;
  Request req;
  Responder respond;
  std::vector<std::string_view> segments;  // path split on '/', without the query
  const config::Token* token = nullptr;
  net::ip::address peer;  // the client's address
  // Taken by api_body() of its kind, after the token and content type are checked: the
  // refusals come in the same order as when the body is read there.
  mutable std::optional<ReadAhead> ahead;

  void reply(http::status status, const nlohmann::json& body) const;
  // Answers with {"error": message}, counts the refusal and logs it (without content).
  void refuse(http::status status, RefusalReason reason, std::string_view message) const;
  void refuse(const Refusal& r) const;
  std::optional<std::string> query(std::string_view key) const;
  // Authenticates the bearer token and checks that it has one of `roles`; answers 401/403
  // itself on failure.
  bool require(std::initializer_list<config::Role> roles);
  bool require(config::Role role) { return require({role}); }
  // The per-token rate limit of writes (rate_limiter.hpp), after the token is known: false
  // when it answered 429 with Retry-After itself.
  bool admit_rate() const;
  // False (after answering 415) unless the body is declared application/json.
  bool json_content_type() const;
  // Parses a JSON object body strictly (415 for a wrong content type, 400 naming the problem).
  std::optional<nlohmann::json> json_body() const;
  // A route's body through api_body.hpp's stages, answering 415/400/403 itself on failure:
  // stage 1 alone (when the route consults the situation before decoding), stage 2, or both.
  // `defaults.now` is filled in with the time received.
  std::optional<nlohmann::json> api_body(ApiBody kind) const;
  std::optional<model::Event> api_event(ApiBody kind, nlohmann::json body,
                                        ApiDefaults defaults) const;
  std::optional<model::Event> api_event(ApiBody kind, ApiDefaults defaults) const;
  // The gate (gate/admit.hpp) for this request's item, as an API client is answered: a field
  // over its limit is refused. nullopt after answering the refusal.
  // `read_back_checked`: the candidates come from api_event, which read them back already.
  std::optional<std::vector<model::Event>> admit(std::vector<model::Event> candidates,
                                                 bool read_back_checked = false) const;
  // Admits one event, journals it and answers `status` with {"seq": N, extra...} after the
  // commit.
  void commit(model::Event event, http::status status,
              nlohmann::json extra = nlohmann::json::object()) const;
  // commit() of an event api_event decoded (and so read back already).
  void commit_decoded(model::Event event, http::status status,
                      nlohmann::json extra = nlohmann::json::object()) const;
  // Journals events the gate admitted (the item first, then what it derived, e.g. a keyword
  // alert) in ONE transaction and answers with the first one's seq.
  void submit(std::vector<model::Event> admitted, http::status status, nlohmann::json extra) const;
  // Admits `events` and journals them in ONE transaction, answering with the LAST one's seq:
  // everything the request did is applied once a reader has seen that seq.
  void commit_all(std::vector<model::Event> events, http::status status,
                  nlohmann::json extra) const;
};

// Routes one request (see routes_*.cpp) on the I/O thread. `peer` is the client's address
// (loopback checks); `ahead` what read_ahead() made of it on its HTTP thread.
void handle_request(Daemon::Core& core, Request&& req, const net::ip::address& peer,
                    Responder respond, std::optional<ReadAhead> ahead = std::nullopt);

// The token of `Authorization: Bearer TOKEN` (scheme in any case, RFC 9110 11.1); nullopt
// when there is none, another scheme, or more than one Authorization header.
std::optional<std::string_view> bearer_credentials(const Request& req);

// Every request of a regional daemon (region_routes.cpp): its own few endpoints; what only a
// town takes (talk, check-ins, alerts, ...) is answered 404 naming where it belongs.
void route_region(RequestContext& ctx);

void route_lineworks(RequestContext& ctx);
void route_talk(RequestContext& ctx);
void route_availability(RequestContext& ctx);
void route_checkin(RequestContext& ctx, std::string_view rollcall);
void route_rollcall_start(RequestContext& ctx);
void route_rollcall_close(RequestContext& ctx, std::string_view rollcall);
void route_rollcall_report(RequestContext& ctx, std::string_view rollcall);
void route_alert_raise(RequestContext& ctx);
void route_alert_ack(RequestContext& ctx, std::string_view alert);
void route_alert_cancel(RequestContext& ctx, std::string_view alert);
void route_drill_stop(RequestContext& ctx);
void route_talk_hide(RequestContext& ctx, std::string_view message_id);
void route_cap(RequestContext& ctx);
void route_jma(RequestContext& ctx);
void route_attachment(RequestContext& ctx, std::string_view ref);

// What ingesting one alert document came to: the HTTP answer of POST /v1/jma, or a line in
// the JMA poller's log.
struct FeedResult {
  http::status status = http::status::ok;
  nlohmann::json body;                   // {"seq", "alert", …} or {"error": message}
  std::optional<RefusalReason> refused;  // set when refused (body holds "error")
};
using FeedDone = std::function<void(FeedResult)>;

// One JMA bulletin through parse, policy and journal; shared by POST /v1/jma and the Atom
// poller. `origin` is journaled with the bulletin's event (the poller's replay protection).
// `done` runs later on the I/O thread, after the commit; refusals are not yet counted.
void ingest_jma(Daemon::Core& core, std::string_view xml, std::optional<std::string> origin,
                FeedDone done);

// Alerts that a talk message raises or updates through the keyword rules (routes_feeds.cpp);
// journaled in the same commit as the message itself.
std::vector<model::Event> alerts_for_talk(Daemon::Core& core, const model::Event& talk);

}  // namespace bcp::daemon
