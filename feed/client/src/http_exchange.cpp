#include "http_exchange.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace bcp::client::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Beast example style: one object per request, do_x/on_x pairs, fail() records the step.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(net::io_context& ioc, const ExchangeRequest& r, ExchangeAnswer& out)
      : resolver_(ioc), stream_(ioc), r_(r), out_(out) {
    req_.method(r.method == "POST" ? http::verb::post : http::verb::get);
    req_.target(r.target);
    req_.set(http::field::host, r.host + ":" + r.port);
    if (!r.token.empty()) req_.set(http::field::authorization, "Bearer " + r.token);
    req_.set(http::field::accept, r.accept);
    req_.set(http::field::user_agent, r.user_agent);
    if (!r.body.empty() || req_.method() == http::verb::post) {
      req_.set(http::field::content_type, "application/json");
      req_.body() = r.body;
    }
    req_.prepare_payload();
    parser_.body_limit(r.max_body);
  }

  void run() {
    stream_.expires_after(r_.timeout);
    resolver_.async_resolve(r_.host, r_.port,
                            beast::bind_front_handler(&Exchange::on_resolve, shared_from_this()));
  }

 private:
  void fail(beast::error_code ec, const char* what) {
    out_.error = std::string(what) + " " + r_.host + ":" + r_.port + ": " + ec.message();
  }
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail(ec, "cannot resolve");
    stream_.async_connect(results,
                          beast::bind_front_handler(&Exchange::on_connect, shared_from_this()));
  }
  void on_connect(beast::error_code ec, tcp::endpoint) {
    if (ec) return fail(ec, "cannot connect to");
    http::async_write(stream_, req_,
                      beast::bind_front_handler(&Exchange::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "cannot send to");
    http::async_read(stream_, buffer_, parser_,
                     beast::bind_front_handler(&Exchange::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, std::size_t) {
    // Boost 1.74's parser let a body longer than body_limit through: the size is checked
    // again on what arrived.
    if (!ec && parser_.get().body().size() > r_.max_body) ec = http::error::body_limit;
    if (ec == http::error::body_limit) {
      out_.too_large = true;
      out_.error = "the answer from " + r_.host + ":" + r_.port + " is over " +
                   std::to_string(r_.max_body) + " bytes";
      return;
    }
    if (ec) return fail(ec, "no answer from");
    out_.status = static_cast<int>(parser_.get().result_int());
    out_.content_type = std::string(parser_.get()[http::field::content_type]);
    out_.body = std::move(parser_.get().body());
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> req_;
  http::response_parser<http::string_body> parser_;
  const ExchangeRequest& r_;
  ExchangeAnswer& out_;
};

}  // namespace

ExchangeAnswer exchange(const ExchangeRequest& request) {
  ExchangeAnswer out;
  net::io_context ioc;
  std::make_shared<Exchange>(ioc, request, out)->run();
  ioc.run();
  return out;
}

}  // namespace bcp::client::detail
