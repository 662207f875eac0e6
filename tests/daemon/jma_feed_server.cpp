#include "jma_feed_server.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <sstream>

namespace bcp::daemon::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

JmaFeedServer::JmaFeedServer(std::filesystem::path bulletins) : bulletins_(std::move(bulletins)) {
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { ioc_.run(); });
}

JmaFeedServer::~JmaFeedServer() {
  net::post(ioc_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  thread_.join();
}

std::string JmaFeedServer::feed_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + kFeedPath;
}

void JmaFeedServer::set_feed(const std::string& atom, const std::string& last_modified) {
  // Only the links: the entries' ids stay JMA's, as behind a mirror.
  const std::string jma = "href=\"https://www.data.jma.go.jp/developer/xml/";
  const std::string here = "href=\"http://127.0.0.1:" + std::to_string(port_) + "/developer/xml/";
  std::string rewritten = atom;
  for (auto pos = rewritten.find(jma); pos != std::string::npos;
       pos = rewritten.find(jma, pos + here.size())) {
    rewritten.replace(pos, jma.size(), here);
  }
  std::lock_guard lock(mutex_);
  feed_ = std::move(rewritten);
  last_modified_ = last_modified;
}

void JmaFeedServer::fail_feed(int status, const std::string& body) {
  std::lock_guard lock(mutex_);
  feed_failures_.push_back(Failure{1, status, body});
}

void JmaFeedServer::clear_feed_failures() {
  std::lock_guard lock(mutex_);
  feed_failures_.clear();
}

void JmaFeedServer::fail_bulletin(const std::string& name, int times, int status,
                                  const std::string& body) {
  std::lock_guard lock(mutex_);
  bulletin_failures_[name] = Failure{times, status, body};
}

std::vector<JmaFeedServer::Request> JmaFeedServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<JmaFeedServer::Request> JmaFeedServer::feed_requests() const {
  std::vector<Request> out;
  for (Request& r : requests())
    if (r.target == kFeedPath) out.push_back(std::move(r));
  return out;
}

int JmaFeedServer::bulletin_requests(const std::string& name) const {
  int n = 0;
  for (const Request& r : requests()) n += r.target == std::string(kDataPath) + name;
  return n;
}

int JmaFeedServer::all_bulletin_requests() const {
  int n = 0;
  for (const Request& r : requests()) n += r.target.starts_with(kDataPath);
  return n;
}

void JmaFeedServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed by the destructor
    ++connections_;
    serve(std::move(socket));
    accept();
  });
}

// One request per connection, answered synchronously: loopback and small answers, and the
// poller under test sends Connection: close.
void JmaFeedServer::serve(tcp::socket socket) {
  // A client that connects and says nothing must not hang the server (and its destructor).
  timeval five_seconds{5, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
  beast::flat_buffer buffer;
  http::request<http::string_body> req;
  boost::system::error_code ec;
  http::read(socket, buffer, req, ec);
  if (ec) return;
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.keep_alive(false);
  Request record{std::string(req.target()), std::string(req[http::field::if_modified_since]), 0};
  {
    std::lock_guard lock(mutex_);
    auto fail = [&](Failure& f) {
      if (f.times <= 0) return false;
      --f.times;
      res.result(f.status);
      res.body() = f.body;
      return true;
    };
    if (record.target == kFeedPath) {
      if (!feed_failures_.empty() && feed_failures_.front().times == 0) feed_failures_.pop_front();
      if (feed_failures_.empty() || !fail(feed_failures_.front())) {
        if (!last_modified_.empty() && record.if_modified_since == last_modified_) {
          res.result(http::status::not_modified);
        } else {
          res.set(http::field::content_type, "application/atom+xml; charset=utf-8");
          res.set(http::field::last_modified, last_modified_);
          res.body() = feed_;
        }
      }
    } else if (record.target.starts_with(kDataPath)) {
      std::string name = record.target.substr(std::string(kDataPath).size());
      if (!fail(bulletin_failures_[name])) {
        std::ifstream in(bulletins_ / name, std::ios::binary);
        if (name.find('/') != std::string::npos || name.starts_with(".") || !in) {
          res.result(http::status::not_found);
        } else {
          std::stringstream ss;
          ss << in.rdbuf();
          res.set(http::field::content_type, "application/xml");
          res.body() = ss.str();
        }
      }
    } else {
      res.result(http::status::not_found);
    }
    record.status = res.result_int();
    requests_.push_back(record);
  }
  res.prepare_payload();
  http::write(socket, res, ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace bcp::daemon::test
