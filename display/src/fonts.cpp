#include "bcp/display/fonts.hpp"

#include <fcntl.h>
#include <imgui.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <variant>

#include "bcp/display/labels.hpp"

namespace bcp::display {
namespace {

// Always baked: what any message is likely to contain, so a rebuild is needed only for kanji.
constexpr std::uint32_t kBaseRanges[][2] = {
    {0x0020, 0x007E},  // ASCII
    {0x00B0, 0x00B0},  // °
    {0x00D7, 0x00D7},  // ×
    {0x2010, 0x2027},  // dashes, quotes, …
    {0x2190, 0x2193},  // arrows
    {0x25A0, 0x25CF},  // ■□▲△○●
    {0x3000, 0x303F},  // CJK punctuation
    {0x3040, 0x309F},  // hiragana
    {0x30A0, 0x30FF},  // katakana
    {0xFF01, 0xFF5E},  // full-width ASCII
};

std::vector<ImWchar> to_ranges(const std::set<std::uint32_t>& cps) {
  std::vector<ImWchar> out;
  std::uint32_t start = 0, prev = 0;
  bool open = false;
  for (std::uint32_t cp : cps) {
    if (cp == 0 || cp > 0xFFFF) continue;  // ImWchar is 16-bit in Debian's build
    if (open && cp == prev + 1) {
      prev = cp;
      continue;
    }
    if (open) {
      out.push_back(static_cast<ImWchar>(start));
      out.push_back(static_cast<ImWchar>(prev));
    }
    start = prev = cp;
    open = true;
  }
  if (open) {
    out.push_back(static_cast<ImWchar>(start));
    out.push_back(static_cast<ImWchar>(prev));
  }
  out.push_back(0);
  return out;
}

}  // namespace

FontSizes FontSizes::for_screen(int width, int height, float text_scale) {
  // The short side: the height in landscape (so body text is height/40 there), the width on
  // a portrait monitor, so a rotated panel shows text of the same physical size.
  float h = static_cast<float>(std::max(std::min(width, height), 240));
  float s = std::max(0.5f, text_scale);
  FontSizes f;
  f.body = std::round(h / 40.0f * s);
  f.heading = std::round(h / 28.0f * s);
  f.large = std::round(h / 16.0f * s);
  f.huge = std::round(h / 10.0f * s);
  return f;
}

GlyphAtlas::GlyphAtlas(std::string regular_ttc, std::string bold_ttc, int face_index)
    : regular_path_(std::move(regular_ttc)),
      bold_path_(std::move(bold_ttc)),
      face_index_(face_index) {
  for (const auto& r : kBaseRanges) {
    for (std::uint32_t cp = r[0]; cp <= r[1]; ++cp) {
      content_.insert(cp);
    }
  }
  for (std::uint32_t cp = 0x20; cp <= 0x7E; ++cp) large_.insert(cp);
  for (auto s : ui_strings()) {
    add_to(content_, s);
    add_to(large_, s);
  }
  dirty_ = true;
}

bool GlyphAtlas::add_to(std::set<std::uint32_t>& set, std::string_view utf8) {
  bool added = false;
  for_each_codepoint(utf8, [&](char32_t cp) {
    if (cp >= 0x20 && set.insert(static_cast<std::uint32_t>(cp)).second) added = true;
  });
  if (added) dirty_ = true;
  return added;
}

bool GlyphAtlas::add_text(std::string_view utf8) { return add_to(content_, utf8); }
bool GlyphAtlas::add_large_text(std::string_view utf8) { return add_to(large_, utf8); }
bool GlyphAtlas::add_clock_text(std::string_view utf8) { return add_to(huge_, utf8); }

bool GlyphAtlas::add_situation(const model::Situation& s) {
  bool added = add_text(s.directory.town_name);
  added |= add_large_text(s.directory.town_name);
  for (const auto& d : s.directory.departments) added |= add_text(d.name);
  for (const auto& p : s.directory.staff) added |= add_text(p.name);
  for (const auto& g : s.directory.groups) added |= add_text(g.name);
  for (const auto& [id, talk] : s.talk) {
    for (const auto& e : talk.recent) {
      model::Event ev;
      ev.body = e.message;
      added |= add_event(ev);
    }
  }
  for (const auto& [id, st] : s.staff) {
    if (st.availability && st.availability->note) added |= add_text(*st.availability->note);
  }
  for (const auto& [id, rc] : s.rollcalls) added |= add_text(rc.started.title);
  for (const auto& [id, a] : s.alerts) {
    model::Event ev;
    ev.body = a.alert;
    added |= add_event(ev);
  }
  for (const auto& n : s.notices) added |= add_text(n.notice.text);
  for (const auto& [name, state] : s.sources) {
    model::Event ev;
    ev.body = state;
    added |= add_event(ev);
  }
  return added;
}

bool GlyphAtlas::add_event(const model::Event& e) {
  bool added = false;
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, model::TalkMessage>) {
          added |= add_text(b.text);
          added |= add_text(b.sender.name);
          if (b.sender.department) added |= add_text(*b.sender.department);
          for (const auto& a : b.attachments) {
            if (a.name) added |= add_text(*a.name);
            if (a.address) added |= add_text(*a.address);
          }
        } else if constexpr (std::is_same_v<T, model::AlertRaised>) {
          added |= add_text(b.title);
          added |= add_text(b.body);
          if (b.area) added |= add_text(*b.area);
          if (b.source.ref) added |= add_text(*b.source.ref);
        } else if constexpr (std::is_same_v<T, model::AlertUpdated>) {
          if (b.title) added |= add_text(*b.title);
          if (b.body) added |= add_text(*b.body);
          if (b.area) added |= add_text(*b.area);
        } else if constexpr (std::is_same_v<T, model::RollcallStarted>) {
          added |= add_text(b.title);
        } else if constexpr (std::is_same_v<T, model::RollcallCheckin>) {
          if (b.location) added |= add_text(*b.location);
        } else if constexpr (std::is_same_v<T, model::StaffAvailability>) {
          if (b.note) added |= add_text(*b.note);
        } else if constexpr (std::is_same_v<T, model::Notice>) {
          added |= add_text(b.text);
        } else if constexpr (std::is_same_v<T, model::SourceState>) {
          // The warning band shows the reason as the daemon gave it.
          if (b.why) added |= add_text(*b.why);
          added |= add_text(b.source);
        }
      },
      e.body);
  return added;
}

bool GlyphAtlas::map_file(const std::string& path, MappedFont& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  void* p = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  }
  ::close(fd);
  if (p == MAP_FAILED) return false;
  auto size = static_cast<std::size_t>(st.st_size);
  // The build reads scattered glyphs: no read-ahead of the whole 20 MB.
  ::madvise(p, size, MADV_RANDOM);
  out.data = std::shared_ptr<unsigned char>(static_cast<unsigned char*>(p),
                                            [size](unsigned char* q) { ::munmap(q, size); });
  out.size = size;
  return true;
}

void GlyphAtlas::release_files() {
  // Until the next build nothing reads the fonts: let their pages drop out of this process
  // (they stay in the page cache, so the next build maps them back quickly).
  for (const MappedFont* f : {&regular_data_, &bold_data_}) {
    if (!f->empty()) ::madvise(f->data.get(), f->size, MADV_DONTNEED);
  }
}

bool GlyphAtlas::load_files() {
  if (regular_data_.empty() && !map_file(regular_path_, regular_data_)) {
    error_ = "cannot read font " + regular_path_;
    return false;
  }
  if (bold_data_.empty() && !map_file(bold_path_, bold_data_)) {
    // Bold is a nicety: fall back to the regular face rather than failing the wall.
    bold_data_ = regular_data_;
  }
  return true;
}

bool GlyphAtlas::build(ImFontAtlas& atlas, const FontSizes& sizes) {
  auto t0 = std::chrono::steady_clock::now();
  if (!load_files()) return false;
  content_ranges_ = to_ranges(content_);
  large_ranges_ = to_ranges(large_);
  for (char c : std::string_view("0123456789:%/.- ")) huge_.insert(static_cast<unsigned char>(c));
  huge_ranges_ = to_ranges(huge_);

  atlas.Clear();
  // Power-of-two heights would double the memory of a big CJK atlas for nothing.
  atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  ImFontConfig cfg;
  // "Not owned" makes ImGui 1.86 copy the whole file per font (4 x ~20 MB, kept until the
  // next build). Marked owned, it uses the mapping in place; the flags are turned back
  // before ImGui could free it, and the input data goes as soon as the atlas is baked.
  cfg.FontDataOwnedByAtlas = true;
  cfg.FontNo = face_index_;
  // Oversampling triples the atlas width per glyph; at these sizes it is not visible.
  cfg.OversampleH = 1;
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  // ImGui only reads the font data, so the read-only mapping is safe behind its non-const
  // pointer.
  auto add = [&](const MappedFont& font, float size, const std::vector<ImWchar>& r) {
    return atlas.AddFontFromMemoryTTF(font.data.get(), static_cast<int>(font.size), size, &cfg,
                                      r.data());
  };
  fonts_.body = add(regular_data_, sizes.body, content_ranges_);
  fonts_.heading = add(bold_data_, sizes.heading, content_ranges_);
  fonts_.large = add(bold_data_, sizes.large, large_ranges_);
  fonts_.huge = add(bold_data_, sizes.huge, huge_ranges_);
  bool built = atlas.Build();
  for (auto& c : atlas.ConfigData) c.FontDataOwnedByAtlas = false;  // ours, never IM_FREE'd
  atlas.ClearInputData();
  release_files();
  if (!built) {
    error_ = "font atlas build failed";
    fonts_ = {};
    return false;
  }
  tex_w_ = atlas.TexWidth;
  tex_h_ = atlas.TexHeight;
  dirty_ = false;
  last_build_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return true;
}

bool GlyphAtlas::has_glyph(char32_t cp) const {
  if (!fonts_.body || cp > 0xFFFF) return false;
  return fonts_.body->FindGlyphNoFallback(static_cast<ImWchar>(cp)) != nullptr;
}

}  // namespace bcp::display
