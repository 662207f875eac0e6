// The shared UTF-8 decoder (bcp/common/utf8.hpp): each kind of sequence at its boundaries.
#include "bcp/common/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

using bcp::common::decode_utf8;
using bcp::common::Utf8Char;
using bcp::common::Utf8Error;
using bcp::common::valid_utf8;
using namespace std::string_literals;

const char* name(Utf8Error e) {
  switch (e) {
    case Utf8Error::none:
      return "none";
    case Utf8Error::invalid:
      return "invalid";
    case Utf8Error::truncated:
      return "truncated";
    case Utf8Error::overlong:
      return "overlong";
    case Utf8Error::beyond_max:
      return "beyond_max";
    case Utf8Error::surrogate:
      return "surrogate";
  }
  return "?";
}

struct Case {
  std::string bytes;
  char32_t code_point;
  std::size_t length;
  Utf8Error error;
};

TEST(Utf8Decoder, EachSequenceAtItsBoundaries) {
  const Case cases[] = {
      // Valid, 1 to 4 bytes, at the ends of each length.
      {"\x00"s, 0x0, 1, Utf8Error::none},
      {"A", 0x41, 1, Utf8Error::none},
      {"\x7F", 0x7F, 1, Utf8Error::none},
      {"\xC2\x80", 0x80, 2, Utf8Error::none},
      {"\xDF\xBF", 0x7FF, 2, Utf8Error::none},
      {"\xE0\xA0\x80", 0x800, 3, Utf8Error::none},
      {"\xE3\x82\xAF", 0x30AF, 3, Utf8Error::none},  // ク
      {"\xED\x9F\xBF", 0xD7FF, 3, Utf8Error::none},  // just below the surrogates
      {"\xEE\x80\x80", 0xE000, 3, Utf8Error::none},  // just above them
      {"\xEF\xBF\xBF", 0xFFFF, 3, Utf8Error::none},
      {"\xF0\x90\x80\x80", 0x10000, 4, Utf8Error::none},
      {"\xF0\x9F\x90\xBB", 0x1F43B, 4, Utf8Error::none},  // bear
      {"\xF4\x8F\xBF\xBF", 0x10FFFF, 4, Utf8Error::none},
      // Bytes that start no sequence.
      {"\x80", 0, 1, Utf8Error::invalid},
      {"\xBF", 0, 1, Utf8Error::invalid},
      {"\xF8\x88\x80\x80\x80", 0, 1, Utf8Error::invalid},
      {"\xFF", 0, 1, Utf8Error::invalid},
      // A lead byte not followed by a continuation byte.
      {"\xC2\x41", 0, 1, Utf8Error::invalid},
      {"\xE3\x82\x41", 0, 1, Utf8Error::invalid},
      {"\xF0\x90\x80\xC0", 0, 1, Utf8Error::invalid},
      // The text ends inside the sequence (checked before the continuation bytes).
      {"\xC2", 0, 2, Utf8Error::truncated},
      {"\xE3\x82", 0, 3, Utf8Error::truncated},
      {"\xE3\x41", 0, 3, Utf8Error::truncated},
      {"\xF0\x90\x80", 0, 4, Utf8Error::truncated},
      // Overlong forms: the shortest wrong form of each length, and the longest.
      {"\xC0\x80", 0x0, 2, Utf8Error::overlong},
      {"\xC0\xAF", 0x2F, 2, Utf8Error::overlong},
      {"\xC1\xBF", 0x7F, 2, Utf8Error::overlong},
      {"\xE0\x80\x80", 0x0, 3, Utf8Error::overlong},
      {"\xE0\x9F\xBF", 0x7FF, 3, Utf8Error::overlong},
      {"\xF0\x80\x80\x80", 0x0, 4, Utf8Error::overlong},
      {"\xF0\x8F\xBF\xBF", 0xFFFF, 4, Utf8Error::overlong},
      // Beyond U+10FFFF.
      {"\xF4\x90\x80\x80", 0x110000, 4, Utf8Error::beyond_max},
      {"\xF7\xBF\xBF\xBF", 0x1FFFFF, 4, Utf8Error::beyond_max},
      // Surrogates, both ends.
      {"\xED\xA0\x80", 0xD800, 3, Utf8Error::surrogate},
      {"\xED\xB0\x80", 0xDC00, 3, Utf8Error::surrogate},
      {"\xED\xBF\xBF", 0xDFFF, 3, Utf8Error::surrogate},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.bytes));
    const Utf8Char got = decode_utf8(c.bytes, 0);
    EXPECT_STREQ(name(got.error), name(c.error));
    EXPECT_EQ(static_cast<unsigned>(got.code_point), static_cast<unsigned>(c.code_point));
    EXPECT_EQ(got.length, c.length);
    EXPECT_EQ(valid_utf8(c.bytes), c.error == Utf8Error::none);
  }
}

TEST(Utf8Decoder, DecodesFromTheGivenOffset) {
  const std::string s = "a\xE3\x82\xAF\xF0\x9F\x90\xBB";
  EXPECT_EQ(decode_utf8(s, 0).code_point, U'a');
  EXPECT_EQ(decode_utf8(s, 1).code_point, U'\u30AF');
  EXPECT_EQ(decode_utf8(s, 1).length, 3u);
  EXPECT_EQ(decode_utf8(s, 4).code_point, U'\U0001F43B');
  EXPECT_EQ(decode_utf8(s, 2).error, Utf8Error::invalid);  // inside ク
}

TEST(Utf8Decoder, ValidatesWholeTexts) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("役場前にクマ 🐻"));
  EXPECT_FALSE(valid_utf8("ok\xC3"));                    // truncated at the end
  EXPECT_FALSE(valid_utf8("\xE3\x82\xAF\xED\xA0\x80"));  // a surrogate after a character
  EXPECT_FALSE(valid_utf8("a\xC0\xAF"));
  static_assert(bcp::common::valid_utf8("\xE3\x82\xAF"));
  static_assert(!bcp::common::valid_utf8("\xF4\x90\x80\x80"));
}

}  // namespace
