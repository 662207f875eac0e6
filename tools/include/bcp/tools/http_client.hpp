// A small synchronous HTTP/1.1 client for the tools: one keep-alive connection to a
// bcp-feedd on loopback or the LAN (plain HTTP; TLS is the reverse proxy's business).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

namespace bcp::tools {

struct ServerUrl {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8470;
};

// "http://host:port" (path ignored); throws std::invalid_argument naming the problem.
ServerUrl parse_server_url(const std::string& url);

// Thrown when the server cannot be reached at all (as opposed to a refusal).
struct ConnectError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  bool ok() const { return status >= 200 && status < 300; }
  // The server's {"error": …} message, else the raw body (refusals name what is wrong).
  std::string error_message() const;
};

class HttpClient {
 public:
  explicit HttpClient(ServerUrl url, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request; reconnects once if a kept-alive connection was closed meanwhile.
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::map<std::string, std::string>& headers = {});

  // Convenience: JSON body with a bearer token (token may be empty).
  HttpResponse get(const std::string& target, const std::string& token,
                   const std::string& accept = "application/json");
  HttpResponse post_json(const std::string& target, const std::string& token, const std::string& body,
                         const std::string& content_type = "application/json");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// base64(HMAC-SHA256(secret, body)): the X-WORKS-Signature of a LINE WORKS callback.
std::string lineworks_signature(const std::string& secret, const std::string& body);

}  // namespace bcp::tools
