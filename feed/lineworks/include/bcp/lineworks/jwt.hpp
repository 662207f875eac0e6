// The LINE WORKS service-account JWT (DESIGN.md "LINE WORKS both ways", Auth): RS256 over
// base64url-without-padding header and claims, signed with the app's private key through
// OpenSSL EVP. The verifying half is here too, for the stand-in tenant that checks what the
// client signs with the public key only, as LINE WORKS does.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace bcp::lineworks {

// RFC 4648 §5 without padding; decode refuses padding, '+', '/' and anything else.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// An RSA key from PEM text: a private key (PKCS#8 "BEGIN PRIVATE KEY", as the Developer
// Console issues it, or the older "BEGIN RSA PRIVATE KEY") or a public key.
class RsaKey {
 public:
  // nullopt and the reason in `why` when the text holds no RSA key of that kind.
  static std::optional<RsaKey> private_from_pem(std::string_view pem, std::string* why = nullptr);
  static std::optional<RsaKey> public_from_pem(std::string_view pem, std::string* why = nullptr);

  // "BEGIN PUBLIC KEY" PEM of the key (for a private key: its public half).
  std::string public_pem() const;
  int bits() const;
  EVP_PKEY* get() const { return key_.get(); }

 private:
  struct Free {
    void operator()(EVP_PKEY* k) const;
  };
  explicit RsaKey(EVP_PKEY* k) : key_(k, Free{}) {}
  std::shared_ptr<EVP_PKEY> key_;  // shared: copies of a key are cheap and immutable
};

struct JwtClaims {
  std::string iss;  // the app's Client ID
  std::string sub;  // the Service Account ID
  std::int64_t iat = 0;
  std::int64_t exp = 0;
};

// Claims for `now`: iat = now, exp = now + lifetime (LINE WORKS takes at most 60 min).
JwtClaims service_account_claims(std::string client_id, std::string service_account,
                                 std::chrono::system_clock::time_point now,
                                 std::chrono::seconds lifetime = std::chrono::minutes(60));

// header.claims.signature; throws std::runtime_error only when OpenSSL cannot sign.
std::string sign_jwt(const JwtClaims& claims, const RsaKey& private_key);

// A JWT taken apart and its RS256 signature checked against `public_key`. Everything the
// token endpoint needs to judge it; `error` says what was wrong (empty when valid).
struct VerifiedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  std::string error;
  bool ok() const { return error.empty(); }
};
VerifiedJwt verify_jwt(std::string_view token, const RsaKey& public_key);

}  // namespace bcp::lineworks
