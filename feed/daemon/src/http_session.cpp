#include "http_session.hpp"

#include <boost/beast/websocket.hpp>

#include "bcp/daemon/log.hpp"
#include "ws_session.hpp"

namespace bcp::daemon {

namespace beast = boost::beast;

HttpSession::HttpSession(Daemon::Core& core, net::ip::tcp::socket&& socket)
    : core_(core), stream_(std::move(socket)) {
  core_.metrics.connections++;
}

HttpSession::~HttpSession() {
  if (--core_.metrics.connections == 0 && core_.stopping && core_.stop_timer) core_.stop_timer->cancel();
}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  if (core_.stopping) return do_close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_.options.max_header_bytes));
  parser_->body_limit(core_.options.max_body_bytes);
  // One deadline for the whole request: a client dribbling bytes (slow-loris) is cut.
  stream_.expires_after(core_.options.read_timeout);
  reading_ = true;
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::close_if_idle() {
  if (reading_) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::eof) {
    return do_close();
  }
  if (ec == http::error::body_limit) {
    core_.metrics.refuse(RefusalReason::too_large);
    log(LogLevel::warning, "http", "refused: body over " + std::to_string(core_.options.max_body_bytes) + " bytes");
    auto res = error_response(http::status::payload_too_large,
                              "body over the limit of " + std::to_string(core_.options.max_body_bytes) + " bytes",
                              11, false);
    return send(std::move(res));
  }
  if (ec == http::error::header_limit) {
    core_.metrics.refuse(RefusalReason::too_large);
    return send(error_response(http::status::request_header_fields_too_large, "header over the limit", 11, false));
  }
  if (ec) {
    core_.metrics.refuse(RefusalReason::malformed);
    return send(error_response(http::status::bad_request, "malformed HTTP request: " + ec.message(), 11, false));
  }
  core_.metrics.http_requests++;
  Request req = parser_->release();
  if (beast::websocket::is_upgrade(req)) {
    if (req.target() != "/v1/stream" && req.target().substr(0, 11) != "/v1/stream?") {
      return send(error_response(http::status::not_found, "no WebSocket at this path", req.version(), false));
    }
    stream_.expires_never();
    std::make_shared<WsSession>(core_, stream_.release_socket())->run(std::move(req));
    return;
  }
  const std::uint64_t id = ++request_;
  answered_ = false;
  const unsigned version = req.version();
  const bool handled = run_guarded("http", "request handler", [&] {
    handle_request(core_, std::move(req), [self = shared_from_this(), id](Response res) {
      net::post(self->stream_.get_executor(),
                [self, id, res = std::move(res)]() mutable { self->answer(id, std::move(res)); });
    });
  });
  // Whatever a route threw ends this request with a 500, never the daemon (issue 12).
  if (!handled)
    answer(id,
           error_response(http::status::internal_server_error, "internal error", version, false));
}

void HttpSession::answer(std::uint64_t id, Response res) {
  if (id != request_ || answered_) return;
  answered_ = true;
  send(std::move(res));
}

void HttpSession::send(Response res) {
  if (core_.stopping) res.keep_alive(false);
  res.prepare_payload();
  auto sp = std::make_shared<Response>(std::move(res));
  stream_.expires_after(core_.options.write_timeout);
  http::async_write(stream_, *sp,
                    [self = shared_from_this(), sp](beast::error_code ec, std::size_t n) {
                      self->on_write(sp->need_eof(), ec, n);
                    });
}

void HttpSession::on_write(bool close, beast::error_code ec, std::size_t) {
  if (ec) return;
  if (close) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace bcp::daemon
