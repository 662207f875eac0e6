#include <string>

#include "bcp/common/hmac.hpp"
#include "bcp/tools/http_client.hpp"

namespace bcp::tools {

std::string lineworks_signature(const std::string& secret, const std::string& body) {
  return common::hmac_sha256_base64(secret, body);
}

}  // namespace bcp::tools
