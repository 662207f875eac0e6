#include "bcp/display/layout.hpp"

#include <algorithm>
#include <cmath>

namespace bcp::display {
namespace {

constexpr std::string_view kPanelNames[] = {"header", "alerts", "talk", "rollcall", "staff", "photos"};

// Shares: non-positive or missing ones split what the given ones leave (or an even share
// when the given ones already exceed 1); the result is scaled to sum to 1.
std::vector<float> normalise(const std::vector<std::optional<float>>& given) {
  std::vector<float> out(given.size(), 0.0f);
  float sum = 0;
  std::size_t missing = 0;
  for (const auto& g : given) {
    if (g && *g > 0) {
      sum += *g;
    } else {
      ++missing;
    }
  }
  float fill = 0;
  if (missing > 0) {
    fill = sum < 1.0f ? (1.0f - sum) / static_cast<float>(missing)
                      : (sum > 0 ? sum / static_cast<float>(given.size() - missing) : 1.0f);
  }
  float total = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    out[i] = (given[i] && *given[i] > 0) ? *given[i] : fill;
    total += out[i];
  }
  if (total > 0) {
    for (float& v : out) v /= total;
  }
  return out;
}

std::optional<float> share(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_number()) return std::nullopt;
  double v = obj[key].get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return static_cast<float>(v);
}

std::optional<PageSpec> parse_page(const nlohmann::json& page, const std::string& where,
                                   std::vector<std::string>& warnings) {
  const nlohmann::json* rows = nullptr;
  if (page.is_object() && page.contains("rows") && page["rows"].is_array()) {
    rows = &page["rows"];
  } else {
    warnings.push_back(where + ": no \"rows\" array, page ignored");
    return std::nullopt;
  }
  PageSpec out;
  std::vector<std::optional<float>> heights;
  for (std::size_t r = 0; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    std::string rw = where + "/rows/" + std::to_string(r);
    const nlohmann::json* panels = nullptr;
    if (row.is_object() && row.contains("panels") && row["panels"].is_array()) {
      panels = &row["panels"];
    } else {
      warnings.push_back(rw + ": no \"panels\" array, row ignored");
      continue;
    }
    RowSpec spec;
    std::vector<std::optional<float>> widths;
    for (std::size_t p = 0; p < panels->size(); ++p) {
      const auto& panel = (*panels)[p];
      std::string pw = rw + "/panels/" + std::to_string(p);
      std::string name;
      if (panel.is_string()) {
        name = panel.get<std::string>();
      } else if (panel.is_object() && panel.contains("panel") && panel["panel"].is_string()) {
        name = panel["panel"].get<std::string>();
      }
      auto kind = panel_kind_from_string(name);
      if (!kind) {
        warnings.push_back(pw + ": unknown panel \"" + name + "\", ignored");
        continue;
      }
      PanelSpec ps;
      ps.kind = *kind;
      if (panel.is_object()) {
        ps.options = panel;
      }
      widths.push_back(share(panel, "width"));
      spec.panels.push_back(std::move(ps));
    }
    if (spec.panels.empty()) {
      warnings.push_back(rw + ": no known panel, row ignored");
      continue;
    }
    auto w = normalise(widths);
    for (std::size_t i = 0; i < w.size(); ++i) spec.panels[i].width = w[i];
    heights.push_back(share(row, "height"));
    out.rows.push_back(std::move(spec));
  }
  if (out.rows.empty()) return std::nullopt;
  auto h = normalise(heights);
  for (std::size_t i = 0; i < h.size(); ++i) out.rows[i].height = h[i];
  return out;
}

}  // namespace

std::optional<PanelKind> panel_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kPanelNames); ++i) {
    if (kPanelNames[i] == name) return static_cast<PanelKind>(i);
  }
  return std::nullopt;
}

std::string_view to_string(PanelKind kind) { return kPanelNames[static_cast<int>(kind)]; }

LayoutParse parse_layout(const nlohmann::json& doc) {
  LayoutParse out;
  const nlohmann::json* pages = nullptr;
  nlohmann::json single;
  if (doc.is_array()) {
    pages = &doc;
  } else if (doc.is_object() && doc.contains("pages") && doc["pages"].is_array()) {
    pages = &doc["pages"];
  } else if (doc.is_object() && doc.contains("rows")) {
    single = nlohmann::json::array({doc});
    pages = &single;
  }
  if (doc.is_object()) {
    auto rot = share(doc, "rotate_seconds");
    if (rot && *rot > 0) out.layout.rotate_seconds = *rot;
  }
  if (pages) {
    for (std::size_t i = 0; i < pages->size(); ++i) {
      auto page = parse_page((*pages)[i], "/pages/" + std::to_string(i), out.warnings);
      if (page) out.layout.pages.push_back(std::move(*page));
    }
  } else if (!doc.is_null()) {
    out.warnings.push_back("layout has no \"pages\" array");
  }
  if (out.layout.pages.empty()) {
    out.warnings.push_back("layout has no usable page, using the default layout");
    double rot = out.layout.rotate_seconds;
    out.layout = default_layout();
    out.layout.rotate_seconds = rot;
  }
  return out;
}

Layout default_layout() {
  Layout l;
  PageSpec page;
  page.rows.push_back({0.12f, {{PanelKind::header, 1.0f, nlohmann::json::object()}}});
  page.rows.push_back({0.88f,
                       {{PanelKind::alerts, 0.28f, nlohmann::json::object()},
                        {PanelKind::talk, 0.40f, nlohmann::json::object()},
                        {PanelKind::rollcall, 0.32f, nlohmann::json::object()}}});
  l.pages.push_back(std::move(page));
  PageSpec second;
  second.rows.push_back({0.12f, {{PanelKind::header, 1.0f, nlohmann::json::object()}}});
  second.rows.push_back({0.88f,
                         {{PanelKind::staff, 0.6f, nlohmann::json::object()},
                          {PanelKind::rollcall, 0.4f, nlohmann::json::object()}}});
  l.pages.push_back(std::move(second));
  l.rotate_seconds = 30;
  return l;
}

std::vector<PanelPlacement> place_panels(const PageSpec& page, Rect area, float gap) {
  std::vector<PanelPlacement> out;
  if (page.rows.empty()) return out;
  float rows_h = std::max(0.0f, area.h - gap * static_cast<float>(page.rows.size() - 1));
  float acc = 0;
  float y0 = area.y;
  for (std::size_t r = 0; r < page.rows.size(); ++r) {
    const RowSpec& row = page.rows[r];
    acc += row.height;
    float y1 = (r + 1 == page.rows.size())
                   ? area.bottom()
                   : std::round(area.y + rows_h * acc + gap * static_cast<float>(r));
    float cols_w = std::max(0.0f, area.w - gap * static_cast<float>(row.panels.size() - 1));
    float wacc = 0;
    float x0 = area.x;
    for (std::size_t p = 0; p < row.panels.size(); ++p) {
      wacc += row.panels[p].width;
      float x1 = (p + 1 == row.panels.size())
                     ? area.right()
                     : std::round(area.x + cols_w * wacc + gap * static_cast<float>(p));
      out.push_back(
          {&row.panels[p], Rect{x0, y0, std::max(0.0f, x1 - x0), std::max(0.0f, y1 - y0)}});
      x0 = x1 + gap;
    }
    y0 = y1 + gap;
  }
  return out;
}

void PageRotation::reset(std::size_t pages, double rotate_seconds, double now) {
  pages_ = std::max<std::size_t>(1, pages);
  page_ = 0;
  rotate_seconds_ = rotate_seconds;
  since_ = now;
  paused_ = false;
}

void PageRotation::tick(double now) {
  if (paused_ || rotate_seconds_ <= 0 || pages_ <= 1) return;
  while (now - since_ >= rotate_seconds_) {
    page_ = (page_ + 1) % pages_;
    since_ += rotate_seconds_;
  }
}

void PageRotation::next(double now) {
  page_ = (page_ + 1) % pages_;
  since_ = now;
}

void PageRotation::previous(double now) {
  page_ = (page_ + pages_ - 1) % pages_;
  since_ = now;
}

void PageRotation::toggle_pause(double now) {
  paused_ = !paused_;
  since_ = now;
}

std::optional<double> PageRotation::next_change() const {
  if (paused_ || rotate_seconds_ <= 0 || pages_ <= 1) return std::nullopt;
  return since_ + rotate_seconds_;
}

}  // namespace bcp::display
