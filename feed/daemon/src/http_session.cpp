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
  handle_request(core_, std::move(req), [self = shared_from_this()](Response res) {
    net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
  });
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
