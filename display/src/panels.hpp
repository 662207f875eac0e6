// One function per panel (one file each); all draw into Frame::dl inside `r`.
#pragma once

#include "draw.hpp"

namespace bcp::display {

void draw_header(const Frame& f, const Rect& r);
void draw_alerts(const Frame& f, const Rect& r, const PanelSpec& spec);
void draw_talk(const Frame& f, const Rect& r, const PanelSpec& spec);
void draw_rollcall(const Frame& f, const Rect& r, const PanelSpec& spec);
void draw_staff(const Frame& f, const Rect& r, const PanelSpec& spec);
// The latest photos of the talk, the newest large (panel_photos.cpp).
void draw_photos(const Frame& f, const Rect& r, const PanelSpec& spec);
// A photo fitted into `box` (its aspect kept; centred, or at the box's left when `left`), or
// the [写真] marker on a dark box while it loads, failed, or nothing loads photos. Returns the
// width used.
float draw_photo(const Frame& f, std::string_view ref, const Rect& box, bool left = false);

// Full-screen states: connecting, auth failure, protocol mismatch.
void draw_fullscreen_state(const Frame& f, const Rect& r);
// The band across the top: the actual, 訓練 or 訓練中止 band (wall.hpp TopBand).
void draw_top_band(const Frame& f, const Rect& r, TopBand band);
void draw_status_banner(const Frame& f, const Rect& r);
// The H key's list of the last messages, numbered, over the middle of the screen; and the
// outcome of the last hide request (hide_overlay.cpp).
void draw_hide_overlay(const Frame& f, const Rect& screen);
// Source health (panel_sources.cpp): any source failing (the daemon says so once it has
// failed past its threshold) takes the bottom band for a warning read from across the room;
// the header's compact row names every source the journal has spoken of.
bool any_source_failing(const model::Situation& s);
void draw_source_banner(const Frame& f, const Rect& r);
// Right-aligned chips ending at `right`, centred on `y_mid`, never left of `left`.
void draw_source_row(const Frame& f, float left, float right, float y_mid);
// A small chip: filled rounded rect with a label; returns its width.
float chip(const Frame& f, ImFont* font, ImVec2 pos, ImU32 bg, ImU32 fg, std::string_view s);
// A drill item while the actual band shows (a drill alert, the drill roll call): one grey
// line marked 訓練, then `lead` and `title` dim, `right_text` at its right end.
void draw_demoted_line(const Frame& f, const Rect& r, std::string_view lead,
                       std::string_view title, std::string_view right_text);

}  // namespace bcp::display
