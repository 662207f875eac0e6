// The glyph atlas. Dear ImGui 1.86 bakes a fixed atlas and its Japanese range lacks many
// name kanji, so the atlas holds exactly the characters the content uses (plus kana, ASCII
// and the UI's own strings) and is rebuilt when new characters arrive.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/common/utf8.hpp"
#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

struct ImFont;
struct ImFontAtlas;

namespace bcp::display {

// Pixel sizes, all from the screen height so that 1080p and 4K show the same picture.
struct FontSizes {
  float body = 27;     // >= height / 40
  float heading = 38;  // panel titles, alert titles, names that matter
  float large = 68;    // feed state, the 訓練 band
  float huge = 108;    // the clock and the response rate (digits only)
  static FontSizes for_screen(int width, int height, float text_scale = 1.0f);
  bool operator==(const FontSizes&) const = default;
};

struct Fonts {
  ImFont* body = nullptr;
  ImFont* heading = nullptr;
  ImFont* large = nullptr;
  ImFont* huge = nullptr;
};

// Decodes UTF-8 (bcp/common/utf8.hpp; invalid bytes are skipped, a truncated sequence ends
// the text) and calls f(char32_t) for each code point.
template <typename F>
void for_each_codepoint(std::string_view s, F&& f);

class GlyphAtlas {
 public:
  // `face_index` picks the face inside the .ttc: Noto Sans CJK JP is face 0 in Debian's
  // fonts-noto-cjk (fc-query -f '%{index}: %{family}\n' shows the list).
  GlyphAtlas(std::string regular_ttc = BCP_FONT_REGULAR, std::string bold_ttc = BCP_FONT_BOLD,
             int face_index = 0);

  // Registers the characters of a text / everything a situation or event can show.
  // Returns true when a character never requested before was added (rebuild needed).
  bool add_text(std::string_view utf8);
  bool add_situation(const model::Situation& s);
  bool add_event(const model::Event& e);
  // Text shown only in the large font (UI strings, town name): kept small on purpose.
  bool add_large_text(std::string_view utf8);
  // Characters the clock (huge font, otherwise digits only) shows besides digits.
  bool add_clock_text(std::string_view utf8);

  bool dirty() const { return dirty_; }
  // Clears `atlas` and bakes the fonts at `sizes`; false when a font file cannot be read.
  // The caller re-uploads the texture (ImGui_ImplSDLRenderer_CreateFontsTexture).
  bool build(ImFontAtlas& atlas, const FontSizes& sizes);
  const Fonts& fonts() const { return fonts_; }
  const std::string& error() const { return error_; }

  // Whether the last build baked `cp` into the body font (and so renders it, not '?').
  bool has_glyph(char32_t cp) const;
  std::size_t codepoints() const { return content_.size(); }
  int texture_width() const { return tex_w_; }
  int texture_height() const { return tex_h_; }
  double last_build_ms() const { return last_build_ms_; }

 private:
  bool add_to(std::set<std::uint32_t>& set, std::string_view utf8);
  bool load_files();

  std::string regular_path_, bold_path_;
  int face_index_ = 0;
  // The .ttc files are mapped, not read: Noto Sans CJK is ~20 MB a face, of which the
  // atlas build touches only the tables and glyphs it bakes, so only those pages count.
  struct MappedFont {
    std::shared_ptr<unsigned char> data;  // unmaps when the last owner goes
    std::size_t size = 0;
    bool empty() const { return !data; }
  };
  static bool map_file(const std::string& path, MappedFont& out);
  void release_files();
  MappedFont regular_data_, bold_data_;
  std::set<std::uint32_t> content_;  // body + heading
  std::set<std::uint32_t> large_;    // large font only
  std::set<std::uint32_t> huge_;     // clock and response rate
  std::vector<uint16_t> content_ranges_, large_ranges_, huge_ranges_;
  bool dirty_ = true;
  Fonts fonts_;
  std::string error_;
  int tex_w_ = 0, tex_h_ = 0;
  double last_build_ms_ = 0;
};

template <typename F>
void for_each_codepoint(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i < s.size()) {
    const common::Utf8Char next = common::decode_utf8(s, i);
    if (next.error == common::Utf8Error::truncated) break;
    if (next.error == common::Utf8Error::invalid) {
      ++i;
      continue;
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are passed on as decoded; the
    // caller decides what it bakes.
    f(next.code_point);
    i += next.length;
  }
}

}  // namespace bcp::display
