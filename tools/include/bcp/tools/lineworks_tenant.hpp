// A stand-in LINE WORKS tenant on 127.0.0.1 for the tests, the benchmark and bcp-sim: the
// token endpoint and the bot's message endpoints, strict where the real ones are strict.
//
// It runs on its OWN thread and io_context (started by the constructor, stopped by the
// destructor); every accessor is thread-safe. The handlers given to on_delivered() run ON
// THAT THREAD, one at a time, after the 201 has been decided and outside the tenant's lock:
// they must be quick and must not wait on the tenant (the bot staff only queue the message).
//
//   POST /oauth2/v2.0/token   form: assertion, grant_type (jwt-bearer), client_id,
//                             client_secret, scope. The JWT's RS256 signature is VERIFIED with
//                             the public key, and iss, sub, iat, exp (≤ 60 min) checked; the
//                             answer carries expires_in as a string, as LINE WORKS does.
//   POST /v1.0/bots/{botId}/users/{userId}/messages
//   POST /v1.0/bots/{botId}/channels/{channelId}/messages
//                             need a bearer token it issued and has not expired; the body is
//                             checked like the real API (text ≤ 2000, button_template with ≤ 10
//                             message actions, quickReply ≤ 13 with postback actions, labels
//                             ≤ 20, data ≤ 300, no unknown properties); 201 when all is well.
//   GET /v1.0/users/{userId}/calendar/events?fromDateTime=…&untilDateTime=…
//                             a token it issued whose scope has calendar.read (else 403);
//                             both parameters YYYY-MM-DDThh:mm:ssTZD (`+` as %2B), a window
//                             of at most 31 days (else 400); answers what set_calendar gave
//                             for that user, {"events": []} without one (tenant_calendars.hpp).
// It can be told to answer the next message (and calendar) requests 429 (with rateLimit-reset),
// 500, or not at all (a hang the client must time out), to expire its tokens (401), and to enforce
// a request limit per window. It records every request and what it answered.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace bcp::tools {

struct TenantSettings {
  std::string client_id;
  std::string client_secret;
  std::string service_account;
  std::string bot_id;
  std::string public_key_pem;  // verifies the JWTs
  std::string expires_in = "86400";
  std::set<std::string> users;  // userIds that exist; empty = any
  std::uint16_t port = 0;       // 0 = ephemeral
};

class LineWorksTenant {
 public:
  using Clock = std::chrono::steady_clock;

  // Throws std::invalid_argument for an unusable public key, std::system_error when the
  // port is taken.
  explicit LineWorksTenant(TenantSettings settings);
  ~LineWorksTenant();
  LineWorksTenant(const LineWorksTenant&) = delete;
  LineWorksTenant& operator=(const LineWorksTenant&) = delete;

  std::uint16_t port() const;
  std::string auth_url() const;  // http://127.0.0.1:PORT/oauth2/v2.0/token
  std::string api_url() const;   // http://127.0.0.1:PORT/v1.0

  // Faults for the next `times` message requests that carry a valid token, in order.
  void answer_next(int times, int status, std::string body = "");
  void rate_limit_next(int times, int reset_seconds);
  void hang_next(int times);  // read the request, never answer; the connection stays open
  // From now on every token issued so far answers 401 (as after its expiry).
  void expire_tokens();
  // At most `limit` accepted message and calendar requests together per sliding `window`,
  // 429 beyond (0 = off). Stricter than LINE WORKS, which counts each API on its own: the
  // daemon's client paces all its requests together, so this is what it must keep to.
  void set_rate_limit(int limit, std::chrono::milliseconds window);
  // New tokens expire after this many seconds (the string is sent as is).
  void set_expires_in(std::string seconds);

  struct TokenRequest {
    Clock::time_point at;
    int status = 0;
    std::string error;  // why it was refused
  };
  struct MessageRequest {
    Clock::time_point at;    // when the request was read
    std::string kind;        // "users" or "channels"
    std::string to;          // the userId or channelId, decoded
    nlohmann::json content;  // the body's content (null when unreadable)
    std::string token;
    int status = 0;     // what it answered (0: it hung)
    std::string error;  // why it was not 201
  };
  // The events response GET .../users/{user_id}/calendar/events answers from now on.
  void set_calendar(std::string user_id, nlohmann::json events_response);
  struct CalendarRequest {
    Clock::time_point at;
    std::string user;         // the userId of the path, decoded (empty when unreadable)
    std::string from, until;  // fromDateTime and untilDateTime, decoded
    std::string token;
    int status = 0;     // what it answered (0: it hung)
    std::string error;  // why it was not 200
  };
  std::vector<CalendarRequest> calendar_requests() const;
  // Blocks until `done(calendar_requests())` holds or `timeout` passes; returns whether it held.
  bool wait_for_calendar_requests(
      const std::function<bool(const std::vector<CalendarRequest>&)>& done,
      std::chrono::milliseconds timeout) const;

  // Files of image and file messages: GET .../bots/{botId}/attachments/{fileId} answers 302
  // to /download/<opaque> on this tenant, which answers `bytes` as `content_type`; both need a
  // token this tenant issued (401 otherwise), an unknown fileId is 404. Faults and the rate
  // limit apply to the first hop as to messages. Thread-safe.
  void add_attachment(std::string file_id, std::string bytes, std::string content_type);
  struct AttachmentRequest {
    Clock::time_point at;
    std::string path;        // the request target
    int status = 0;          // what it answered (0: it hung)
    bool had_token = false;  // a valid token of this tenant
  };
  std::vector<AttachmentRequest> attachment_requests() const;

  std::vector<TokenRequest> token_requests() const;
  std::vector<MessageRequest> message_requests() const;
  std::vector<MessageRequest> delivered() const;  // answered 201
  int connections() const;

  // `handler` is called for every message request answered 201, in order, on the tenant's
  // thread (see the top). It must outlive the tenant (destroy the tenant first); an exception
  // it throws is caught and counted, never ends the tenant. Thread-safe; may be called any time.
  using DeliveryHandler = std::function<void(const MessageRequest&)>;
  void on_delivered(DeliveryHandler handler);
  int delivery_handler_errors() const;

  // Blocks until `done(message_requests())` holds or `timeout` passes; returns whether it held.
  bool wait_for(const std::function<bool(const std::vector<MessageRequest>&)>& done,
                std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The body of a message request judged like LINE WORKS would: empty when it is acceptable,
// else what is wrong ("/content/actions/0/label: longer than 20 characters").
std::string check_message_body(const nlohmann::json& body);

}  // namespace bcp::tools
