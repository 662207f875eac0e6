// One kept-alive HTTP/1.1 connection to one origin (http or https), used from the API
// client's thread only. Every step has the same timeout; any error closes the connection and
// the next request opens a fresh one.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>

#include "bcp/http/url.hpp"

namespace bcp::lineworks::detail {

// The string fields `keys` of an error body (LINE WORKS' {"code","description"}, OAuth's
// {"error","error_description"}), joined, at most 200 bytes and on one line: they name what
// was wrong with the request, never anybody's content. Empty for a body that is not JSON.
std::string error_reason(const std::string& body, std::initializer_list<const char*> keys);

namespace beast = boost::beast;
namespace net = boost::asio;

struct Response {
  int status = 0;  // 0: no answer, see `error`
  std::string body;
  std::string rate_limit_reset;  // the rateLimit-reset header, when there was one
  std::string content_type;
  std::string location;  // a redirect's Location, as sent
  std::string error;
  bool too_large = false;  // the body went past the limit: repeating it will not help
};

class Connection {
 public:
  static constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

  // `tls` must outlive the connection; it is used only for an https origin.
  Connection(net::io_context& ioc, net::ssl::context& tls, bcp::http::HttpUrl origin,
             std::chrono::milliseconds timeout);

  // Sends `req` (its Host and keep-alive are set here) and reads the answer, whose body may be
  // at most `body_limit` bytes (checked while reading). A kept-alive connection the server
  // closed meanwhile is reopened once without counting as a failure.
  net::awaitable<Response> request(beast::http::request<beast::http::string_body> req,
                                   std::size_t body_limit = kMaxAnswerBytes);

  // Cuts the connection and whatever is in flight on it; the next request opens a new one.
  void close();
  // close() for good (the client stops): a request in flight or to come ends at once.
  void shutdown();
  const bcp::http::HttpUrl& origin() const { return origin_; }

 private:
  net::awaitable<void> connect();
  template <typename Stream>
  net::awaitable<Response> exchange(Stream& stream,
                                    beast::http::request<beast::http::string_body>& req,
                                    std::size_t body_limit);
  beast::tcp_stream& lowest();

  net::io_context& ioc_;
  net::ssl::context& tls_;
  bcp::http::HttpUrl origin_;
  std::chrono::milliseconds timeout_;
  net::ip::tcp::resolver resolver_;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure_;
  beast::flat_buffer buffer_;
  bool open_ = false;  // a stream exists and its socket has not been closed
  bool shut_ = false;
};

}  // namespace bcp::lineworks::detail
