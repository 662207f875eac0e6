// The display tests' stand-in for the daemon's GET /v1/attachments/{ref} on 127.0.0.1 (an
// ephemeral port): serves the photos it was given, 401 without the display token, 404 for
// a ref it does not know, and records every request. Also makes the JPEGs (libjpeg).
// Threads: one of its own (the acceptor and every request, answered one at a time); the
// accessors meet it under a mutex.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bcp::display::test {

// A baseline JPEG of one colour, `width` x `height`, with a black border `border` pixels wide
// (so a test can tell the photo's edges from the colour around it).
std::string solid_jpeg(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b,
                       int border = 0);

class PhotoServer {
 public:
  explicit PhotoServer(std::string display_token);
  ~PhotoServer();
  PhotoServer(const PhotoServer&) = delete;
  PhotoServer& operator=(const PhotoServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string port_text() const { return std::to_string(port_); }
  void add(const std::string& ref, std::string bytes, std::string content_type = "image/jpeg");

  struct Request {
    std::string target;
    bool had_token = false;
    int status = 0;
  };
  std::vector<Request> requests() const;
  int requests_for(const std::string& ref) const;

 private:
  void accept();
  void serve(boost::asio::ip::tcp::socket socket);

  std::string token_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::string>> photos_;  // ref -> bytes, type
  std::vector<Request> requests_;
};

}  // namespace bcp::display::test
