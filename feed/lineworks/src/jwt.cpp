#include "bcp/lineworks/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <stdexcept>

namespace bcp::lineworks {

namespace {

using nlohmann::json;

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// OpenSSL's reason for the last failure, or `fallback`; the error queue is emptied so that a
// later call does not report this one.
std::string openssl_reason(const char* fallback) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  std::array<char, 256> buf{};
  ERR_error_string_n(e, buf.data(), buf.size());
  return buf.data();
}

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

Bio memory_bio(std::string_view text) {
  // A PEM file is a few kB; anything near INT_MAX is not one.
  if (text.size() > 1024 * 1024) return nullptr;
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

bool is_rsa(EVP_PKEY* k) { return EVP_PKEY_base_id(k) == EVP_PKEY_RSA; }

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    const std::uint32_t v = at(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // no byte sequence encodes to that length
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const auto pos = kAlphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, or two texts would decode to the same bytes.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

void RsaKey::Free::operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }

std::optional<RsaKey> RsaKey::private_from_pem(std::string_view pem, std::string* why) {
  Bio bio = memory_bio(pem);
  // No passphrase callback: an encrypted key fails here instead of prompting on a terminal.
  EVP_PKEY* k = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!k) {
    const std::string reason = openssl_reason("no PEM private key found");
    if (why) {
      *why = pem.find("ENCRYPTED") != std::string_view::npos
                 ? "the private key is encrypted; give the key without a passphrase"
                 : "not a PEM private key (" + reason + ")";
    }
    return std::nullopt;
  }
  RsaKey key(k);
  if (!is_rsa(k)) {
    if (why) *why = "the private key is not an RSA key (LINE WORKS signs with RS256)";
    return std::nullopt;
  }
  return key;
}

std::optional<RsaKey> RsaKey::public_from_pem(std::string_view pem, std::string* why) {
  Bio bio = memory_bio(pem);
  EVP_PKEY* k = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!k) {
    if (why) *why = "not a PEM public key (" + openssl_reason("no PEM public key found") + ")";
    return std::nullopt;
  }
  RsaKey key(k);
  if (!is_rsa(k)) {
    if (why) *why = "the public key is not an RSA key";
    return std::nullopt;
  }
  return key;
}

std::string RsaKey::public_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
    throw std::runtime_error("cannot write the public key: " + openssl_reason("PEM_write failed"));
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

int RsaKey::bits() const { return EVP_PKEY_get_bits(key_.get()); }

JwtClaims service_account_claims(std::string client_id, std::string service_account,
                                 std::chrono::system_clock::time_point now,
                                 std::chrono::seconds lifetime) {
  JwtClaims c;
  c.iss = std::move(client_id);
  c.sub = std::move(service_account);
  c.iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  c.exp = c.iat + lifetime.count();
  return c;
}

std::string sign_jwt(const JwtClaims& claims, const RsaKey& private_key) {
  // Key order as the samples write it; LINE WORKS reads JSON, the order does not matter.
  const std::string header = R"({"alg":"RS256","typ":"JWT"})";
  json body = json::object();
  body["iss"] = claims.iss;
  body["sub"] = claims.sub;
  body["iat"] = claims.iat;
  body["exp"] = claims.exp;
  const std::string input =
      base64url_encode(header) + "." +
      base64url_encode(body.dump(-1, ' ', false, json::error_handler_t::replace));
  MdCtx ctx(EVP_MD_CTX_new());
  std::size_t length = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, private_key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("cannot sign the JWT: " + openssl_reason("EVP_DigestSign failed"));
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw std::runtime_error("cannot sign the JWT: " + openssl_reason("EVP_DigestSign failed"));
  }
  signature.resize(length);
  return input + "." + base64url_encode(signature);
}

VerifiedJwt verify_jwt(std::string_view token, const RsaKey& public_key) {
  VerifiedJwt out;
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    out.error = "expected three base64url parts separated by dots";
    return out;
  }
  const std::string_view input = token.substr(0, second);
  const auto header = base64url_decode(token.substr(0, first));
  const auto claims = base64url_decode(token.substr(first + 1, second - first - 1));
  const auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !claims || !signature) {
    out.error = "a part is not base64url without padding";
    return out;
  }
  out.header = json::parse(*header, nullptr, /*allow_exceptions=*/false);
  out.claims = json::parse(*claims, nullptr, /*allow_exceptions=*/false);
  if (!out.header.is_object() || !out.claims.is_object()) {
    out.error = "header or claims are not a JSON object";
    return out;
  }
  const auto alg = out.header.find("alg");
  if (alg == out.header.end() || *alg != "RS256") {
    out.error = "header alg is not RS256";
    return out;
  }
  const auto typ = out.header.find("typ");
  if (typ != out.header.end() && *typ != "JWT") {
    out.error = "header typ is not JWT";
    return out;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  const int verified =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key.get()) == 1
          ? EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                             signature->size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size())
          : -1;
  ERR_clear_error();
  if (verified != 1) out.error = "signature does not verify with the public key";
  return out;
}

}  // namespace bcp::lineworks
