#include "normalize.hpp"

#include <utf8proc.h>

#include <cstdlib>

#include "bcp/alerts/keyword_rules.hpp"

namespace bcp::alerts {
namespace detail {
namespace {

// Hiragana -> katakana before decomposition, so voiced forms (が -> ガ) fold too.
utf8proc_int32_t fold_kana(utf8proc_int32_t cp, void*) {
  if (cp >= 0x3041 && cp <= 0x3096) return cp + 0x60;
  if (cp == 0x309D || cp == 0x309E) return cp + 0x60;  // ゝゞ -> ヽヾ
  return cp;
}

constexpr auto kOptions = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                         UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);

void append_segment(NormalizedText& out, std::string_view original, size_t begin, size_t end) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n = utf8proc_map_custom(
      reinterpret_cast<const utf8proc_uint8_t*>(original.data() + begin),
      static_cast<utf8proc_ssize_t>(end - begin), &mapped, kOptions, fold_kana, nullptr);
  if (n >= 0) {
    out.text.append(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
    out.origin.insert(out.origin.end(), static_cast<size_t>(n), {begin, end});
  } else {
    out.text.append(original.substr(begin, end - begin));
    out.origin.insert(out.origin.end(), end - begin, {begin, end});
  }
  std::free(mapped);
}

}  // namespace

NormalizedText normalize_with_map(std::string_view s) {
  NormalizedText out;
  out.text.reserve(s.size());
  out.origin.reserve(s.size());
  size_t seg_begin = 0;
  utf8proc_int32_t prev = -1;
  utf8proc_int32_t state = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t len =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + pos),
                         static_cast<utf8proc_ssize_t>(s.size() - pos), &cp);
    if (len <= 0) {
      // Invalid UTF-8: close the current cluster, replace the byte by U+FFFD.
      if (pos > seg_begin) append_segment(out, s, seg_begin, pos);
      out.text.append("\xEF\xBF\xBD");
      out.origin.insert(out.origin.end(), 3, {pos, pos + 1});
      ++pos;
      seg_begin = pos;
      prev = -1;
      state = 0;
      continue;
    }
    if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, cp, &state)) {
      append_segment(out, s, seg_begin, pos);
      seg_begin = pos;
    }
    prev = cp;
    pos += static_cast<size_t>(len);
  }
  if (pos > seg_begin) append_segment(out, s, seg_begin, pos);
  return out;
}

}  // namespace detail

std::string normalize_for_match(std::string_view text) {
  return detail::normalize_with_map(text).text;
}

}  // namespace bcp::alerts
