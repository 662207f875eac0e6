// The regional wall (issue 18): every town of a region side by side — roll-call progress and
// pending count, active alerts (drills marked 訓練), available staff, the age of each town's
// data and its link (LIVE / STALE / LOST). Fed by the regional daemon's GET /v1/region.
// Three towns get one big card each (readable at 5 m); up to 8 share a 4×2 grid; more get a
// dense 6×5 grid, paged when there are more than 30.
#pragma once

#include <imgui.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bcp/display/fonts.hpp"
#include "bcp/model/events.hpp"

namespace bcp::display {

enum class TownLink { live, stale, lost };

struct RegionAlert {
  std::string title;
  model::Severity severity = model::Severity::advisory;
  bool drill = false;
};

struct RegionRollcall {
  std::string title;
  bool drill = false;
  bool open = true;
  long long in_scope = 0, answered = 0, pending = 0;
};

struct TownCard {
  std::string id, name;
  long long seq = 0;
  TownLink link = TownLink::lost;
  std::optional<double> data_age_seconds;
  std::optional<RegionRollcall> rollcall;
  std::vector<RegionAlert> alerts;
  long long staff = 0, available = 0, en_route = 0;
};

struct RegionView {
  std::string name;
  std::vector<TownCard> towns;
  int utc_offset_minutes = 540;
};

// GET /v1/region's answer, read defensively (it crosses the network): a town or field of the
// wrong type is skipped or defaulted, never thrown on. nullopt with `error` when the document
// is not an object with a "towns" array.
std::optional<RegionView> region_from_json(const nlohmann::json& doc, std::string& error);

// Registers every character the region view shows (names, titles, the wall's own words).
void add_region_text(GlyphAtlas& atlas, const RegionView& view);

// How the wall is fed: its own link to the regional daemon.
struct RegionFeed {
  bool connected = false;           // the last request was answered
  std::optional<double> silence_s;  // since the last answer (none yet: nullopt)
  std::string detail;               // why not connected
};

// How many towns a page shows and in which grid, for `count` towns.
struct RegionGrid {
  int columns = 3, rows = 1;
  bool dense = false;
  int per_page() const { return columns * rows; }
};
RegionGrid region_grid(std::size_t count);

// One frame of the regional wall into `dl`, `page` chosen by the caller (0-based; clamped).
void draw_region(ImDrawList* dl, const Fonts& fonts, const RegionView& view, const RegionFeed& feed,
                 float width, float height, model::TimePoint now, int page);
int region_pages(const RegionView& view);

struct Image;
// One headless frame of the regional wall, for tests and documentation pictures.
bool render_region_image(const RegionView& view, const RegionFeed& feed, int width, int height,
                         model::TimePoint now, int page, Image& out, std::string* error);

}  // namespace bcp::display
