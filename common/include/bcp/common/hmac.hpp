// SHA-256 and HMAC-SHA256 (OpenSSL EVP), and the signature LINE WORKS puts in a bot
// callback's X-WORKS-Signature header: base64(HMAC-SHA256(bot secret, raw body)). The daemon
// checks it with this, bcp-sim, the benchmarks and the tests sign with it.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace bcp::common {

using Sha256Digest = std::array<unsigned char, 32>;

// Throws std::runtime_error("SHA-256 unavailable") when OpenSSL cannot compute it.
Sha256Digest sha256(std::string_view data);
// The digest as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// The 32 raw bytes of HMAC-SHA256(key, data); "" only when OpenSSL fails.
std::string hmac_sha256(std::string_view key, std::string_view data);
// base64(HMAC-SHA256(key, data)), 44 characters; "" only when OpenSSL fails.
std::string hmac_sha256_base64(std::string_view key, std::string_view data);

}  // namespace bcp::common
