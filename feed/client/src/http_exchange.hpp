// One HTTP/1.1 request on its own io_context, run to completion on the calling thread; the
// deadline covers the whole exchange (resolve, connect, write, read) and the answer's body
// is bounded. Shared by the journal reader (replay), the wall's operator requests and its
// photo fetches.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace bcp::client::detail {

struct ExchangeRequest {
  std::string host;
  std::string port = "80";
  std::string method = "GET";  // GET or POST
  std::string target;
  std::string token;  // Bearer
  std::string body;   // sent as application/json when not empty
  std::string user_agent = "bcp-wall";
  std::string accept = "application/json";
  std::size_t max_body = 1u << 20;
  std::chrono::milliseconds timeout{5'000};
};

struct ExchangeAnswer {
  int status = 0;  // 0: no answer (see error)
  std::string body;
  std::string content_type;
  std::string error;  // transport failure, or the body was over max_body
  bool too_large = false;
};

ExchangeAnswer exchange(const ExchangeRequest& request);

}  // namespace bcp::client::detail
