// An absolute http(s) URL split for a request. Shared by the outbound clients (the JMA
// poller, the LINE WORKS API client) and by the config loader that checks their URLs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bcp::http {

struct HttpUrl {
  bool tls = false;
  std::string host;    // without brackets for an IPv6 literal
  std::string port;    // "80"/"443" when not given
  std::string target;  // path and query, at least "/"

  std::string origin() const;       // "https://host" or "http://host:8080"
  std::string host_header() const;  // "host" or "host:8080"
};

// nullopt (and the reason in `why`) for anything but http(s)://host[:port][/path].
std::optional<HttpUrl> parse_http_url(std::string_view url, std::string* why = nullptr);
// An entry's link against the feed's URL: absolute, scheme-relative, "/path" or relative.
std::optional<HttpUrl> resolve_link(const HttpUrl& feed, std::string_view link);

// 127.0.0.1 (any 127.x.y.z), ::1 or localhost: the only hosts plain http:// is fine for when
// a secret travels (tests and the demo's stand-in tenant).
bool is_loopback_host(std::string_view host);

}  // namespace bcp::http
