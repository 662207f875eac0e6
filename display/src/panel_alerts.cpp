#include <cmath>

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

// One alert: two lines, the first in the heading font. Returns the height used.
float draw_alert(const Frame& f, const model::AlertState& a, float x, float y, float w) {
  const auto& al = a.alert;
  ImFont* hf = f.fonts->heading;
  ImFont* bf = f.fonts->body;
  float line1 = hf->FontSize * 1.3f;
  float line2 = bf->FontSize * 1.25f;
  float h = line1 + line2 * 2 + f.unit * 0.4f;
  ImU32 sev = severity_color(al.severity);
  bool flash = alert_flashing(a, *f.settings, f.view->acked_locally, f.now);
  // Flashing at 1 Hz, never faster: a strobing wall is unsafe and unreadable.
  bool on = flash && std::fmod(f.mono, 1.0) < 0.5;
  f.dl->AddRectFilled({x, y}, {x + w, y + h}, on ? (sev & 0x80FFFFFF) : color::kPanelHeader,
                      f.unit * 0.2f);
  f.dl->AddRectFilled({x, y}, {x + f.unit * 0.4f, y + h}, sev, f.unit * 0.2f,
                      ImDrawFlags_RoundCornersLeft);
  float cx = x + f.unit * 0.7f;
  float cy = y + f.unit * 0.2f;
  ImU32 sev_fg = al.severity == model::Severity::critical ? color::kText : color::kBlack;
  cx += chip(f, hf, {cx, cy}, sev, sev_fg, label(al.severity)) + f.unit * 0.3f;
  if (al.drill) {
    cx += chip(f, hf, {cx, cy}, color::kDrillBand, color::kBlack, words::kDrill) + f.unit * 0.3f;
  }
  cx += chip(f, hf, {cx, cy}, color::kRule, color::kText, label(al.kind)) + f.unit * 0.3f;
  text_fit(f, hf, {cx, cy + hf->FontSize * 0.1f}, color::kText, al.title,
           x + w - cx - f.unit * 0.3f);

  // Second line: where, who says so, how old, until when.
  char meta[256];
  char age[48];
  format_age(age, sizeof age, a.raised_at, f.now);
  int n = std::snprintf(meta, sizeof meta, "%s%s%s  ", al.area ? al.area->c_str() : "",
                        al.area ? "  " : "", label(al.source.kind).data());
  if (n > 0 && static_cast<std::size_t>(n) < sizeof meta) {
    n += std::snprintf(meta + n, sizeof meta - n, "%s", age);
  }
  if (al.expires && n > 0 && static_cast<std::size_t>(n) < sizeof meta) {
    char until[16];
    format_hm(until, sizeof until, *al.expires, f.situation->directory.utc_offset_minutes);
    n += std::snprintf(meta + n, sizeof meta - n, "  〜%s%s", until, words::kUntil.data());
  }
  if (n > 0 && static_cast<std::size_t>(n) < sizeof meta &&
      (a.acknowledged_by || (f.view->acked_locally && f.view->acked_locally->count(al.alert)))) {
    std::snprintf(meta + n, sizeof meta - n, "  %s",
                  a.acknowledged_by ? words::kAcked.data() : words::kAckedLocal.data());
  }
  float ty = y + line1 + f.unit * 0.2f;
  text_fit(f, bf, {x + f.unit * 0.7f, ty}, color::kDim, meta, w - f.unit * 1.0f);
  text_fit(f, bf, {x + f.unit * 0.7f, ty + line2}, color::kText, al.body, w - f.unit * 1.0f);
  return h;
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
  }
  float y = body.y;
  float more_h = f.fonts->body->FontSize * 1.3f;
  for (std::size_t i = 0; i < active.size(); ++i) {
    float need = f.fonts->heading->FontSize * 1.3f + f.fonts->body->FontSize * 2.5f + f.unit * 0.4f;
    bool last = i + 1 == active.size();
    if (y + need > body.bottom() - (last ? 0 : more_h)) {
      char more[64];
      std::snprintf(more, sizeof more, "%s %zu", words::kAllOthers.data(), active.size() - i);
      text(f, f.fonts->body, {body.x, y}, color::kDim, more);
      break;
    }
    y += draw_alert(f, *active[i], body.x, y, body.w) + f.unit * 0.4f;
  }
  f.dl->PopClipRect();
}

}  // namespace bcp::display
