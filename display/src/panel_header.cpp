#include <algorithm>
#include <cmath>

#include "panels.hpp"
#include "replay_band.hpp"
#include "ui_words.hpp"

namespace bcp::display {

void draw_header(const Frame& f, const Rect& r) {
  const auto& dir = f.situation->directory;
  f.dl->AddRectFilled(tl(r), br(r), color::kPanelHeader, f.unit * 0.25f);
  float pad = f.unit * 0.8f;

  // The clock is the largest thing in the room; it shrinks only if the row is too short.
  ImFont* clock = f.fonts->huge->FontSize <= r.h * 0.9f ? f.fonts->huge : f.fonts->large;
  char hms[48];
  format_clock(hms, sizeof hms, f.now, dir.utc_offset_minutes, f.settings->clock_format.c_str());
  float cw = text_width(clock, hms);
  float cx = r.x + (r.w - cw) * 0.5f;
  text(f, clock, {cx, r.y + (r.h - clock->FontSize) * 0.5f}, color::kText, hms);

  // Town name on the left, the feed state on the right, both vertically centred.
  ImFont* name_font = f.fonts->large->FontSize <= r.h * 0.8f ? f.fonts->large : f.fonts->heading;
  text_fit(f, name_font, {r.x + pad, r.y + (r.h - name_font->FontSize) * 0.5f}, color::kText,
           dir.town_name, cx - r.x - 2 * pad);

  std::string_view state = words::kLive;
  ImU32 bg = color::kGreen;
  ImU32 fg = color::kBlack;
  switch (f.view->health) {
    case FeedHealth::live:
      break;
    case FeedHealth::stale:
      state = words::kStale, bg = color::kOrange;
      break;
    case FeedHealth::lost:
      state = words::kLost, bg = color::kVermillion, fg = color::kText;
      break;
    case FeedHealth::offline_file:
      state = words::kFile, bg = color::kGrey, fg = color::kText;
      break;
    case FeedHealth::replay:
      state = replay_words::kPill, bg = color::kReplay, fg = color::kText;
      break;
    default:
      state = words::kConnecting, bg = color::kGrey, fg = color::kText;
      break;
  }
  ImFont* sf = f.fonts->heading;
  char sub[96] = "";
  if (f.view->health == FeedHealth::stale && f.view->silence_seconds) {
    std::snprintf(sub, sizeof sub, "%.0f%s", *f.view->silence_seconds, words::kSecond.data());
  }
  if (f.view->health == FeedHealth::replay) replay_pill_detail(f, sub, sizeof sub);
  char asof[64] = "";
  // LIVE already says the data is current; a time that ticks with every heartbeat would
  // only make the wall redraw each second. Stale or lost data says how old it is.
  if (f.view->data_as_of && f.view->health != FeedHealth::live) {
    char t[16];
    format_hms(t, sizeof t, *f.view->data_as_of, dir.utc_offset_minutes);
    std::snprintf(asof, sizeof asof, "%s %s", words::kDataAsOf.data(), t);
  }
  float pill_h = sf->FontSize * 1.4f;
  float label_w = text_width(sf, state) + (sub[0] ? text_width(sf, sub) + f.unit * 0.5f : 0);
  float pill_w = label_w + f.unit * 1.2f;
  float right = r.right() - pad;
  float asof_w = text_width(f.fonts->body, asof);
  // "data as of" goes under the pill when the row is tall enough, else left of it.
  bool stacked = pill_h + f.fonts->body->FontSize * 1.1f <= r.h * 0.92f;
  float block_h = pill_h + (asof[0] && stacked ? f.fonts->body->FontSize * 1.1f : 0);
  float top = r.y + (r.h - block_h) * 0.5f;
  ImVec2 p0{right - pill_w, top};
  float row_right = p0.x - f.unit * 0.8f;  // the sources' row ends left of the pill
  if (asof[0] && !stacked) {
    text(f, f.fonts->body,
         {p0.x - asof_w - f.unit * 0.6f, top + (pill_h - f.fonts->body->FontSize) * 0.5f},
         color::kDim, asof);
    row_right = p0.x - asof_w - f.unit * 1.4f;
    asof[0] = 0;
  }
  draw_source_row(f, cx + cw + pad, row_right, r.y + r.h * 0.5f);
  f.dl->AddRectFilled(p0, {right, top + pill_h}, bg, pill_h * 0.5f);
  float tx = p0.x + f.unit * 0.6f;
  float ty = top + (pill_h - sf->FontSize) * 0.5f;
  tx += text(f, sf, {tx, ty}, fg, state);
  if (sub[0]) text(f, sf, {tx + f.unit * 0.5f, ty}, fg, sub);
  if (asof[0]) {
    text(f, f.fonts->body, {right - asof_w, top + pill_h + f.unit * 0.1f}, color::kDim, asof);
  }

  // Operator-side flags, small, under the clock: only when set.
  char flags[64] = "";
  std::size_t n = 0;
  if (f.view->muted) n += std::snprintf(flags + n, sizeof flags - n, "%s ", words::kMuted.data());
  if (f.view->paused) n += std::snprintf(flags + n, sizeof flags - n, "%s ", words::kPaused.data());
  if (f.view->pages > 1 && n < sizeof flags) {
    std::snprintf(flags + n, sizeof flags - n, "%s %zu/%zu", words::kPage.data(), f.view->page + 1,
                  f.view->pages);
  }
  if (flags[0] && clock->FontSize + f.fonts->body->FontSize <= r.h) {
    float fw = text_width(f.fonts->body, flags);
    text(f, f.fonts->body, {cx + cw + pad, r.bottom() - f.fonts->body->FontSize * 1.2f},
         color::kDim, flags);
    (void)fw;
  }
}

namespace {

// The biggest font whose rendering of `s` fits the band, large first.
ImFont* band_font(const Frame& f, const Rect& r, std::string_view s) {
  ImFont* font = f.fonts->large;
  if (font->FontSize > r.h || text_width(font, s) > r.w * 0.96f) font = f.fonts->heading;
  return font;
}

void drill_band(const Frame& f, const Rect& r) {
  f.dl->AddRectFilled(tl(r), br(r), color::kDrillBand);
  // Hazard stripes at both ends make the band recognisable even in a grey photo.
  float sw = r.h * 0.5f;
  for (int side = 0; side < 2; ++side) {
    float x0 = side == 0 ? r.x : r.right() - r.h * 4;
    f.dl->PushClipRect({x0, r.y}, {x0 + r.h * 4, r.bottom()}, true);
    for (float x = x0 - r.h; x < x0 + r.h * 4; x += sw * 2) {
      f.dl->AddQuadFilled({x, r.bottom()}, {x + r.h, r.y}, {x + r.h + sw, r.y},
                          {x + sw, r.bottom()}, color::kBlack);
    }
    f.dl->PopClipRect();
  }
  text_centered(f, band_font(f, r, words::kDrillBand), r, color::kBlack, words::kDrillBand);
}

// Solid red, white words, white rules along both edges; no stripes, no flashing: nothing
// about it resembles the drill band, and it stays still for as long as the event lasts.
void actual_band(const Frame& f, const Rect& r) {
  f.dl->AddRectFilled(tl(r), br(r), color::kActualBand);
  float rule = std::max(2.0f, std::round(r.h * 0.06f));
  f.dl->AddRectFilled({r.x, r.y}, {r.right(), r.y + rule}, color::kText);
  f.dl->AddRectFilled({r.x, r.bottom() - rule}, {r.right(), r.bottom()}, color::kText);
  text_centered(f, band_font(f, r, words::kActualBand), r, color::kText, words::kActualBand);
}

// After POST /v1/drill/stop: says for a while that the drill is over, and since when.
void drill_stopped_band(const Frame& f, const Rect& r) {
  f.dl->AddRectFilled(tl(r), br(r), color::kGrey);
  char buf[96];
  char hm[16] = "";
  if (auto at = f.situation->drill_stopped_at()) {
    format_hm(hm, sizeof hm, *at, f.situation->directory.utc_offset_minutes);
  }
  std::snprintf(buf, sizeof buf, "%s  %s", words::kDrillStoppedBand.data(), hm);
  text_centered(f, band_font(f, r, buf), r, color::kText, buf);
}

}  // namespace

void draw_top_band(const Frame& f, const Rect& r, TopBand band) {
  switch (band) {
    case TopBand::actual:
      return actual_band(f, r);
    case TopBand::drill:
      return drill_band(f, r);
    case TopBand::drill_stopped:
      return drill_stopped_band(f, r);
    case TopBand::none:
      return;
  }
}

void draw_status_banner(const Frame& f, const Rect& r) {
  bool lost = f.view->health == FeedHealth::lost;
  f.dl->AddRectFilled(tl(r), br(r), lost ? color::kVermillion : color::kOrange);
  char buf[192];
  char asof[16] = "--:--:--";
  if (f.view->data_as_of) {
    format_hms(asof, sizeof asof, *f.view->data_as_of, f.situation->directory.utc_offset_minutes);
  }
  if (lost) {
    std::snprintf(buf, sizeof buf, "%s  %s — %s %s", words::kLost.data(), words::kLostBanner.data(),
                  words::kDataAsOf.data(), asof);
  } else {
    std::snprintf(buf, sizeof buf, "%s %.0f%s  %s — %s %s", words::kStale.data(),
                  f.view->silence_seconds.value_or(0), words::kSecond.data(),
                  words::kStaleBanner.data(), words::kDataAsOf.data(), asof);
  }
  text_centered(f, f.fonts->heading, r, lost ? color::kText : color::kBlack, buf);
}

float chip(const Frame& f, ImFont* font, ImVec2 pos, ImU32 bg, ImU32 fg, std::string_view s) {
  float padx = font->FontSize * 0.3f;
  float w = text_width(font, s) + 2 * padx;
  float h = font->FontSize * 1.2f;
  f.dl->AddRectFilled(pos, {pos.x + w, pos.y + h}, bg, font->FontSize * 0.2f);
  text(f, font, {pos.x + padx, pos.y + font->FontSize * 0.1f}, fg, s);
  return w;
}

void draw_demoted_line(const Frame& f, const Rect& r, std::string_view lead,
                       std::string_view title, std::string_view right_text) {
  ImFont* bf = f.fonts->body;
  f.dl->AddRectFilled(tl(r), br(r), color::kPanel, f.unit * 0.15f);
  f.dl->AddRectFilled(tl(r), {r.x + f.unit * 0.25f, r.bottom()}, color::kDemoted);
  float x = r.x + f.unit * 0.5f;
  const float y = r.y + (r.h - bf->FontSize * 1.2f) * 0.5f;
  const float text_y = y + bf->FontSize * 0.1f;
  x += chip(f, bf, {x, y}, color::kDemoted, color::kText, words::kDrill) + f.unit * 0.3f;
  if (!lead.empty()) x += text(f, bf, {x, text_y}, color::kDim, lead) + f.unit * 0.4f;
  const float rw = text_width(bf, right_text);
  const float right = r.right() - f.unit * 0.3f;
  text(f, bf, {right - rw, text_y}, color::kDim, right_text);
  text_fit(f, bf, {x, text_y}, color::kDim, title, right - rw - f.unit * 0.5f - x);
}

}  // namespace bcp::display
