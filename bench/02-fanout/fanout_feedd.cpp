// bcp-feedd side of bench-fanout: N WebSocket subscribers (hello with the display token,
// snapshot, then live events) on one I/O thread per core (libnats, on the other side, reads
// each connection on a thread of its own: at 1,024 subscribers one reading thread here was
// slower than the daemon writing), each subscriber on its own strand, and P blocking HTTP publishers posting
// POST /v1/talk on a fixed schedule (message i at t0 + i/rate). Receipt times and the 2xx
// times are all steady_clock stamps of this process.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <boost/asio/strand.hpp>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "fanout.hpp"

namespace bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

// The number after the first "seq": in a frame; -1 when there is none.
std::int64_t seq_in(std::string_view text) {
  auto at = text.find("\"seq\":");
  if (at == std::string_view::npos) return -1;
  return std::strtoll(text.data() + at + 6, nullptr, 10);
}

struct Shared {
  std::atomic<int> ready{0};
  std::atomic<int> failed{0};
  std::atomic<int> disconnected{0};
  std::atomic<std::int64_t> receipts{0};
  std::atomic<std::int64_t> frame_bytes{0};
  std::atomic<bool> stopping{false};
  std::mutex error_mu;
  std::string error;
};

class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(net::io_context& ioc, Shared& shared, std::vector<Receipt>& out)
      : ws_(net::make_strand(ioc)), shared_(shared), out_(out) {}

  void start(const tcp::endpoint& ep, std::string host) {
    host_ = std::move(host);
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail("connect", ec);
      self->ws_.async_handshake(self->host_, "/v1/stream", [self](beast::error_code ec2) {
        if (ec2) return self->fail("handshake", ec2);
        self->ws_.text(true);
        self->hello_ = R"({"v":1,"type":"hello","display":"main","token":"display-sample","since":null})";
        self->ws_.async_write(net::buffer(self->hello_), [self](beast::error_code ec3, std::size_t) {
          if (ec3) return self->fail("hello", ec3);
          self->read();
        });
      });
    });
  }

  // On its strand: never beside one of its own handlers.
  void close() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

 private:
  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (!self->shared_.stopping) {
          if (self->snapshot_) self->shared_.disconnected++;
          else self->fail("read", ec);
        }
        return;
      }
      const std::int64_t at = now_ns();
      std::string_view text(static_cast<const char*>(self->buf_.data().data()), self->buf_.size());
      if (text.starts_with(R"({"v":1,"type":"event")")) {
        self->out_.push_back(Receipt{seq_in(text), at});
        self->shared_.receipts++;
        self->shared_.frame_bytes += static_cast<std::int64_t>(text.size());
      } else if (!self->snapshot_ && text.find(R"("type":"snapshot")") != std::string_view::npos) {
        self->snapshot_ = true;
        self->shared_.ready++;
      } else if (text.find(R"("type":"error")") != std::string_view::npos) {
        std::lock_guard lock(self->shared_.error_mu);
        self->shared_.error = "stream error frame";
      }
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void fail(const char* what, beast::error_code ec) {
    shared_.failed++;
    std::lock_guard lock(shared_.error_mu);
    shared_.error = std::string("subscriber ") + what + ": " + ec.message();
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_;
  Shared& shared_;
  std::vector<Receipt>& out_;
  std::string host_, hello_;
  bool snapshot_ = false;
};

struct Posted {
  std::int64_t seq, sent_ns, acked_ns;
};

// One publisher connection posting messages k, k+P, k+2P, … at their scheduled times.
void publish(const Options& o, const tcp::endpoint& ep, int k, Clock::time_point t0, long total,
             std::vector<Posted>& out, std::string& error) {
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(ep);
    beast::flat_buffer buf;
    const auto period = std::chrono::nanoseconds(1'000'000'000LL / o.rate);
    for (long i = k; i < total; i += o.publishers) {
      std::this_thread::sleep_until(t0 + i * period);
      http::request<http::string_body> req{http::verb::post, "/v1/talk", 11};
      req.set(http::field::host, o.host);
      req.set(http::field::authorization, "Bearer ingest-sample");
      req.set(http::field::content_type, "application/json");
      req.body() = R"({"group":"hq","sender":{"id":"s001","name":"本部"},"text":"ファンアウト計測 )" +
                   std::to_string(i) + R"("})";
      req.prepare_payload();
      const std::int64_t sent = now_ns();
      http::write(stream, req);
      http::response<http::string_body> res;
      http::read(stream, buf, res);
      const std::int64_t acked = now_ns();
      if (res.result_int() / 100 != 2) {
        error = "POST /v1/talk answered " + std::to_string(res.result_int()) + ": " + res.body();
        return;
      }
      out.push_back(Posted{seq_in(res.body()), sent, acked});
    }
  } catch (const std::exception& e) {
    error = std::string("publisher: ") + e.what();
  }
}

}  // namespace

RunResult run_feedd(const Options& o) {
  RunResult r;
  const tcp::endpoint ep(net::ip::make_address(o.host), static_cast<unsigned short>(o.port));
  Shared shared;
  r.receipts.resize(static_cast<std::size_t>(o.subscribers));

  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::vector<std::shared_ptr<Subscriber>> subs;
  for (auto& out : r.receipts) {
    out.reserve(static_cast<std::size_t>(o.rate * o.seconds) + 64);
    subs.push_back(std::make_shared<Subscriber>(ioc, shared, out));
    subs.back()->start(ep, o.host + ":" + std::to_string(o.port));
  }
  std::vector<std::thread> io;
  for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i) {
    io.emplace_back([&] { ioc.run(); });
  }
  auto stop_io = [&] {
    shared.stopping = true;
    for (auto& s : subs) s->close();
    guard.reset();
    for (auto& t : io) t.join();
  };

  // Everyone on the snapshot before the first post: we measure live fan-out, not joining.
  const auto join_deadline = Clock::now() + std::chrono::seconds(30);
  while (shared.ready + shared.failed < o.subscribers && Clock::now() < join_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (shared.ready < o.subscribers) {
    r.error = shared.error.empty() ? "subscribers did not get their snapshot in 30 s" : shared.error;
    stop_io();
    return r;
  }

  const long total = static_cast<long>(o.rate * o.seconds);
  std::vector<std::vector<Posted>> posted(static_cast<std::size_t>(o.publishers));
  std::vector<std::string> errors(static_cast<std::size_t>(o.publishers));
  const auto t0 = Clock::now() + std::chrono::milliseconds(20);
  {
    std::vector<std::thread> pubs;
    for (int k = 0; k < o.publishers; ++k) {
      pubs.emplace_back(publish, std::cref(o), std::cref(ep), k, t0, total,
                        std::ref(posted[static_cast<std::size_t>(k)]), std::ref(errors[static_cast<std::size_t>(k)]));
    }
    for (auto& t : pubs) t.join();
  }
  r.publish_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (const auto& e : errors) {
    if (!e.empty()) r.error = e;
  }

  std::int64_t first = INT64_MAX, last = 0, acked = 0;
  for (const auto& v : posted) {
    for (const auto& p : v) {
      first = std::min(first, p.seq);
      last = std::max(last, p.seq);
      ++acked;
    }
  }
  // Let the stream drain: every live subscriber should get every acknowledged event.
  const auto drain_deadline = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < drain_deadline &&
         shared.receipts < acked * (o.subscribers - shared.disconnected)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop_io();

  if (acked > 0) {
    r.first_seq = first;
    r.sent.assign(static_cast<std::size_t>(last - first + 1), Sent{});
    for (const auto& v : posted) {
      for (const auto& p : v) r.sent[static_cast<std::size_t>(p.seq - first)] = Sent{p.sent_ns, p.acked_ns};
    }
  }
  r.disconnected = shared.disconnected;
  if (shared.receipts > 0) r.mean_frame_bytes = double(shared.frame_bytes) / double(shared.receipts);
  if (r.error.empty() && !shared.error.empty()) r.error = shared.error;
  return r;
}

}  // namespace bench
