#include "sources/jma_poller.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "bcp/alerts/outcome.hpp"
#include "bcp/daemon/log.hpp"
#include "http/routes.hpp"
#include "pipeline/core.hpp"

namespace bcp::daemon {
namespace {

namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using net::use_awaitable;

constexpr std::string_view kJmaLog = "jma-poller";
constexpr std::size_t kRememberedEntries = 10'000;

std::string origin_of(const alerts::AtomEntry& entry) { return "jma-atom:" + entry.key(); }

// Messages may quote what they choked on; the log keeps what was wrong, never content.
std::string without_quotes(std::string_view message) {
  std::string out(message.substr(0, message.find('"')));
  if (out.size() > 200) out.resize(200);
  return out;
}

}  // namespace

JmaPoller::JmaPoller(Daemon::Core& core, JmaPollerSettings settings,
                     std::chrono::milliseconds interval)
    : core_(core),
      settings_(std::move(settings)),
      interval_(interval),
      timer_(core.ioc),
      resolver_(core.ioc) {
  std::string why;
  auto url = parse_http_url(settings_.url, &why);
  if (!url) throw std::invalid_argument("alerts.jma.poller.url: " + why);
  feed_url_ = *url;
  if (feed_url_.tls) {
    // The system's CA store and the feed's host name: a forged certificate is a failed poll.
    tls_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    tls_->set_default_verify_paths();
    tls_->set_verify_mode(ssl::verify_peer);
  }
}

void JmaPoller::start() {
  log(LogLevel::info, kJmaLog,
      "polling " + settings_.url + " every " + std::to_string(interval_.count()) + " ms");
  net::co_spawn(
      core_.ioc, [self = shared_from_this()] { return self->loop(); }, net::detached);
}

void JmaPoller::stop() {
  stopped_ = true;
  timer_.cancel();
  resolver_.cancel();
  if (active_) active_->cancel();
}

net::awaitable<void> JmaPoller::loop() {
  while (!stopped_) {
    try {
      co_await poll_once();
    } catch (const std::exception& e) {
      // Nothing in a poll may end the loop: the next round is the retry.
      if (!stopped_) log(LogLevel::warning, kJmaLog, std::string("poll failed: ") + e.what());
      if (!stopped_) core_.sources->failed("jma", "poll failed");
    }
    if (stopped_) break;
    timer_.expires_after(interval_);
    boost::system::error_code ec;
    co_await timer_.async_wait(net::redirect_error(use_awaitable, ec));
  }
}

net::awaitable<void> JmaPoller::poll_once() {
  Fetched feed = co_await fetch(feed_url_, last_modified_, kMaxFeedBytes);
  if (stopped_) co_return;
  if (feed.status == 304) {
    core_.sources->succeeded("jma");
    co_return;
  }
  if (feed.status != 200) {
    const std::string why = feed.status ? "HTTP " + std::to_string(feed.status) : feed.error;
    log(LogLevel::warning, kJmaLog, "feed " + settings_.url + ": " + why);
    core_.sources->failed("jma", why);
    co_return;
  }
  alerts::AtomFeed atom;
  try {
    atom = alerts::parse_atom(feed.body);
  } catch (const alerts::AlertParseError& e) {
    log(LogLevel::warning, kJmaLog, "feed " + settings_.url + ": " + without_quotes(e.what()));
    core_.sources->failed("jma", "the feed is not a readable Atom feed");
    co_return;
  }
  // The feed answered and reads: JMA is reachable (a bulletin that fails is retried by itself).
  core_.sources->succeeded("jma");
  for (const std::string& s : atom.skipped)
    log(LogLevel::info, kJmaLog, "feed " + settings_.url + ": skipped " + s);
  // JMA lists the newest first; bulletins are taken in the order they were issued, so that a
  // 続報 updates what its 第1報 raised.
  std::vector<alerts::AtomEntry> wanted;
  for (auto it = atom.entries.rbegin(); it != atom.entries.rend(); ++it) {
    if (alerts::is_wanted_bulletin(*it) && !seen(origin_of(*it))) wanted.push_back(*it);
  }
  if (std::all_of(wanted.begin(), wanted.end(), [](const auto& e) { return e.updated; })) {
    std::stable_sort(wanted.begin(), wanted.end(),
                     [](const auto& a, const auto& b) { return *a.updated < *b.updated; });
  }
  bool all_done = true;
  for (const alerts::AtomEntry& entry : wanted) {
    if (stopped_) co_return;
    if (!co_await take_entry(entry)) all_done = false;
  }
  // A bulletin to retry needs the next answer to be 200, not 304.
  if (all_done) last_modified_ = feed.last_modified;
}

net::awaitable<bool> JmaPoller::take_entry(const alerts::AtomEntry& entry) {
  const std::string origin = origin_of(entry);
  auto url = resolve_link(feed_url_, entry.link);
  auto give_up = [&](const std::string& why) {
    log(LogLevel::warning, kJmaLog, "bulletin " + entry.link + ": " + why);
    remember(origin);
    return true;
  };
  if (!url) co_return give_up("not an http(s) link");
  if (url->origin() != feed_url_.origin())
    co_return give_up("on another host than the feed (" + url->origin() + "), not fetched");
  const int attempt = ++attempts_[origin];
  Fetched got = co_await fetch(*url, "", kMaxBulletinBytes);
  if (stopped_) co_return false;
  if (got.status != 200) {
    std::string why = got.status ? "HTTP " + std::to_string(got.status) : got.error;
    if (attempt >= kMaxAttempts)
      co_return give_up(why + "; given up after " + std::to_string(attempt) + " attempts");
    log(LogLevel::warning, kJmaLog, "bulletin " + entry.link + ": " + why + " (will retry)");
    co_return false;
  }
  // ingest_jma answers through a callback after the commit; resume this coroutine from it.
  FeedResult result = co_await net::async_initiate<decltype(use_awaitable), void(FeedResult)>(
      [this, &got, &origin](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        ingest_jma(core_, got.body, origin, [this, shared](FeedResult r) {
          // Always resumed from a fresh handler, never from inside the initiation.
          net::post(core_.ioc, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      use_awaitable);
  attempts_.erase(origin);
  const std::string status = std::to_string(static_cast<int>(result.status));
  if (result.refused == RefusalReason::journal) {
    log(LogLevel::warning, kJmaLog,
        "bulletin " + entry.link +
            ": not stored, will retry: " + without_quotes(result.body.value("error", "")));
    co_return false;
  }
  if (result.refused) {
    core_.metrics.refuse(*result.refused);
    log(LogLevel::warning, kJmaLog,
        "bulletin " + entry.link + ": refused " + status + ": " +
            without_quotes(result.body.value("error", "")));
  } else {
    log(LogLevel::info, kJmaLog,
        "bulletin " + entry.link + ": " + status + " " +
            (result.body.contains("not_shown") ? "not shown" : result.body.value("alert", "")));
  }
  // Journaled bulletins are known by their origin from now on (and after a restart).
  if (result.refused || !result.body.contains("seq")) remember(origin);
  co_return true;
}

template <typename Stream>
net::awaitable<JmaPoller::Fetched> JmaPoller::exchange(Stream& stream, const HttpUrl& url,
                                                       const std::string& if_modified_since,
                                                       std::size_t max_body) {
  auto& tcp = beast::get_lowest_layer(stream);
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.timeout);
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get, url.target, 11};
  req.set(beast::http::field::host, url.host_header());
  req.set(beast::http::field::user_agent, "bcp-feedd (BCP Wall JMA poller)");
  req.set(beast::http::field::accept, "application/atom+xml, application/xml, text/xml");
  req.set(beast::http::field::connection, "close");
  if (!if_modified_since.empty()) req.set(beast::http::field::if_modified_since, if_modified_since);
  tcp.expires_after(timeout);
  co_await beast::http::async_write(stream, req, use_awaitable);

  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(max_body);
  tcp.expires_after(timeout);  // the whole answer, header and body, within the timeout
  // Boost 1.74 does not hold a response with a Content-Length to body_limit (a body of any
  // declared length is read, and string_body reserves it first): the header is judged here
  // before a byte of body is taken, and the size again after.
  co_await beast::http::async_read_header(stream, buffer, parser, use_awaitable);
  const auto too_large = [] { return boost::system::system_error(beast::http::error::body_limit); };
  if (parser.content_length() && *parser.content_length() > max_body) throw too_large();
  if (!parser.is_done()) co_await beast::http::async_read(stream, buffer, parser, use_awaitable);
  if (parser.get().body().size() > max_body) throw too_large();
  Fetched out;
  out.status = static_cast<int>(parser.get().result_int());
  out.last_modified = std::string(parser.get()[beast::http::field::last_modified]);
  out.body = std::move(parser.get().body());
  co_return out;
}

net::awaitable<JmaPoller::Fetched> JmaPoller::fetch(const HttpUrl& url,
                                                    const std::string& if_modified_since,
                                                    std::size_t max_body) {
  Fetched out;
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.timeout);
  try {
    // A resolver that hangs is bounded by the same timeout.
    net::steady_timer resolve_deadline(core_.ioc, timeout);
    resolve_deadline.async_wait([this](boost::system::error_code ec) {
      if (!ec) resolver_.cancel();
    });
    auto endpoints = co_await resolver_.async_resolve(url.host, url.port, use_awaitable);
    resolve_deadline.cancel();
    if (stopped_) co_return out;
    struct Clear {
      beast::tcp_stream*& p;
      ~Clear() { p = nullptr; }
    } clear{active_};
    if (!url.tls) {
      beast::tcp_stream tcp(core_.ioc);
      active_ = &tcp;
      tcp.expires_after(timeout);
      co_await tcp.async_connect(endpoints, use_awaitable);
      co_return co_await exchange(tcp, url, if_modified_since, max_body);
    }
    beast::ssl_stream<beast::tcp_stream> tls(core_.ioc, *tls_);
    active_ = &beast::get_lowest_layer(tls);
    if (!SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()))
      throw std::runtime_error("cannot set the TLS server name");
    tls.set_verify_callback(ssl::host_name_verification(url.host));
    beast::get_lowest_layer(tls).expires_after(timeout);
    co_await beast::get_lowest_layer(tls).async_connect(endpoints, use_awaitable);
    beast::get_lowest_layer(tls).expires_after(timeout);
    co_await tls.async_handshake(ssl::stream_base::client, use_awaitable);
    co_return co_await exchange(tls, url, if_modified_since, max_body);
  } catch (const boost::system::system_error& e) {
    out.error = e.code() == beast::error::timeout || e.code() == net::error::operation_aborted
                    ? "no answer within " + std::to_string(settings_.timeout.count()) + " s"
                : e.code() == beast::http::error::body_limit
                    ? "answer larger than " + std::to_string(max_body) + " bytes"
                    : e.code().message();
  }
  if (stopped_) out.error = "stopped";
  co_return out;
}

bool JmaPoller::seen(const std::string& origin) const {
  return handled_.contains(origin) || core_.replay_guard.seen(origin);
}

void JmaPoller::remember(const std::string& origin) {
  attempts_.erase(origin);
  if (!handled_.insert(origin).second) return;
  handled_order_.push_back(origin);
  if (handled_order_.size() > kRememberedEntries) {
    handled_.erase(handled_order_.front());
    handled_order_.pop_front();
  }
}

}  // namespace bcp::daemon
