// One HTTP connection: read a request (header and body limits, read timeout), route it,
// write the answer (possibly after a commit), repeat while keep-alive. Pipelined requests
// are answered in order because the next read starts only after the previous write.
//
// The header's raw bytes are checked before Beast parses them, and the framing after: a
// request whose body length is ambiguous (RFC 9112 §6.3: a Transfer-Encoding that does not
// end in chunked, Transfer-Encoding with Content-Length, two Transfer-Encoding lines, an
// obs-fold line) is answered 400 and the connection closed, so its body can never be read
// as a second, smuggled request.
//
// Threads: every handler of the session runs on its HTTP thread (http_threads.hpp), except
// route(), which runs on the I/O thread and touches only what never changes after the
// constructor; its answer is posted back. close_if_idle() and close_now() from any thread.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "http/http_threads.hpp"
#include "pipeline/core.hpp"

namespace bcp::daemon {

struct ReadAhead;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `socket` belongs to one of `threads`' contexts: the session runs there.
  HttpSession(Daemon::Core& core, HttpThreads& threads, net::ip::tcp::socket&& socket,
              ConnectionSlot slot);
  ~HttpSession();
  void run();
  // Closes the connection if it is idle (waiting for a request); used at shutdown. Posted to
  // the session's thread.
  void close_if_idle();
  // Closes the connection whatever it is doing; used when the daemon is destroyed. Posted.
  void close_now();

 private:
  void do_read();
  void do_read_header_bytes();
  void on_header_bytes(boost::beast::error_code ec, std::size_t bytes);
  void on_header();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_upgrade(Request req);
  // On the I/O thread: the parsed request `id` through handle_request, with what read_ahead
  // made of its body here; its answer (or a 500 if a route threw) is posted back to this
  // session's thread.
  void route(std::uint64_t id, Request req, std::optional<ReadAhead> ahead);
  void close_socket();
  void send(Response res);
  // The one answer to request `id` (later ones and stale ones are dropped).
  void answer(std::uint64_t id, Response res);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  Daemon::Core& core_;
  HttpThreads& threads_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  net::ip::address peer_;
  ConnectionSlot slot_;  // counts this connection; handed to the WebSocket on upgrade
  bool reading_ = false;
  // The request being answered, and whether its answer is on its way: a route that throws
  // after answering (or whose deferred answer arrives after a 500) never gets two answers.
  std::uint64_t request_ = 0;
  bool answered_ = false;
};

// Why a request's framing is refused before its body is read (nullopt: it is sound):
// `status` 400 or 501 and a message naming the header. `raw_header` is the request's bytes
// up to and including the blank line, as received.
struct FramingProblem {
  http::status status;
  std::string message;
};
std::optional<FramingProblem> check_raw_header(std::string_view raw_header);
std::optional<FramingProblem> check_framing(const http::request_header<>& header);

}  // namespace bcp::daemon
