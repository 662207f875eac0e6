#include <algorithm>
#include <array>

#include "bcp/display/labels.hpp"
#include "bcp/display/paging.hpp"
#include "panels.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

constexpr int kStatuses = static_cast<int>(model::Availability::unknown) + 1;
static_assert(kStatuses <= std::tuple_size_v<decltype(model::DepartmentAvailability::by_status)>);

}  // namespace

void draw_staff(const Frame& f, const Rect& r, const PanelSpec& /*spec*/) {
  const auto& s = *f.situation;
  const auto& dir = s.directory;
  // The model's own count (check-in during an actual roll call > manual > calendar), so the
  // wall, bcpctl and the report agree on who is available.
  const model::AvailabilityOverview overview = s.availability_overview(f.now);
  char title[96];
  std::snprintf(title, sizeof title, "%s  %s %zu/%zu%s", words::kStaff.data(),
                words::kAvailable.data(), overview.total.available.size(), overview.total.staff,
                words::kPeople.data());
  Rect body = panel_frame(f, r, title);
  f.dl->PushClipRect(tl(body), br(body), true);
  ImFont* bf = f.fonts->body;
  float line = bf->FontSize * 1.3f;
  float y = body.y;

  // One summary row per department: stacked bar of statuses plus "対応可 n/m" in text.
  float name_w = body.w * 0.26f;
  float num_w = text_width(bf, "対応可 000/000");
  for (const auto& d : overview.departments) {
    const auto& by = d.by_status;
    std::size_t n = d.staff, avail = d.available.size();
    if (n == 0) continue;
    if (y + line > body.y + body.h * 0.45f) break;
    const auto* dept = dir.find_department(d.department);
    text_fit(f, bf, {body.x, y}, color::kText,
             dept ? std::string_view(dept->name) : std::string_view(d.department),
             name_w - f.unit * 0.3f);
    float bx = body.x + name_w, bw = body.w - name_w - num_w - f.unit * 0.6f;
    float bh = bf->FontSize * 0.8f, by0 = y + (bf->FontSize * 1.2f - bh) * 0.5f;
    float x = bx;
    for (int i = 0; i < kStatuses; ++i) {
      if (!by[i]) continue;
      float w = bw * static_cast<float>(by[i]) / static_cast<float>(n);
      f.dl->AddRectFilled({x, by0}, {x + w, by0 + bh},
                          availability_color(static_cast<model::Availability>(i)));
      x += w;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s %zu/%zu", words::kAvailable.data(), avail, n);
    text(f, bf, {body.right() - text_width(bf, buf), y}, color::kText, buf);
    y += line;
  }
  y += f.unit * 0.4f;
  f.dl->AddLine({body.x, y}, {body.right(), y}, color::kRule);
  y += f.unit * 0.4f;

  // Every person: colour swatch + status word + name, department order, paged if needed.
  float cell_w = bf->FontSize * 8.0f;
  std::size_t cols = std::max<std::size_t>(1, static_cast<std::size_t>(body.w / cell_w));
  cell_w = body.w / static_cast<float>(cols);
  std::size_t rows =
      body.bottom() > y + line ? static_cast<std::size_t>((body.bottom() - y) / line) : 0;
  if (rows == 0) {
    f.dl->PopClipRect();
    return;
  }
  PageSlice ps = page_slice(dir.staff.size(), rows * cols, f.mono, f.settings->list_page_seconds);
  std::size_t idx = 0, shown = 0;
  for (const auto& d : dir.departments) {
    for (const auto& p : dir.staff) {
      if (p.department != d.id) continue;
      if (idx++ < ps.first) continue;
      if (shown >= ps.count) break;
      auto a = s.availability_at(p.id, f.now);
      float cx = body.x + static_cast<float>(shown % cols) * cell_w;
      float cy = y + static_cast<float>(shown / cols) * line;
      std::string_view word = label(a);
      ImU32 bg = availability_color(a);
      ImU32 fg = (a == model::Availability::meeting || a == model::Availability::trip ||
                  a == model::Availability::unknown || a == model::Availability::leave ||
                  a == model::Availability::off_duty)
                     ? color::kText
                     : color::kBlack;
      float cw = chip(f, bf, {cx, cy}, bg, fg, word);
      text_fit(f, bf, {cx + cw + f.unit * 0.3f, cy + bf->FontSize * 0.1f},
               model::counts_as_available(a) ? color::kText : color::kDim, p.name,
               cell_w - cw - f.unit * 0.7f);
      ++shown;
    }
  }
  if (ps.pages > 1) {
    char pg[32];
    std::snprintf(pg, sizeof pg, "%zu/%zu", ps.page + 1, ps.pages);
    text(f, bf, {body.right() - text_width(bf, pg), body.bottom() - bf->FontSize}, color::kDim, pg);
  }
  f.dl->PopClipRect();
}

}  // namespace bcp::display
