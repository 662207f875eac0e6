// The network side of the stream client: one thread, one io_context, callbacks in
// do_x/on_x pairs. Everything it learns goes to the UpdateQueue; it keeps only the
// last seq it handed over, to resume and to notice gaps.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <random>
#include <thread>

#include "bcp/client/stream_client.hpp"
#include "bcp/model/frames.hpp"

namespace bcp::client {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {
struct WsUrl {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

WsUrl parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "ws://";
  if (url.rfind(kScheme, 0) != 0) throw std::invalid_argument("feed URL must start with ws://: \"" + url + "\"");
  std::string rest = url.substr(kScheme.size());
  WsUrl u;
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.path = rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon != std::string::npos) {
    u.host = authority.substr(0, colon);
    u.port = authority.substr(colon + 1);
  } else {
    u.host = authority;
  }
  if (u.host.empty()) throw std::invalid_argument("feed URL has no host: \"" + url + "\"");
  return u;
}
}  // namespace

struct StreamClient::Impl {
  Impl(ClientOptions o, UpdateQueue& q) : options(std::move(o)), queue(q), url(parse_url(options.url)) {
    last_seq = options.since;
    backoff = options.initial_backoff;
  }

  ClientOptions options;
  UpdateQueue& queue;
  WsUrl url;
  net::io_context ioc{1};
  tcp::resolver resolver{ioc};
  net::steady_timer retry_timer{ioc};
  std::optional<websocket::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  std::string hello_text;
  std::thread thread;
  std::optional<model::Seq> last_seq;
  std::chrono::milliseconds backoff;
  bool ever_connected = false;
  bool terminal = false;  // auth or version failure: retrying cannot help
  std::mt19937 rng{std::random_device{}()};

  void state(ConnectionState s, std::string detail = {}) { queue.push(StateUpdate{s, std::move(detail)}); }

  void do_connect() {
    state(ever_connected ? ConnectionState::reconnecting : ConnectionState::connecting,
          "connecting to " + options.url);
    resolver.async_resolve(url.host, url.port, [this](beast::error_code ec, tcp::resolver::results_type r) {
      on_resolve(ec, std::move(r));
    });
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail(ec, "resolve");
    ws.emplace(ioc);
    buffer.clear();
    beast::get_lowest_layer(*ws).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(*ws).async_connect(results, [this](beast::error_code e, tcp::endpoint) { on_connect(e); });
  }

  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec, "connect");
    beast::get_lowest_layer(*ws).expires_never();
    websocket::stream_base::timeout t = websocket::stream_base::timeout::suggested(beast::role_type::client);
    // The daemon beats every second: ten silent seconds mean the link is gone.
    t.idle_timeout = std::chrono::seconds(10);
    t.keep_alive_pings = false;
    ws->set_option(t);
    ws->read_message_max(model::kMaxServerFrameBytes);
    ws->async_handshake(url.host + ":" + url.port, url.path, [this](beast::error_code e) { on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail(ec, "handshake");
    hello_text = model::encode(model::HelloFrame{options.display, options.token, last_seq});
    ws->text(true);
    ws->async_write(net::buffer(hello_text), [this](beast::error_code e, std::size_t) {
      if (e) return fail(e, "hello");
      do_read();
    });
  }

  void do_read() {
    ws->async_read(buffer, [this](beast::error_code e, std::size_t) { on_read(e); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return fail(ec, "read");
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (!on_frame(text)) return;
    do_read();
  }

  // Returns false when the connection is being dropped.
  bool on_frame(const std::string& text) {
    auto decoded = model::decode_server_frame(text);
    if (auto* bad = std::get_if<model::FrameError>(&decoded)) {
      return reconnect("unreadable frame: " + bad->message);
    }
    return std::visit([this](auto& frame) { return on(frame); },
                      std::get<model::ServerFrame>(decoded));
  }

  bool on(model::HelloAnswerFrame& hello) {
    ever_connected = true;
    backoff = options.initial_backoff;
    state(ConnectionState::live, std::string(model::to_string(hello.mode)));
    return true;
  }

  bool on(model::SnapshotFrame& frame) {
    SnapshotUpdate snap{std::move(frame.situation)};
    last_seq = snap.situation.last_seq;
    queue.push(std::move(snap));
    return true;
  }

  bool on(model::RegionSnapshotFrame&) {
    return reconnect("bad snapshot frame: a region's snapshot, not a town's situation");
  }

  bool on(model::EventFrame& frame) {
    model::Event& e = frame.event;
    if (last_seq && e.seq <= *last_seq) return true;  // already have it
    if (last_seq && e.seq != *last_seq + 1) {
      return reconnect("gap in the stream: expected seq " + std::to_string(*last_seq + 1) +
                       ", got " + std::to_string(e.seq));
    }
    last_seq = e.seq;
    queue.push(std::move(e));
    return true;
  }

  bool on(model::HeartbeatFrame& frame) {
    if (last_seq && frame.seq > *last_seq)
      return reconnect("heartbeat is ahead of the events received");
    queue.push(HeartbeatUpdate{frame.seq, frame.at});
    return true;
  }

  bool on(model::ErrorFrame& frame) {
    if (frame.code == "version_mismatch" || frame.code == "unauthorized") {
      terminal = true;
      state(frame.code == "unauthorized" ? ConnectionState::auth_failed
                                         : ConnectionState::version_mismatch,
            frame.message);
      close_socket();
      return false;
    }
    return reconnect("daemon said: " + frame.message);
  }

  bool on(model::UnknownFrame&) { return true; }  // a newer daemon's frame: ignored

  bool reconnect(const std::string& why) {
    close_socket();
    schedule_retry(why);
    return false;
  }

  void fail(beast::error_code ec, const char* what) {
    if (ec == net::error::operation_aborted || terminal) return;
    close_socket();
    schedule_retry(std::string(what) + ": " + ec.message());
  }

  void close_socket() {
    if (!ws) return;
    beast::error_code ignored;
    beast::get_lowest_layer(*ws).socket().close(ignored);
  }

  void schedule_retry(const std::string& why) {
    if (terminal) return;
    state(ConnectionState::reconnecting, why);
    // Jitter keeps many walls from reconnecting in lock-step after a daemon restart.
    auto jitter = std::chrono::milliseconds(std::uniform_int_distribution<int>(0, static_cast<int>(backoff.count() / 4))(rng));
    retry_timer.expires_after(backoff + jitter);
    backoff = std::min(backoff * 2, options.max_backoff);
    retry_timer.async_wait([this](beast::error_code e) {
      if (!e) do_connect();
    });
  }
};

StreamClient::StreamClient(ClientOptions options, UpdateQueue& queue)
    : impl_(std::make_unique<Impl>(std::move(options), queue)) {}

StreamClient::~StreamClient() { stop(); }

void StreamClient::start() {
  if (impl_->thread.joinable()) return;
  net::post(impl_->ioc, [impl = impl_.get()] { impl->do_connect(); });
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

void StreamClient::stop() {
  if (!impl_->thread.joinable()) return;
  net::post(impl_->ioc, [impl = impl_.get()] {
    impl->terminal = true;
    impl->retry_timer.cancel();
    impl->close_socket();
    impl->ioc.stop();
  });
  impl_->thread.join();
}

}  // namespace bcp::client
