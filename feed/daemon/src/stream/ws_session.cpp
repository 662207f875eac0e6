#include "stream/ws_session.hpp"

#include "bcp/daemon/log.hpp"
#include "bcp/daemon/stream/stream_hello.hpp"
#include "bcp/model/frames.hpp"
#include "stream/stream_hub.hpp"

namespace bcp::daemon {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
// The last frame before a refusal closes the stream (frames.hpp, ErrorFrame).
Frame error_frame(std::string code, std::string message) {
  return std::make_shared<const std::string>(
      model::encode(model::ErrorFrame{std::move(code), std::move(message), {}, {}}));
}
Frame error_frame(const model::FrameError& refusal) {
  return std::make_shared<const std::string>(model::encode(model::refusal_frame(refusal)));
}
}  // namespace

WsSession::WsSession(Daemon::Core& core, net::ip::tcp::socket&& socket, ConnectionSlot slot)
    : core_(core), slot_(std::move(slot)), ws_(std::move(socket)), hello_timer_(core.ioc) {
  core_.metrics.streams++;
}

WsSession::~WsSession() { core_.metrics.streams--; }

void WsSession::run(Request req) {
  core_.hub->add(shared_from_this());
  // The WebSocket layer has its own timeouts; the TCP stream's would cut idle streams.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  // Pings at half the idle time: a wall that stops reading is cut within 30 s.
  timeouts.idle_timeout = std::chrono::seconds(30);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(model::kMaxHelloBytes);
  ws_.async_accept(req, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
  if (ec) {
    log(LogLevel::info, "stream", "handshake failed: " + ec.message());
    return;
  }
  hello_timer_.expires_after(core_.options.hello_timeout);
  hello_timer_.async_wait([weak = weak_from_this()](beast::error_code e) {
    auto self = weak.lock();
    if (!e && self && !self->joined_) self->close_with(error_frame("hello_timeout", "no hello received"));
  });
  do_read();
}

void WsSession::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (joined_) core_.hub->leave(shared_from_this());
    joined_ = false;
    hello_timer_.cancel();
    return;
  }
  if (!joined_ && !closing_) {
    const std::string_view text(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    // Unauthenticated input: whatever reading it throws drops this session, not the daemon.
    if (!run_guarded("stream", "hello", [&] { on_hello(text); })) {
      return abort("hello could not be handled");
    }
  }
  // After the hello, frames from the wall carry nothing we act on; keep reading so that
  // pings and the close handshake are answered.
  buffer_.consume(buffer_.size());
  if (!closing_) do_read();
}

void WsSession::on_hello(std::string_view text) {
  auto parsed = parse_stream_hello(text);
  if (auto* refusal = std::get_if<HelloRefusal>(&parsed)) {
    core_.metrics.refuse(RefusalReason::malformed);
    log(LogLevel::info, "stream", "refused hello: " + refusal->code + ": " + refusal->message);
    return close_with(error_frame(*refusal));
  }
  const StreamHello& hello = std::get<StreamHello>(parsed);
  const config::Token* token = hello.token ? core_.town.find_token(*hello.token) : nullptr;
  if (!token || !(token->has(config::Role::display) || token->has(config::Role::operator_))) {
    core_.metrics.refuse(RefusalReason::unauthorized);
    return close_with(error_frame("unauthorized", "unknown token or token without the display role"));
  }
  display_ = hello.display;
  joined_ = true;
  hello_timer_.cancel();
  log(LogLevel::info, "stream",
      "subscriber joined display=" + (hello.display.empty() ? std::string("?") : hello.display) +
          " token=" + token->name);
  core_.hub->join(shared_from_this(), hello.since);
}

void WsSession::deliver(const Frame& frame) {
  if (closing_) return;
  // Bounded in bytes, not only frames: a few big frames must not hold megabytes per wall.
  // The frames are shared with every other subscriber; the bound is what this one holds up.
  // It is judged on what already waits, so a snapshot bigger than the bound still goes.
  if (queued_bytes_ > core_.options.max_subscriber_queue_bytes ||
      queue_.size() >= core_.options.max_subscriber_queue) {
    core_.metrics.subscribers_dropped++;
    return abort("subscriber too slow: " + std::to_string(queued_bytes_) + " bytes in " +
                 std::to_string(queue_.size()) + " frames unsent");
  }
  queue_.push_back(frame);
  queued_bytes_ += frame->size();
  if (queue_.size() == 1) do_write();
}

void WsSession::close_with(const Frame& frame) {
  if (closing_) return;
  queue_.push_back(frame);
  queued_bytes_ += frame->size();
  close_after_write_ = true;
  closing_ = true;
  if (queue_.size() == 1) do_write();
}

void WsSession::abort(std::string_view why) {
  if (closing_ && queue_.empty()) return;
  closing_ = true;
  if (joined_) core_.hub->leave(shared_from_this());
  joined_ = false;
  log(LogLevel::warning, "stream", std::string("subscriber disconnected: ") + std::string(why));
  hello_timer_.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void WsSession::do_write() {
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()),
                  beast::bind_front_handler(&WsSession::on_write, shared_from_this()));
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    queue_.clear();
    queued_bytes_ = 0;
    if (joined_) core_.hub->leave(shared_from_this());
    joined_ = false;
    return;
  }
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (!queue_.empty()) return do_write();
  if (close_after_write_) {
    close_after_write_ = false;
    ws_.async_close(websocket::close_code::policy_error, [self = shared_from_this()](beast::error_code) {});
  }
}

}  // namespace bcp::daemon
