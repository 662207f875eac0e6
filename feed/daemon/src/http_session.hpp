// One HTTP connection: read a request (header and body limits, read timeout), route it,
// write the answer (possibly after a commit), repeat while keep-alive. Pipelined requests
// are answered in order because the next read starts only after the previous write.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "core.hpp"

namespace bcp::daemon {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Daemon::Core& core, net::ip::tcp::socket&& socket);
  ~HttpSession();
  void run();
  // Closes the connection if it is idle (waiting for a request); used at shutdown.
  void close_if_idle();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void send(Response res);
  // The one answer to request `id` (later ones and stale ones are dropped).
  void answer(std::uint64_t id, Response res);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  Daemon::Core& core_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool reading_ = false;
  // The request being answered, and whether its answer is on its way: a route that throws
  // after answering (or whose deferred answer arrives after a 500) never gets two answers.
  std::uint64_t request_ = 0;
  bool answered_ = false;
};

}  // namespace bcp::daemon
