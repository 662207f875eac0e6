// One frame of the wall: the whole picture as a function of the situation, the feed's
// health, local operator state and the clock. The SDL/ImGui plumbing is in screen.hpp.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bcp/display/fonts.hpp"
#include "bcp/display/layout.hpp"
#include "bcp/display/staleness.hpp"
#include "bcp/model/situation.hpp"

struct ImDrawList;

namespace bcp::display {

struct ReplayStatus;  // replay_session.hpp
struct HidePick;      // controls.hpp
class PhotoCache;     // photo_cache.hpp

// The config's "display" section (all optional), plus command-line overrides.
struct WallSettings {
  StalenessThresholds staleness;            // "stale_after_seconds", "lost_after_seconds"
  double flash_seconds = 60;                // "flash_seconds": new warning/critical alerts flash
  double list_page_seconds = 8;             // "list_page_seconds": paging of long name lists
  float text_scale = 1.0f;                  // "text_scale": >= 1 keeps body text >= height/40
  std::vector<std::string> keywords;        // "highlight_keywords": talk messages to mark
  bool chime = true;                        // "chime"
  double chime_repeat_seconds = 20;         // "chime_repeat_seconds": until acknowledged
  float pixel_shift = 1.0f / 540;           // "pixel_shift_fraction": amplitude, share of height
  double pixel_shift_period_seconds = 600;  // "pixel_shift_period_seconds"
  std::string clock_format = "%H:%M:%S";    // "clock_format": strftime, town time
  double drill_stopped_seconds = 600;       // "drill_stopped_seconds": the 訓練中止 band
  double photo_cache_mib = 0;  // "photo_cache_mib": decoded photos' budget, 0 = by screen size
  // Not from "display": the sources the town's daemon watches (TownConfig::watched_sources),
  // listed in the header as 正常 until the journal says otherwise.
  std::vector<std::string> watched_sources;
  // Not from "display" either: the roster's staff with a `lineworks_user`, sorted, whom the
  // bot can reach (the M of the roll-call panel's 配信 N/M). Empty without a town config.
  std::vector<std::string> lineworks_staff;
};
WallSettings settings_from_json(const nlohmann::json& display, std::vector<std::string>* warnings);

// Per-frame facts that are not in the Situation.
struct WallView {
  FeedHealth health = FeedHealth::connecting;
  std::optional<double> silence_seconds;
  std::optional<model::TimePoint> data_as_of;
  std::string detail;    // connection detail for the full-screen panels
  std::string feed_url;  // shown while connecting
  std::size_t page = 0;
  std::size_t pages = 1;
  bool paused = false;
  bool muted = false;
  bool quit_confirm = false;
  const std::set<std::string>* acked_locally = nullptr;  // alert ids acknowledged here
  float shift_x = 0, shift_y = 0;                        // burn-in protection offset, pixels
  const ReplayStatus* replay = nullptr;  // set while replaying a journal (the REPLAY band)
  const HidePick* hide_pick = nullptr;   // the H key's list while it is open (controls.hpp)
  bool hide_can_send = false;            // this PC holds an operator token
  std::string hide_status;               // the last hide request's outcome, shown a while
  // The talk's photos, loaded off the UI thread (photo_cache.hpp); without it (a snapshot, a
  // test) every photo is its [写真] marker.
  PhotoCache* photos = nullptr;
};

// The band across the top (DESIGN.md "Drill and actual on one wall"), most serious first:
// the red actual band while any actual warning/critical alert or actual roll call is active,
// whatever drill items also show; the yellow 訓練 band with drill items only; the grey
// 訓練中止 band for drill_stopped_seconds after POST /v1/drill/stop; else none.
enum class TopBand { none, actual, drill, drill_stopped };
TopBand top_band(const model::Situation& s, model::TimePoint now, const WallSettings& settings);

// Where the fixed parts go: the top band (top_band), the stale/lost banner at the bottom
// when the feed is not live, the page's panels between.
struct WallRegions {
  std::optional<Rect> top_band;
  std::optional<Rect> status_banner;
  Rect content;
  std::vector<PanelPlacement> panels;
};
WallRegions wall_regions(const Layout& layout, std::size_t page, float width, float height,
                         bool top_band, bool banner, float text_scale = 1.0f);

// Draws the whole wall into `dl` (a background draw list of a width x height display).
void draw_wall(ImDrawList* dl, const Fonts& fonts, const model::Situation& s, const WallView& v,
               const WallSettings& settings, const Layout& layout, float width, float height,
               model::TimePoint now, double mono_seconds);

// Whether an alert flashes now: warning or critical, raised less than flash_seconds ago,
// acknowledged neither centrally nor on this wall.
bool alert_flashing(const model::AlertState& a, const WallSettings& st,
                    const std::set<std::string>* acked_locally, model::TimePoint now);

}  // namespace bcp::display
