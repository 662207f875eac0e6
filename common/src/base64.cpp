#include "bcp/common/base64.hpp"

#include <openssl/evp.h>

#include <climits>
#include <stdexcept>

namespace bcp::common {

std::string base64_encode(std::string_view bytes) {
  // EVP_EncodeBlock counts in int; nothing this project encodes (a signature, a PNG) is near.
  if (bytes.size() > static_cast<std::size_t>(INT_MAX / 4 * 3)) {
    throw std::length_error("base64_encode: input too large");
  }
  // 4 characters per 3 bytes, and EVP_EncodeBlock writes a terminating NUL.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

}  // namespace bcp::common
