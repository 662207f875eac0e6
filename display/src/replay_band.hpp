// How a replaying wall says so (issue 19): the 再生 REPLAY band across the bottom with the
// replayed date, time and speed, a frame in the same colour around the whole picture, and
// the header's 再生 pill instead of LIVE. Only ever drawn with WallView::replay set.
#pragma once

#include <cstddef>

#include "draw.hpp"
#include "replay_words.hpp"

namespace bcp::display {

namespace color {
// Blue with white text: no other band or header pill has it (the drill band is yellow, the
// actual band and LOST red, STALE orange, LIVE green; blue elsewhere is only a small chip).
inline constexpr ImU32 kReplay = kBlue;
}  // namespace color

// The band, in the bottom banner's place (wall_regions with banner = true).
void draw_replay_band(const Frame& f, const Rect& r);
// A frame in the replay colour in the margin around the whole screen, drawn last.
void draw_replay_frame(const Frame& f, const Rect& screen);
// The header pill's second word while replaying ("×10", "一時停止"); "" when not replaying.
void replay_pill_detail(const Frame& f, char* buf, std::size_t n);

// "2026年11月24日(火) 14:02:35" in the town's offset.
void format_replay_moment(char* buf, std::size_t n, model::TimePoint t, int utc_offset_minutes);
// "×10", "×0.5".
void format_speed(char* buf, std::size_t n, double speed);

}  // namespace bcp::display
