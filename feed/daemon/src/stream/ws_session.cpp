#include "stream/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "bcp/daemon/log.hpp"
#include "bcp/daemon/stream/stream_hello.hpp"
#include "bcp/model/frames.hpp"
#include "stream/stream_hub.hpp"

namespace bcp::daemon {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

namespace {
// After the daemon's close frame, how long the wall has to answer before the socket goes.
constexpr auto kCloseLinger = std::chrono::seconds(5);

// The last frame before a refusal closes the stream (frames.hpp, ErrorFrame).
Frame error_frame(std::string code, std::string message) {
  return text_frame(model::encode(model::ErrorFrame{std::move(code), std::move(message), {}, {}}));
}
Frame error_frame(const model::FrameError& refusal) {
  return text_frame(model::encode(model::refusal_frame(refusal)));
}
}  // namespace

WsSession::WsSession(Daemon::Core& core, net::ip::tcp::socket&& socket, ConnectionSlot slot)
    : core_(core),
      slot_(std::move(slot)),
      ws_(std::move(socket)),
      socket_(ws_.next_layer()),
      reader_(model::kMaxHelloBytes),
      hello_timer_(socket_.get_executor()),
      keepalive_timer_(socket_.get_executor()) {
  // Counted in metrics.streams already (StreamHub::reserve_stream, before the upgrade).
  // The session gathers what waits into one write itself; Nagle's algorithm would only hold a
  // small frame back until the wall acknowledged the previous one.
  beast::error_code ignored;
  socket_.set_option(net::ip::tcp::no_delay(true), ignored);
}

WsSession::~WsSession() { core_.metrics.streams--; }

void WsSession::run(Request req) {
  core_.hub->subscribers().add(shared_from_this());
  // Beast bounds the upgrade's answer; the session keeps the stream alive itself afterwards.
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(30);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.async_accept(req, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) {
    log(LogLevel::info, "stream", "handshake failed: " + ec.message());
    return;
  }
  last_heard_ = Clock::now();
  hello_timer_.expires_after(core_.options.hello_timeout);
  hello_timer_.async_wait([weak = weak_from_this()](beast::error_code e) {
    auto self = weak.lock();
    if (!e && self && !self->hello_taken_) {
      self->close_with(error_frame("hello_timeout", "no hello received"), ws::kClosePolicyViolation);
    }
  });
  arm_keepalive();
  do_read();
}

// ---- reading -----------------------------------------------------------------------------

void WsSession::do_read() {
  socket_.async_read_some(net::buffer(read_buffer_),
                          beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t bytes) {
  if (cut_) return;
  if (ec) return gone();
  last_heard_ = Clock::now();
  // After a protocol error nothing it sends is read: drain until its EOF (or the linger).
  if (protocol_failed_) return do_read();
  reader_.feed(std::string_view(read_buffer_.data(), bytes));
  for (;;) {
    ws::ReadStep step = reader_.next();
    if (std::holds_alternative<ws::NeedMore>(step)) break;
    if (auto* error = std::get_if<ws::ProtocolError>(&step)) {
      on_protocol_error(*error);
      break;
    }
    on_message(std::get<ws::Message>(std::move(step)));
    if (cut_ || peer_closed_) break;
  }
  if (!cut_) do_read();
}

void WsSession::on_message(ws::Message message) {
  switch (message.opcode) {
    case ws::Opcode::text:
    case ws::Opcode::binary:
      // After the hello, frames from the wall carry nothing we act on.
      if (hello_taken_ || closing_) return;
      // Unauthenticated input: whatever reading it throws drops this session, not the daemon.
      if (!run_guarded("stream", "hello", [&] { on_hello(message.payload); })) {
        abort("hello could not be handled");
      }
      return;
    case ws::Opcode::ping:
      if (!closing_) enqueue(control_frame(ws::Opcode::pong, message.payload));
      return;
    case ws::Opcode::close:
      return on_peer_close(message.payload);
    default:
      return;  // a pong: hearing it is all it is for (last_heard_)
  }
}

void WsSession::on_hello(std::string_view text) {
  auto parsed = parse_stream_hello(text);
  if (auto* refusal = std::get_if<HelloRefusal>(&parsed)) {
    core_.metrics.refuse(RefusalReason::malformed);
    log(LogLevel::info, "stream", "refused hello: " + refusal->code + ": " + refusal->message);
    return close_with(error_frame(*refusal), ws::kClosePolicyViolation);
  }
  const StreamHello& hello = std::get<StreamHello>(parsed);
  const config::Token* token = hello.token ? core_.town.find_token(*hello.token) : nullptr;
  if (!token || !(token->has(config::Role::display) || token->has(config::Role::operator_))) {
    core_.metrics.refuse(RefusalReason::unauthorized);
    return close_with(error_frame("unauthorized", "unknown token or token without the display role"),
                      ws::kClosePolicyViolation);
  }
  display_ = hello.display;
  hello_taken_ = true;
  hello_timer_.cancel();
  log(LogLevel::info, "stream",
      "subscriber joined display=" + (hello.display.empty() ? std::string("?") : hello.display) +
          " token=" + token->name);
  // The situation is the I/O thread's: the hub decides there between a replay and a snapshot
  // and posts the first frames back to Subscribers::admit.
  net::post(core_.ioc, [hub = core_.hub.get(), weak = weak_from_this(), since = hello.since] {
    hub->join(weak, since);
  });
}

void WsSession::on_peer_close(const std::string& payload) {
  peer_closed_ = true;
  core_.hub->subscribers().leave(shared_from_this());
  if (close_queued_) {
    // Our close went first (or is on its way): the handshake is complete once it is written.
    if (!writing_ && queue_.empty()) after_close_sent();
    return;
  }
  // Echo the wall's code (§5.5.1); a close without one is answered with a normal closure.
  std::uint16_t code = ws::kCloseNormal;
  if (payload.size() >= 2) {
    code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                      static_cast<std::uint8_t>(payload[1]));
  }
  queue_close(code, "");
}

void WsSession::on_protocol_error(const ws::ProtocolError& error) {
  protocol_failed_ = true;
  log(LogLevel::info, "stream", "closing a stream that broke the WebSocket protocol: " + error.why);
  if (!hello_taken_) core_.metrics.refuse(RefusalReason::malformed);
  core_.hub->subscribers().leave(shared_from_this());
  // Its own close, if it answers ours, is not read: the linger after ours ends the stream.
  if (!close_queued_) queue_close(error.close_code, error.why);
}

// ---- writing -----------------------------------------------------------------------------

void WsSession::deliver(const std::vector<Frame>& frames) {
  for (const Frame& frame : frames) {
    if (closing_) return;
    // Bounded in bytes, not only frames: a few big frames must not hold megabytes per wall.
    // The frames are shared with every other subscriber; the bound is what this one holds
    // up. It is judged on what already waits, so a snapshot bigger than the bound still goes.
    if (queued_bytes_ > core_.options.max_subscriber_queue_bytes ||
        queue_.size() >= core_.options.max_subscriber_queue) {
      core_.metrics.subscribers_dropped++;
      return abort("subscriber too slow: " + std::to_string(queued_bytes_) + " bytes in " +
                   std::to_string(queue_.size()) + " frames unsent");
    }
    enqueue(frame);
  }
}

void WsSession::close_with(const Frame& frame, std::uint16_t code) {
  if (closing_) return;
  enqueue(frame);
  queue_close(code, "");
}

void WsSession::queue_close(std::uint16_t code, std::string_view reason) {
  closing_ = true;
  close_queued_ = true;
  hello_timer_.cancel();
  enqueue(close_frame(code, reason));
}

void WsSession::enqueue(const Frame& frame) {
  if (cut_) return;
  queue_.push_back(frame);
  queued_bytes_ += frame->size();
  if (!writing_) do_write();
}

void WsSession::do_write() {
  // Everything that waits (up to kMaxGather frames) in one write: one system call carries
  // what would otherwise be as many sends as frames.
  gather_.count = 0;
  for (const Frame& frame : queue_) {
    if (gather_.count == kMaxGather) break;
    gather_.buffers[gather_.count++] = net::buffer(*frame);
  }
  writing_ = true;
  net::async_write(socket_, gather_,
                   beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    queue_.clear();
    queued_bytes_ = 0;
    return gone();
  }
  core_.metrics.stream_writes++;
  core_.metrics.stream_frames_sent += gather_.count;
  for (std::size_t i = 0; i < gather_.count; ++i) {
    queued_bytes_ -= queue_.front()->size();
    queue_.pop_front();
  }
  gather_.count = 0;
  if (!queue_.empty()) return do_write();
  if (close_queued_) after_close_sent();
}

void WsSession::after_close_sent() {
  if (cut_) return;
  if (peer_closed_) {
    // Both closes are through: the server ends the TCP connection (§7.1.1).
    beast::error_code ignored;
    socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    cut_ = true;
    keepalive_timer_.cancel();
    return;
  }
  // Wait for the wall's close (or its EOF), not forever.
  beast::error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  keepalive_timer_.expires_after(kCloseLinger);
  keepalive_timer_.async_wait([weak = weak_from_this()](beast::error_code e) {
    if (auto self = weak.lock(); self && !e) self->gone();
  });
}

// ---- liveness and the end ----------------------------------------------------------------

// A wall that sends nothing — not even the pong to our ping — for options.stream_idle_timeout
// is cut. The ping goes out after half of it (as Beast's keep-alive pings did before the
// session framed its own stream).
void WsSession::arm_keepalive() {
  keepalive_timer_.expires_at(last_heard_ + core_.options.stream_idle_timeout / 2);
  keepalive_timer_.async_wait([weak = weak_from_this()](beast::error_code e) {
    if (auto self = weak.lock(); self && !e) self->on_keepalive();
  });
}

void WsSession::on_keepalive() {
  if (closing_) return;  // the close has its own timer
  const auto idle_limit = core_.options.stream_idle_timeout;
  const auto silent = Clock::now() - last_heard_;
  if (silent >= idle_limit) {
    return abort("nothing heard from the subscriber for " +
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(silent).count()) +
                 " ms, not even the answer to a ping");
  }
  if (silent >= idle_limit / 2) {
    enqueue(control_frame(ws::Opcode::ping, ""));
    keepalive_timer_.expires_at(last_heard_ + idle_limit);
    keepalive_timer_.async_wait([weak = weak_from_this()](beast::error_code e) {
      if (auto self = weak.lock(); self && !e) self->on_keepalive();
    });
    return;
  }
  arm_keepalive();
}

void WsSession::gone() {
  if (cut_) return;
  closing_ = true;
  cut_ = true;
  core_.hub->subscribers().leave(shared_from_this());
  hello_timer_.cancel();
  keepalive_timer_.cancel();
  beast::error_code ignored;
  socket_.close(ignored);
}

void WsSession::abort(std::string_view why) {
  if (cut_) return;
  log(LogLevel::warning, "stream", std::string("subscriber disconnected: ") + std::string(why));
  beast::error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  gone();
}

}  // namespace bcp::daemon
