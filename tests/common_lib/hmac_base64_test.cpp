// SHA-256, HMAC-SHA256 (RFC 4231) and base64 (RFC 4648) of bcp_common.
#include <gtest/gtest.h>

#include <string>

#include "bcp/common/base64.hpp"
#include "bcp/common/hmac.hpp"

namespace {

using bcp::common::base64_encode;
using bcp::common::hmac_sha256;
using bcp::common::hmac_sha256_base64;
using bcp::common::sha256_hex;

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

TEST(Base64, Rfc4648Vectors) {
  // RFC 4648 section 10.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, AllBytesAndNoLineBreaks) {
  EXPECT_EQ(base64_encode(std::string("\x00\xFF\xFE", 3)), "AP/+");
  const std::string long_input(300, 'x');
  const std::string out = base64_encode(long_input);
  EXPECT_EQ(out.size(), 400u);
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

struct HmacCase {
  const char* name;
  std::string key;
  std::string data;
  const char* mac_hex;  // a prefix for the truncated case 5
};

TEST(HmacSha256, Rfc4231Vectors) {
  const HmacCase cases[] = {
      {"1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"3", std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"4",
       std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13"
                   "\x14\x15\x16\x17\x18\x19",
                   25),
       std::string(50, '\xcd'), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"5", std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
      {"6", std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"7", std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const HmacCase& c : cases) {
    SCOPED_TRACE(std::string("RFC 4231 test case ") + c.name);
    const std::string mac = hmac_sha256(c.key, c.data);
    ASSERT_EQ(mac.size(), 32u);
    const std::string want = c.mac_hex;
    EXPECT_EQ(hex(mac).substr(0, want.size()), want);
  }
}

TEST(HmacSha256, LineworksSignatureIsBase64OfTheMac) {
  // printf '%s' '{}' | openssl dgst -sha256 -hmac sample-bot-secret -binary | base64
  EXPECT_EQ(hmac_sha256_base64("sample-bot-secret", "{}"),
            "05EoPNF/M3l2V2me/uCN8rROAuh/A5wxjL0LTZT1Vbk=");
  EXPECT_EQ(hmac_sha256_base64("Jefe", "what do ya want for nothing?"),
            base64_encode(hmac_sha256("Jefe", "what do ya want for nothing?")));
  // An empty key is a key (the 64 zero bytes of the block), not "no key".
  EXPECT_EQ(hex(hmac_sha256(std::string_view(), "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(hmac_sha256(std::string_view(), ""), hmac_sha256("", ""));
}

}  // namespace
