// One WebSocket subscriber. Beast answers the upgrade; from then on the session frames and
// reads the WebSocket itself (ws_frame.hpp): every frame the daemon sends it — the hub's
// shared event frames, pongs, pings, the close — waits in one bounded queue, and everything
// waiting goes out in one gathered write. It lives only as long as its own I/O is pending:
// the hub holds it weakly.
//
// Threads: constructed on the I/O thread (the upgrade), with a socket of the stream thread's
// context; everything else runs on the stream thread (an IoThread, ops/io_thread.hpp). Its hello is handed
// to the I/O thread's StreamHub::join by posting.
#pragma once

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <vector>

#include "bcp/daemon/stream/ws_frame.hpp"
#include "pipeline/core.hpp"
#include "stream/frame.hpp"

namespace bcp::daemon {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  // Counted in metrics.streams (by StreamHub::reserve_stream, before it is built) for as long
  // as it lives; `slot` keeps the connection counted.
  WsSession(Daemon::Core& core, boost::asio::ip::tcp::socket&& socket, ConnectionSlot slot);
  ~WsSession();
  // Answers the upgrade. Call on the stream thread (post it there).
  void run(Request req);
  // Queues frames (all or none); drops the subscriber when its queue is full.
  void deliver(const std::vector<Frame>& frames);
  // Cuts the connection at once (slow subscriber, shutdown).
  void abort(std::string_view why);
  // Still taking frames: not closing, not cut.
  bool open() const { return !closing_; }
  // The `display` its hello named ("" before the hello or when it named none).
  const std::string& display() const { return display_; }

 private:
  // Frames in one gathered write: Asio's limit for one scatter-gather operation.
  static constexpr std::size_t kMaxGather = 64;
  struct Gather {
    std::array<boost::asio::const_buffer, kMaxGather> buffers;
    std::size_t count = 0;
    auto begin() const { return buffers.begin(); }
    auto end() const { return buffers.begin() + static_cast<std::ptrdiff_t>(count); }
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_message(ws::Message message);
  void on_hello(std::string_view text);
  void on_peer_close(const std::string& payload);
  void on_protocol_error(const ws::ProtocolError& error);
  // Sends `frame` (an error frame) and a close with `code`, then ends the stream.
  void close_with(const Frame& frame, std::uint16_t code);
  void queue_close(std::uint16_t code, std::string_view reason);
  void enqueue(const Frame& frame);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void after_close_sent();
  void arm_keepalive();
  void on_keepalive();
  void gone();

  Daemon::Core& core_;
  ConnectionSlot slot_;
  // Used for the upgrade's answer only; afterwards the session reads and writes its socket.
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::asio::ip::tcp::socket& socket_;
  ws::FrameReader reader_;
  std::array<char, 4096> read_buffer_{};
  boost::asio::steady_timer hello_timer_;
  boost::asio::steady_timer keepalive_timer_;
  std::chrono::steady_clock::time_point last_heard_;
  std::deque<Frame> queue_;
  Gather gather_;
  std::size_t queued_bytes_ = 0;  // of the frames in queue_
  bool writing_ = false;
  std::string display_;
  bool hello_taken_ = false;  // a valid hello was handed to the hub
  bool closing_ = false;      // takes no more frames: a close is queued, or the stream was cut
  bool close_queued_ = false;
  bool peer_closed_ = false;  // the wall's close frame arrived
  bool protocol_failed_ = false;  // it broke the protocol: what it sends is drained unread
  bool cut_ = false;          // the socket is closed
};

}  // namespace bcp::daemon
