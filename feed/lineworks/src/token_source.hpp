// The access token of the service account, on the API client's thread: a JWT signed with the
// app's private key is exchanged at auth_url (form POST, grant_type jwt-bearer) for a token
// that is kept until shortly before its expires_in (LINE WORKS sends that as a string).
// Only one exchange runs at a time; lanes asking meanwhile wait for it and share its outcome.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "bcp/config/config.hpp"
#include "bcp/lineworks/api_client.hpp"
#include "bcp/lineworks/jwt.hpp"
#include "connection.hpp"

namespace bcp::lineworks::detail {

// What the token endpoint's answer says; `error` names what was wrong with it.
struct TokenAnswer {
  std::string access_token;
  std::chrono::seconds expires_in{0};
  std::string error;
};
// Reads {"access_token","expires_in",…} (expires_in a string of seconds, or a number).
TokenAnswer parse_token_answer(int status, const std::string& body);

// How long before expires_in the token is renewed: a tenth of its life, at most 5 minutes.
std::chrono::seconds renew_margin(std::chrono::seconds expires_in);

class TokenSource {
 public:
  // Reports each exchange (for the client's stats): ok, and the error when not.
  using OnExchange = std::function<void(bool ok, const std::string& error)>;

  TokenSource(net::io_context& ioc, net::ssl::context& tls, const config::LineWorksApi& api,
              bcp::http::HttpUrl auth_url, RsaKey key, const ClientOptions& options,
              OnExchange on_exchange);

  // A valid token, or empty with `error` set (the endpoint refused, or did not answer).
  net::awaitable<std::string> get(std::string& error);
  // A 401 came back with `token`: the next get() exchanges a new one (unless that happened
  // already meanwhile).
  void drop(const std::string& token);
  void stop();

 private:
  net::awaitable<void> exchange();
  std::string form_body() const;

  const config::LineWorksApi& api_;
  const ClientOptions& options_;
  RsaKey key_;
  Connection connection_;
  net::steady_timer exchanged_;  // cancelled when an exchange ends: wakes the waiters
  OnExchange on_exchange_;
  bool exchanging_ = false;
  bool stopped_ = false;
  std::uint64_t generation_ = 0;  // exchanges finished
  std::string token_;
  std::chrono::steady_clock::time_point renew_at_{};
  std::string last_error_;  // of the last exchange, empty when it worked
};

}  // namespace bcp::lineworks::detail
