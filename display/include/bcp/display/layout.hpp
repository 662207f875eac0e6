// A wall's layout document: pages of rows of panels with proportions, and the pure maths
// that turns it into screen rectangles (tested without SDL).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bcp::display {

enum class PanelKind { header, alerts, talk, rollcall, staff, photos };
std::optional<PanelKind> panel_kind_from_string(std::string_view name);
std::string_view to_string(PanelKind kind);

struct PanelSpec {
  PanelKind kind = PanelKind::header;
  float width = 1.0f;                                 // share of the row, normalised
  nlohmann::json options = nlohmann::json::object();  // panel-specific ("groups", "mode")
};
struct RowSpec {
  float height = 1.0f;  // share of the page, normalised
  std::vector<PanelSpec> panels;
};
struct PageSpec {
  std::vector<RowSpec> rows;
};
struct Layout {
  std::vector<PageSpec> pages;
  double rotate_seconds = 0;  // 0 = no rotation
};

struct LayoutParse {
  Layout layout;
  std::vector<std::string> warnings;  // what was ignored or repaired, for the log
};

// Tolerant: missing or non-positive shares are split evenly from what is left, shares that
// do not sum to 1 are scaled, unknown panels are dropped with a warning, and a document
// that yields no panel at all gives default_layout(). Accepts {"pages":[...]}, a single
// page {"rows":[...]}, or a bare array of pages.
LayoutParse parse_layout(const nlohmann::json& doc);
// Everything on one page: header, then alerts | talk | roll call + staff.
Layout default_layout();

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
  bool operator==(const Rect&) const = default;
};

struct PanelPlacement {
  const PanelSpec* panel = nullptr;
  Rect rect;
};

// Rectangles of one page's panels inside `area`, `gap` pixels between neighbours. Rows and
// panels get their normalised shares of what is left after the gaps; edges are rounded to
// whole pixels so neighbours never overlap or leave a seam.
std::vector<PanelPlacement> place_panels(const PageSpec& page, Rect area, float gap);

// Which page shows: rotates every rotate_seconds unless paused; next/previous move by hand
// and restart the dwell time.
class PageRotation {
 public:
  void reset(std::size_t pages, double rotate_seconds, double now);
  void tick(double now);
  void next(double now);
  void previous(double now);
  void toggle_pause(double now);
  bool paused() const { return paused_; }
  std::size_t page() const { return page_; }
  // Seconds (monotonic) when the page changes next; nullopt when it never does by itself.
  std::optional<double> next_change() const;

 private:
  std::size_t pages_ = 1;
  std::size_t page_ = 0;
  double rotate_seconds_ = 0;
  double since_ = 0;
  bool paused_ = false;
};

}  // namespace bcp::display
