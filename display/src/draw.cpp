#include "draw.hpp"

#include <imgui_internal.h>  // ImTextCharFromUtf8
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <ctime>

namespace bcp::display {

ImU32 severity_color(model::Severity s) {
  switch (s) {
    case model::Severity::critical:
      return color::kVermillion;
    case model::Severity::warning:
      return color::kOrange;
    case model::Severity::advisory:
      return color::kYellow;
    case model::Severity::info:
      return color::kSkyBlue;
  }
  return color::kGrey;
}

ImU32 availability_color(model::Availability a) {
  using A = model::Availability;
  switch (a) {
    case A::in_office:
      return color::kGreen;
    case A::remote:
      return color::kSkyBlue;
    case A::en_route:
      return color::kYellow;
    case A::meeting:
      return color::kBlue;
    case A::out:
      return color::kOrange;
    case A::trip:
      return color::kPurple;
    case A::leave:
    case A::off_duty:
      return color::kGrey;
    case A::unknown:
      return color::rgb(0x45, 0x4D, 0x58);
  }
  return color::kGrey;
}

ImU32 safety_color(model::Safety s) {
  switch (s) {
    case model::Safety::safe:
      return color::kGreen;
    case model::Safety::minor_injury:
      return color::kYellow;
    case model::Safety::serious_injury:
      return color::kOrange;
    case model::Safety::needs_help:
      return color::kVermillion;
  }
  return color::kGrey;
}

ImVec2 tl(const Rect& r) { return {r.x, r.y}; }
ImVec2 br(const Rect& r) { return {r.right(), r.bottom()}; }

float text(const Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view s) {
  if (!font || s.empty()) return 0;
  f.dl->AddText(font, font->FontSize, pos, col, s.data(), s.data() + s.size());
  return text_width(font, s);
}

float text_width(ImFont* font, std::string_view s) {
  if (!font || s.empty()) return 0;
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, s.data(), s.data() + s.size()).x;
}

void text_fit(const Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view s,
              float max_w) {
  if (!font || s.empty() || max_w <= 0) return;
  if (text_width(font, s) <= max_w) {
    text(f, font, pos, col, s);
    return;
  }
  const std::string_view ell = "…";
  float budget = max_w - text_width(font, ell);
  float w = 0;
  std::size_t cut = 0;
  std::size_t i = 0;
  // Cut on code point boundaries so a kanji is never split into garbage bytes.
  while (i < s.size()) {
    unsigned int c = 0;
    int len = ImTextCharFromUtf8(&c, s.data() + i, s.data() + s.size());
    if (len <= 0) break;
    float adv = font->GetCharAdvance(static_cast<ImWchar>(c));
    if (w + adv > budget) break;
    w += adv;
    i += static_cast<std::size_t>(len);
    cut = i;
  }
  text(f, font, pos, col, s.substr(0, cut));
  text(f, font, {pos.x + w, pos.y}, col, ell);
}

float measure_wrapped(ImFont* font, std::string_view s, float wrap_w) {
  if (!font || s.empty()) return 0;
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, wrap_w, s.data(), s.data() + s.size()).y;
}

namespace {
// Start of the code point at or before byte `n` of `s`.
std::size_t char_boundary(std::string_view s, std::size_t n) {
  n = std::min(n, s.size());
  while (n > 0 && n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}
}  // namespace

std::string_view clip_wrapped(ImFont* font, std::string_view s, float wrap_w, float max_h,
                              std::string& storage) {
  if (!font || s.empty()) return s;
  // Not more bytes than the height could show if every character were as narrow as a
  // space: measuring never walks a 20,000-character message.
  const float line_h = font->FontSize;
  const float narrowest = std::max(1.0f, font->GetCharAdvance(' '));
  const float lines = std::max(1.0f, max_h / line_h);
  const std::size_t most = static_cast<std::size_t>(lines * (wrap_w / narrowest + 1.0f)) * 4 + 4;
  if (s.size() <= most && measure_wrapped(font, s, wrap_w) <= max_h) return s;
  const std::string_view ell = "…";
  // The height of a prefix only grows with its length: bisect for the longest that fits.
  std::size_t lo = 0;
  std::size_t hi = char_boundary(s, std::min(s.size(), most));
  auto fits = [&](std::size_t n) {
    storage.assign(s.substr(0, n));
    storage += ell;
    return measure_wrapped(font, storage, wrap_w) <= max_h;
  };
  while (lo < hi) {
    std::size_t mid = char_boundary(s, lo + (hi - lo + 1) / 2);
    if (mid <= lo) {
      // The next boundary up from lo.
      mid = lo + 1;
      while (mid < hi && (static_cast<unsigned char>(s[mid]) & 0xC0) == 0x80) ++mid;
    }
    if (fits(mid)) {
      lo = mid;
    } else {
      hi = mid - 1;
      hi = char_boundary(s, hi);
    }
  }
  storage.assign(s.substr(0, lo));
  storage += ell;
  return storage;
}

float text_wrapped(const Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view s,
                   float wrap_w) {
  if (!font || s.empty()) return 0;
  f.dl->AddText(font, font->FontSize, pos, col, s.data(), s.data() + s.size(), wrap_w);
  return measure_wrapped(font, s, wrap_w);
}

void text_centered(const Frame& f, ImFont* font, const Rect& r, ImU32 col, std::string_view s) {
  if (!font) return;
  float w = text_width(font, s);
  float x = r.x + std::max(0.0f, (r.w - w) * 0.5f);
  float y = r.y + (r.h - font->FontSize) * 0.5f;
  if (w > r.w) {
    text_fit(f, font, {r.x, y}, col, s, r.w);
  } else {
    text(f, font, {x, y}, col, s);
  }
}

Rect panel_frame(const Frame& f, const Rect& r, std::string_view title, ImU32 accent) {
  float round = f.unit * 0.25f;
  f.dl->AddRectFilled(tl(r), br(r), color::kPanel, round);
  float title_h = f.fonts->heading->FontSize * 1.45f;
  f.dl->AddRectFilled(tl(r), {r.right(), r.y + title_h}, color::kPanelHeader, round,
                      ImDrawFlags_RoundCornersTop);
  if (accent) {
    f.dl->AddRectFilled(tl(r), {r.x + f.unit * 0.3f, r.y + title_h}, accent, round,
                        ImDrawFlags_RoundCornersTopLeft);
  }
  float pad = f.unit * 0.6f;
  text_fit(f, f.fonts->heading, {r.x + pad, r.y + (title_h - f.fonts->heading->FontSize) * 0.5f},
           color::kText, title, r.w - 2 * pad);
  return Rect{r.x + pad, r.y + title_h + pad * 0.6f, r.w - 2 * pad, r.h - title_h - pad * 1.2f};
}

namespace {
std::chrono::sys_seconds local_seconds(model::TimePoint t, int offset) {
  return std::chrono::floor<std::chrono::seconds>(t) + std::chrono::minutes(offset);
}
}  // namespace

void format_hms(char* buf, std::size_t n, model::TimePoint t, int offset) {
  auto s = local_seconds(t, offset);
  std::chrono::hh_mm_ss hms{s - std::chrono::floor<std::chrono::days>(s)};
  std::snprintf(buf, n, "%02d:%02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
}

void format_clock(char* buf, std::size_t n, model::TimePoint t, int offset, const char* fmt) {
  // The offset is applied by hand and gmtime used, so the PC's own time zone never matters.
  std::time_t secs = std::chrono::system_clock::to_time_t(local_seconds(t, offset));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  if (std::strftime(buf, n, fmt, &tm) == 0 && n > 0) buf[0] = 0;
}

void format_hm(char* buf, std::size_t n, model::TimePoint t, int offset) {
  auto s = local_seconds(t, offset);
  std::chrono::hh_mm_ss hms{s - std::chrono::floor<std::chrono::days>(s)};
  std::snprintf(buf, n, "%02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
}

void format_age(char* buf, std::size_t n, model::TimePoint since, model::TimePoint now) {
  long long s =
      std::max<long long>(0, std::chrono::duration_cast<std::chrono::seconds>(now - since).count());
  if (s < 60) {
    std::snprintf(buf, n, "%lld秒前", s);
  } else if (s < 3600) {
    std::snprintf(buf, n, "%lld分前", s / 60);
  } else if (s < 86400) {
    std::snprintf(buf, n, "%lld時間%lld分前", s / 3600, (s % 3600) / 60);
  } else {
    std::snprintf(buf, n, "%lld日前", s / 86400);
  }
}

void format_elapsed(char* buf, std::size_t n, std::chrono::milliseconds d) {
  long long s = std::max<long long>(0, d.count() / 1000);
  if (s < 3600) {
    std::snprintf(buf, n, "%lld:%02lld", s / 60, s % 60);
  } else {
    std::snprintf(buf, n, "%lld:%02lld:%02lld", s / 3600, (s % 3600) / 60, s % 60);
  }
}

}  // namespace bcp::display
