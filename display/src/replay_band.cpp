#include "replay_band.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "bcp/display/replay_session.hpp"

namespace bcp::display {

void format_replay_moment(char* buf, std::size_t n, model::TimePoint t, int offset) {
  using namespace std::chrono;
  static constexpr const char* kWeekday[] = {"日", "月", "火", "水", "木", "金", "土"};
  const auto local = floor<seconds>(t) + minutes(offset);
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{local - day};
  std::snprintf(buf, n, "%04d年%u月%u日(%s) %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                kWeekday[weekday{day}.c_encoding()], static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
}

void format_speed(char* buf, std::size_t n, double speed) {
  if (std::abs(speed - std::round(speed)) < 1e-9) {
    std::snprintf(buf, n, "×%.0f", speed);
  } else {
    std::snprintf(buf, n, "×%.3g", speed);
  }
}

void replay_pill_detail(const Frame& f, char* buf, std::size_t n) {
  if (n == 0) return;
  buf[0] = 0;
  const ReplayStatus* st = f.view->replay;
  if (!st) return;
  if (st->paused || st->ended) {
    std::snprintf(buf, n, "%s", replay_words::kPaused.data());
  } else {
    format_speed(buf, n, st->speed);
  }
}

void draw_replay_band(const Frame& f, const Rect& r) {
  const ReplayStatus* st = f.view->replay;
  if (!st) return;
  f.dl->AddRectFilled(tl(r), br(r), color::kReplay);
  ImFont* font = f.fonts->heading;
  const float pad = f.unit * 0.8f;
  const float ty = r.y + (r.h - font->FontSize) * 0.5f;

  // Left: the word itself, white on the band colour inverted, so it reads as a label.
  float x = r.x + pad;
  float label_h = font->FontSize * 1.2f;
  float label_w = text_width(font, replay_words::kBand) + font->FontSize * 0.6f;
  float ly = r.y + (r.h - label_h) * 0.5f;
  f.dl->AddRectFilled({x, ly}, {x + label_w, ly + label_h}, color::kText, font->FontSize * 0.2f);
  text(f, font, {x + font->FontSize * 0.3f, ly + font->FontSize * 0.1f}, color::kReplay,
       replay_words::kBand);

  // Right: how it plays, or why it stopped (then in the alarm colour: the rest is missing).
  char state[96];
  ImU32 state_bg = 0;
  if (st->stopped) {
    std::snprintf(state, sizeof state, "%zu%s", st->stopped->line, replay_words::kStoppedAt.data());
    state_bg = color::kVermillion;
  } else if (st->ended) {
    std::snprintf(state, sizeof state, "%s", replay_words::kEnded.data());
  } else if (st->paused) {
    std::snprintf(state, sizeof state, "%s", replay_words::kPaused.data());
  } else {
    char speed[16];
    format_speed(speed, sizeof speed, st->speed);
    std::snprintf(state, sizeof state, "%s %s", speed, replay_words::kPlaying.data());
  }
  float sw = text_width(font, state);
  float sx = r.right() - pad - sw;
  if (state_bg) {
    float cpad = font->FontSize * 0.3f;
    f.dl->AddRectFilled({sx - cpad, ly}, {r.right() - pad + cpad, ly + label_h}, state_bg,
                        font->FontSize * 0.2f);
  }
  text(f, font, {sx, ty}, color::kText, state);

  // Centre: the replayed moment, date first (a replay is always another day's picture);
  // moved left of the state when a long stop message needs the room.
  char moment[64];
  format_replay_moment(moment, sizeof moment, st->at, f.situation->directory.utc_offset_minutes);
  float mw = text_width(font, moment);
  float mx = std::min(r.x + (r.w - mw) * 0.5f, sx - 2 * pad - mw);
  if (mx >= x + label_w + pad) text(f, font, {mx, ty}, color::kText, moment);
}

void draw_replay_frame(const Frame& f, const Rect& s) {
  float ref = std::min(s.w, s.h);
  float t = std::max(2.0f, std::round(ref / 120.0f * 0.6f));
  f.dl->AddRect({s.x + t * 0.5f, s.y + t * 0.5f}, {s.right() - t * 0.5f, s.bottom() - t * 0.5f},
                color::kReplay, 0, 0, t);
}

}  // namespace bcp::display
