#include "ws_session.hpp"

#include "bcp/daemon/log.hpp"
#include "bcp/model/protocol.hpp"
#include "stream_hub.hpp"

namespace bcp::daemon {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
Frame error_frame(std::string_view code, const std::string& message, int client_version = 0) {
  nlohmann::json j = {{"v", model::kProtocolVersion}, {"type", model::kFrameError},
                      {"code", code}, {"message", message}};
  if (client_version) {
    j["daemon_version"] = model::kProtocolVersion;
    j["client_version"] = client_version;
  }
  return std::make_shared<const std::string>(j.dump());
}
}  // namespace

WsSession::WsSession(Daemon::Core& core, net::ip::tcp::socket&& socket)
    : core_(core), ws_(std::move(socket)), hello_timer_(core.ioc) {}

void WsSession::run(Request req) {
  // The WebSocket layer has its own timeouts; the TCP stream's would cut idle streams.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  // Pings at half the idle time: a wall that stops reading is cut within 30 s.
  timeouts.idle_timeout = std::chrono::seconds(30);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(64 * 1024);
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
    on_hello(std::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size()));
  }
  // After the hello, frames from the wall carry nothing we act on; keep reading so that
  // pings and the close handshake are answered.
  buffer_.consume(buffer_.size());
  if (!closing_) do_read();
}

void WsSession::on_hello(std::string_view text) {
  nlohmann::json hello = nlohmann::json::parse(text, nullptr, false);
  if (hello.is_discarded() || !hello.is_object() || hello.value("type", "") != model::kFrameHello) {
    return close_with(error_frame("bad_hello", "first frame must be a hello object"));
  }
  if (!hello.contains("v") || !hello["v"].is_number_integer()) {
    return close_with(error_frame("bad_hello", "/v: missing protocol version"));
  }
  int v = hello["v"].get<int>();
  if (v != model::kProtocolVersion) {
    return close_with(error_frame("version_mismatch",
                                  "daemon speaks protocol version " +
                                      std::to_string(model::kProtocolVersion) +
                                      ", the wall sent version " + std::to_string(v),
                                  v));
  }
  const config::Token* token = nullptr;
  if (hello.contains("token") && hello["token"].is_string()) {
    token = core_.town.find_token(hello["token"].get<std::string>());
  }
  if (!token || !(token->has(config::Role::display) || token->has(config::Role::operator_))) {
    core_.metrics.refuse(RefusalReason::unauthorized);
    return close_with(error_frame("unauthorized", "unknown token or token without the display role"));
  }
  std::optional<model::Seq> since;
  if (hello.contains("since") && !hello["since"].is_null()) {
    if (!hello["since"].is_number_integer() || hello["since"].get<model::Seq>() < 0) {
      return close_with(error_frame("bad_hello", "/since: must be null or a non-negative integer"));
    }
    since = hello["since"].get<model::Seq>();
  }
  if (hello.contains("display") && hello["display"].is_string()) display_ = hello["display"].get<std::string>();
  joined_ = true;
  hello_timer_.cancel();
  log(LogLevel::info, "stream",
      "subscriber joined display=" + hello.value("display", std::string("?")) + " token=" + token->name);
  core_.hub->join(shared_from_this(), since);
}

void WsSession::deliver(const Frame& frame) {
  if (closing_) return;
  if (queue_.size() >= core_.options.max_subscriber_queue) {
    core_.metrics.subscribers_dropped++;
    return abort("subscriber too slow: queue bound reached");
  }
  queue_.push_back(frame);
  if (queue_.size() == 1) do_write();
}

void WsSession::close_with(const Frame& frame) {
  if (closing_) return;
  queue_.push_back(frame);
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
    if (joined_) core_.hub->leave(shared_from_this());
    joined_ = false;
    return;
  }
  queue_.pop_front();
  if (!queue_.empty()) return do_write();
  if (close_after_write_) {
    close_after_write_ = false;
    ws_.async_close(websocket::close_code::policy_error, [self = shared_from_this()](beast::error_code) {});
  }
}

}  // namespace bcp::daemon
