// The LINE WORKS API client: sends bot messages to people's 1:1 rooms and to talk rooms.
//
// It owns ONE thread with its own io_context (started by the constructor, joined by stop()):
// nothing it does ever runs on, or waits for, the daemon's I/O thread or the ingest path. A
// slow or dead LINE WORKS only delays the messages queued here.
//
// Per message: wait for its slot at messages_per_minute (RateLimiter), take the cached access
// token (a service-account JWT exchanged at auth_url, renewed shortly before its expires_in),
// POST {api_url}/bots/{botId}/users|channels/{id}/messages, and on the answer:
//   201            sent;
//   401            the token is dropped, a new one fetched and the message retried, once;
//   429            everyone waits for rateLimit-reset (seconds), then the message is retried;
//   5xx, timeout,  retried after a capped exponential backoff, up to max_attempts;
//   no connection
//   other 4xx      failed at once (a wrong user id, a body LINE WORKS refuses, no permission).
// Every request has a timeout on each step (resolve, connect, TLS, write, read). https is
// checked against the system's CA store and the host name; http is for loopback (tests).
//
// GETs (get(): an attachment, a calendar) share the pacing, the token and the rules above
// (2xx instead of 201), but wait BEHIND every queued message and never take the last free
// lane, so a roll call's questions are never delayed by them. An attachment's 302 is followed
// once, on a one-off connection to the Location (another host, or https), with the same
// timeouts, TLS checks and Bearer. The body limit is enforced while reading.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bcp/config/config.hpp"
#include "bcp/lineworks/messages.hpp"

namespace bcp::lineworks {

// The scopes the client asks for: sending as the bot, and reading users (names, ids).
inline constexpr std::string_view kScope = "bot user.read";
// Added (ClientOptions::scope) only when the town reads calendars from LINE WORKS
// (calendars.source "lineworks"): a scope the app has not enabled in the Developer Console
// makes the token request fail (invalid_scope), which would silence the bot as well.
inline constexpr std::string_view kCalendarScope = "calendar.read";

enum class LogLevel { info, warning };

// Tuning that is not part of town.json (tests shorten every wait).
struct ClientOptions {
  std::chrono::milliseconds timeout{10'000};  // each step of one request
  std::chrono::milliseconds backoff_base{1'000};
  std::chrono::milliseconds backoff_cap{60'000};
  int max_attempts = 6;       // requests of one message that failed on errors, before it is failed
  int max_rate_limited = 50;  // 429s of one message before it is failed
  std::chrono::seconds max_rate_limit_wait{120};  // a longer rateLimit-reset is cut to this
  std::chrono::seconds jwt_lifetime{3600};        // LINE WORKS takes at most 60 min
  // The token request's `scope`: kScope, plus kCalendarScope where calendars are read.
  std::string scope{kScope};
  int lanes = 2;  // requests in flight at once, each on its own kept-alive connection
  std::size_t max_queue = 100'000;  // send() refuses beyond this
  // Trust this PEM CA file instead of the system store (a test tenant's own certificate).
  std::optional<std::filesystem::path> ca_file;
  // The wall clock for the JWT's iat/exp; empty = the system clock.
  std::function<std::chrono::system_clock::time_point()> clock;
  // Where the client says what it does: never message content, ids of people at most.
  std::function<void(LogLevel, std::string_view)> log;
};

struct OutgoingMessage {
  Recipient to;
  nlohmann::json content;  // a content object (messages.hpp)
};

struct SendResult {
  enum class Outcome {
    sent,    // LINE WORKS answered 201
    failed,  // given up: `error` says why
    stopped  // the client stopped first; it was not (or not surely) sent
  };
  Outcome outcome = Outcome::failed;
  int attempts = 0;   // requests made for this message, 429s and the 401 retry included
  int status = 0;     // HTTP status of the last answer, 0 when none came
  std::string error;  // why it failed (or, when sent, what was retried); never content
  std::chrono::system_clock::time_point finished;
};

// One GET under api_url (get()).
struct GetRequest {
  std::string path;                  // after api_url: "/users/u1/calendar/events?from…"
  std::size_t max_bytes = 1u << 20;  // a longer body fails ("larger than N bytes")
  bool follow_redirect = false;      // attachments: one 302 to Location, Bearer sent again
};

struct GetResult {
  SendResult::Outcome outcome = SendResult::Outcome::failed;  // sent = a 2xx body arrived
  int attempts = 0;  // requests made, 429s, 401 retries and the redirect's own included
  int status = 0;    // HTTP status of the last answer (the redirect target's), 0 when none came
  std::string body;
  std::string content_type;  // of the last answer, as sent
  std::string error;         // why it failed (or, when it worked, what was retried); never content
};

struct ClientStats {
  std::size_t queued = 0;     // waiting for a lane
  std::size_t in_flight = 0;  // taken by a lane (pacing, retrying or requesting)
  std::uint64_t sent = 0;
  std::uint64_t failed = 0;
  std::uint64_t rate_limited = 0;  // 429 answers
  std::uint64_t retries = 0;       // requests repeated after an error, 401 or 429
  std::uint64_t fetched = 0;       // GETs that got their 2xx body
  std::uint64_t fetch_failed = 0;  // GETs given up
  std::uint64_t token_requests = 0;
  std::uint64_t token_failures = 0;
  std::string last_error;  // the newest failure of any kind, for /healthz; empty when none
};

class ApiClient {
 public:
  using Done = std::function<void(const SendResult&)>;
  using GetDone = std::function<void(const GetResult&)>;

  // Throws std::invalid_argument when a URL or the private key is unusable (config/ has
  // checked them already for a loaded town).
  explicit ApiClient(const config::LineWorksApi& api, ClientOptions options = {});
  ~ApiClient();  // stop()
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Any thread. Queues the message; `done` runs exactly once, on the client's thread. False
  // (and `done` never runs) when the queue is full or the client is stopping: the caller
  // keeps the message and offers it again later.
  bool send(OutgoingMessage message, Done done);

  // Any thread. Queues a GET of api_url + request.path BEHIND every queued send; `done` runs
  // exactly once, on the client's thread (quick: hand the body over, never decode it there).
  // False (and `done` never runs) when the queue is full or the client is stopping.
  bool get(GetRequest request, GetDone done);

  // Any thread but the client's own (not from a `done`). Every queued or unfinished message
  // gets done(stopped); then the thread is joined. Idempotent.
  void stop();

  ClientStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bcp::lineworks
