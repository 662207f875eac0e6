// A tiny JMA feed server on 127.0.0.1 (ephemeral port) for the poller tests: serves an Atom
// document at /developer/xml/feed/eqvol.xml with Last-Modified and 304 for a matching
// If-Modified-Since, and the real bulletins of a directory at /developer/xml/data/NAME, the
// way JMA's server lays them out. It records every request and can be told to fail.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bcp::daemon::test {

class JmaFeedServer {
 public:
  static constexpr const char* kFeedPath = "/developer/xml/feed/eqvol.xml";
  static constexpr const char* kDataPath = "/developer/xml/data/";

  explicit JmaFeedServer(std::filesystem::path bulletins);
  ~JmaFeedServer();
  JmaFeedServer(const JmaFeedServer&) = delete;
  JmaFeedServer& operator=(const JmaFeedServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string feed_url() const;

  // From now on the feed is `atom`, its links to www.data.jma.go.jp pointed at this server
  // (as a mirror would), answered with this Last-Modified.
  void set_feed(const std::string& atom, const std::string& last_modified);
  // Queues one failure: a later feed request is answered `status` with `body` instead, one
  // queued failure per request, in order.
  void fail_feed(int status, const std::string& body);
  // Forgets the queued feed failures: the next request is answered with the feed again.
  void clear_feed_failures();
  // The next `times` requests of bulletin `name` are answered `status` with `body`.
  void fail_bulletin(const std::string& name, int times, int status, const std::string& body = "");

  struct Request {
    std::string target;
    std::string if_modified_since;
    int status = 0;  // what the server answered
  };
  std::vector<Request> requests() const;
  std::vector<Request> feed_requests() const;
  int bulletin_requests(const std::string& name) const;  // fetches of /developer/xml/data/NAME
  int all_bulletin_requests() const;
  // Connections accepted, also those that never sent a readable HTTP request.
  int connections() const { return connections_.load(); }

 private:
  struct Failure {
    int times = 0;
    int status = 500;
    std::string body;
  };
  void accept();
  void serve(boost::asio::ip::tcp::socket socket);

  std::filesystem::path bulletins_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<int> connections_{0};

  mutable std::mutex mutex_;
  std::string feed_;
  std::string last_modified_;
  std::deque<Failure> feed_failures_;
  std::map<std::string, Failure> bulletin_failures_;
  std::vector<Request> requests_;
};

}  // namespace bcp::daemon::test
