// The stand-in photo server. Threads: see photo_server.hpp.
#include "photo_server.hpp"

#include <jpeglib.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>

namespace bcp::display::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string solid_jpeg(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b,
                       int border) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &out, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(width) * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const bool edge = x < border || y < border || x >= width - border || y >= height - border;
      row[x * 3] = edge ? 0 : r;
      row[x * 3 + 1] = edge ? 0 : g;
      row[x * 3 + 2] = edge ? 0 : b;
    }
    JSAMPROW rows[] = {row.data()};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string bytes(reinterpret_cast<const char*>(out), size);
  jpeg_destroy_compress(&cinfo);
  std::free(out);
  return bytes;
}

PhotoServer::PhotoServer(std::string display_token) : token_(std::move(display_token)) {
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { ioc_.run(); });
}

PhotoServer::~PhotoServer() {
  net::post(ioc_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  thread_.join();
}

void PhotoServer::add(const std::string& ref, std::string bytes, std::string content_type) {
  std::lock_guard lock(mutex_);
  photos_[ref] = {std::move(bytes), std::move(content_type)};
}

std::vector<PhotoServer::Request> PhotoServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int PhotoServer::requests_for(const std::string& ref) const {
  int n = 0;
  for (const auto& r : requests()) n += r.target == "/v1/attachments/" + ref;
  return n;
}

void PhotoServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed by the destructor
    serve(std::move(socket));
    accept();
  });
}

void PhotoServer::serve(tcp::socket socket) {
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
  Request record{std::string(req.target()),
                 req[http::field::authorization] == "Bearer " + token_, 0};
  const std::string prefix = "/v1/attachments/";
  {
    std::lock_guard lock(mutex_);
    auto it = record.target.starts_with(prefix) ? photos_.find(record.target.substr(prefix.size()))
                                                : photos_.end();
    if (!record.had_token) {
      res.result(http::status::unauthorized);
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"error":"unauthorized"})";
    } else if (it == photos_.end()) {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"error":"no such attachment"})";
    } else {
      res.set(http::field::content_type, it->second.second);
      res.set(http::field::cache_control, "private, max-age=31536000, immutable");
      res.body() = it->second.first;
    }
    record.status = res.result_int();
    requests_.push_back(record);
  }
  res.prepare_payload();
  http::write(socket, res, ec);
  socket.shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace bcp::display::test
