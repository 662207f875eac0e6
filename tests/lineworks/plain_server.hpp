// A tiny HTTP/1.1 server on 127.0.0.1 for the client's GET tests: every request is recorded
// and answered by the test's handler, which plays the API host or the host a 302 points at.
// It answers what the stand-in tenant does not (a redirect to another origin, a body of any
// size, a failure on the redirect's target).
//
// Threads: one accept thread, and one thread per connection (kept alive, as the client's
// lanes are); the handler runs on those, one request at a time per connection, and the log
// is under a mutex. The destructor closes everything and joins every thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bcp::lineworks::test {

class PlainServer {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Handler = std::function<Response(const Request&)>;

  struct Seen {
    std::string method;
    std::string target;
    std::string authorization;
  };

  explicit PlainServer(Handler handler)
      : handler_(std::move(handler)),
        acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~PlainServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      // shutdown (not close) wakes a thread blocked reading on the socket.
      boost::system::error_code ignored;
      for (auto& s : sockets_) s->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    }
    // A blocked accept() is woken by a connection, not by closing the acceptor.
    {
      boost::asio::ip::tcp::socket wake(ioc_);
      boost::system::error_code ignored;
      wake.connect(acceptor_.local_endpoint(), ignored);
    }
    if (accept_thread_.joinable()) accept_thread_.join();
    for (auto& t : connection_threads_) t.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  static Response answer(int status, std::string body = {}, std::string content_type = {}) {
    Response res{static_cast<boost::beast::http::status>(status), 11};
    if (!content_type.empty()) res.set(boost::beast::http::field::content_type, content_type);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }

 private:
  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<boost::asio::ip::tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      std::lock_guard lock(mutex_);
      if (ec || stopping_) return;
      sockets_.push_back(socket);
      connection_threads_.emplace_back([this, socket] { serve(*socket); });
    }
  }

  void serve(boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (;;) {
      Request req;
      boost::system::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      {
        std::lock_guard lock(mutex_);
        seen_.push_back({std::string(req.method_string()), std::string(req.target()),
                         std::string(req[http::field::authorization])});
      }
      Response res = handler_(req);
      res.keep_alive(req.keep_alive());
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  Handler handler_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::vector<Seen> seen_;
  std::list<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

}  // namespace bcp::lineworks::test
