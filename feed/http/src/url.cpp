#include "bcp/http/url.hpp"

#include <algorithm>

namespace bcp::http {

std::string HttpUrl::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? "443" : "80")) h += ":" + port;
  return h;
}

std::string HttpUrl::origin() const { return (tls ? "https://" : "http://") + host_header(); }

std::optional<HttpUrl> parse_http_url(std::string_view url, std::string* why) {
  auto fail = [&](const std::string& reason) -> std::optional<HttpUrl> {
    if (why) *why = "\"" + std::string(url) + "\": " + reason;
    return std::nullopt;
  };
  HttpUrl u;
  if (url.starts_with("https://")) {
    u.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return fail("must start with http:// or https://");
  }
  if (url.find_first_of(" \t\r\n") != std::string_view::npos) return fail("contains white space");
  std::string_view authority = url.substr(0, url.find_first_of("/?#"));
  std::string_view rest = url.substr(authority.size());
  if (authority.find('@') != std::string_view::npos)
    return fail("user names in URLs are not supported");
  std::string_view port;
  if (authority.starts_with("[")) {  // IPv6 literal
    auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unclosed [ in the host");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return fail("junk after the IPv6 host");
    if (!after.empty()) port = after.substr(1);
  } else {
    auto colon = authority.find(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return fail("no host");
  if (port.empty()) {
    u.port = u.tls ? "443" : "80";
  } else if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
             std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
    return fail("port must be a number from 1 to 65535");
  } else {
    u.port = std::string(port);
  }
  rest = rest.substr(0, rest.find('#'));  // a fragment is never sent
  u.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
  return u;
}

std::optional<HttpUrl> resolve_link(const HttpUrl& feed, std::string_view link) {
  if (link.starts_with("http://") || link.starts_with("https://")) return parse_http_url(link);
  if (link.starts_with("//"))
    return parse_http_url((feed.tls ? "https:" : "http:") + std::string(link));
  if (link.find(':') < link.find_first_of("/?#")) return std::nullopt;  // another scheme
  HttpUrl u = feed;
  if (link.starts_with("/")) {
    u.target = std::string(link.substr(0, link.find('#')));
  } else {
    std::string_view dir = feed.target;
    dir = dir.substr(0, dir.find('?'));
    dir = dir.substr(0, dir.rfind('/') + 1);
    u.target = std::string(dir) + std::string(link.substr(0, link.find('#')));
  }
  return u;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (!host.starts_with("127.")) return false;
  // Four dotted decimal parts, each 0-255.
  int parts = 0;
  std::size_t i = 0;
  while (i <= host.size()) {
    const std::size_t dot = std::min(host.find('.', i), host.size());
    const std::string_view part = host.substr(i, dot - i);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(part)) > 255)
      return false;
    ++parts;
    i = dot + 1;
  }
  return parts == 4;
}

}  // namespace bcp::http
