#include "bcp/display/wall.hpp"

#include <algorithm>
#include <cmath>

#include "panels.hpp"
#include "replay_band.hpp"
#include "ui_words.hpp"

namespace bcp::display {

WallSettings settings_from_json(const nlohmann::json& d, std::vector<std::string>* warnings) {
  WallSettings s;
  if (!d.is_object()) return s;
  auto num = [&](const char* key, double& out, double min) {
    if (!d.contains(key)) return;
    if (!d[key].is_number() || d[key].get<double>() < min) {
      if (warnings)
        warnings->push_back(std::string("display/") + key +
                            ": not a number >= " + std::to_string(min) + ", default kept");
      return;
    }
    out = d[key].get<double>();
  };
  num("stale_after_seconds", s.staleness.stale_after_seconds, 0.5);
  num("lost_after_seconds", s.staleness.lost_after_seconds, 1);
  if (s.staleness.lost_after_seconds < s.staleness.stale_after_seconds) {
    s.staleness.lost_after_seconds = s.staleness.stale_after_seconds;
  }
  num("flash_seconds", s.flash_seconds, 0);
  num("chime_repeat_seconds", s.chime_repeat_seconds, 2);
  num("list_page_seconds", s.list_page_seconds, 1);
  num("drill_stopped_seconds", s.drill_stopped_seconds, 0);
  num("photo_cache_mib", s.photo_cache_mib, 4);
  double scale = s.text_scale;
  num("text_scale", scale, 0.5);
  s.text_scale = static_cast<float>(scale);
  double shift = -1;
  num("pixel_shift_fraction", shift, 0);
  if (shift >= 0) s.pixel_shift = static_cast<float>(shift);
  num("pixel_shift_period_seconds", s.pixel_shift_period_seconds, 10);
  if (d.contains("clock_format") && d["clock_format"].is_string() &&
      !d["clock_format"].get<std::string>().empty()) {
    s.clock_format = d["clock_format"].get<std::string>();
  }
  if (d.contains("chime") && d["chime"].is_boolean()) s.chime = d["chime"].get<bool>();
  if (d.contains("highlight_keywords") && d["highlight_keywords"].is_array()) {
    for (const auto& k : d["highlight_keywords"]) {
      if (k.is_string()) s.keywords.push_back(k.get<std::string>());
    }
  }
  return s;
}

TopBand top_band(const model::Situation& s, model::TimePoint now, const WallSettings& settings) {
  if (s.shows_actual(now)) return TopBand::actual;
  if (s.shows_drill(now)) return TopBand::drill;
  if (auto stopped = s.drill_stopped_at()) {
    auto since = std::chrono::duration<double>(now - *stopped).count();
    if (since >= 0 && since < settings.drill_stopped_seconds) return TopBand::drill_stopped;
  }
  return TopBand::none;
}

WallRegions wall_regions(const Layout& layout, std::size_t page, float width, float height,
                         bool top_band, bool banner, float text_scale) {
  WallRegions out;
  float ref = std::min(width, height);  // the short side, as for the fonts
  float margin = std::round(ref / 120.0f);
  float gap = margin;
  Rect area{margin, margin, width - 2 * margin, height - 2 * margin};
  // Band heights follow the large font so the band text always fits.
  float band_h = std::round(ref / 16.0f * std::max(0.5f, text_scale) * 1.25f);
  if (top_band) {
    out.top_band = Rect{0, 0, width, band_h};
    area.y = band_h + gap;
    area.h = height - margin - area.y;
  }
  if (banner) {
    float bh = std::round(ref / 28.0f * std::max(0.5f, text_scale) * 1.6f);
    out.status_banner = Rect{0, height - bh, width, bh};
    area.h = height - bh - gap - area.y;
  }
  out.content = area;
  if (!layout.pages.empty()) {
    out.panels = place_panels(layout.pages[page % layout.pages.size()], area, gap);
  }
  return out;
}

void draw_fullscreen_state(const Frame& f, const Rect& r) {
  std::string_view title = words::kConnecting;
  std::string_view detail = words::kConnectingDetail;
  ImU32 bg = color::kPanel;
  switch (f.view->health) {
    case FeedHealth::auth_failed:
      title = words::kAuthFailed, detail = words::kAuthFailedDetail, bg = color::kVermillion;
      break;
    case FeedHealth::version_mismatch:
      title = words::kVersionMismatch, detail = words::kVersionMismatchDetail;
      bg = color::kVermillion;
      break;
    default:
      if (f.view->silence_seconds.value_or(0) >= f.settings->staleness.lost_after_seconds) {
        title = words::kNoConnection;
      }
      break;
  }
  // Dark ground with a thick coloured frame: white text keeps full contrast, and the
  // colour still says "wrong" from across the room.
  f.dl->AddRectFilled(tl(r), br(r), color::kBackground);
  if (bg != color::kPanel) {
    float t = f.unit * 0.8f;
    f.dl->AddRect({r.x + t * 0.5f, r.y + t * 0.5f}, {r.right() - t * 0.5f, r.bottom() - t * 0.5f},
                  bg, 0, 0, t);
  }
  float y = r.y + r.h * 0.3f;
  text_centered(f, f.fonts->large, {r.x, y, r.w, f.fonts->large->FontSize},
                bg != color::kPanel ? bg : color::kText, title);
  y += f.fonts->large->FontSize * 1.6f;
  float wrap = r.w * 0.7f;
  float x = r.x + (r.w - wrap) * 0.5f;
  y += text_wrapped(f, f.fonts->heading, {x, y}, color::kText, detail, wrap) + f.unit;
  if (!f.view->detail.empty()) {
    y += text_wrapped(f, f.fonts->body, {x, y}, color::kText, f.view->detail, wrap) + f.unit * 0.5f;
  }
  if (!f.view->feed_url.empty())
    text_fit(f, f.fonts->body, {x, y}, color::kDim, f.view->feed_url, wrap);
  if (!f.situation->directory.town_name.empty()) {
    text(f, f.fonts->heading, {r.x + f.unit, r.y + f.unit}, color::kDim,
         f.situation->directory.town_name);
  }
}

void draw_wall(ImDrawList* dl, const Fonts& fonts, const model::Situation& s, const WallView& v,
               const WallSettings& settings, const Layout& layout, float width, float height,
               model::TimePoint now, double mono) {
  Frame f{dl, &fonts, &s, &v, &settings, now, mono, fonts.body ? fonts.body->FontSize : 27};
  if (!fonts.body) return;
  // The background is the renderer's clear colour (Screen::render): a full-screen blended
  // quad costs the software renderer a large share of a frame.
  Rect screen{v.shift_x, v.shift_y, width, height};
  if (v.health == FeedHealth::connecting || v.health == FeedHealth::auth_failed ||
      v.health == FeedHealth::version_mismatch) {
    draw_fullscreen_state(f, screen);
    return;
  }
  const TopBand band = top_band(s, now, settings);
  const bool feed_banner =
      v.health == FeedHealth::stale || v.health == FeedHealth::lost || v.replay != nullptr;
  // A failing outside source takes the band when the feed itself has nothing to say there
  // (stale data is the bigger problem: the source states shown would be old too).
  const bool source_banner = !feed_banner && any_source_failing(s);
  bool banner = feed_banner || source_banner;
  WallRegions reg = wall_regions(layout, v.page, width, height, band != TopBand::none, banner,
                                 settings.text_scale);
  auto moved = [&](Rect r) {
    r.x += v.shift_x;
    r.y += v.shift_y;
    return r;
  };
  for (const auto& p : reg.panels) {
    Rect r = moved(p.rect);
    dl->PushClipRect(tl(r), br(r), true);
    switch (p.panel->kind) {
      case PanelKind::header:
        draw_header(f, r);
        break;
      case PanelKind::alerts:
        draw_alerts(f, r, *p.panel);
        break;
      case PanelKind::talk:
        draw_talk(f, r, *p.panel);
        break;
      case PanelKind::rollcall:
        draw_rollcall(f, r, *p.panel);
        break;
      case PanelKind::staff:
        draw_staff(f, r, *p.panel);
        break;
      case PanelKind::photos:
        draw_photos(f, r, *p.panel);
        break;
    }
    dl->PopClipRect();
  }
  if (reg.top_band) draw_top_band(f, moved(*reg.top_band), band);
  if (reg.status_banner && v.replay) {
    draw_replay_band(f, moved(*reg.status_banner));
  } else if (reg.status_banner && source_banner) {
    draw_source_banner(f, moved(*reg.status_banner));
  } else if (reg.status_banner) {
    draw_status_banner(f, moved(*reg.status_banner));
  }
  if (v.replay) draw_replay_frame(f, screen);
  draw_hide_overlay(f, screen);
  if (v.quit_confirm) {
    Rect q{width * 0.2f, height * 0.4f, width * 0.6f, height * 0.2f};
    dl->AddRectFilled(tl(q), br(q), color::kBlack);
    dl->AddRect(tl(q), br(q), color::kYellow, 0, 0, f.unit * 0.2f);
    text_centered(f, fonts.heading, q, color::kText, words::kQuitConfirm);
  }
}

}  // namespace bcp::display
