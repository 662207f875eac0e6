#include <algorithm>
#include <cmath>
#include <span>

#include "bcp/display/labels.hpp"
#include "panels.hpp"
#include "ui_words.hpp"

namespace bcp::display {

bool alert_flashing(const model::AlertState& a, const WallSettings& st,
                    const std::set<std::string>* acked_locally, model::TimePoint now) {
  if (a.alert.severity < model::Severity::warning) return false;
  if (a.acknowledged_by) return false;
  if (acked_locally && acked_locally->count(a.alert.alert)) return false;
  auto age = std::chrono::duration<double>(now - a.raised_at).count();
  return age >= 0 && age < st.flash_seconds;
}

namespace {

struct CardMetrics {
  float chips = 0, title = 0, line = 0, pad = 0;
  float full() const { return chips + title + 2 * line + 2 * pad; }
  float compact() const { return chips + line + 2 * pad; }
  float compact_with_body() const { return compact() + line; }
};

CardMetrics metrics(const Frame& f) {
  return {f.fonts->heading->FontSize * 1.35f, f.fonts->heading->FontSize * 1.3f,
          f.fonts->body->FontSize * 1.25f, f.unit * 0.25f};
}

// One alert card. Full: chips + age / title / where-source-expiry / body. Compact (short
// rows): chips + title on one line / where-source-expiry, then the body when there is room.
void draw_alert(const Frame& f, const model::AlertState& a, const Rect& c, bool compact,
                bool with_body, bool mark_actual) {
  const auto& al = a.alert;
  ImFont* hf = f.fonts->heading;
  ImFont* bf = f.fonts->body;
  CardMetrics m = metrics(f);
  ImU32 sev = severity_color(al.severity);
  bool flash = alert_flashing(a, *f.settings, f.view->acked_locally, f.now);
  // Flashing at 1 Hz, never faster: a strobing wall is unsafe and unreadable.
  bool on = flash && std::fmod(f.mono, 1.0) < 0.5;
  f.dl->AddRectFilled(tl(c), br(c), on ? (sev & 0x80FFFFFF) : color::kPanelHeader, f.unit * 0.2f);
  f.dl->AddRectFilled(tl(c), {c.x + f.unit * 0.4f, c.bottom()}, sev, f.unit * 0.2f,
                      ImDrawFlags_RoundCornersLeft);
  float left = c.x + f.unit * 0.7f;
  float right = c.right() - f.unit * 0.4f;
  float cx = left;
  float cy = c.y + m.pad;
  ImU32 sev_fg = al.severity == model::Severity::critical ? color::kText : color::kBlack;
  cx += chip(f, hf, {cx, cy}, sev, sev_fg, label(al.severity)) + f.unit * 0.3f;
  // A drill alert says so inside the item itself, so no crop of a photo can hide it.
  if (al.drill) {
    cx += chip(f, hf, {cx, cy}, color::kDrillBand, color::kBlack, words::kDrill) + f.unit * 0.3f;
  }
  // Beside demoted drill items, a real alert says so too: 実災害 in the actual band's red.
  if (mark_actual) {
    cx += chip(f, hf, {cx, cy}, color::kActualBand, color::kText, words::kActual) + f.unit * 0.3f;
  }
  // Compact cards give the kind's chip room to the title; the kind moves to the meta line.
  if (!compact)
    cx += chip(f, hf, {cx, cy}, color::kRule, color::kText, label(al.kind)) + f.unit * 0.3f;
  char age[48];
  format_age(age, sizeof age, a.raised_at, f.now);
  float aw = text_width(bf, age);
  float title_y = cy + m.chips;
  if (compact) {
    text_fit(f, hf, {cx, cy + hf->FontSize * 0.1f}, color::kText, al.title,
             right - aw - f.unit - cx);
    title_y = cy;
  } else {
    text_fit(f, hf, {left, title_y}, color::kText, al.title, right - left);
  }
  text(f, bf, {right - aw, cy + (hf->FontSize * 1.2f - bf->FontSize) * 0.5f}, color::kDim, age);

  // Where, who says so, until when, acknowledged.
  char meta[320];
  int n = std::snprintf(meta, sizeof meta, "%s%s%s%s%s", compact ? label(al.kind).data() : "",
                        compact ? "  " : "", al.area ? al.area->c_str() : "", al.area ? "  " : "",
                        label(al.source.kind).data());
  if (al.expires && n > 0 && static_cast<std::size_t>(n) < sizeof meta) {
    char until[16];
    format_hm(until, sizeof until, *al.expires, f.situation->directory.utc_offset_minutes);
    n += std::snprintf(meta + n, sizeof meta - n, "  〜%s%s", until, words::kUntil.data());
  }
  bool acked_here = f.view->acked_locally && f.view->acked_locally->count(al.alert);
  if (n > 0 && static_cast<std::size_t>(n) < sizeof meta && (a.acknowledged_by || acked_here)) {
    std::snprintf(meta + n, sizeof meta - n, "  %s",
                  a.acknowledged_by ? words::kAcked.data() : words::kAckedLocal.data());
  }
  float ty = title_y + m.title;
  if (compact) ty = cy + m.chips;
  text_fit(f, bf, {left, ty}, color::kDim, meta, right - left);
  if (with_body) text_fit(f, bf, {left, ty + m.line}, color::kText, al.body, right - left);
}

float demoted_row_height(const Frame& f) { return f.fonts->body->FontSize * 1.45f; }

// A drill alert while the actual band shows: one grey line below the real alerts, still
// marked 訓練, never flashing.
void draw_demoted(const Frame& f, const model::AlertState& a, const Rect& c) {
  char age[48];
  format_age(age, sizeof age, a.raised_at, f.now);
  draw_demoted_line(f, c, label(a.alert.severity), a.alert.title, age);
}

// The cards of `alerts` in a grid inside `body`, the first top-left, "他 N" for the rest.
void draw_cards(const Frame& f, const Rect& body, std::span<const model::AlertState* const> alerts,
                bool mark_actual) {
  CardMetrics m = metrics(f);
  float gap = f.unit * 0.4f;
  bool compact = body.h < m.full();
  std::size_t max_cols = std::max<std::size_t>(1, static_cast<std::size_t>(body.w / (f.unit * 20)));
  // A short row still shows what the alert says (its body) unless that would push alerts
  // off the panel: then one line less per card and more cards.
  auto fits_all = [&](float h) {
    auto r = static_cast<std::size_t>((body.h + gap) / (h + gap));
    return r >= 1 && r * max_cols >= alerts.size();
  };
  bool with_body = !compact || fits_all(m.compact_with_body());
  float card_h = !compact ? m.full() : with_body ? m.compact_with_body() : m.compact();
  std::size_t rows =
      std::max<std::size_t>(1, static_cast<std::size_t>((body.h + gap) / (card_h + gap)));
  std::size_t cols =
      std::min(max_cols, std::max<std::size_t>(1, (alerts.size() + rows - 1) / rows));
  float card_w = (body.w - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
  std::size_t capacity = rows * cols;
  float more_h = f.fonts->heading->FontSize * 1.3f;
  if (alerts.size() > capacity) {
    // Overflow: keep one heading line below the cards for "他 N".
    rows = std::max<std::size_t>(
        1, static_cast<std::size_t>((body.h - more_h + gap) / (card_h + gap)));
    capacity = rows * cols;
  }
  std::size_t shown = std::min(alerts.size(), capacity);
  for (std::size_t i = 0; i < shown; ++i) {
    // Row-major in a single column, column-major otherwise: the top alert is always top-left.
    std::size_t col = cols == 1 ? 0 : i / rows, row = cols == 1 ? i : i % rows;
    Rect c{body.x + static_cast<float>(col) * (card_w + gap),
           body.y + static_cast<float>(row) * (card_h + gap), card_w, card_h};
    draw_alert(f, *alerts[i], c, compact, with_body, mark_actual);
  }
  if (shown < alerts.size()) {
    char more[64];
    std::snprintf(more, sizeof more, "%s %zu", words::kAllOthers.data(), alerts.size() - shown);
    float y = std::min(body.y + static_cast<float>(rows) * (card_h + gap), body.bottom() - more_h);
    text(f, f.fonts->heading, {body.x, y}, color::kDim, more);
  }
}

}  // namespace

void draw_alerts(const Frame& f, const Rect& r, const PanelSpec& /*spec*/) {
  auto active = f.situation->active_alerts(f.now);
  ImU32 accent = 0;
  if (!active.empty()) accent = severity_color(active.front()->alert.severity);
  char title[64];
  std::snprintf(title, sizeof title, "%s  %zu", words::kAlerts.data(), active.size());
  Rect body = panel_frame(f, r, active.empty() ? words::kAlerts : title, accent);
  f.dl->PushClipRect(tl(body), br(body), true);
  if (active.empty()) {
    text(f, f.fonts->body, tl(body), color::kDim, words::kNoAlerts);
    f.dl->PopClipRect();
    return;
  }
  // A real event during a drill: active_alerts() lists every actual alert first; they keep
  // the cards, the drill's are demoted to grey lines below them.
  const bool actual_mode = f.situation->shows_actual(f.now);
  auto first_drill = actual_mode
                         ? std::find_if(active.begin(), active.end(),
                                        [](const model::AlertState* a) { return a->alert.drill; })
                         : active.end();
  std::span<const model::AlertState* const> lead(
      active.data(), static_cast<std::size_t>(first_drill - active.begin()));
  std::span<const model::AlertState* const> demoted(lead.data() + lead.size(),
                                                    active.size() - lead.size());
  Rect cards = body;
  if (!demoted.empty()) {
    const float row_h = demoted_row_height(f);
    const float gap = f.unit * 0.3f;
    // The real alerts keep at least two thirds of the panel, and always room for one
    // compact card; the drill's get the rest, at least one line ("訓練 3件").
    float room = body.h;
    if (!lead.empty()) room = std::min(body.h * 0.34f, body.h - metrics(f).compact() - gap);
    auto rows = std::max<std::size_t>(1, static_cast<std::size_t>((room + gap) / (row_h + gap)));
    // When they do not all fit, the last line counts the ones left out instead.
    const std::size_t shown = demoted.size() <= rows ? demoted.size() : rows - 1;
    const std::size_t lines = std::min(rows, demoted.size());
    const float h = static_cast<float>(lines) * (row_h + gap);
    float y = body.bottom() - h + gap;
    cards.h = lead.empty() ? 0 : body.h - h;
    for (std::size_t i = 0; i < shown; ++i) {
      draw_demoted(f, *demoted[i], Rect{body.x, y, body.w, row_h});
      y += row_h + gap;
    }
    if (shown < demoted.size()) {
      char more[96];
      std::snprintf(more, sizeof more, "%s %s%zu%s", words::kDrill.data(),
                    shown ? words::kAllOthers.data() : "", demoted.size() - shown,
                    words::kItems.data());
      Rect line{body.x, y, body.w, row_h};
      f.dl->AddRectFilled(tl(line), br(line), color::kPanel, f.unit * 0.15f);
      f.dl->AddRectFilled(tl(line), {line.x + f.unit * 0.25f, line.bottom()}, color::kDemoted);
      text(f, f.fonts->body, {line.x + f.unit * 0.5f, y + (row_h - f.fonts->body->FontSize) * 0.5f},
           color::kDim, more);
    }
  }
  if (!lead.empty()) draw_cards(f, cards, lead, actual_mode);
  f.dl->PopClipRect();
}

}  // namespace bcp::display
