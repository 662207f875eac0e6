// The stand-in LINE WORKS tenant (lineworks_tenant.hpp). Owns one thread: its io_context runs
// the acceptor and one coroutine per connection; the shared records are under `mutex`. The
// delivery handlers run on that thread too, after a 201 and without the lock held.
#include "bcp/tools/lineworks_tenant.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "bcp/lineworks/jwt.hpp"
#include "bcp/lineworks/messages.hpp"
#include "tenant_calendars.hpp"

namespace bcp::tools {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;
using tcp = net::ip::tcp;
using Clock = LineWorksTenant::Clock;
using lineworks::count_chars;

constexpr std::string_view kTokenPath = "/oauth2/v2.0/token";
constexpr std::string_view kApiPrefix = "/v1.0/bots/";
constexpr std::string_view kDownloadPrefix = "/download/";
constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";

// ---- the body rules of the message endpoints ------------------------------------------

// Every key of `obj` must be in `allowed` (LINE WORKS: undocumented properties may fail).
std::string only_keys(const json& obj, const std::string& at,
                      std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) return at + "/" + key + ": unknown property";
  }
  return {};
}

// A string field of 1..max characters; empty result when fine.
std::string text_field(const json& obj, const std::string& at, const char* key, std::size_t max,
                       bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) return required ? at + "/" + key + ": required" : std::string();
  if (!it->is_string()) return at + "/" + key + ": expected a string";
  const std::size_t n = count_chars(it->get<std::string>());
  if (n == 0) return at + "/" + key + ": empty";
  if (n > max) return at + "/" + key + ": longer than " + std::to_string(max) + " characters";
  return {};
}

enum class Place { button_template, quick_reply };

std::string check_action(const json& a, const std::string& at, Place place) {
  if (!a.is_object()) return at + ": expected an action object";
  auto type = a.find("type");
  if (type == a.end() || !type->is_string()) return at + "/type: required";
  const std::string t = type->get<std::string>();
  std::string e;
  if (t == "message") {
    if (!(e = only_keys(a, at, {"type", "label", "text", "postback", "i18nLabels", "i18nTexts"}))
             .empty())
      return e;
    if (!(e = text_field(a, at, "label", lineworks::kMaxLabelChars, true)).empty()) return e;
    if (!(e = text_field(a, at, "text", lineworks::kMaxPostbackChars, false)).empty()) return e;
    return text_field(a, at, "postback", lineworks::kMaxPostbackChars, false);
  }
  if (t == "postback") {
    if (place == Place::button_template)
      return at +
             ": a postback action is not allowed in a button template (use a message action with "
             "postback)";
    if (!(e = only_keys(a, at,
                        {"type", "label", "data", "displayText", "i18nLabels", "i18nDisplayTexts"}))
             .empty())
      return e;
    if (!(e = text_field(a, at, "label", lineworks::kMaxLabelChars, true)).empty()) return e;
    if (!(e = text_field(a, at, "data", lineworks::kMaxPostbackChars, true)).empty()) return e;
    // Quick reply postbacks must say what appears in the room.
    return text_field(a, at, "displayText", lineworks::kMaxPostbackChars,
                      place == Place::quick_reply);
  }
  if (t == "uri") {
    if (!(e = only_keys(a, at, {"type", "label", "uri", "i18nLabels"})).empty()) return e;
    if (!(e = text_field(a, at, "label", lineworks::kMaxLabelChars, true)).empty()) return e;
    return text_field(a, at, "uri", 1000, true);
  }
  return at + "/type: " + json(t).dump() +
         " is not an action this stand-in checks (message, postback, uri)";
}

std::string check_quick_reply(const json& q, const std::string& at) {
  if (!q.is_object()) return at + ": expected an object";
  std::string e = only_keys(q, at, {"items"});
  if (!e.empty()) return e;
  auto items = q.find("items");
  if (items == q.end() || !items->is_array() || items->empty() ||
      items->size() > lineworks::kMaxQuickReplyItems)
    return at + "/items: expected 1 to " + std::to_string(lineworks::kMaxQuickReplyItems) +
           " items";
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    const std::string here = at + "/items/" + std::to_string(i);
    if (!item.is_object()) return here + ": expected an object";
    if (!(e = only_keys(item, here, {"action", "imageUrl", "imageResourceId"})).empty()) return e;
    auto action = item.find("action");
    if (action == item.end()) return here + "/action: required";
    if (!(e = check_action(*action, here + "/action", Place::quick_reply)).empty()) return e;
  }
  return {};
}

std::string check_content(const json& c) {
  const std::string at = "/content";
  if (!c.is_object()) return at + ": expected an object";
  auto type = c.find("type");
  if (type == c.end() || !type->is_string()) return at + "/type: required";
  const std::string t = type->get<std::string>();
  std::string e;
  if (t == "text") {
    if (!(e = only_keys(c, at, {"type", "text", "i18nTexts", "quickReply"})).empty()) return e;
    if (!(e = text_field(c, at, "text", lineworks::kMaxTextChars, true)).empty()) return e;
  } else if (t == "button_template") {
    if (!(e = only_keys(c, at,
                        {"type", "contentText", "i18nContentTexts", "actions", "quickReply"}))
             .empty())
      return e;
    if (!(e = text_field(c, at, "contentText", lineworks::kMaxContentTextChars, true)).empty())
      return e;
    auto actions = c.find("actions");
    if (actions == c.end() || !actions->is_array() || actions->empty() ||
        actions->size() > lineworks::kMaxButtons)
      return at + "/actions: expected 1 to " + std::to_string(lineworks::kMaxButtons) + " actions";
    for (std::size_t i = 0; i < actions->size(); ++i) {
      e = check_action((*actions)[i], at + "/actions/" + std::to_string(i), Place::button_template);
      if (!e.empty()) return e;
    }
  } else {
    return at + "/type: " + json(t).dump() +
           " is not a type this stand-in checks (text, button_template)";
  }
  if (auto q = c.find("quickReply"); q != c.end()) return check_quick_reply(*q, at + "/quickReply");
  return {};
}

// ---- forms and paths --------------------------------------------------------------------

std::optional<std::string> decode(std::string_view s, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
        return std::nullopt;
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    auto key = decode(pair.substr(0, eq), true);
    auto value = decode(pair.substr(eq + 1), true);
    if (!key || !value || !out.emplace(*key, *value).second) return std::nullopt;
  }
  return out;
}

std::string random_token() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool hang = false;
};

Reply json_reply(int status, const json& body) {
  return Reply{status, body.dump(), {{"Content-Type", "application/json"}}, false};
}

}  // namespace

struct LineWorksTenant::Impl {
  struct Fault {
    int times = 0;
    int status = 0;  // 0: hang
    std::string body;
    int reset_seconds = -1;  // ≥ 0: a 429 with this rateLimit-reset
  };

  explicit Impl(TenantSettings s) : settings(std::move(s)), key(load_key(settings.public_key_pem)) {
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), settings.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
    net::co_spawn(ioc, accept(), net::detached);
    thread = std::thread([this] { ioc.run(); });
  }

  ~Impl() {
    net::post(ioc, [this] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
      ioc.stop();  // sessions still open (a hang) end with the io_context
    });
    thread.join();
  }

  static lineworks::RsaKey load_key(const std::string& pem) {
    std::string why;
    auto k = lineworks::RsaKey::public_from_pem(pem, &why);
    if (!k) throw std::invalid_argument("stand-in tenant: " + why);
    return *k;
  }

  net::awaitable<void> accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      ++connections;
      net::co_spawn(ioc, session(std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      parser.body_limit(1024 * 1024);
      stream.expires_after(std::chrono::seconds(60));
      co_await http::async_read(stream, buffer, parser,
                                net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      const auto req = parser.release();
      Reply reply;
      std::optional<MessageRequest> delivered;
      try {
        reply = handle(req, delivered);
      } catch (const std::exception& e) {
        reply = json_reply(500, {{"code", "SERVER_ERROR"}, {"description", e.what()}});
      }
      if (delivered) tell_delivered(*delivered);
      if (reply.hang) {
        // Never answer: wait for the client to give up and close.
        stream.expires_never();
        char byte;
        co_await stream.async_read_some(net::buffer(&byte, 1),
                                        net::redirect_error(net::use_awaitable, ec));
        break;
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
      for (auto& [name, value] : reply.headers) res.set(name, value);
      res.body() = std::move(reply.body);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      stream.expires_after(std::chrono::seconds(10));
      co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      if (ec || !res.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  // Runs the owner's handlers for one 201-answered message (the tenant's thread, no lock).
  void tell_delivered(const MessageRequest& m) {
    std::vector<DeliveryHandler> handlers;
    {
      std::lock_guard lock(mutex);
      handlers = delivery_handlers;
    }
    for (const auto& h : handlers) {
      try {
        h(m);
      } catch (...) {
        ++handler_errors;  // the owner's bug, never the end of the tenant's thread
      }
    }
  }

  Reply handle(const http::request<http::string_body>& req,
               std::optional<MessageRequest>& delivered) {
    const std::string_view target = req.target();
    if (req.method() == http::verb::get && target.starts_with(tenant_calendars::kUsersPrefix))
      return calendar_events(req);
    if (req.method() == http::verb::get && target.starts_with(kApiPrefix)) return attachment(req);
    if (req.method() == http::verb::get && target.starts_with(kDownloadPrefix))
      return download(req);
    if (req.method() != http::verb::post)
      return json_reply(405, {{"code", "METHOD_NOT_ALLOWED"}, {"description", "POST only"}});
    if (target == kTokenPath) return token(req);
    if (target.starts_with(kApiPrefix)) return message(req, delivered);
    return json_reply(404, {{"code", "NOT_FOUND"}, {"description", "no such endpoint"}});
  }

  Reply token_refusal(int status, const std::string& error, const std::string& description) {
    std::lock_guard lock(mutex);
    token_log.push_back({Clock::now(), status, error + ": " + description});
    cv.notify_all();
    return json_reply(status, {{"error", error}, {"error_description", description}});
  }

  Reply token(const http::request<http::string_body>& req) {
    if (!std::string_view(req[http::field::content_type])
             .starts_with("application/x-www-form-urlencoded"))
      return token_refusal(400, "invalid_request", "expected application/x-www-form-urlencoded");
    auto form = parse_form(req.body());
    if (!form) return token_refusal(400, "invalid_request", "the form cannot be read");
    auto field = [&](const char* k) {
      auto it = form->find(k);
      return it == form->end() ? std::string() : it->second;
    };
    if (field("grant_type") != kJwtBearer)
      return token_refusal(400, "unsupported_grant_type",
                           "grant_type must be " + std::string(kJwtBearer));
    if (field("client_id") != settings.client_id ||
        field("client_secret") != settings.client_secret)
      return token_refusal(401, "invalid_client", "unknown client_id or wrong client_secret");
    const std::string scope = field("scope");
    bool bot_scope = false;
    for (std::size_t i = 0; i <= scope.size();) {
      const std::size_t sp = std::min(scope.find(' ', i), scope.size());
      const std::string s = scope.substr(i, sp - i);
      bot_scope = bot_scope || s == "bot" || s == "bot.message";
      i = sp + 1;
    }
    if (!bot_scope) return token_refusal(400, "invalid_scope", "Request scope is not valid.");
    const lineworks::VerifiedJwt jwt = lineworks::verify_jwt(field("assertion"), key);
    if (!jwt.ok()) return token_refusal(400, "invalid_grant", "JWT: " + jwt.error);
    const json& c = jwt.claims;
    auto claim_is = [&](const char* k, const std::string& want) {
      auto it = c.find(k);
      return it != c.end() && it->is_string() && *it == want;
    };
    if (!claim_is("iss", settings.client_id))
      return token_refusal(400, "invalid_grant", "JWT: iss is not the client id");
    if (!claim_is("sub", settings.service_account))
      return token_refusal(400, "invalid_grant", "JWT: sub is not the service account");
    auto iat = c.find("iat"), exp = c.find("exp");
    if (iat == c.end() || exp == c.end() || !iat->is_number_integer() || !exp->is_number_integer())
      return token_refusal(400, "invalid_grant", "JWT: iat and exp must be integer UNIX seconds");
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::int64_t issued = iat->get<std::int64_t>(), expires = exp->get<std::int64_t>();
    if (expires <= now) return token_refusal(400, "invalid_grant", "JWT: expired");
    if (issued > now + 60) return token_refusal(400, "invalid_grant", "JWT: iat is in the future");
    if (expires - issued > 3600)
      return token_refusal(400, "invalid_grant", "JWT: exp is more than 60 min after iat");

    std::lock_guard lock(mutex);
    const std::string access = random_token();
    std::int64_t lifetime = 86400;
    try {
      lifetime = std::stoll(settings.expires_in);
    } catch (const std::exception&) {
    }
    tokens[access] = Clock::now() + std::chrono::seconds(lifetime);
    token_scopes[access] = scope;
    token_log.push_back({Clock::now(), 200, {}});
    cv.notify_all();
    return json_reply(200, {{"access_token", access},
                            {"refresh_token", random_token()},
                            {"token_type", "Bearer"},
                            {"expires_in", settings.expires_in},
                            {"scope", scope}});
  }

  Reply message(const http::request<http::string_body>& req,
                std::optional<MessageRequest>& delivered) {
    MessageRequest record;
    record.at = Clock::now();
    auto answer = [&](Reply reply, std::string error) {
      record.status = reply.hang ? 0 : reply.status;
      record.error = std::move(error);
      if (record.status == 201) delivered = record;
      message_log.push_back(std::move(record));
      cv.notify_all();
      return reply;
    };
    std::lock_guard lock(mutex);
    // /v1.0/bots/{botId}/{users|channels}/{id}/messages
    std::string_view rest = req.target().substr(kApiPrefix.size());
    std::vector<std::string_view> parts;
    while (!rest.empty()) {
      const auto slash = rest.find('/');
      parts.push_back(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    }
    const auto to = parts.size() == 4 ? decode(parts[2], false) : std::nullopt;
    if (parts.size() != 4 || (parts[1] != "users" && parts[1] != "channels") ||
        parts[3] != "messages" || !to || to->empty())
      return answer(json_reply(404, {{"code", "NOT_FOUND"}, {"description", "no such endpoint"}}),
                    "bad path");
    record.kind = std::string(parts[1]);
    record.to = *to;
    record.token = bearer_of(req);
    if (!issued(record.token)) return answer(unauthorized(), "no valid token");
    if (decode(parts[0], false) != settings.bot_id)
      return answer(json_reply(404, {{"code", "NOT_FOUND"}, {"description", "bot not found"}}),
                    "unknown bot");
    record.content = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
    if (record.content.is_discarded()) record.content = nullptr;
    if (record.content.is_object() && record.content.contains("content"))
      record.content = record.content["content"];

    std::string why;
    if (auto fault = fault_or_limit(why)) return answer(*fault, why);
    if (!std::string_view(req[http::field::content_type]).starts_with("application/json"))
      return answer(json_reply(415, {{"code", "UNSUPPORTED_MEDIA_TYPE"},
                                     {"description", "expected application/json"}}),
                    "not JSON");
    const json body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
    const std::string problem = body.is_discarded() ? "/: not JSON" : check_message_body(body);
    if (!problem.empty())
      return answer(json_reply(400, {{"code", "INVALID_PARAMETER"}, {"description", problem}}),
                    problem);
    if (record.kind == "users" && !settings.users.empty() && !settings.users.contains(record.to))
      return answer(json_reply(404, {{"code", "NOT_FOUND"}, {"description", "user not found"}}),
                    "unknown user");
    accepted.push_back(Clock::now());
    Reply ok{201, {}, {}, false};
    if (limit > 0) {
      ok.headers = {{"rateLimit-limit", std::to_string(limit)},
                    {"rateLimit-remaining",
                     std::to_string(std::max<int>(0, limit - static_cast<int>(accepted.size())))}};
    }
    return answer(ok, {});
  }

  static std::string bearer_of(const http::request<http::string_body>& req) {
    const std::string_view auth = req[http::field::authorization];
    return auth.starts_with("Bearer ") ? std::string(auth.substr(7)) : std::string();
  }
  // A token this tenant issued that has not expired. Under the lock.
  bool issued(const std::string& token) const {
    auto it = tokens.find(token);
    return it != tokens.end() && Clock::now() < it->second;
  }
  static Reply unauthorized() {
    return json_reply(401, {{"code", "UNAUTHORIZED"}, {"description", "Authentication failed"}});
  }

  // GET /v1.0/bots/{botId}/attachments/{fileId}: 302 to this tenant's /download/<opaque>.
  Reply attachment(const http::request<http::string_body>& req) {
    std::lock_guard lock(mutex);
    AttachmentRequest record{Clock::now(), std::string(req.target()), 0, false};
    auto answer = [&](Reply reply) {
      record.status = reply.hang ? 0 : reply.status;
      attachment_log.push_back(record);
      cv.notify_all();
      return reply;
    };
    record.had_token = issued(bearer_of(req));
    if (!record.had_token) return answer(unauthorized());
    std::string why;
    if (auto fault = fault_or_limit(why)) return answer(*fault);
    // {botId}/attachments/{fileId}, no query
    const std::string_view rest = req.target().substr(kApiPrefix.size());
    const auto slash = rest.find('/');
    const std::string_view middle = "/attachments/";
    const auto bot = decode(rest.substr(0, slash), false);
    const auto file_id =
        slash == std::string_view::npos || rest.substr(slash, middle.size()) != middle
            ? std::nullopt
            : decode(rest.substr(slash + middle.size()), false);
    if (!bot || *bot != settings.bot_id || !file_id || file_id->empty() ||
        file_id->find_first_of("/?") != std::string::npos)
      return answer(json_reply(404, {{"code", "NOT_FOUND"}, {"description", "no such endpoint"}}));
    auto file = attachments.find(*file_id);
    if (file == attachments.end())
      return answer(json_reply(404, {{"code", "NOT_FOUND"}, {"description", "file not found"}}));
    accepted.push_back(Clock::now());
    Reply found{302, {}, {}, false};
    found.headers.push_back({"Location", "http://127.0.0.1:" + std::to_string(port) + "/download/" +
                                             file->second.opaque});
    return answer(found);
  }

  // GET /download/<opaque>: the bytes, with the Bearer again (as LINE WORKS' download URL).
  Reply download(const http::request<http::string_body>& req) {
    std::lock_guard lock(mutex);
    AttachmentRequest record{Clock::now(), std::string(req.target()), 0, false};
    auto answer = [&](Reply reply) {
      record.status = reply.status;
      attachment_log.push_back(record);
      cv.notify_all();
      return reply;
    };
    record.had_token = issued(bearer_of(req));
    if (!record.had_token) return answer(unauthorized());
    const std::string_view opaque = req.target().substr(kDownloadPrefix.size());
    for (const auto& [id, file] : attachments) {
      if (file.opaque == opaque)
        return answer(Reply{200, file.bytes, {{"Content-Type", file.content_type}}, false});
    }
    return answer(json_reply(404, {{"code", "NOT_FOUND"}, {"description", "file not found"}}));
  }

  // The next told-to fault, or a 429 over the rate limit, for a request with a valid token
  // (the message and the calendar routes share both). Under the lock.
  std::optional<Reply> fault_or_limit(std::string& why) {
    while (!faults.empty() && faults.front().times <= 0) faults.pop_front();
    if (!faults.empty()) {
      Fault& f = faults.front();
      --f.times;
      if (f.status == 0) return why = "hung (told to)", Reply{0, {}, {}, true};
      if (f.reset_seconds >= 0) return why = "429 (told to)", too_many(f.reset_seconds);
      why = std::to_string(f.status) + " (told to)";
      return Reply{f.status, f.body, {{"Content-Type", "application/json"}}, false};
    }
    if (limit > 0) {
      const auto now = Clock::now();
      while (!accepted.empty() && accepted.front() <= now - window) accepted.pop_front();
      if (static_cast<int>(accepted.size()) >= limit) {
        const auto left = accepted.front() + window - now;
        const auto seconds =
            std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(left).count());
        why = "over the rate limit";
        return too_many(static_cast<int>(seconds));
      }
    }
    return std::nullopt;
  }

  // GET /v1.0/users/{userId}/calendar/events (tenant_calendars.hpp judges the rest).
  Reply calendar_events(const http::request<http::string_body>& req) {
    std::lock_guard lock(mutex);
    CalendarRequest record;
    record.at = Clock::now();
    auto answer = [&](Reply reply, std::string error) {
      record.status = reply.hang ? 0 : reply.status;
      record.error = std::move(error);
      calendar_log.push_back(std::move(record));
      cv.notify_all();
      return reply;
    };
    const std::string_view target = req.target();
    const auto question = target.find('?');
    const auto path = decode(target.substr(tenant_calendars::kUsersPrefix.size(),
                                           question == std::string_view::npos
                                               ? std::string_view::npos
                                               : question - tenant_calendars::kUsersPrefix.size()),
                             false);
    std::optional<std::map<std::string, std::string>> query;
    if (question != std::string_view::npos) query = parse_form(target.substr(question + 1));
    if (query) {
      if (auto f = query->find("fromDateTime"); f != query->end()) record.from = f->second;
      if (auto u = query->find("untilDateTime"); u != query->end()) record.until = u->second;
    }
    record.token = bearer_of(req);
    if (!issued(record.token)) return answer(unauthorized(), "no valid token");
    const std::string& scope = token_scopes[record.token];
    if ((" " + scope + " ").find(" calendar.read ") == std::string::npos &&
        (" " + scope + " ").find(" calendar ") == std::string::npos)
      return answer(json_reply(403, {{"code", "FORBIDDEN"},
                                     {"description", "the token's scope has no calendar.read"}}),
                    "no calendar scope");
    std::string why;
    if (auto fault = fault_or_limit(why)) return answer(*fault, why);
    if (!path)
      return answer(json_reply(404, {{"code", "NOT_FOUND"}, {"description", "bad path"}}),
                    "bad path");
    tenant_calendars::Answer a =
        tenant_calendars::answer(*path, query, calendars, settings.users, record.user);
    if (a.status == 200) accepted.push_back(Clock::now());
    return answer(json_reply(a.status, a.body), a.error);
  }

  Reply too_many(int reset_seconds) {
    Reply r = json_reply(
        429, {{"code", "TOO_MANY_REQUESTS"}, {"description", "API rate limit exceeded"}});
    r.headers.push_back({"rateLimit-limit", std::to_string(limit > 0 ? limit : 240)});
    r.headers.push_back({"rateLimit-remaining", "0"});
    r.headers.push_back({"rateLimit-reset", std::to_string(reset_seconds)});
    return r;
  }

  TenantSettings settings;
  lineworks::RsaKey key;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::uint16_t port = 0;
  std::atomic<int> connections{0};

  mutable std::mutex mutex;
  mutable std::condition_variable cv;
  std::deque<Fault> faults;
  std::map<std::string, Clock::time_point> tokens;  // issued -> expires
  std::map<std::string, std::string> token_scopes;  // issued -> the scope asked for
  std::map<std::string, json> calendars;            // userId -> events response
  std::vector<CalendarRequest> calendar_log;
  struct StoredFile {
    std::string bytes, content_type, opaque;
  };
  std::map<std::string, StoredFile> attachments;  // fileId -> the file
  std::vector<AttachmentRequest> attachment_log;
  std::vector<TokenRequest> token_log;
  std::vector<MessageRequest> message_log;
  int limit = 0;
  std::chrono::milliseconds window{60'000};
  std::deque<Clock::time_point> accepted;  // within the window
  std::vector<DeliveryHandler> delivery_handlers;
  std::atomic<int> handler_errors{0};

  std::thread thread;  // last: started once everything above exists
};

LineWorksTenant::LineWorksTenant(TenantSettings settings)
    : impl_(std::make_unique<Impl>(std::move(settings))) {}

LineWorksTenant::~LineWorksTenant() = default;

std::uint16_t LineWorksTenant::port() const { return impl_->port; }

std::string LineWorksTenant::auth_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + std::string(kTokenPath);
}

std::string LineWorksTenant::api_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/v1.0";
}

void LineWorksTenant::answer_next(int times, int status, std::string body) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back({times, status, std::move(body), -1});
}

void LineWorksTenant::rate_limit_next(int times, int reset_seconds) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back({times, 429, {}, std::max(reset_seconds, 0)});
}

void LineWorksTenant::hang_next(int times) {
  std::lock_guard lock(impl_->mutex);
  impl_->faults.push_back({times, 0, {}, -1});
}

void LineWorksTenant::expire_tokens() {
  std::lock_guard lock(impl_->mutex);
  for (auto& [token, expires] : impl_->tokens) expires = Clock::now();
}

void LineWorksTenant::set_rate_limit(int limit, std::chrono::milliseconds window) {
  std::lock_guard lock(impl_->mutex);
  impl_->limit = limit;
  impl_->window = window;
  impl_->accepted.clear();
}

void LineWorksTenant::set_expires_in(std::string seconds) {
  std::lock_guard lock(impl_->mutex);
  impl_->settings.expires_in = std::move(seconds);
}

void LineWorksTenant::add_attachment(std::string file_id, std::string bytes,
                                     std::string content_type) {
  std::lock_guard lock(impl_->mutex);
  // The download URL names no fileId (LINE WORKS' does not either): a counter is enough here.
  std::string opaque = "f" + std::to_string(impl_->attachments.size() + 1) + "-" +
                       std::to_string(std::hash<std::string>{}(file_id) % 1000000007u);
  impl_->attachments.insert_or_assign(
      std::move(file_id),
      Impl::StoredFile{std::move(bytes), std::move(content_type), std::move(opaque)});
}

std::vector<LineWorksTenant::AttachmentRequest> LineWorksTenant::attachment_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->attachment_log;
}

void LineWorksTenant::set_calendar(std::string user_id, json events_response) {
  std::lock_guard lock(impl_->mutex);
  impl_->calendars.insert_or_assign(std::move(user_id), std::move(events_response));
}

std::vector<LineWorksTenant::CalendarRequest> LineWorksTenant::calendar_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calendar_log;
}

bool LineWorksTenant::wait_for_calendar_requests(
    const std::function<bool(const std::vector<CalendarRequest>&)>& done,
    std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_for(lock, timeout, [&] { return done(impl_->calendar_log); });
}

std::vector<LineWorksTenant::TokenRequest> LineWorksTenant::token_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->token_log;
}

std::vector<LineWorksTenant::MessageRequest> LineWorksTenant::message_requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->message_log;
}

std::vector<LineWorksTenant::MessageRequest> LineWorksTenant::delivered() const {
  std::vector<MessageRequest> out;
  for (auto& r : message_requests())
    if (r.status == 201) out.push_back(std::move(r));
  return out;
}

int LineWorksTenant::connections() const { return impl_->connections.load(); }

void LineWorksTenant::on_delivered(DeliveryHandler handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->delivery_handlers.push_back(std::move(handler));
}

int LineWorksTenant::delivery_handler_errors() const { return impl_->handler_errors.load(); }

bool LineWorksTenant::wait_for(const std::function<bool(const std::vector<MessageRequest>&)>& done,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_for(lock, timeout, [&] { return done(impl_->message_log); });
}

std::string check_message_body(const json& body) {
  if (!body.is_object()) return "/: expected a JSON object";
  std::string e = only_keys(body, "", {"content"});
  if (!e.empty()) return e;
  auto content = body.find("content");
  if (content == body.end()) return "/content: required";
  return check_content(*content);
}

}  // namespace bcp::tools
