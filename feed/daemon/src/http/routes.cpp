// The routes shared by every town request and the dispatch (handle_request).
//
// Threading: everything here runs on the I/O thread, except read_ahead(), which runs on a
// request's HTTP thread and reads only the request and the town's tokens (fixed at start), and the `work` of GET /v1/events, which
// runs on the journal-reader thread (journal_reader.hpp) and touches only the journal and the
// values it captured.
#include "http/routes.hpp"

#include <cctype>
#include <charconv>

#include "bcp/daemon/log.hpp"
#include "bcp/daemon/peer.hpp"
#include "bcp/model/codec.hpp"
#include "sources/calendar_service.hpp"
#include "bridge/town_bridge.hpp"

namespace bcp::daemon {

namespace {
// An answer whose JSON text is already serialised (a page of /v1/events, built off the I/O thread).
Response json_text_response(http::status status, std::string body, unsigned version,
                            bool keep_alive) {
  Response res{status, version};
  res.set(http::field::server, "bcp-feedd");
  res.set(http::field::content_type, "application/json");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  return res;
}
}  // namespace

Response json_response(http::status status, const nlohmann::json& body, unsigned version,
                       bool keep_alive) {
  // An error message may quote the client's bytes (nlohmann's parse errors do); invalid
  // UTF-8 there must not make dump() throw on the I/O thread and take the daemon down.
  return json_text_response(status,
                            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            version, keep_alive);
}

Response error_response(http::status status, std::string_view message, unsigned version, bool keep_alive) {
  return json_response(status, {{"error", message}}, version, keep_alive);
}

void RequestContext::reply(http::status status, const nlohmann::json& body) const {
  respond(json_response(status, body, req.version(), req.keep_alive()));
}

void RequestContext::refuse(http::status status, RefusalReason reason, std::string_view message) const {
  core.metrics.refuse(reason);
  // The log keeps what was wrong (the field pointer or category before the first colon),
  // never the content: parser messages quote the bytes they choked on.
  std::string_view what = message.substr(0, message.find(':'));
  log(LogLevel::info, "gate",
      std::string("refused ") + std::string(req.method_string()) + " " +
          std::string(req.target().substr(0, req.target().find('?'))) + ": " +
          std::to_string(static_cast<int>(status)) + " " + std::string(to_string(reason)) + ": " + std::string(what));
  respond(error_response(status, message, req.version(), req.keep_alive()));
}

void RequestContext::refuse(const Refusal& r) const {
  refuse(static_cast<http::status>(r.status), r.reason, r.message);
}

std::optional<std::string> RequestContext::query(std::string_view key) const {
  std::string_view target = req.target();
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<std::string_view> bearer_credentials(const Request& req) {
  // Two Authorization headers are ambiguous (a proxy may read the other one): no token.
  if (req.count(http::field::authorization) != 1) return std::nullopt;
  std::string_view auth = req[http::field::authorization];
  // RFC 9110 11.1: the scheme is case-insensitive ("bearer", "BEARER"), then one or more
  // spaces, then the token68.
  constexpr std::string_view kScheme = "bearer";
  if (auth.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(auth[i])) != kScheme[i]) return std::nullopt;
  }
  auth.remove_prefix(kScheme.size());
  if (auth.front() != ' ') return std::nullopt;
  while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
  if (auth.empty()) return std::nullopt;
  return auth;
}

bool RequestContext::require(std::initializer_list<config::Role> roles) {
  auto credentials = bearer_credentials(req);
  if (!credentials) {
    refuse(http::status::unauthorized, RefusalReason::unauthorized, "missing bearer token");
    return false;
  }
  // Read ahead, the same credentials named this token on the HTTP thread already.
  token = ahead ? ahead->token : core.town.find_token(*credentials);
  if (!token) {
    refuse(http::status::unauthorized, RefusalReason::unauthorized, "unknown token");
    return false;
  }
  if (!admit_rate()) return false;
  static constexpr std::string_view kRoleNames[] = {"ingest", "operator", "display"};
  std::string wanted;
  for (config::Role role : roles) {
    if (token->has(role)) return true;
    if (!wanted.empty()) wanted += " or ";
    wanted += kRoleNames[static_cast<int>(role)];
  }
  refuse(http::status::forbidden, RefusalReason::unauthorized,
         "token \"" + token->name + "\" lacks the " + wanted + " role");
  return false;
}

bool RequestContext::admit_rate() const {
  // The limit guards the journal against a flood of writes; reads (snapshots, a replay export
  // paging through /v1/events, a tool polling) store nothing and are not counted.
  if (req.method() == http::verb::get || req.method() == http::verb::head) return true;
  auto wait = core.rate_limiter.admit(token->name, TokenRateLimiter::Clock::now());
  if (!wait) return true;
  core.metrics.refuse(RefusalReason::rate_limited);
  // Logged without the path's content, like every refusal; the token's name is config.
  log(LogLevel::info, "gate", "refused " + std::string(req.method_string()) + ": 429 rate_limited: token \"" + token->name + "\"");
  Response res = error_response(http::status::too_many_requests,
                                "token \"" + token->name + "\" is over its rate limit (" +
                                    std::to_string(core.town.rate_limit.requests_per_minute) + " requests a minute, burst " +
                                    std::to_string(core.town.rate_limit.burst) + "): retry after " +
                                    std::to_string(wait->count()) + " s",
                                req.version(), req.keep_alive());
  res.set(http::field::retry_after, std::to_string(wait->count()));
  respond(std::move(res));
  return false;
}

bool RequestContext::json_content_type() const {
  std::string_view type = req[http::field::content_type];
  if (type.substr(0, type.find(';')) != "application/json") {
    refuse(http::status::unsupported_media_type, RefusalReason::content_type,
           "expected Content-Type application/json");
    return false;
  }
  return true;
}

std::optional<nlohmann::json> RequestContext::json_body() const {
  if (!json_content_type()) return std::nullopt;
  auto body = parse_body_object(req.body());
  if (auto* r = std::get_if<Refusal>(&body)) {
    refuse(*r);
    return std::nullopt;
  }
  return std::move(std::get<nlohmann::json>(body));
}

std::optional<nlohmann::json> RequestContext::api_body(ApiBody kind) const {
  if (!json_content_type()) return std::nullopt;
  std::variant<nlohmann::json, Refusal> body;
  if (ahead && ahead->kind == kind) {
    body = std::move(ahead->body);
  } else {
    body = read_api_body(kind, req.body());
  }
  ahead.reset();
  if (auto* r = std::get_if<Refusal>(&body)) {
    refuse(*r);
    return std::nullopt;
  }
  return std::move(std::get<nlohmann::json>(body));
}

std::optional<model::Event> RequestContext::api_event(ApiBody kind, nlohmann::json body,
                                                      ApiDefaults defaults) const {
  defaults.now = core.now();
  auto event = bcp::daemon::api_event(kind, std::move(body), defaults);
  if (auto* r = std::get_if<Refusal>(&event)) {
    refuse(*r);
    return std::nullopt;
  }
  return std::move(std::get<model::Event>(event));
}

std::optional<model::Event> RequestContext::api_event(ApiBody kind, ApiDefaults defaults) const {
  auto body = api_body(kind);
  if (!body) return std::nullopt;
  return api_event(kind, std::move(*body), std::move(defaults));
}

namespace {
// Which seq the answer carries: a single item's own (with its side events after it), or the
// last of a transaction whose events are equals (POST /v1/drill/stop).
enum class AnswerSeq { first, last };

void answer_commit(const RequestContext& ctx, http::status status, nlohmann::json extra,
                   const std::vector<model::Event>& committed, std::exception_ptr error,
                   AnswerSeq which) {
  if (error || committed.empty()) return ctx.refuse(submit_refusal(error));
  extra["seq"] = which == AnswerSeq::first ? committed.front().seq : committed.back().seq;
  ctx.reply(status, extra);
}

void submit_and_answer(const RequestContext& self, std::vector<model::Event> events,
                       http::status status, nlohmann::json extra, AnswerSeq which) {
  self.core.submit_admitted(std::move(events), [ctx = self, status, which, extra = std::move(extra)](
                                          std::vector<model::Event> committed,
                                          std::exception_ptr error) mutable {
    // The events are stored (or not) whatever happens here; a failure to answer is a 500.
    if (!run_guarded("http", "answering after the commit", [&] {
          answer_commit(ctx, status, std::move(extra), committed, error, which);
        })) {
      ctx.respond(error_response(http::status::internal_server_error, "internal error",
                                 ctx.req.version(), false));
    }
  });
}
}  // namespace

std::optional<std::vector<model::Event>> RequestContext::admit(
    std::vector<model::Event> candidates, bool read_back_checked) const {
  auto admitted = bcp::daemon::admit(
      core.gate(),
      Candidates{std::move(candidates), std::nullopt, OverLimit::refuse, read_back_checked});
  if (auto* r = std::get_if<Refusal>(&admitted)) {
    refuse(*r);
    return std::nullopt;
  }
  return std::move(std::get<std::vector<model::Event>>(admitted));
}

void RequestContext::commit(model::Event event, http::status status, nlohmann::json extra) const {
  std::vector<model::Event> candidates;
  candidates.push_back(std::move(event));
  auto admitted = admit(std::move(candidates));
  if (!admitted) return;
  submit_and_answer(*this, std::move(*admitted), status, std::move(extra), AnswerSeq::first);
}

void RequestContext::commit_decoded(model::Event event, http::status status,
                                    nlohmann::json extra) const {
  std::vector<model::Event> candidates;
  candidates.push_back(std::move(event));
  auto admitted = admit(std::move(candidates), true);
  if (!admitted) return;
  submit_and_answer(*this, std::move(*admitted), status, std::move(extra), AnswerSeq::first);
}

void RequestContext::submit(std::vector<model::Event> admitted, http::status status,
                            nlohmann::json extra) const {
  submit_and_answer(*this, std::move(admitted), status, std::move(extra), AnswerSeq::first);
}

void RequestContext::commit_all(std::vector<model::Event> events, http::status status,
                                nlohmann::json extra) const {
  auto admitted = admit(std::move(events));
  if (!admitted) return;
  submit_and_answer(*this, std::move(*admitted), status, std::move(extra), AnswerSeq::last);
}

namespace {

std::vector<std::string_view> split_path(std::string_view target) {
  target = target.substr(0, target.find('?'));
  std::vector<std::string_view> parts;
  while (!target.empty()) {
    if (target.front() == '/') {
      target.remove_prefix(1);
      continue;
    }
    auto slash = target.find('/');
    parts.push_back(target.substr(0, slash));
    target = slash == std::string_view::npos ? std::string_view{} : target.substr(slash);
  }
  return parts;
}

bool parse_count(const std::optional<std::string>& text, long long& out) {
  if (!text) return true;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), out);
  return ec == std::errc() && ptr == text->data() + text->size() && out >= 0;
}

void route_events(RequestContext& ctx) {
  long long since = 0;
  long long limit = 1000;
  if (!parse_count(ctx.query("since"), since)) {
    return ctx.refuse(http::status::bad_request, RefusalReason::malformed, "since: expected a non-negative integer");
  }
  if (!parse_count(ctx.query("limit"), limit) || limit == 0 || limit > 10'000) {
    return ctx.refuse(http::status::bad_request, RefusalReason::malformed, "limit: expected 1 to 10000");
  }
  // Up to 10,000 rows read, decoded and serialised: on the journal-reader thread, never on the
  // I/O thread, which goes on serving the walls meanwhile (journal_reader.hpp). The page is one
  // SELECT, so it is a gap-free run of seqs whatever is committed while it runs.
  const auto after = static_cast<model::Seq>(since);
  const auto count = static_cast<std::size_t>(limit);
  ctx.core.journal_reader->read<std::string>(
      [after, count](const Journal& journal) {
        nlohmann::json events = nlohmann::json::array();
        for (const model::Event& e : journal.read(after, count))
          events.push_back(model::to_json(e));
        return events.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      },
      // Back on the I/O thread. `last_seq` is the journal's end as the page is served.
      [&core = ctx.core, respond = ctx.respond, version = ctx.req.version(),
       keep_alive = ctx.req.keep_alive()](std::string events, std::exception_ptr error) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            log(LogLevel::error, "http",
                std::string("GET /v1/events: journal read failed: ") + e.what());
          } catch (...) {
            log(LogLevel::error, "http", "GET /v1/events: journal read failed");
          }
          // As when a route throws (http_session.cpp): a 500 that closes the connection.
          return respond(error_response(http::status::internal_server_error, "internal error",
                                        version, false));
        }
        // The members in the order nlohmann::json gives them ("events" < "last_seq").
        std::string body = R"({"events":)";
        body += events;
        body += R"(,"last_seq":)";
        body += std::to_string(core.situation.last_seq);
        body += '}';
        respond(json_text_response(http::status::ok, std::move(body), version, keep_alive));
      });
}

}  // namespace

bool is_loopback_peer(const net::ip::address& peer) {
  if (peer.is_v4()) return peer.is_loopback();
  if (!peer.is_v6()) return false;
  const net::ip::address_v6 v6 = peer.to_v6();
  if (v6.is_loopback()) return true;
  return v6.is_v4_mapped() && net::ip::make_address_v4(net::ip::v4_mapped, v6).is_loopback();
}

std::optional<ReadAhead> read_ahead(const Request& req, const config::TownConfig& town) {
  if (req.method() != http::verb::post) return std::nullopt;
  const std::string_view type = req[http::field::content_type];
  if (type.substr(0, type.find(';')) != "application/json") return std::nullopt;
  const std::vector<std::string_view> s = split_path(req.target());
  std::optional<ApiBody> kind;
  if (s.size() == 2 && s[0] == "v1" && s[1] == "talk") kind = ApiBody::talk;
  if (s.size() == 2 && s[0] == "v1" && s[1] == "availability") kind = ApiBody::availability;
  if (s.size() == 4 && s[0] == "v1" && s[1] == "rollcalls" && s[3] == "checkins")
    kind = ApiBody::checkin;
  if (!kind) return std::nullopt;
  const auto credentials = bearer_credentials(req);
  const config::Token* token = credentials ? town.find_token(*credentials) : nullptr;
  if (!token) return std::nullopt;
  return ReadAhead{*kind, token, read_api_body(*kind, req.body())};
}

void handle_request(Daemon::Core& core, Request&& req, const net::ip::address& peer,
                    Responder respond, std::optional<ReadAhead> ahead) {
  RequestContext ctx{core, std::move(req), std::move(respond), {}, nullptr, peer, std::move(ahead)};
  ctx.segments = split_path(ctx.req.target());
  const auto& s = ctx.segments;
  const http::verb m = ctx.req.method();
  const bool get = m == http::verb::get;
  const bool post = m == http::verb::post;
  auto is = [&](std::initializer_list<std::string_view> path) {
    if (path.size() != s.size()) return false;
    std::size_t i = 0;
    for (std::string_view p : path) {
      if (p != "*" && p != s[i]) return false;
      ++i;
    }
    return true;
  };
  using config::Role;

  // Counters say how busy and how refused the town (or region) is: only for the host itself
  // (and a scraper or proxy on it), also when the daemon listens on the LAN.
  if (get && is({"metrics"}) && !is_loopback_peer(ctx.peer)) {
    return ctx.refuse(http::status::forbidden, RefusalReason::unauthorized,
                      "/metrics answers only on loopback");
  }
  if (core.region) return route_region(ctx);
  if (get && is({"healthz"})) {
    return ctx.reply(
        http::status::ok,
        {{"status", "ok"}, {"seq", core.situation.last_seq}, {"sources", core.sources->detail()}});
  }
  if (get && is({"metrics"})) {
    Response res{http::status::ok, ctx.req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4");
    res.keep_alive(ctx.req.keep_alive());
    res.body() = core.metrics.prometheus_text() + core.sources->prometheus_text();
    if (core.bridge) res.body() += core.bridge->prometheus_text();
    return ctx.respond(std::move(res));
  }
  if (post && is({"callback", "lineworks"})) return route_lineworks(ctx);
  if (post && is({"v1", "talk"})) return ctx.require(Role::ingest) ? route_talk(ctx) : void();
  if (post && is({"v1", "availability"})) return ctx.require(Role::ingest) ? route_availability(ctx) : void();
  if (post && is({"v1", "rollcalls"})) return ctx.require(Role::operator_) ? route_rollcall_start(ctx) : void();
  if (post && is({"v1", "rollcalls", "*", "checkins"})) {
    return ctx.require(Role::ingest) ? route_checkin(ctx, s[2]) : void();
  }
  if (post && is({"v1", "rollcalls", "*", "close"})) {
    return ctx.require(Role::operator_) ? route_rollcall_close(ctx, s[2]) : void();
  }
  if (get && is({"v1", "rollcalls", "*", "report"})) {
    return ctx.require(Role::operator_) ? route_rollcall_report(ctx, s[2]) : void();
  }
  if (post && is({"v1", "alerts"})) return ctx.require(Role::operator_) ? route_alert_raise(ctx) : void();
  if (post && is({"v1", "alerts", "*", "ack"})) {
    return ctx.require(Role::operator_) ? route_alert_ack(ctx, s[2]) : void();
  }
  if (post && is({"v1", "alerts", "*", "cancel"})) {
    return ctx.require(Role::operator_) ? route_alert_cancel(ctx, s[2]) : void();
  }
  if (post && is({"v1", "drill", "stop"}))
    return ctx.require(Role::operator_) ? route_drill_stop(ctx) : void();
  if (post && is({"v1", "talk", "*", "hide"})) {
    return ctx.require(Role::operator_) ? route_talk_hide(ctx, s[2]) : void();
  }
  if (post && is({"v1", "cap"})) return ctx.require(Role::ingest) ? route_cap(ctx) : void();
  if (post && is({"v1", "jma"})) return ctx.require(Role::ingest) ? route_jma(ctx) : void();
  if (get && is({"v1", "snapshot"})) {
    if (!ctx.require({Role::display, Role::operator_})) return;
    return ctx.reply(http::status::ok, model::situation_to_json(core.situation));
  }
  if (get && is({"v1", "attachments", "*"})) {
    return ctx.require({Role::display, Role::operator_}) ? route_attachment(ctx, s[2]) : void();
  }
  if (m == http::verb::put && is({"v1", "staff", "*", "calendar"})) {
    return ctx.require({Role::ingest, Role::operator_}) ? route_calendar_import(ctx, s[2]) : void();
  }
  if (get && is({"v1", "events"})) return ctx.require(Role::operator_) ? route_events(ctx) : void();
  if (get && is({"v1", "stream"})) {
    return ctx.refuse(http::status::upgrade_required, RefusalReason::malformed, "GET /v1/stream needs a WebSocket upgrade");
  }
  ctx.respond(error_response(http::status::not_found, "no such endpoint: " + std::string(ctx.req.method_string()) + " " +
                                                          std::string(ctx.req.target().substr(0, ctx.req.target().find('?'))),
                             ctx.req.version(), ctx.req.keep_alive()));
}

}  // namespace bcp::daemon
