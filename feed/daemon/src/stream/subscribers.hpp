// The stream thread's half of the hub: every open stream, the joined (live) ones with the wall
// each said it is, and the delivery of frames to them. The I/O thread's half (stream_hub.hpp)
// builds the frames and posts them here; the sessions call in from the stream thread.
//
// Threads: add(), leave() and everything named *_now run on the stream thread; admit(),
// deliver() and close_all() may be called from any thread: they append to a list under a
// mutex, in call order, and post one flush to the stream thread while none is pending. What
// arrives while the stream thread is busy is taken by that one flush, so a subscriber gets all
// of it in one gathered write: the busier the stream, the fewer writes per frame.
#pragma once

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "stream/frame.hpp"

namespace bcp::daemon {

struct Metrics;
class WsSession;

class Subscribers {
 public:
  Subscribers(Metrics& metrics, boost::asio::io_context& stream);

  // Every stream from its upgrade on, joined or not: closed by close_all at shutdown.
  void add(const std::shared_ptr<WsSession>& session);
  void leave(const std::shared_ptr<WsSession>& session);

  // Sends `first` (the hello answer, then a snapshot or a replay) and then adds the session to
  // the live set, unless it closed meanwhile. Everything deliver()ed after this call reaches it.
  void admit(std::weak_ptr<WsSession> session, std::vector<Frame> first);
  // The frames to every live subscriber, each subscriber's in one gathered write when it is
  // not already writing.
  void deliver(std::vector<Frame> frames);
  // Aborts every stream; sessions that ask to join after it are closed too.
  void close_all();

 private:
  // Weak: a session lives only as long as its own I/O, so a closed stream is freed even if
  // nothing called leave(); the registries forget it at the next walk.
  using Owner = std::owner_less<std::weak_ptr<WsSession>>;
  using Live = std::map<std::weak_ptr<WsSession>, std::string, Owner>;
  using Registry = std::set<std::weak_ptr<WsSession>, Owner>;
  struct Admission {
    std::weak_ptr<WsSession> session;
    std::vector<Frame> first;
  };
  struct CloseAll {};
  using Item = std::variant<Frame, Admission, CloseAll>;

  void append(Item item);
  void flush();
  void admit_now(const std::weak_ptr<WsSession>& session, const std::vector<Frame>& first);
  void deliver_now(const std::vector<Frame>& frames);
  void close_all_now();
  // The joined sessions still alive; expired entries leave on the way.
  void collect_alive();
  void prune_all();
  void count_wall(const std::string& display, int delta);
  void publish_count();

  Metrics& metrics_;
  boost::asio::io_context& stream_;
  Live live_;
  Registry all_;
  std::vector<std::shared_ptr<WsSession>> alive_;  // reused by every delivery
  bool closed_ = false;
  std::mutex mutex_;  // guards pending_ and flush_posted_
  std::vector<Item> pending_;
  bool flush_posted_ = false;
  // The stream thread's: what a flush took, and the run of frames between two admissions.
  std::vector<Item> taken_;
  std::vector<Frame> run_;
};

}  // namespace bcp::daemon
