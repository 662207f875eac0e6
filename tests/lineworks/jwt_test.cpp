// The service-account JWT: base64url without padding, RS256 signatures that verify with the
// public key and fail with any other key or any changed byte, and the claims LINE WORKS reads.
#include <gtest/gtest.h>

#include "bcp/lineworks/jwt.hpp"
#include "lineworks_test_support.hpp"

namespace bcp::lineworks {
namespace {

using test::generate_key_pair;
using test::sample_private_key;
using test::sample_public_key;

TEST(Base64Url, EncodesWithoutPaddingInTheUrlAlphabet) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("\xfb\xff\xbf"), "-_-_");  // '+' and '/' in plain base64
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\x00\x01\xfe\xff"}) {
    EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  }
}

TEST(Base64Url, DecodeRefusesPaddingPlainBase64AndNonCanonicalTails) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);  // padding
  EXPECT_EQ(base64url_decode("+/+/"), std::nullopt);  // plain base64 alphabet
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);     // no byte string has this length
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);    // leftover bits set: not what encode writes
  EXPECT_EQ(base64url_decode("Zg"), "f");
}

TEST(RsaKey, ReadsThePkcs8PrivateKeyAndRefusesOtherText) {
  std::string why;
  auto key = RsaKey::private_from_pem(sample_private_key(), &why);
  ASSERT_TRUE(key) << why;
  EXPECT_EQ(key->bits(), 2048);
  EXPECT_EQ(key->public_pem(), sample_public_key());

  EXPECT_FALSE(RsaKey::private_from_pem("not a key", &why));
  EXPECT_NE(why.find("not a PEM private key"), std::string::npos) << why;
  // The public half is not a private key.
  EXPECT_FALSE(RsaKey::private_from_pem(sample_public_key(), &why));
  EXPECT_FALSE(RsaKey::public_from_pem(
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", &why));
  EXPECT_NE(why.find("not a PEM public key"), std::string::npos) << why;
}

TEST(RsaKey, RefusesAnEncryptedKeyWithAReasonInsteadOfPrompting) {
  std::string why;
  EXPECT_FALSE(
      RsaKey::private_from_pem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n"
                               "-----END ENCRYPTED PRIVATE KEY-----\n",
                               &why));
  EXPECT_NE(why.find("encrypted"), std::string::npos) << why;
}

TEST(Jwt, SignedTokenCarriesTheDocumentedHeaderAndClaims) {
  auto key = RsaKey::private_from_pem(sample_private_key());
  ASSERT_TRUE(key);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'780'000'000));
  const JwtClaims claims = service_account_claims("client-1", "sa@town", now);
  EXPECT_EQ(claims.iat, 1'780'000'000);
  EXPECT_EQ(claims.exp, 1'780'000'000 + 3600);  // seconds, at most 60 minutes
  const std::string token = sign_jwt(claims, *key);
  EXPECT_EQ(token.find('='), std::string::npos);
  EXPECT_EQ(token.find('+'), std::string::npos);
  EXPECT_EQ(token.find('/'), std::string::npos);

  auto pub = RsaKey::public_from_pem(sample_public_key());
  ASSERT_TRUE(pub);
  const VerifiedJwt v = verify_jwt(token, *pub);
  ASSERT_TRUE(v.ok()) << v.error;
  EXPECT_EQ(v.header, nlohmann::json::parse(R"({"alg":"RS256","typ":"JWT"})"));
  EXPECT_EQ(v.claims,
            nlohmann::json::parse(
                R"({"iss":"client-1","sub":"sa@town","iat":1780000000,"exp":1780003600})"));
}

TEST(Jwt, SignatureFailsWithAnotherKeyOrAnyChangedPart) {
  auto key = RsaKey::private_from_pem(sample_private_key());
  auto pub = RsaKey::public_from_pem(sample_public_key());
  ASSERT_TRUE(key && pub);
  const std::string token =
      sign_jwt(service_account_claims("c", "s@t", std::chrono::system_clock::now()), *key);

  auto other = RsaKey::public_from_pem(generate_key_pair().second);
  ASSERT_TRUE(other);
  EXPECT_EQ(verify_jwt(token, *other).error, "signature does not verify with the public key");

  // Another subject with the original signature.
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  const std::string forged_claims =
      base64url_encode(R"({"iss":"c","sub":"admin@t","iat":1,"exp":2})");
  EXPECT_FALSE(
      verify_jwt(token.substr(0, dot1 + 1) + forged_claims + token.substr(dot2), *pub).ok());
  // alg none is never accepted.
  const std::string none = base64url_encode(R"({"alg":"none","typ":"JWT"})") + token.substr(dot1);
  EXPECT_EQ(verify_jwt(none, *pub).error, "header alg is not RS256");
  EXPECT_EQ(verify_jwt("only.two", *pub).error, "expected three base64url parts separated by dots");
  EXPECT_EQ(verify_jwt(token + "=", *pub).error, "a part is not base64url without padding");
}

}  // namespace
}  // namespace bcp::lineworks
