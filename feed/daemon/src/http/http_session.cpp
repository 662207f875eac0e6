#include "http/http_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/beast/websocket.hpp>

#include "bcp/daemon/log.hpp"
#include "http/routes.hpp"
#include "stream/stream_hub.hpp"
#include "stream/ws_session.hpp"

namespace bcp::daemon {

namespace beast = boost::beast;

namespace {
constexpr std::string_view kEndOfHeader = "\r\n\r\n";

std::string_view buffered(const beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

// A header value quoted in an answer or log line, cut short: it is the client's bytes.
std::string quoted(std::string_view value) {
  constexpr std::size_t kShown = 64;
  return "\"" + std::string(value.substr(0, kShown)) + (value.size() > kShown ? "…" : "") + "\"";
}

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::optional<FramingProblem> check_raw_header(std::string_view raw_header) {
  // Beast joins an obs-fold continuation line into the field before it, so a folded
  // "Transfer-Encoding: gzip\r\n chunked" would reach the framing check as one value while
  // a proxy in front may have read it otherwise. RFC 9112 §5.2 lets a server refuse it.
  const std::size_t first_line_end = raw_header.find("\r\n");
  for (std::size_t at = first_line_end; at != std::string_view::npos && at + 2 < raw_header.size();
       at = raw_header.find("\r\n", at + 2)) {
    const char next = raw_header[at + 2];
    if (next == ' ' || next == '\t') {
      return FramingProblem{http::status::bad_request,
                            "malformed HTTP request: a header line starts with a space or tab "
                            "(obs-fold, RFC 9112 §5.2)"};
    }
  }
  return std::nullopt;
}

std::optional<FramingProblem> check_framing(const http::request_header<>& header) {
  auto codings = header.equal_range(http::field::transfer_encoding);
  const auto lines = std::distance(codings.first, codings.second);
  if (lines == 0) return std::nullopt;
  auto bad = [](std::string what) {
    return FramingProblem{
        http::status::bad_request,
        "malformed HTTP request: " + what + "; the body length is ambiguous (RFC 9112 §6.3)"};
  };
  if (lines > 1) return bad("two Transfer-Encoding header lines");
  if (header.count(http::field::content_length)) {
    return bad("both Transfer-Encoding and Content-Length");
  }
  if (header.version() < 11) return bad("Transfer-Encoding in an HTTP/1.0 request");
  std::vector<std::string> list;
  std::string_view value = codings.first->value();
  for (;;) {
    const std::size_t comma = value.find(',');
    std::string coding = lower_trimmed(value.substr(0, comma));
    if (!coding.empty()) list.push_back(std::move(coding));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  if (list.empty() || list.back() != "chunked") {
    return bad("Transfer-Encoding " + quoted(codings.first->value()) + " does not end in chunked");
  }
  if (std::find(list.begin(), list.end() - 1, "chunked") != list.end() - 1) {
    return bad("chunked applied twice in Transfer-Encoding " + quoted(codings.first->value()));
  }
  if (list.size() > 1) {
    // Only chunked is understood: another coding is not implemented (RFC 9112 §6.1).
    return FramingProblem{
        http::status::not_implemented,
        "Transfer-Encoding " + quoted(codings.first->value()) + ": only chunked is supported"};
  }
  return std::nullopt;
}

HttpSession::HttpSession(Daemon::Core& core, HttpThreads& threads, net::ip::tcp::socket&& socket,
                         ConnectionSlot slot)
    : core_(core), threads_(threads), stream_(std::move(socket)), slot_(std::move(slot)) {
  boost::system::error_code ec;
  auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ = remote.address();
}

HttpSession::~HttpSession() {
  // What a connection held leaves with it: the registry keeps only sessions alive now.
  threads_.leave(this);
}

void HttpSession::run() {
  threads_.enter(shared_from_this());
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  if (core_.stopping) return do_close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_.options.max_header_bytes));
  parser_->body_limit(core_.options.max_body_bytes);
  // One deadline for the whole request: a client dribbling bytes (slow-loris) is cut.
  stream_.expires_after(core_.options.read_timeout);
  reading_ = true;
  do_read_header_bytes();
}

void HttpSession::do_read_header_bytes() {
  // Pipelined requests may have left the next header in the buffer already.
  const std::string_view have = buffered(buffer_);
  if (have.find(kEndOfHeader) != std::string_view::npos) return on_header_bytes({}, 0);
  if (have.size() > core_.options.max_header_bytes) {
    reading_ = false;
    core_.metrics.refuse(RefusalReason::too_large);
    return send(error_response(http::status::request_header_fields_too_large,
                               "header over the limit", 11, false));
  }
  stream_.async_read_some(
      buffer_.prepare(4096),
      beast::bind_front_handler(&HttpSession::on_header_bytes, shared_from_this()));
}

void HttpSession::on_header_bytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, 0);
  buffer_.commit(bytes);
  const std::string_view have = buffered(buffer_);
  const std::size_t end = have.find(kEndOfHeader);
  if (end == std::string_view::npos) return do_read_header_bytes();
  if (auto problem = check_raw_header(have.substr(0, end + kEndOfHeader.size()))) {
    reading_ = false;
    core_.metrics.refuse(RefusalReason::malformed);
    return send(error_response(problem->status, problem->message, 11, false));
  }
  on_header();
}

void HttpSession::on_header() {
  // The whole header is buffered: Beast parses it without waiting (eager off: it stops
  // after the header), and the framing is judged before a byte of body is taken.
  beast::error_code ec;
  const std::size_t used = parser_->put(buffer_.data(), ec);
  buffer_.consume(used);
  if (ec) return on_read(ec, 0);
  if (!parser_->is_header_done()) {
    return on_read(http::error::header_limit, 0);  // cannot happen with a whole header
  }
  if (auto problem = check_framing(parser_->get().base())) {
    reading_ = false;
    core_.metrics.refuse(RefusalReason::malformed);
    log(LogLevel::info, "http", "refused: " + problem->message);
    return send(error_response(problem->status, problem->message, 11, false));
  }
  if (parser_->is_done()) return on_read({}, 0);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::close_if_idle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->reading_) self->close_socket();
  });
}

void HttpSession::close_now() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->close_socket(); });
}

void HttpSession::close_socket() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
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
  if (beast::websocket::is_upgrade(req)) return on_upgrade(std::move(req));
  const std::uint64_t id = ++request_;
  answered_ = false;
  // The body's JSON is parsed here, off the thread that owns the situation (a region has
  // none of these routes).
  std::optional<ReadAhead> ahead;
  if (!core_.region) {
    run_guarded("http", "reading a request's body ahead", [&] { ahead = read_ahead(req, core_.town); });
  }
  // The situation is the I/O thread's: the request goes there, its answer comes back here.
  net::post(core_.ioc, [self = shared_from_this(), id, req = std::move(req),
                        ahead = std::move(ahead)]() mutable {
    self->route(id, std::move(req), std::move(ahead));
  });
}

void HttpSession::route(std::uint64_t id, Request req, std::optional<ReadAhead> ahead) {
  auto answer_here = [self = shared_from_this(), id](Response res) {
    net::post(self->stream_.get_executor(),
              [self, id, res = std::move(res)]() mutable { self->answer(id, std::move(res)); });
  };
  const unsigned version = req.version();
  const bool handled = run_guarded(
      "http", "request handler",
      [&] { handle_request(core_, std::move(req), peer_, answer_here, std::move(ahead)); });
  // Whatever a route threw ends this request with a 500, never the daemon (issue 12).
  if (!handled)
    answer_here(
        error_response(http::status::internal_server_error, "internal error", version, false));
}

void HttpSession::answer(std::uint64_t id, Response res) {
  if (id != request_ || answered_) return;
  answered_ = true;
  send(std::move(res));
}

void HttpSession::on_upgrade(Request req) {
  if (req.target() != "/v1/stream" && req.target().substr(0, 11) != "/v1/stream?") {
    return send(
        error_response(http::status::not_found, "no WebSocket at this path", req.version(), false));
  }
  if (!core_.hub->reserve_stream()) {
    // Counted apart from the connections: every stream holds a snapshot's worth of queue.
    core_.metrics.streams_refused++;
    log(LogLevel::warning, "stream",
        "refused a stream: " + std::to_string(core_.options.max_streams) +
            " open (limits.max_streams)");
    auto res = error_response(http::status::service_unavailable,
                              "too many streams: " + std::to_string(core_.options.max_streams) +
                                  " are open, the limit (limits.max_streams)",
                              req.version(), false);
    res.set(http::field::retry_after, "5");
    return send(std::move(res));
  }
  stream_.expires_never();
  // The stream lives on the stream thread (an IoThread, ops/io_thread.hpp): its socket moves to
  // that thread's context, and the session starts there.
  net::ip::tcp::socket socket = stream_.release_socket();
  net::ip::tcp::socket moved(core_.hub->stream_context());
  beast::error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  if (!ec) {
    const auto fd = socket.release(ec);
    if (!ec) {
      moved.assign(protocol, fd, ec);
      if (ec) ::close(fd);
    }
  }
  if (ec) {
    core_.metrics.streams--;  // the reservation above: no session was built
    log(LogLevel::info, "stream", "upgrade lost its connection: " + ec.message());
    return;
  }
  auto session = std::make_shared<WsSession>(core_, std::move(moved), std::move(slot_));
  net::post(core_.hub->stream_context(),
            [session, req = std::move(req)]() mutable { session->run(std::move(req)); });
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
