#include <algorithm>
#include <cmath>

#include "bcp/display/labels.hpp"
#include "bcp/display/paging.hpp"
#include "panels.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

// An actual roll call outranks a drill: during a real event nobody needs the drill's figures.
const model::RollcallState* pick(const model::Situation& s) {
  if (const auto* r = s.open_rollcall(false)) return r;
  if (const auto* r = s.open_rollcall(true)) return r;
  for (auto it = s.rollcall_order.rbegin(); it != s.rollcall_order.rend(); ++it) {
    auto found = s.rollcalls.find(*it);
    if (found != s.rollcalls.end()) return &found->second;
  }
  return nullptr;
}

void sparkline(const Frame& f, const model::RollcallState& rc, const Rect& r) {
  f.dl->AddRect(tl(r), br(r), color::kRule);
  if (rc.total.in_scope == 0) return;
  // Whole seconds and whole pixels: an open curve grows with the clock, but it is redrawn
  // only when a point actually moves by a pixel, not on every frame.
  model::TimePoint end = rc.closed_at.value_or(std::chrono::floor<std::chrono::seconds>(f.now));
  double span = std::max(60.0, std::chrono::duration<double>(end - rc.started_at).count());
  auto px = [&](model::TimePoint t) {
    return std::round(
        r.x +
        static_cast<float>(std::chrono::duration<double>(t - rc.started_at).count() / span) * r.w);
  };
  auto py = [&](std::size_t answered) {
    return std::round(r.bottom() -
                      static_cast<float>(answered) / static_cast<float>(rc.total.in_scope) * r.h);
  };
  ImVec2 prev{r.x, r.bottom()};
  float thick = std::max(2.0f, f.unit * 0.12f);
  for (const auto& p : rc.curve) {
    ImVec2 step{px(p.at), prev.y};
    ImVec2 up{step.x, py(p.answered)};
    f.dl->AddLine(prev, step, color::kSkyBlue, thick);
    f.dl->AddLine(step, up, color::kSkyBlue, thick);
    prev = up;
  }
  f.dl->AddLine(prev, {px(end), prev.y}, color::kSkyBlue, thick);
}

// The drill's roll call while an actual one runs: one grey line at the panel's foot, so
// the room knows it is still open (and that 訓練中止 would close it) without reading it.
void demoted_drill_line(const Frame& f, const model::RollcallState& rc, const Rect& r) {
  char cnt[64];
  std::snprintf(cnt, sizeof cnt, "%s %zu/%zu", words::kAnswered.data(), rc.total.answered,
                rc.total.in_scope);
  draw_demoted_line(f, r, {}, rc.started.title, cnt);
}

// The panel's accent and the kind chip's colours. A drill roll call shown while the actual
// band is up (an actual alert, no actual roll call) keeps its figures but loses its yellow:
// drill items are demoted then.
struct RollcallKindColors {
  ImU32 bg, fg;
};
RollcallKindColors rollcall_kind_colors(const Frame& f, const model::RollcallState& rc) {
  const bool demote = rc.started.drill && f.situation->shows_actual(f.now);
  const ImU32 bg = !rc.started.drill ? color::kActualBand
                   : demote          ? color::kDemoted
                                     : color::kDrillBand;
  const ImU32 fg = rc.started.drill && !demote ? color::kBlack : color::kText;
  return {bg, fg};
}

// The panel frame titled with the roll call; returns its body.
Rect rollcall_panel_frame(const Frame& f, const Rect& r, const model::RollcallState& rc,
                          ImU32 accent) {
  // "安否確認  【訓練】地震発生 職員安否確認" says it twice and cuts the end off.
  char title[256];
  if (rc.started.title.find(words::kRollcall) != std::string::npos) {
    std::snprintf(title, sizeof title, "%s", rc.started.title.c_str());
  } else {
    std::snprintf(title, sizeof title, "%s  %s", words::kRollcall.data(), rc.started.title.c_str());
  }
  return panel_frame(f, r, title, accent);
}

// An actual roll call is shown; a drill one open beside it is demoted to the foot. Returns
// the body left above that line.
Rect demote_open_drill_to_foot(const Frame& f, const model::RollcallState& rc, Rect body) {
  const model::RollcallState* drill = rc.started.drill ? nullptr : f.situation->open_rollcall(true);
  if (!drill) return body;
  float h = f.fonts->body->FontSize * 1.45f;
  demoted_drill_line(f, *drill, Rect{body.x, body.bottom() - h, body.w, h});
  body.h -= h + f.unit * 0.3f;
  return body;
}

// Drill or actual, and the elapsed time, first: the two facts that frame the figures.
// Returns the y below the line.
float draw_kind_and_elapsed(const Frame& f, const model::RollcallState& rc, RollcallKindColors kind,
                            const Rect& body, float y) {
  ImFont* hf = f.fonts->heading;
  float x = body.x;
  x += chip(f, hf, {x, y}, kind.bg, kind.fg, rc.started.drill ? words::kDrill : words::kActual) +
       f.unit * 0.5f;
  if (!rc.open())
    x += chip(f, hf, {x, y}, color::kGrey, color::kText, words::kClosed) + f.unit * 0.5f;
  char el[64], et[32];
  format_elapsed(et, sizeof et,
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     rc.closed_at.value_or(f.now) - rc.started_at));
  std::snprintf(el, sizeof el, "%s %s", words::kElapsed.data(), et);
  text(f, hf, {x, y + hf->FontSize * 0.1f}, color::kText, el);
  return y + hf->FontSize * 1.5f;
}

// The response rate, as big as the clock, with the answered count under it and the curve
// beside it. Returns the y below.
float draw_response_rate(const Frame& f, const model::RollcallState& rc, const Rect& body,
                         float y) {
  const auto& t = rc.total;
  int pct =
      t.in_scope
          ? static_cast<int>(
                100.0 * static_cast<double>(t.answered) / static_cast<double>(t.in_scope) + 0.5)
          : 0;
  char rate[16];
  std::snprintf(rate, sizeof rate, "%d%%", pct);
  ImFont* big = f.fonts->huge;
  ImFont* bf = f.fonts->body;
  float rw = text(f, big, {body.x, y}, color::kText, rate);
  char cnt[64];
  std::snprintf(cnt, sizeof cnt, "%s %zu/%zu", words::kAnswered.data(), t.answered, t.in_scope);
  text(f, bf, {body.x, y + big->FontSize * 1.0f}, color::kDim, cnt);
  float sx = body.x + std::max(rw, text_width(bf, cnt)) + f.unit;
  if (body.right() - sx > f.unit * 3) {
    sparkline(f, rc, Rect{sx, y + big->FontSize * 0.15f, body.right() - sx, big->FontSize * 1.0f});
  }
  return y + big->FontSize * 1.0f + bf->FontSize * 1.5f;
}

// The bot's distribution (LINE WORKS), once any send of it was folded: "配信 N/M" with N =
// people whose question was sent and M = people in scope the bot can reach (a
// `lineworks_user` in the wall's town config), in the heading size while it runs and
// smaller as "配信済 M/M" once everyone reachable has it; "送信失敗 K" beside it for the
// people whose question was given up and never sent. Counts only: no allocation per frame.
// Returns the y below the line (unchanged when there is nothing to say).
float draw_distribution(const Frame& f, const model::RollcallState& rc, const Rect& body, float y) {
  if (rc.delivery.empty()) return y;
  const auto& reachable = f.settings->lineworks_staff;
  std::size_t can_reach = 0;
  for (const auto& id : rc.scope) {
    can_reach += std::binary_search(reachable.begin(), reachable.end(), id) ? 1 : 0;
  }
  std::size_t gave_up = 0;
  for (const auto& [id, d] : rc.delivery) gave_up += !d.messaged_at && !d.failures.empty();
  const bool all_sent = can_reach > 0 && rc.messaged >= can_reach;
  ImFont* font = all_sent ? f.fonts->body : f.fonts->heading;
  char line[64];
  if (can_reach > 0) {
    std::snprintf(line, sizeof line, "%s %zu/%zu",
                  (all_sent ? words::kDistributed : words::kDistributing).data(),
                  all_sent ? can_reach : rc.messaged, can_reach);
  } else {
    // A wall without the town config does not know who is reachable: the count alone.
    std::snprintf(line, sizeof line, "%s %zu", words::kDistributing.data(), rc.messaged);
  }
  float x = body.x;
  x += text(f, font, {x, y}, all_sent ? color::kDim : color::kText, line) + f.unit;
  if (gave_up > 0) {
    char failed[64];
    std::snprintf(failed, sizeof failed, "%s %zu", words::kSendFailed.data(), gave_up);
    chip(f, font, {x, y}, color::kVermillion, color::kText, failed);
  }
  return y + font->FontSize * 1.5f;
}

// Safety and can-work counts, one row of chips each: colour plus label plus number. A chip
// that would not fit ends its row. Returns the y below both rows.
float draw_answer_chips(const Frame& f, const model::RollcallCounts& t, const Rect& body, float y) {
  ImFont* bf = f.fonts->body;
  float x = body.x;
  char buf[64];
  for (int i = 0; i < 4; ++i) {
    auto sf = static_cast<model::Safety>(i);
    std::snprintf(buf, sizeof buf, "%s %zu", label(sf).data(), t.by_safety[i]);
    ImU32 fg = sf == model::Safety::needs_help ? color::kText : color::kBlack;
    float w = text_width(bf, buf) + bf->FontSize * 0.6f;
    if (x + w > body.right()) break;
    x += chip(f, bf, {x, y}, safety_color(sf), fg, buf) + f.unit * 0.4f;
  }
  y += bf->FontSize * 1.5f;
  x = body.x;
  for (int i = 0; i < 4; ++i) {
    auto cw = static_cast<model::CanWork>(i);
    std::snprintf(buf, sizeof buf, "%s %zu", label(cw).data(), t.by_can_work[i]);
    float w = text_width(bf, buf) + bf->FontSize * 0.6f;
    if (x + w > body.right()) break;
    x += chip(f, bf, {x, y}, color::kRule, color::kText, buf) + f.unit * 0.4f;
  }
  return y + bf->FontSize * 1.7f;
}

std::size_t count_not_answered(const model::RollcallState& rc) {
  std::size_t missing = 0;
  for (const auto& id : rc.scope) missing += rc.latest.count(id) ? 0 : 1;
  return missing;
}

// One line of the not-answered names; the department bars reserve room in the same unit.
float name_line_height(const ImFont* bf) { return bf->FontSize * 1.25f; }

// The columns of a department row, the same for every row of the panel.
struct DepartmentColumns {
  float name_w, num_w, bar_h;
};

// One department: its name, a bar of answered over in scope, and the figures at the right.
void draw_department_row(const Frame& f, std::string_view name, const model::RollcallCounts& c,
                         const DepartmentColumns& col, const Rect& body, float y) {
  ImFont* bf = f.fonts->body;
  text_fit(f, bf, {body.x, y}, color::kText, name, col.name_w - f.unit * 0.3f);
  float bx = body.x + col.name_w;
  float bw = body.w - col.name_w - col.num_w - f.unit * 0.5f;
  float by = y + (bf->FontSize * 1.2f - col.bar_h) * 0.5f;
  f.dl->AddRectFilled({bx, by}, {bx + bw, by + col.bar_h}, color::kRule);
  if (c.in_scope) {
    float fw = bw * static_cast<float>(c.answered) / static_cast<float>(c.in_scope);
    f.dl->AddRectFilled({bx, by}, {bx + fw, by + col.bar_h}, color::kSkyBlue);
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%zu/%zu", c.answered, c.in_scope);
  text(f, bf, {body.right() - text_width(bf, buf), y}, color::kText, buf);
}

// Not-yet-answered names keep at least four rows; department bars get the rest and page
// like the names when there are more departments than rows. Returns the y below them.
float draw_department_bars(const Frame& f, const model::RollcallState& rc, std::size_t missing,
                           const Rect& body, float y) {
  ImFont* bf = f.fonts->body;
  float line = name_line_height(bf);
  float dline = bf->FontSize * 1.3f;
  float names_min = missing > 0 ? line * 5 : line * 1.5f;
  float avail = body.bottom() - y - names_min - f.unit * 0.3f;
  std::size_t ndept = rc.by_department.size();
  std::size_t drows = avail > dline ? std::min(ndept, static_cast<std::size_t>(avail / dline)) : 0;
  PageSlice dps =
      page_slice(ndept, std::max<std::size_t>(1, drows), f.mono, f.settings->list_page_seconds);
  const DepartmentColumns col{body.w * 0.32f, text_width(bf, "000/000"), bf->FontSize * 0.8f};
  std::size_t di = 0;
  for (const auto& [dept_id, c] : rc.by_department) {
    if (drows == 0) break;
    if (di++ < dps.first) continue;
    if (di > dps.first + dps.count) break;
    const auto* d = f.situation->directory.find_department(dept_id);
    draw_department_row(f, d ? std::string_view(d->name) : std::string_view(dept_id), c, col, body,
                        y);
    y += dline;
  }
  return y + f.unit * 0.3f;
}

// "未回答 N人", and which page of the names shows when they take more than one.
void draw_not_answered_heading(const Frame& f, std::size_t missing, const PageSlice& ps,
                               const Rect& body, float y) {
  char head[96];
  int n = std::snprintf(head, sizeof head, "%s %zu%s", words::kNotAnswered.data(), missing,
                        words::kPeople.data());
  if (ps.pages > 1 && n > 0) {
    std::snprintf(head + n, sizeof head - n, "  (%zu/%zu)", ps.page + 1, ps.pages);
  }
  text(f, f.fonts->body, {body.x, y}, color::kOrange, head);
}

// This page's not-answered names, down each column and then across.
void draw_not_answered_names(const Frame& f, const model::RollcallState& rc, const PageSlice& ps,
                             std::size_t rows, std::size_t cols, const Rect& body, float y) {
  ImFont* bf = f.fonts->body;
  float line = name_line_height(bf);
  float cell_w = body.w / static_cast<float>(cols);
  std::size_t idx = 0, shown = 0;
  for (const auto& id : rc.scope) {
    if (rc.latest.count(id)) continue;
    if (idx++ < ps.first) continue;
    if (shown >= ps.count) break;
    const auto* p = f.situation->directory.find_staff(id);
    float cx = body.x + static_cast<float>(shown / rows) * cell_w;
    float cy = y + static_cast<float>(shown % rows) * line;
    text_fit(f, bf, {cx, cy}, color::kText, p ? std::string_view(p->name) : std::string_view(id),
             cell_w - f.unit * 0.4f);
    ++shown;
  }
}

// Not yet answered: names in columns, paged automatically so each gets its turn; or, once
// everyone has answered, saying so.
void draw_not_answered(const Frame& f, const model::RollcallState& rc, std::size_t missing,
                       const Rect& body, float y) {
  ImFont* bf = f.fonts->body;
  float line = name_line_height(bf);
  float cell_w = bf->FontSize * 6.5f;
  std::size_t cols = std::max<std::size_t>(1, static_cast<std::size_t>(body.w / cell_w));
  std::size_t rows = body.bottom() - y > line * 2
                         ? static_cast<std::size_t>((body.bottom() - y - line) / line)
                         : 0;
  if (rows == 0) return;
  if (missing == 0) {
    text(f, f.fonts->heading, {body.x, y}, color::kGreen, words::kAllAnswered);
    return;
  }
  PageSlice ps = page_slice(missing, rows * cols, f.mono, f.settings->list_page_seconds);
  draw_not_answered_heading(f, missing, ps, body, y);
  draw_not_answered_names(f, rc, ps, rows, cols, body, y + line);
}

}  // namespace

void draw_rollcall(const Frame& f, const Rect& r, const PanelSpec& /*spec*/) {
  const model::RollcallState* rc = pick(*f.situation);
  if (!rc) {
    Rect body = panel_frame(f, r, words::kRollcall);
    text(f, f.fonts->body, tl(body), color::kDim, words::kNoRollcall);
    return;
  }
  const RollcallKindColors kind = rollcall_kind_colors(f, *rc);
  Rect body = rollcall_panel_frame(f, r, *rc, kind.bg);
  // The clip is the whole body: the demoted drill line at its foot is inside it too.
  f.dl->PushClipRect(tl(body), br(body), true);
  body = demote_open_drill_to_foot(f, *rc, body);
  float y = body.y;
  y = draw_kind_and_elapsed(f, *rc, kind, body, y);
  y = draw_response_rate(f, *rc, body, y);
  y = draw_distribution(f, *rc, body, y);
  y = draw_answer_chips(f, rc->total, body, y);
  const std::size_t missing = count_not_answered(*rc);
  y = draw_department_bars(f, *rc, missing, body, y);
  draw_not_answered(f, *rc, missing, body, y);
  f.dl->PopClipRect();
}

}  // namespace bcp::display
