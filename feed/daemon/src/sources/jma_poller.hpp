// Polls JMA's Atom feed (config `alerts.jma.poller`) on the daemon's own io_context and feeds
// each new wanted bulletin through the same code as POST /v1/jma.
//
// Once per interval: GET the feed with If-Modified-Since (304: nothing new); parse it; fetch
// every wanted entry (bcp::alerts::is_wanted_bulletin) not seen before, oldest first; ingest
// it. A bulletin that lands in the journal carries its entry as the event's `origin`
// ("jma-atom:<entry id>"), so a restarted daemon knows it from the replay and fetches it
// never again. Bulletins that journal nothing (試験, not shown, refused) are remembered in
// memory only. A failure (unreachable, HTTP error, bad XML, timeout) is logged without
// content and the next round tries again; the feed's Last-Modified is only adopted once every
// wanted entry was handled, so a bulletin whose fetch failed is retried, up to kMaxAttempts.
//
// Threads: owns none; its coroutine runs on the I/O thread, beside the routes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "adapters/alert_sources.hpp"
#include "bcp/alerts/jma_atom.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/http/url.hpp"

namespace bcp::daemon {

// The URL type and parser live in bcp_http (shared with the config loader and the LINE
// WORKS client); the poller's code keeps calling them by their short names.
using bcp::http::HttpUrl;
using bcp::http::parse_http_url;
using bcp::http::resolve_link;

class JmaPoller : public std::enable_shared_from_this<JmaPoller> {
 public:
  static constexpr std::size_t kMaxFeedBytes = 8 * 1024 * 1024;      // eqvol_l.xml: a few MB
  static constexpr std::size_t kMaxBulletinBytes = 4 * 1024 * 1024;  // VXSE53s are < 1 MB
  static constexpr int kMaxAttempts = 5;  // fetches of one bulletin before it is given up

  // `interval` overrides settings.interval (tests poll every few milliseconds).
  JmaPoller(Daemon::Core& core, JmaPollerSettings settings, std::chrono::milliseconds interval);

  void start();  // I/O thread: the first poll runs at once
  void stop();   // I/O thread: cancels the wait and any request in flight

 private:
  struct Fetched {
    int status = 0;  // 0: no answer
    std::string body;
    std::string last_modified;
    std::string error;  // why status is 0, or what was wrong with the answer
  };

  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> poll_once();
  // true when the entry is done with (ingested, refused or given up); false to retry later.
  boost::asio::awaitable<bool> take_entry(const alerts::AtomEntry& entry);
  boost::asio::awaitable<Fetched> fetch(const HttpUrl& url, const std::string& if_modified_since,
                                        std::size_t max_body);
  template <typename Stream>
  boost::asio::awaitable<Fetched> exchange(Stream& stream, const HttpUrl& url,
                                           const std::string& if_modified_since,
                                           std::size_t max_body);
  bool seen(const std::string& origin) const;
  void remember(const std::string& origin);

  Daemon::Core& core_;
  JmaPollerSettings settings_;
  HttpUrl feed_url_;
  std::chrono::milliseconds interval_;
  boost::asio::steady_timer timer_;
  boost::asio::ip::tcp::resolver resolver_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // only for an https:// feed
  boost::beast::tcp_stream* active_ = nullptr;      // the request in flight, for stop()
  bool stopped_ = false;
  std::string last_modified_;
  // Entries handled in this process whose bulletin journaled nothing (bounded).
  std::unordered_set<std::string> handled_;
  std::deque<std::string> handled_order_;
  std::unordered_map<std::string, int> attempts_;
};

}  // namespace bcp::daemon
