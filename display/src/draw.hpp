// Shared drawing vocabulary of the panels: palette, frame context, text helpers.
// Panels draw straight into a draw list (no ImGui windows): a wall has no widgets, and this
// keeps every frame's output a pure function of the situation and the clock.
#pragma once

#include <imgui.h>

#include <cstdio>
#include <string_view>

#include "bcp/display/fonts.hpp"
#include "bcp/display/layout.hpp"
#include "bcp/display/staleness.hpp"
#include "bcp/display/wall.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::display {

// Okabe–Ito: distinguishable with the common colour-vision deficiencies; every colour
// is paired with a text label anyway.
namespace color {
inline constexpr ImU32 rgb(unsigned r, unsigned g, unsigned b, unsigned a = 255) {
  return IM_COL32(r, g, b, a);
}
inline constexpr ImU32 kBackground = rgb(0x0B, 0x0E, 0x13);
inline constexpr ImU32 kPanel = rgb(0x17, 0x1C, 0x24);
inline constexpr ImU32 kPanelHeader = rgb(0x22, 0x2A, 0x36);
inline constexpr ImU32 kText = rgb(0xF2, 0xF4, 0xF7);
inline constexpr ImU32 kDim = rgb(0xA8, 0xB2, 0xC0);
inline constexpr ImU32 kRule = rgb(0x33, 0x3D, 0x4B);
inline constexpr ImU32 kOrange = rgb(0xE6, 0x9F, 0x00);
inline constexpr ImU32 kSkyBlue = rgb(0x56, 0xB4, 0xE9);
inline constexpr ImU32 kGreen = rgb(0x00, 0x9E, 0x73);
inline constexpr ImU32 kYellow = rgb(0xF0, 0xE4, 0x42);
inline constexpr ImU32 kBlue = rgb(0x00, 0x72, 0xB2);
inline constexpr ImU32 kVermillion = rgb(0xD5, 0x5E, 0x00);
inline constexpr ImU32 kPurple = rgb(0xCC, 0x79, 0xA7);
inline constexpr ImU32 kGrey = rgb(0x6B, 0x75, 0x82);
inline constexpr ImU32 kBlack = rgb(0, 0, 0);
// The drill band: yellow with black text, the one thing on the wall in that combination.
inline constexpr ImU32 kDrillBand = kYellow;
// The actual band (a real event, also during a drill): pure red with white text. Dark where
// the drill band is bright, so the two never look alike, not even in a grey photo or to a
// red-blind eye; used for nothing else, so red on the wall means "this is real".
inline constexpr ImU32 kActualBand = rgb(0xCC, 0x00, 0x00);
// Drill items while the actual band shows: present, but out of the way.
inline constexpr ImU32 kDemoted = rgb(0x4A, 0x52, 0x5E);
}  // namespace color

ImU32 severity_color(model::Severity s);
ImU32 availability_color(model::Availability a);
ImU32 safety_color(model::Safety s);

// What every panel needs for one frame.
struct Frame {
  ImDrawList* dl = nullptr;
  const Fonts* fonts = nullptr;
  const model::Situation* situation = nullptr;
  const WallView* view = nullptr;
  const WallSettings* settings = nullptr;
  model::TimePoint now{};
  double mono = 0;  // monotonic seconds: flashing and paging
  float unit = 27;  // body font size; all spacing is a multiple of it
};

// Text drawn at its baked size (crisp). Returns the advance width.
float text(const Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view s);
float text_width(ImFont* font, std::string_view s);
// Single line cut with "…" to fit `max_w`.
void text_fit(const Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view s, float max_w);
// Wrapped text; returns its height. measure_wrapped gives the height without drawing.
float text_wrapped(const Frame& f, ImFont* font, ImVec2 pos, ImU32 col, std::string_view s,
                   float wrap_w);
float measure_wrapped(ImFont* font, std::string_view s, float wrap_w);
// `s` as it fits in `max_h` when wrapped at `wrap_w`: `s` itself, or its longest prefix (cut
// at a character) that fits with "…" after it, kept in `storage`. A message of any length
// then takes a bounded height (and a bounded number of vertices).
std::string_view clip_wrapped(ImFont* font, std::string_view s, float wrap_w, float max_h,
                              std::string& storage);
// Text centred in a rect.
void text_centered(const Frame& f, ImFont* font, const Rect& r, ImU32 col, std::string_view s);

// Panel chrome: background and title bar; returns the body rect below the title.
Rect panel_frame(const Frame& f, const Rect& r, std::string_view title, ImU32 accent = 0);
ImVec2 tl(const Rect& r);
ImVec2 br(const Rect& r);

// Town-time formatting into caller buffers: nothing allocates per frame.
void format_hms(char* buf, std::size_t n, model::TimePoint t, int utc_offset_minutes);
// strftime of the town time (the clock's "clock_format").
void format_clock(char* buf, std::size_t n, model::TimePoint t, int utc_offset_minutes,
                  const char* fmt);
void format_hm(char* buf, std::size_t n, model::TimePoint t, int utc_offset_minutes);
// "12秒前", "5分前", "2時間3分前".
void format_age(char* buf, std::size_t n, model::TimePoint since, model::TimePoint now);
// "12:05", "1:02:05" for elapsed durations.
void format_elapsed(char* buf, std::size_t n, std::chrono::milliseconds d);

}  // namespace bcp::display
