#include "bcp/tools/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <optional>

namespace bcp::tools {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

ServerUrl parse_server_url(const std::string& url) {
  std::string rest = url;
  if (rest.rfind("http://", 0) == 0) {
    rest = rest.substr(7);
  } else if (rest.find("://") != std::string::npos) {
    throw std::invalid_argument("server URL \"" + url + "\": only http:// is supported (TLS ends at the proxy)");
  }
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) throw std::invalid_argument("server URL \"" + url + "\": no host");
  ServerUrl out;
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || rest.back() == ']') {
    out.host = rest;
    out.port = 80;
    return out;
  }
  out.host = rest.substr(0, colon);
  const std::string port = rest.substr(colon + 1);
  try {
    std::size_t used = 0;
    int p = std::stoi(port, &used);
    if (used != port.size() || p <= 0 || p > 65535) throw std::out_of_range("port");
    out.port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    throw std::invalid_argument("server URL \"" + url + "\": bad port \"" + port + "\"");
  }
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  return out;
}

std::string HttpResponse::error_message() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
    return parsed["error"].get<std::string>();
  }
  return body.empty() ? "HTTP " + std::to_string(status) : body;
}

struct HttpClient::Impl {
  ServerUrl url;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void connect() {
    stream.reset();
    buffer.clear();
    net::ip::tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec) throw ConnectError("cannot resolve " + url.host + ": " + ec.message());
    stream.emplace(ioc);
    stream->expires_after(timeout);
    stream->connect(endpoints, ec);
    if (ec) {
      stream.reset();
      throw ConnectError("cannot connect to " + url.host + ":" + std::to_string(url.port) + ": " + ec.message());
    }
    stream->socket().set_option(net::ip::tcp::no_delay(true));
  }

  HttpResponse once(const http::request<http::string_body>& req) {
    stream->expires_after(timeout);
    http::write(*stream, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);  // an events export can be large
    http::read(*stream, buffer, parser);
    auto res = parser.release();
    HttpResponse out;
    out.status = res.result_int();
    out.content_type = std::string(res[http::field::content_type]);
    out.body = std::move(res.body());
    if (!res.keep_alive()) stream.reset();
    return out;
  }
};

HttpClient::HttpClient(ServerUrl url, std::chrono::milliseconds timeout) : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, impl_->url.host);
  req.set(http::field::user_agent, "bcp-tools");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(true);
  const bool reused = impl_->stream.has_value();
  if (!reused) impl_->connect();
  try {
    return impl_->once(req);
  } catch (const boost::system::system_error& e) {
    impl_->stream.reset();
    // A kept-alive connection the server closed in the meantime: one fresh try.
    if (!reused) throw ConnectError("request to " + impl_->url.host + " failed: " + e.code().message());
  }
  impl_->connect();
  try {
    return impl_->once(req);
  } catch (const boost::system::system_error& e) {
    impl_->stream.reset();
    throw ConnectError("request to " + impl_->url.host + " failed: " + e.code().message());
  }
}

HttpResponse HttpClient::get(const std::string& target, const std::string& token, const std::string& accept) {
  std::map<std::string, std::string> h{{"Accept", accept}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return request("GET", target, {}, h);
}

HttpResponse HttpClient::post_json(const std::string& target, const std::string& token, const std::string& body,
                                   const std::string& content_type) {
  std::map<std::string, std::string> h{{"Content-Type", content_type}};
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return request("POST", target, body, h);
}

}  // namespace bcp::tools
