// Reading a daemon's journal for replay (issue 19): pages through GET /v1/events with an
// operator token. Blocking, on the caller's thread (bcp-wall calls it once before its first
// frame); Asio stays inside the implementation, so display/ never sees it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bcp/model/events.hpp"

namespace bcp::client {

// "http://host:port/v1/events?since=N" (path and query optional; since defaults to 0).
struct EventsUrl {
  std::string host;
  std::string port = "80";
  model::Seq since = 0;
};
// nullopt with `error` naming the problem (only http://: TLS ends at the reverse proxy).
std::optional<EventsUrl> parse_events_url(const std::string& url, std::string& error);

struct FetchOptions {
  std::string token;                          // operator
  std::size_t page = 1000;                    // events per request (the daemon allows 10000)
  std::size_t max_page_bytes = 256u << 20;    // one answer's body
  std::chrono::milliseconds timeout{30'000};  // each request, connect to last byte
  std::function<void(std::size_t, model::Seq)> progress;  // after each page: events, last seq
};

// Calls `on_event` with each journal event after seq `since` in order, up to the journal's
// last_seq as the first page reports it (what is journaled meanwhile is not waited for).
// `on_event` returning false stops early (not an error). False with `error` set when a
// request fails: cannot connect, timeout, a refusal (401: not an operator token), a body
// that is not a page of events.
bool fetch_journal(const EventsUrl& url, model::Seq since, const FetchOptions& options,
                   const std::function<bool(const nlohmann::json&)>& on_event, std::string& error);

// One GET of `target` (e.g. "/v1/region") with the bearer token, its JSON answer in `out`.
// False with `error` for a transport failure, a refusal (naming the daemon's reason) or a body
// that is not JSON. The regional wall polls GET /v1/region with it.
bool fetch_json(const EventsUrl& url, const std::string& target, const FetchOptions& options,
                nlohmann::json& out, std::string& error);

}  // namespace bcp::client
