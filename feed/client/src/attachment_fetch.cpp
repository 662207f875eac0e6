#include "bcp/client/attachment_fetch.hpp"

#include "http_exchange.hpp"

namespace bcp::client {

bool is_attachment_ref(std::string_view ref) {
  return ref.size() == 32 && ref.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

AttachmentFetch fetch_attachment(const std::string& host, const std::string& port,
                                 const std::string& display_token, std::string_view ref,
                                 std::size_t max_bytes, std::chrono::milliseconds timeout) {
  AttachmentFetch out;
  if (!is_attachment_ref(ref)) {
    out.error = "not an attachment ref (32 lowercase hex characters)";
    return out;
  }
  detail::ExchangeRequest req;
  req.host = host;
  req.port = port;
  req.target = "/v1/attachments/" + std::string(ref);
  req.token = display_token;
  req.accept = "image/jpeg, image/png";
  req.max_body = max_bytes;
  req.timeout = timeout;
  detail::ExchangeAnswer a = detail::exchange(req);
  out.status = a.status;
  out.content_type = std::move(a.content_type);
  if (a.status == 0) {
    out.error = a.error.empty() ? "no answer from " + host + ":" + port : a.error;
  } else if (a.status != 200) {
    out.error = "GET " + req.target + ": " + std::to_string(a.status);
  } else {
    out.body = std::move(a.body);
  }
  return out;
}

}  // namespace bcp::client
