// One GET per page (http_exchange.hpp: its own io_context, run to completion on the calling
// thread, a deadline over the whole exchange).
#include "bcp/client/journal_fetch.hpp"

#include <charconv>

#include "http_exchange.hpp"

namespace bcp::client {
namespace {

using PageAnswer = detail::ExchangeAnswer;

PageAnswer get_target(const EventsUrl& url, std::string target, const FetchOptions& o) {
  detail::ExchangeRequest req;
  req.host = url.host;
  req.port = url.port;
  req.target = std::move(target);
  req.token = o.token;
  req.max_body = o.max_page_bytes;
  req.timeout = o.timeout;
  PageAnswer a = detail::exchange(req);
  if (a.too_large) {
    a.error = "a page of events from " + url.host + ":" + url.port + " is over " +
              std::to_string(o.max_page_bytes) + " bytes";
  }
  return a;
}

PageAnswer get_page(const EventsUrl& url, model::Seq since, const FetchOptions& o) {
  return get_target(url, "/v1/events?since=" + std::to_string(since) + "&limit=" + std::to_string(o.page), o);
}

std::string refusal(const PageAnswer& a) {
  auto body = nlohmann::json::parse(a.body, nullptr, false);
  std::string why = body.is_object() && body.contains("error") && body["error"].is_string()
                        ? body["error"].get<std::string>()
                        : std::string("no reason given");
  std::string hint =
      a.status == 401 || a.status == 403 ? " (the replay needs an operator token)" : "";
  return "GET /v1/events refused (" + std::to_string(a.status) + "): " + why + hint;
}

}  // namespace

std::optional<EventsUrl> parse_events_url(const std::string& url, std::string& error) {
  constexpr std::string_view scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    error = "replay URL must start with http:// (TLS ends at the reverse proxy)";
    return std::nullopt;
  }
  std::string rest = url.substr(scheme.size());
  std::string authority = rest.substr(0, rest.find_first_of("/?"));
  std::string tail = rest.substr(authority.size());
  EventsUrl out;
  auto colon = authority.rfind(':');
  if (colon != std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
    int port = 0;
    auto [p, ec] = std::from_chars(out.port.data(), out.port.data() + out.port.size(), port);
    if (ec != std::errc() || p != out.port.data() + out.port.size() || port <= 0 || port > 65535) {
      error = "replay URL: bad port \"" + out.port + "\"";
      return std::nullopt;
    }
  } else {
    out.host = authority;
  }
  if (out.host.empty()) {
    error = "replay URL has no host";
    return std::nullopt;
  }
  std::string path = tail.substr(0, tail.find('?'));
  if (!path.empty() && path != "/" && path != "/v1/events") {
    error = "replay URL: expected the path /v1/events, got \"" + path + "\"";
    return std::nullopt;
  }
  if (auto q = tail.find('?'); q != std::string::npos) {
    std::string query = tail.substr(q + 1);
    for (std::size_t start = 0; start <= query.size();) {
      std::size_t end = query.find('&', start);
      if (end == std::string::npos) end = query.size();
      std::string_view pair(query.data() + start, end - start);
      if (pair.rfind("since=", 0) == 0) {
        auto v = pair.substr(6);
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out.since);
        if (ec != std::errc() || p != v.data() + v.size() || out.since < 0) {
          error = "replay URL: since must be a seq >= 0";
          return std::nullopt;
        }
      }
      start = end + 1;
    }
  }
  return out;
}

bool fetch_json(const EventsUrl& url, const std::string& target, const FetchOptions& o,
                nlohmann::json& out, std::string& error) {
  PageAnswer a = get_target(url, target, o);
  if (a.status == 0) {
    error = a.error.empty() ? "no answer from " + url.host + ":" + url.port : a.error;
    return false;
  }
  auto body = nlohmann::json::parse(a.body, nullptr, false);
  if (a.status != 200) {
    std::string why = body.is_object() && body.contains("error") && body["error"].is_string()
                          ? body["error"].get<std::string>()
                          : std::string("no reason given");
    error = "GET " + target + " refused (" + std::to_string(a.status) + "): " + why;
    return false;
  }
  if (body.is_discarded()) {
    error = "GET " + target + ": the answer is not JSON";
    return false;
  }
  out = std::move(body);
  return true;
}

bool fetch_journal(const EventsUrl& url, model::Seq since, const FetchOptions& o,
                   const std::function<bool(const nlohmann::json&)>& on_event, std::string& error) {
  std::optional<model::Seq> target;  // the journal's end when the first page was served
  std::size_t seen = 0;
  model::Seq next = since;
  while (!target || next < *target) {
    PageAnswer a = get_page(url, next, o);
    if (a.status == 0) {
      error = a.error.empty() ? "no answer from " + url.host + ":" + url.port : a.error;
      return false;
    }
    if (a.status != 200) {
      error = refusal(a);
      return false;
    }
    auto page = nlohmann::json::parse(a.body, nullptr, false);
    if (!page.is_object() || !page.contains("events") || !page["events"].is_array() ||
        !page.contains("last_seq") || !page["last_seq"].is_number_integer()) {
      error = "GET /v1/events: the answer is not a page of events";
      return false;
    }
    if (!target) target = page["last_seq"].get<model::Seq>();
    const auto& events = page["events"];
    if (events.empty()) break;
    for (const auto& e : events) {
      ++seen;
      if (!on_event(e)) return true;
      // A page's events carry their seq; a missing one ends paging (the reader refuses it).
      if (!e.is_object() || !e.contains("seq") || !e["seq"].is_number_integer()) return true;
      model::Seq seq = e["seq"].get<model::Seq>();
      if (seq <= next) {
        error = "GET /v1/events: seq " + std::to_string(seq) + " does not follow " +
                std::to_string(next);
        return false;
      }
      next = seq;
    }
    if (o.progress) o.progress(seen, next);
  }
  return true;
}

}  // namespace bcp::client
