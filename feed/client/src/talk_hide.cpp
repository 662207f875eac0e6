#include "bcp/client/talk_hide.hpp"

#include <nlohmann/json.hpp>

#include "http_exchange.hpp"

namespace bcp::client {

HideOutcome hide_talk_message(const std::string& host, const std::string& port,
                              const std::string& operator_token, const std::string& message_id,
                              const std::string& reason, std::chrono::milliseconds timeout) {
  HideOutcome out;
  // The daemon's ids are letters, digits and '-'; anything else cannot be a path segment
  // as is (and the daemon does not decode one).
  const bool plain = !message_id.empty() &&
                     message_id.find_first_not_of(
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~") ==
                         std::string::npos;
  if (!plain) {
    out.message = "message id is not a plain id";
    return out;
  }
  detail::ExchangeRequest req;
  req.host = host;
  req.port = port;
  req.method = "POST";
  req.target = "/v1/talk/" + message_id + "/hide";
  req.token = operator_token;
  req.body = nlohmann::json{{"reason", reason}}.dump();
  req.max_body = 64 * 1024;
  req.timeout = timeout;
  const detail::ExchangeAnswer a = detail::exchange(req);
  out.status = a.status;
  if (a.status == 0) {
    out.message = a.error.empty() ? "no answer from " + host + ":" + port : a.error;
    return out;
  }
  const auto body = nlohmann::json::parse(a.body, nullptr, false);
  if (a.status == 200 && body.is_object() && body.contains("seq") &&
      body["seq"].is_number_integer()) {
    out.ok = true;
    out.seq = body["seq"].get<model::Seq>();
    return out;
  }
  out.message = body.is_object() && body.contains("error") && body["error"].is_string()
                    ? body["error"].get<std::string>()
                    : "unexpected answer";
  out.message = std::to_string(a.status) + ": " + out.message;
  return out;
}

}  // namespace bcp::client
