#include "connection.hpp"

#include <nlohmann/json.hpp>

#include <openssl/ssl.h>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace bcp::lineworks::detail {

namespace http = beast::http;
using net::use_awaitable;

namespace {

// What a stale kept-alive connection looks like when it is used again.
bool closed_by_peer(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::ssl::error::stream_truncated;
}

}  // namespace

Connection::Connection(net::io_context& ioc, net::ssl::context& tls, bcp::http::HttpUrl origin,
                       std::chrono::milliseconds timeout)
    : ioc_(ioc), tls_(tls), origin_(std::move(origin)), timeout_(timeout), resolver_(ioc) {}

beast::tcp_stream& Connection::lowest() {
  // Only while open_: connect() made one of the two.
  return secure_ ? beast::get_lowest_layer(*secure_) : *plain_;
}

void Connection::close() {
  resolver_.cancel();
  // Only the socket: an operation in flight still refers to the stream objects, and ends with
  // an error once they are closed. connect() replaces them.
  if (open_) {
    boost::system::error_code ignored;
    lowest().socket().close(ignored);
  }
  open_ = false;
}

void Connection::shutdown() {
  shut_ = true;
  close();
}

net::awaitable<void> Connection::connect() {
  // A resolver that hangs is bounded by the same timeout.
  net::steady_timer deadline(ioc_, timeout_);
  deadline.async_wait([this](boost::system::error_code ec) {
    if (!ec) resolver_.cancel();
  });
  auto endpoints = co_await resolver_.async_resolve(origin_.host, origin_.port, use_awaitable);
  deadline.cancel();
  plain_.reset();
  secure_.reset();
  buffer_.clear();
  open_ = true;  // from here on close() has a socket to close
  if (!origin_.tls) {
    plain_ = std::make_unique<beast::tcp_stream>(ioc_);
    plain_->expires_after(timeout_);
    co_await plain_->async_connect(endpoints, use_awaitable);
    plain_->socket().set_option(net::ip::tcp::no_delay(true));
    co_return;
  }
  secure_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc_, tls_);
  if (!SSL_set_tlsext_host_name(secure_->native_handle(), origin_.host.c_str()))
    throw std::runtime_error("cannot set the TLS server name");
  secure_->set_verify_callback(net::ssl::host_name_verification(origin_.host));
  lowest().expires_after(timeout_);
  co_await lowest().async_connect(endpoints, use_awaitable);
  lowest().socket().set_option(net::ip::tcp::no_delay(true));
  lowest().expires_after(timeout_);
  co_await secure_->async_handshake(net::ssl::stream_base::client, use_awaitable);
}

template <typename Stream>
net::awaitable<Response> Connection::exchange(Stream& stream, http::request<http::string_body>& req,
                                              std::size_t body_limit) {
  lowest().expires_after(timeout_);
  co_await http::async_write(stream, req, use_awaitable);
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(body_limit);
  lowest().expires_after(timeout_);  // the whole answer within the timeout
  // The limit is checked here too: Boost 1.74's http::read let a body past body_limit through
  // (tests/lineworks/api_client_get_test.cpp). A declared length is refused before the body
  // is read; a chunked one is cut after it.
  co_await http::async_read_header(stream, buffer_, parser, use_awaitable);
  if (parser.content_length() && *parser.content_length() > body_limit)
    throw boost::system::system_error(http::error::body_limit);
  if (!parser.is_done()) co_await http::async_read(stream, buffer_, parser, use_awaitable);
  if (parser.get().body().size() > body_limit)
    throw boost::system::system_error(http::error::body_limit);
  Response out;
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  if (auto it = res.find("rateLimit-reset"); it != res.end())
    out.rate_limit_reset = std::string(it->value());
  if (auto it = res.find(http::field::content_type); it != res.end())
    out.content_type = std::string(it->value());
  if (auto it = res.find(http::field::location); it != res.end())
    out.location = std::string(it->value());
  out.body = std::move(res.body());
  if (!res.keep_alive()) close();
  co_return out;
}

net::awaitable<Response> Connection::request(http::request<http::string_body> req,
                                             std::size_t body_limit) {
  req.set(http::field::host, origin_.host_header());
  req.keep_alive(true);
  req.prepare_payload();
  Response out;
  for (int round = 0; round < 2 && !shut_; ++round) {
    const bool reused = open_;
    try {
      if (!reused) co_await connect();
      if (secure_) co_return co_await exchange(*secure_, req, body_limit);
      co_return co_await exchange(*plain_, req, body_limit);
    } catch (const boost::system::system_error& e) {
      close();
      if (shut_) break;
      if (reused && closed_by_peer(e.code())) continue;  // a stale connection: once more, fresh
      const auto& ec = e.code();
      out.too_large = ec == http::error::body_limit;
      out.error = ec == beast::error::timeout || ec == net::error::operation_aborted
                      ? "no answer from " + origin_.origin() + " within " +
                            std::to_string(timeout_.count()) + " ms"
                  : ec == http::error::body_limit
                      ? "answer from " + origin_.origin() + " larger than " +
                            std::to_string(body_limit) + " bytes"
                      : origin_.origin() + ": " + ec.message();
      co_return out;
    } catch (const std::exception& e) {
      close();
      out.error = origin_.origin() + ": " + e.what();
      co_return out;
    }
  }
  out.error =
      shut_ ? "stopped" : origin_.origin() + ": the connection was closed twice before an answer";
  co_return out;
}

std::string error_reason(const std::string& body, std::initializer_list<const char*> keys) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string out;
  if (j.is_object()) {
    for (const char* key : keys) {
      auto it = j.find(key);
      if (it != j.end() && it->is_string())
        out += (out.empty() ? "" : ": ") + it->get<std::string>();
    }
  }
  if (out.size() > 200) out.resize(200);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

}  // namespace bcp::lineworks::detail
