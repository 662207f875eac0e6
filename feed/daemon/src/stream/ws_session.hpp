// One WebSocket subscriber: hello, then frames from the hub through a bounded queue. It
// lives only as long as its own I/O is pending: the hub holds it weakly.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>

#include "pipeline/core.hpp"

namespace bcp::daemon {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  // Counted in metrics.streams for as long as it lives; `slot` keeps the connection counted.
  WsSession(Daemon::Core& core, boost::asio::ip::tcp::socket&& socket, ConnectionSlot slot);
  ~WsSession();
  void run(Request req);
  // Queues a frame; drops the subscriber when its queue is full.
  void deliver(const Frame& frame);
  // Sends a last frame (error) and closes.
  void close_with(const Frame& frame);
  // Cuts the connection at once (slow subscriber, shutdown).
  void abort(std::string_view why);
  // The `display` its hello named ("" before the hello or when it named none).
  const std::string& display() const { return display_; }

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_hello(std::string_view text);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);

  Daemon::Core& core_;
  ConnectionSlot slot_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer hello_timer_;
  std::deque<Frame> queue_;
  std::string display_;
  std::size_t queued_bytes_ = 0;  // of the frames in queue_
  bool joined_ = false;
  bool closing_ = false;
  bool close_after_write_ = false;
};

}  // namespace bcp::daemon
