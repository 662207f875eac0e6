// The one UTF-8 decoder (RFC 3629): the next code point of a text and, when the bytes there
// are not a character, which rule they break. Every reader of untrusted text uses it and
// words the problem its own way: the config and codec refuse the value, the XML reader names
// the kind and byte, the log escapes the bytes, the wall's glyph atlas skips them.
#pragma once

#include <cstddef>
#include <string_view>

namespace bcp::common {

enum class Utf8Error : unsigned char {
  none,        // a character (U+0000 .. U+10FFFF, no surrogate)
  invalid,     // a byte that starts no sequence (80..BF, F8..FF), or a lead byte whose
               // following byte is not a continuation byte (10xxxxxx)
  truncated,   // the text ends before the sequence its lead byte announces
  overlong,    // a longer form than needed (C0 AF for '/', E0 80 80 for U+0000, ...)
  beyond_max,  // above U+10FFFF (F4 90 80 80 .. F7 BF BF BF)
  surrogate,   // U+D800 .. U+DFFF (ED A0 80 .. ED BF BF), which UTF-8 must not encode
};

struct Utf8Char {
  // The decoded value: also for overlong, beyond_max and surrogate (what the bytes spell);
  // 0 for invalid and truncated.
  char32_t code_point = 0;
  // Bytes the sequence takes: 1 for ASCII and invalid (resynchronise at the next byte); the
  // length the lead byte announces otherwise, for truncated reaching past the end of the text.
  std::size_t length = 1;
  Utf8Error error = Utf8Error::none;
};

// Decodes the sequence starting at byte `i` of `s` (i < s.size()). The checks run in this
// order, so a sequence breaking several rules gets the first: lead byte, length (truncated),
// continuation bytes (invalid), overlong, beyond U+10FFFF, surrogate.
constexpr Utf8Char decode_utf8(std::string_view s, std::size_t i) noexcept {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1, Utf8Error::none};
  std::size_t length;
  char32_t cp;
  if ((c & 0xE0) == 0xC0) {
    length = 2, cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3, cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4, cp = c & 0x07;
  } else {
    return {0, 1, Utf8Error::invalid};
  }
  if (s.size() - i < length) return {0, length, Utf8Error::truncated};
  for (std::size_t k = 1; k < length; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return {0, 1, Utf8Error::invalid};
    cp = (cp << 6) | (cc & 0x3F);
  }
  constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[length]) return {cp, length, Utf8Error::overlong};
  if (cp > 0x10FFFF) return {cp, length, Utf8Error::beyond_max};
  if (cp >= 0xD800 && cp <= 0xDFFF) return {cp, length, Utf8Error::surrogate};
  return {cp, length, Utf8Error::none};
}

// Whether all of `s` is UTF-8: no byte of it breaks any rule above.
constexpr bool valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const Utf8Char next = decode_utf8(s, i);
    if (next.error != Utf8Error::none) return false;
    i += next.length;
  }
  return true;
}

}  // namespace bcp::common
