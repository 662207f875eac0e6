// Issue 13 on the wall, in pixels: with drill content only the yellow 訓練 band; as soon as
// an actual warning/critical alert or an actual roll call is active, the red actual band in
// its place, the actual alert's card first (marked 実災害) and the drill's demoted to grey
// lines below it; a JMA bulletin that auto-starts an actual roll call during a drill puts
// that roll call in the panel with the drill's demoted at its foot; after POST
// /v1/drill/stop the grey 訓練中止 band. Headless renders, probed where the layout maths says.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "daemon_fixture.hpp"

namespace bcp::display {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;
using nlohmann::json;

constexpr std::uint32_t kYellow = 0xF0E442FF;  // the 訓練 band, drill chips (and advisories)
constexpr std::uint32_t kActualRed = 0xCC0000FF;
constexpr std::uint32_t kVermillion = 0xD55E00FF;  // critical
constexpr std::uint32_t kDemoted = 0x4A525EFF;
constexpr std::uint32_t kGrey = 0x6B7582FF;
constexpr std::uint32_t kWhite = 0xF2F4F7FF;

model::TimePoint test_now() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5} + minutes{12});
}

// One instance for the whole suite: wall_regions' placements point into it.
const Layout& main_layout() {
  static const Layout layout = [] {
    std::ifstream in(fs::path(BCP_SOURCE_DIR) / "config/sample-town/layouts/main.json");
    return parse_layout(json::parse(in)).layout;
  }();
  return layout;
}

std::string out_dir() {
  std::string d = std::string(BCP_BINARY_DIR) + "/test-output/display";
  fs::create_directories(d);
  return d;
}

Image render(const model::Situation& s, model::TimePoint now, const char* png, int w = 1920,
             int h = 1080) {
  WallView v;
  v.health = FeedHealth::live;
  v.silence_seconds = 0.4;
  v.data_as_of = now;
  Image img;
  std::string error;
  EXPECT_TRUE(render_image(s, v, WallSettings{}, main_layout(), w, h, now, 0.25, img, &error))
      << error;
  write_png(out_dir() + "/" + png, img);
  return img;
}

const Rect& panel_rect(const WallRegions& reg, PanelKind kind) {
  for (const auto& p : reg.panels) {
    if (p.panel->kind == kind) return p.rect;
  }
  throw std::runtime_error("panel not in the layout");
}

std::size_t count(const Image& img, const Rect& r, std::uint32_t colour) {
  std::size_t n = 0;
  for (int y = int(r.y); y < int(r.bottom()); ++y)
    for (int x = int(r.x); x < int(r.right()); ++x) n += img.pixel(x, y) == colour;
  return n;
}

// The colours down one column, without repeats: the order in which things are stacked.
std::vector<std::uint32_t> runs_down(const Image& img, int x, int y0, int y1) {
  std::vector<std::uint32_t> out;
  for (int y = y0; y < y1; ++y) {
    std::uint32_t c = img.pixel(x, y);
    if (out.empty() || out.back() != c) out.push_back(c);
  }
  return out;
}

std::ptrdiff_t first_index(const std::vector<std::uint32_t>& v, std::uint32_t c) {
  auto it = std::find(v.begin(), v.end(), c);
  return it == v.end() ? -1 : it - v.begin();
}

// The demo's drill (drill roll call at 86/120, a drill quake, a drill bear, a drill advisory).
model::Situation drill_situation() { return demo_situation(test_now(), {.drill = true}); }

void raise_actual_quake(model::Situation& s, model::TimePoint at) {
  model::AlertRaised a;
  a.alert = "jma-real-quake";
  a.kind = model::AlertKind::earthquake;
  a.severity = model::Severity::critical;
  a.drill = false;
  a.title = "震度6弱 胆振地方中東部";
  a.body = "震源 胆振地方中東部 深さ37km M6.7。これは訓練ではありません。";
  a.area = "しらかば町全域";
  a.source.kind = model::AlertSourceKind::jma;
  model::Event e;
  e.seq = s.last_seq + 1;
  e.at = at;
  e.body = a;
  ASSERT_TRUE(model::apply(s, e));
}

struct Geometry {
  WallRegions reg = wall_regions(main_layout(), 0, 1920, 1080, true, false);
  float unit = 1080 / 40.0f;
  Rect band() const { return *reg.top_band; }
  // The alerts panel's body: below its title bar, inside its padding (draw.cpp panel_frame).
  Rect alerts_body() const {
    Rect r = panel_rect(reg, PanelKind::alerts);
    float title_h = std::round(1080 / 28.0f) * 1.45f, pad = unit * 0.6f;
    return Rect{r.x + pad, r.y + title_h + pad * 0.6f, r.w - 2 * pad, r.h - title_h - pad * 1.2f};
  }
};

TEST(DrillAndActual, DrillOnlyShowsTheYellowBandAndNothingRed) {
  auto s = drill_situation();
  ASSERT_EQ(top_band(s, test_now(), WallSettings{}), TopBand::drill);
  Image img = render(s, test_now(), "drill-only-1080.png");
  Geometry g;
  const Rect band = g.band();
  EXPECT_EQ(img.pixel(int(band.x + band.h * 4 + 4), int(band.y + 3)), kYellow);
  EXPECT_EQ(img.pixel(img.width / 2, int(band.bottom()) - 2), kYellow);
  EXPECT_EQ(count(img, Rect{0, 0, 1920, 1080}, kActualRed), 0u);
  // Drill alerts keep their cards and their yellow 訓練 chips.
  EXPECT_GT(count(img, g.alerts_body(), kYellow), 100u);
  EXPECT_EQ(count(img, g.alerts_body(), kDemoted), 0u);
}

TEST(DrillAndActual, AnActualAlertDuringTheDrillPutsTheRedBandOnTopAndItsCardFirst) {
  auto s = drill_situation();
  raise_actual_quake(s, test_now() - seconds(30));
  ASSERT_EQ(top_band(s, test_now(), WallSettings{}), TopBand::actual);
  Image img = render(s, test_now(), "drill-interrupted-1080.png");
  Geometry g;
  const Rect band = g.band();
  // Red across the top, white rules along its edges, white words in its middle.
  EXPECT_EQ(img.pixel(10, int(band.y + band.h * 0.5f)), kActualRed);
  EXPECT_EQ(img.pixel(img.width - 10, int(band.y + band.h * 0.5f)), kActualRed);
  EXPECT_EQ(img.pixel(img.width / 2, int(band.y) + 1), kWhite);
  EXPECT_EQ(img.pixel(img.width / 2, int(band.bottom()) - 2), kWhite);
  EXPECT_GT(count(img, Rect{band.w * 0.25f, band.y + band.h * 0.2f, band.w * 0.5f, band.h * 0.6f},
                  kWhite),
            2000u);
  // Nothing yellow is left on the top rows: no 訓練 band, no hazard stripes.
  for (int x = 0; x < img.width; x += 3) ASSERT_NE(img.pixel(x, int(band.y + 3)), kYellow) << x;

  // Alerts: down the severity strip of the first column, the actual critical card comes
  // first, the drill's three follow as grey lines below it.
  const Rect body = g.alerts_body();
  auto runs = runs_down(img, int(body.x + g.unit * 0.12f), int(body.y + 4), int(body.bottom()));
  const auto card = first_index(runs, kVermillion), demoted = first_index(runs, kDemoted);
  ASSERT_GE(card, 0);
  ASSERT_GE(demoted, 0);
  EXPECT_LT(card, demoted);
  // The card says 実災害 in red; no drill chip is yellow any more (grey, still 訓練).
  EXPECT_GT(count(img, Rect{body.x, body.y, body.w, body.h * 0.45f}, kActualRed), 200u);
  EXPECT_EQ(count(img, body, kYellow), 0u);
  EXPECT_GT(count(img, Rect{body.x, body.y + body.h * 0.55f, body.w, body.h * 0.45f}, kDemoted),
            200u);
  // The drill's roll call, the only one, keeps its figures but not its yellow: its accent
  // and its 訓練 chip are demoted grey too.
  const Rect rc = panel_rect(g.reg, PanelKind::rollcall);
  const float title_h = std::round(1080 / 28.0f) * 1.45f;
  EXPECT_EQ(img.pixel(int(rc.x + 2), int(rc.y + title_h * 0.6f)), kDemoted);

  // Expired or cancelled, the real alert gives the screen back to the drill.
  model::Event cancel;
  cancel.seq = s.last_seq + 1;
  cancel.at = test_now();
  cancel.body = model::AlertCancelled{"jma-real-quake", "誤報"};
  ASSERT_TRUE(model::apply(s, cancel));
  EXPECT_EQ(top_band(s, test_now(), WallSettings{}), TopBand::drill);
}

TEST(DrillAndActual, WithoutAnyDrillTheActualBandStillShows) {
  auto s = demo_situation(test_now(), {.drill = false});
  ASSERT_EQ(top_band(s, test_now(), WallSettings{}), TopBand::actual);
  Image img = render(s, test_now(), "actual-only-1080.png");
  Geometry g;
  EXPECT_EQ(img.pixel(10, int(g.band().y + g.band().h * 0.5f)), kActualRed);
  EXPECT_EQ(count(img, g.alerts_body(), kDemoted), 0u);  // nothing to demote
}

TEST(DrillAndActual, AfterTheDrillStopTheGreyStopBandShowsForAWhile) {
  auto s = drill_situation();
  model::Seq seq = s.last_seq;
  auto apply = [&](model::Payload p) {
    model::Event e;
    e.seq = ++seq;
    e.at = test_now() - seconds(90);
    e.body = std::move(p);
    ASSERT_TRUE(model::apply(s, e));
  };
  apply(model::RollcallClosed{"rc-1"});
  for (const char* id : {"a-eq", "a-bear", "a-rain"}) apply(model::AlertCancelled{id, "訓練中止"});
  apply(model::Notice{std::string(model::kDrillStoppedNotice), model::NoticeLevel::warning});
  WallSettings settings;
  ASSERT_EQ(top_band(s, test_now(), settings), TopBand::drill_stopped);
  Image img = render(s, test_now(), "drill-stopped-1080.png");
  Geometry g;
  EXPECT_EQ(img.pixel(10, int(g.band().y + g.band().h * 0.5f)), kGrey);
  EXPECT_GT(count(img, g.band(), kWhite), 1000u);  // 訓練中止 DRILL STOPPED 14:10
  EXPECT_EQ(count(img, g.band(), kYellow), 0u);
  // Ten minutes after the stop (drill_stopped_seconds), the band is gone.
  EXPECT_EQ(top_band(s, test_now() + seconds(511), settings), TopBand::none);
  EXPECT_EQ(top_band(s, test_now() + seconds(509), settings), TopBand::drill_stopped);
}

// The real sequence: a drill roll call is open, then a real JMA bulletin (2008 岩手・宮城内陸
// 地震, 震度6強) auto-starts the actual roll call. The wall shows the actual one.
TEST(DrillAndActual, AJmaBulletinDuringTheDrillPutsTheActualRollcallInThePanel) {
  const fs::path bulletin = fs::path(BCP_TESTDATA_DIR) / "jma" / "32-35_06_03_100915_VXSE53.xml";
  if (!fs::exists(bulletin)) GTEST_SKIP() << bulletin << " is absent (../shared/testdata)";
  config::TownConfig town = daemon::test::sample_town();
  // The bulletin's area and city (岩手県内陸南部, 奥州市) made the town's, as in
  // alerts_wiring_test.
  town.alerts = {{"jma",
                  {{"area_codes", {"213"}},
                   {"city_codes", {"0321500"}},
                   {"thresholds", {{"critical", "5-"}, {"warning", "4"}, {"advisory", "3"}}},
                   {"rollcall_threshold", "5-"}}}};
  daemon::test::TestDaemon d(std::move(town));
  const auto port = d.port();
  auto post = [&](const std::string& target, const std::string& body, const std::string& token,
                  const std::string& type = "application/json") {
    return daemon::test::http_request(
        port, "POST", target, body, {{"Authorization", "Bearer " + token}, {"Content-Type", type}});
  };
  auto drill = post("/v1/rollcalls", R"({"title":"【訓練】地震 安否確認","drill":true})",
                    daemon::test::kOperator);
  ASSERT_EQ(drill.status, 201) << drill.body;
  std::ifstream in(bulletin, std::ios::binary);
  const std::string xml((std::istreambuf_iterator<char>(in)), {});
  auto quake = post("/v1/jma", xml, daemon::test::kIngest, "application/xml");
  ASSERT_EQ(quake.status, 201) << quake.body;
  ASSERT_TRUE(quake.json().contains("rollcall")) << quake.body;
  auto snapshot = daemon::test::http_request(port, "GET", "/v1/snapshot", "",
                                             daemon::test::bearer(daemon::test::kDisplay));
  d.stop();
  ASSERT_EQ(snapshot.status, 200);
  model::Situation s = model::situation_from_json(snapshot.json());
  ASSERT_TRUE(s.open_rollcall(true));
  ASSERT_TRUE(s.open_rollcall(false));
  const model::TimePoint now = s.rollcalls.at(quake.json()["rollcall"]).started_at + minutes(3);
  ASSERT_EQ(top_band(s, now, WallSettings{}), TopBand::actual);

  Image img = render(s, now, "jma-during-drill-1080.png");
  Geometry g;
  EXPECT_EQ(img.pixel(10, int(g.band().y + g.band().h * 0.5f)), kActualRed);
  // The roll-call panel: the actual roll call's red accent on its title bar (a drill's is
  // yellow), the drill's roll call demoted to a grey line at its foot.
  const Rect rc = panel_rect(g.reg, PanelKind::rollcall);
  float title_h = std::round(1080 / 28.0f) * 1.45f, pad = g.unit * 0.6f;
  EXPECT_EQ(img.pixel(int(rc.x + 2), int(rc.y + title_h * 0.6f)), kActualRed);
  Rect foot{rc.x + pad, rc.bottom() - pad * 0.6f - g.unit * 1.6f, rc.w - 2 * pad, g.unit * 1.6f};
  EXPECT_GT(count(img, foot, kDemoted), 100u);
  // The first chip says 実災害 on red (a drill's says 訓練 on yellow).
  const float heading = std::round(1080 / 28.0f);
  EXPECT_EQ(img.pixel(int(rc.x + pad + heading * 0.3f),
                      int(rc.y + title_h + pad * 0.6f + heading * 0.6f)),
            kActualRed);
}

}  // namespace
}  // namespace bcp::display
