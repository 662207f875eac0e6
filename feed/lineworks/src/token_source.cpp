#include "token_source.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

namespace bcp::lineworks::detail {

namespace http = beast::http;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::seconds kDefaultLifetime{3600};  // the shorter of the two LINE WORKS offers
constexpr std::chrono::seconds kLongestLifetime{90 * 24 * 3600};

// A refusal's `error` and `error_description` (OAuth style), cut short and printable: they
// name what was wrong with the client's credentials, never anybody's content.
std::string refusal_reason(const std::string& body) { return error_reason(body, {"error", "error_description", "code", "description"}); }

}  // namespace

TokenAnswer parse_token_answer(int status, const std::string& body) {
  TokenAnswer out;
  if (status != 200) {
    const std::string why = refusal_reason(body);
    out.error =
        "token endpoint answered HTTP " + std::to_string(status) + (why.empty() ? "" : ": " + why);
    return out;
  }
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    out.error = "token endpoint answered 200 without a JSON object";
    return out;
  }
  auto token = j.find("access_token");
  if (token == j.end() || !token->is_string() || token->get<std::string>().empty()) {
    out.error = "token endpoint answer: /access_token missing or not a string";
    return out;
  }
  // LINE WORKS writes expires_in as a string ("86400"); a number is taken too.
  std::int64_t seconds = kDefaultLifetime.count();
  if (auto e = j.find("expires_in"); e != j.end()) {
    if (e->is_number_integer()) {
      seconds = e->get<std::int64_t>();
    } else if (e->is_string()) {
      const std::string s = e->get<std::string>();
      if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) {
        out.error = "token endpoint answer: /expires_in is not a number of seconds";
        return out;
      }
      seconds = std::stoll(s);
    } else {
      out.error = "token endpoint answer: /expires_in is not a number of seconds";
      return out;
    }
  }
  if (seconds <= 0) {
    out.error = "token endpoint answer: /expires_in is not positive";
    return out;
  }
  out.access_token = token->get<std::string>();
  out.expires_in = std::min(std::chrono::seconds(seconds), kLongestLifetime);
  return out;
}

std::chrono::seconds renew_margin(std::chrono::seconds expires_in) {
  return std::min<std::chrono::seconds>(expires_in / 10, std::chrono::minutes(5));
}

TokenSource::TokenSource(net::io_context& ioc, net::ssl::context& tls,
                         const config::LineWorksApi& api, bcp::http::HttpUrl auth_url, RsaKey key,
                         const ClientOptions& options, OnExchange on_exchange)
    : api_(api),
      options_(options),
      key_(std::move(key)),
      connection_(ioc, tls, std::move(auth_url), options.timeout),
      exchanged_(ioc, Clock::time_point::max()),
      on_exchange_(std::move(on_exchange)) {}

std::string TokenSource::form_body() const {
  const auto now = options_.clock ? options_.clock() : std::chrono::system_clock::now();
  const std::string jwt = sign_jwt(
      service_account_claims(api_.client_id, api_.service_account, now, options_.jwt_lifetime),
      key_);
  return "assertion=" + percent_encode(jwt) +
         "&grant_type=" + percent_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
         "&client_id=" + percent_encode(api_.client_id) +
         "&client_secret=" + percent_encode(api_.client_secret) +
         "&scope=" + percent_encode(options_.scope);
}

net::awaitable<void> TokenSource::exchange() {
  exchanging_ = true;
  std::string error;
  try {
    http::request<http::string_body> req{http::verb::post, connection_.origin().target, 11};
    req.set(http::field::user_agent, "bcp-feedd (BCP Wall LINE WORKS client)");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set(http::field::accept, "application/json");
    req.body() = form_body();
    const Response res = co_await connection_.request(std::move(req));
    if (res.status == 0) {
      error = "token endpoint: " + res.error;
    } else {
      TokenAnswer answer = parse_token_answer(res.status, res.body);
      error = answer.error;
      if (error.empty()) {
        token_ = std::move(answer.access_token);
        renew_at_ = Clock::now() + answer.expires_in - renew_margin(answer.expires_in);
      }
    }
  } catch (const std::exception& e) {
    error = std::string("token: ") + e.what();
  }
  // One exchange per token: the connection is not kept for the next one, hours later.
  connection_.close();
  last_error_ = error;
  ++generation_;
  exchanging_ = false;
  exchanged_.cancel();
  if (on_exchange_) on_exchange_(error.empty(), error);
}

net::awaitable<std::string> TokenSource::get(std::string& error) {
  const std::uint64_t asked_at = generation_;
  while (!stopped_) {
    if (!token_.empty() && Clock::now() < renew_at_) co_return token_;
    // An exchange that ended since this lane asked, and failed: its error is this lane's too
    // (no second exchange hammering an endpoint that just refused).
    if (generation_ != asked_at && !last_error_.empty()) {
      error = last_error_;
      co_return std::string();
    }
    if (!exchanging_) {
      co_await exchange();
      continue;
    }
    boost::system::error_code ec;
    co_await exchanged_.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  error = "stopped";
  co_return std::string();
}

void TokenSource::drop(const std::string& token) {
  if (token == token_) token_.clear();
}

void TokenSource::stop() {
  stopped_ = true;
  connection_.shutdown();
  exchanged_.cancel();
}

}  // namespace bcp::lineworks::detail
