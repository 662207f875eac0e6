#include "bcp/common/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <stdexcept>

#include "bcp/common/base64.hpp"

namespace bcp::common {

Sha256Digest sha256(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    throw std::runtime_error("SHA-256 unavailable");
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : sha256(data)) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  if (key.size() > static_cast<std::size_t>(INT_MAX)) return {};
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // A default string_view has no data; OpenSSL reads a null key as "keep the last one".
  const char* key_bytes = key.data() != nullptr ? key.data() : "";
  if (!HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len)) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

std::string hmac_sha256_base64(std::string_view key, std::string_view data) {
  const std::string mac = hmac_sha256(key, data);
  return mac.empty() ? std::string() : base64_encode(mac);
}

}  // namespace bcp::common
