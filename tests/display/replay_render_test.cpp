// A replaying wall, rendered (issue 19): in-process at 1080p and 4K, and by the built
// bcp-wall --replay FILE --at TIME --capture. Pixels are probed where the layout maths puts
// the REPLAY band, the header's feed pill and the panels.
#include <gtest/gtest.h>
#include <stb_image.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "../common/run_process.hpp"
#include "bcp/display/replay_session.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"
#include "replay_support.hpp"
#include "wall_png.hpp"

namespace bcp::display {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;
using nlohmann::json;
using test::drill_t0;
using test::read_png;
using test::sample_directory;
using test::sample_drill;
using test::wall_binary;

constexpr std::uint32_t kReplayBlue = 0x0072B2FF;
constexpr std::uint32_t kLiveGreen = 0x009E73FF;
constexpr std::uint32_t kYellow = 0xF0E442FF;
constexpr std::uint32_t kVermillion = 0xD55E00FF;

std::string town_json() { return std::string(BCP_SOURCE_DIR) + "/config/sample-town/town.json"; }

fs::path out_dir() {
  fs::path d = fs::path(BCP_BINARY_DIR) / "test-output/display";
  fs::create_directories(d);
  return d;
}

fs::path scratch(const std::string& name) {
  fs::path d =
      fs::temp_directory_path() / ("bcp-replay-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// One instance for the whole suite: wall_regions' placements point into it.
const Layout& main_layout() {
  static const Layout layout = [] {
    std::ifstream in(fs::path(BCP_SOURCE_DIR) / "config/sample-town/layouts/main.json");
    return parse_layout(json::parse(in)).layout;
  }();
  return layout;
}

WallSettings town_settings() { return settings_from_json(test::sample_town().display, nullptr); }

Rect panel_rect(const WallRegions& reg, PanelKind kind) {
  for (const auto& p : reg.panels)
    if (p.panel->kind == kind) return p.rect;
  ADD_FAILURE() << "no such panel";
  return {};
}

std::size_t count_color(const Image& img, const Rect& r, std::uint32_t color) {
  std::size_t n = 0;
  for (int y = int(r.y); y < int(r.bottom()); ++y)
    for (int x = int(r.x); x < int(r.right()); ++x)
      if (img.pixel(x, y) == color) ++n;
  return n;
}

std::size_t differing(const Image& a, const Image& b, const Rect& r) {
  std::size_t n = 0;
  for (int y = int(r.y); y < int(r.bottom()); ++y)
    for (int x = int(r.x); x < int(r.right()); ++x)
      if (a.pixel(x, y) != b.pixel(x, y)) ++n;
  return n;
}

// The REPLAY band at the bottom, the frame around the picture, the 再生 pill where LIVE
// would be and no LIVE green anywhere in the header.
void expect_replay_marks(const Image& img, const std::string& what) {
  auto reg = wall_regions(main_layout(), 0, img.width, img.height, /*drill=*/true, /*banner=*/true);
  ASSERT_TRUE(reg.status_banner);
  const Rect band = *reg.status_banner;
  // Between the 再生 REPLAY label and the centred time, and under the text line.
  EXPECT_EQ(img.pixel(int(band.w * 0.3f), int(band.y) + 3), kReplayBlue) << what;
  EXPECT_EQ(img.pixel(int(band.w * 0.5f), int(band.bottom()) - 3), kReplayBlue) << what;
  EXPECT_GT(count_color(img, band, kReplayBlue), std::size_t(band.w * band.h * 0.6)) << what;
  EXPECT_EQ(img.pixel(1, img.height / 2), kReplayBlue) << what;              // the frame, left
  EXPECT_EQ(img.pixel(img.width - 2, img.height / 2), kReplayBlue) << what;  // and right
  Rect header = panel_rect(reg, PanelKind::header);
  EXPECT_EQ(count_color(img, header, kLiveGreen), 0u) << what << ": LIVE green in the header";
  Rect right{header.x + header.w * 0.75f, header.y, header.w * 0.25f, header.h};
  EXPECT_GT(count_color(img, right, kReplayBlue), std::size_t(right.h * right.h)) << what;
  EXPECT_EQ(img.pixel(int(reg.top_band->w * 0.5f), int(reg.top_band->bottom()) - 2), kYellow)
      << what << ": the drill band stays";
}

class ReplayRender : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(ReplayRender, BandAndPillSayReplayNeverLive) {
  auto [w, h] = GetParam();
  const auto at = drill_t0() + seconds(100);
  ReplayStart start;
  start.at = at;
  ReplaySession r(ReplayTimeline(sample_directory(), sample_drill().events()), std::nullopt, start,
                  std::chrono::steady_clock::now());
  ReplayStatus st = r.status(std::chrono::steady_clock::now());
  WallView v;
  v.health = FeedHealth::replay;
  v.replay = &st;
  Image img;
  std::string error;
  ASSERT_TRUE(render_image(r.situation(), v, town_settings(), main_layout(), w, h, r.now({}), 0.25,
                           img, &error))
      << error;
  write_png((out_dir() / ("replay-" + std::to_string(h) + ".png")).string(), img);
  expect_replay_marks(img, std::to_string(h));

  // The same situation live: green LIVE pill, no blue band, no frame.
  WallView live;
  live.health = FeedHealth::live;
  live.silence_seconds = 0.2;
  Image li;
  ASSERT_TRUE(render_image(r.situation(), live, town_settings(), main_layout(), w, h, at, 0.25, li,
                           &error));
  auto reg = wall_regions(main_layout(), 0, w, h, true, false);
  EXPECT_GT(count_color(li, panel_rect(reg, PanelKind::header), kLiveGreen), 0u);
  EXPECT_NE(li.pixel(1, h / 2), kReplayBlue);
}

TEST(ReplayRenderAtlas, BandWordsAreBakedWithoutAnyReplayContent) {
  // The band's words come with the UI's own strings: never '?' on a replaying wall.
  auto screen = Screen::headless(640, 360, nullptr);
  ASSERT_TRUE(screen);
  std::string error;
  ASSERT_TRUE(screen->ensure_fonts(&error)) << error;
  for (char32_t cp : std::u32string(U"再生中一時停止記録の終わり行目が不正年月日火水木金土×"))
    EXPECT_TRUE(screen->atlas().has_glyph(cp)) << static_cast<std::uint32_t>(cp);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ReplayRender,
                         ::testing::Values(std::pair{1920, 1080}, std::pair{3840, 2160}));

// bcp-wall itself, headless, as a drill coordinator runs it.
bcp::test::ProcessRun run_wall(const std::vector<std::string>& args, const fs::path& dir,
                               const std::string& config = town_json()) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  env.emplace_back("SDL_VIDEODRIVER=dummy");
  env.emplace_back("SDL_AUDIODRIVER=dummy");
  std::vector<std::string> all = {"--config", config, "--wall", "main", "--headless"};
  all.insert(all.end(), args.begin(), args.end());
  return bcp::test::run_process(wall_binary(), all, dir, env);
}

std::string rfc3339(model::TimePoint t) { return model::format_time(t); }

TEST(ReplayWall, AtTwoMomentsTheRollCallDiffersAndNothingThatStayedTheSame) {
  if (!fs::exists(wall_binary())) GTEST_SKIP() << wall_binary() << " is not built";
  fs::path dir = scratch("two-moments");
  sample_drill().write(dir / "drill.jsonl");
  // +100 s: 21 of 120 answered; +200 s: 60 of 120. Only answers arrived in between, while
  // the bear alert expired (+170 s) and s003's 移動中 ran out (+150 s).
  for (int s : {100, 200}) {
    auto run = run_wall(
        {"--replay", (dir / "drill.jsonl").string(), "--at", rfc3339(drill_t0() + seconds(s)),
         "--size", "1920x1080", "--capture", (dir / (std::to_string(s) + ".png")).string()},
        dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  auto a = read_png(dir / "100.png"), b = read_png(dir / "200.png");
  ASSERT_TRUE(a && b);
  fs::copy_file(dir / "200.png", out_dir() / "replay-at-200s-1080.png",
                fs::copy_options::overwrite_existing);
  expect_replay_marks(*a, "+100 s");
  expect_replay_marks(*b, "+200 s");
  auto reg = wall_regions(main_layout(), 0, 1920, 1080, true, true);
  Rect rollcall = panel_rect(reg, PanelKind::rollcall);
  // The rate line (the huge figure) is in the upper third of the panel.
  Rect rate{rollcall.x, rollcall.y, rollcall.w * 0.5f, rollcall.h * 0.35f};
  EXPECT_GT(differing(*a, *b, rate), 500u) << "the response rate must change";
  EXPECT_GT(differing(*a, *b, panel_rect(reg, PanelKind::header)), 0u) << "the replayed clock";
  EXPECT_GT(differing(*a, *b, *reg.status_banner), 0u) << "the band's time";
  EXPECT_GT(differing(*a, *b, panel_rect(reg, PanelKind::alerts)), 0u)
      << "the alert expired at the replayed +170 s";
  EXPECT_GT(differing(*a, *b, panel_rect(reg, PanelKind::staff)), 0u)
      << "s003's until passed at the replayed +150 s";
  // No talk arrived: identical pixels.
  EXPECT_EQ(differing(*a, *b, panel_rect(reg, PanelKind::talk)), 0u);
  fs::remove_all(dir);
}

TEST(ReplayWall, AMomentLooksTheSameWhenEverItIsRendered) {
  // Nothing on a replayed picture may read the real clock: the clock, "N分前", the roll
  // call's elapsed time and expiry all follow the replayed moment, so two captures of one
  // moment made seconds apart are the same picture.
  if (!fs::exists(wall_binary())) GTEST_SKIP() << wall_binary() << " is not built";
  fs::path dir = scratch("same-moment");
  sample_drill().write(dir / "drill.jsonl");
  // The sample town's clock shows minutes; with seconds a real clock could not hide.
  fs::copy(fs::path(BCP_SOURCE_DIR) / "config/sample-town", dir / "town",
           fs::copy_options::recursive);
  json town = json::parse(std::ifstream(dir / "town/town.json"));
  town["display"]["clock_format"] = "%H:%M:%S";
  std::ofstream(dir / "town/town.json") << town.dump(2);
  const std::string config = (dir / "town/town.json").string();
  const std::string at = rfc3339(drill_t0() + seconds(150));
  auto first = run_wall({"--replay", (dir / "drill.jsonl").string(), "--at", at, "--size",
                         "1280x720", "--capture", (dir / "1.png").string()},
                        dir, config);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::this_thread::sleep_for(milliseconds(1100));  // another second of the real clock
  auto second = run_wall({"--replay", (dir / "drill.jsonl").string(), "--at", at, "--size",
                          "1280x720", "--capture", (dir / "2.png").string()},
                         dir, config);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto a = read_png(dir / "1.png"), b = read_png(dir / "2.png");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->rgba, b->rgba);
  fs::remove_all(dir);
}

TEST(ReplayWall, MalformedLineIsNamedAndTheReplayStopsBeforeIt) {
  if (!fs::exists(wall_binary())) GTEST_SKIP() << wall_binary() << " is not built";
  fs::path dir = scratch("malformed");
  auto lines = sample_drill().lines();
  lines[39] = R"({"seq":40,"type":"rollcall.checkin","at":"2026-11-24T05:02:00Z",)";  // cut off
  {
    std::ofstream out(dir / "broken.jsonl");
    for (const auto& l : lines) out << l << "\n";
  }
  // Line 40 is the answer due at +130 s. A later moment would lack it and all after it.
  auto late = run_wall(
      {"--replay", (dir / "broken.jsonl").string(), "--at", rfc3339(drill_t0() + seconds(200)),
       "--size", "1280x720", "--capture", (dir / "late.png").string()},
      dir);
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_NE(late.err.find("line 40: not JSON"), std::string::npos) << late.err;
  EXPECT_NE(late.err.find("wrong state"), std::string::npos) << late.err;
  EXPECT_FALSE(fs::exists(dir / "late.png"));

  // A moment before it is known exactly: shown, with the stop on the band in red.
  auto early = run_wall(
      {"--replay", (dir / "broken.jsonl").string(), "--at", rfc3339(drill_t0() + seconds(100)),
       "--size", "1280x720", "--capture", (dir / "early.png").string()},
      dir);
  ASSERT_EQ(early.exit_code, 0) << early.err;
  EXPECT_NE(early.err.find("line 40"), std::string::npos) << early.err;
  auto img = read_png(dir / "early.png");
  ASSERT_TRUE(img);
  fs::copy_file(dir / "early.png", out_dir() / "replay-stopped-720.png",
                fs::copy_options::overwrite_existing);
  auto reg = wall_regions(main_layout(), 0, 1280, 720, true, true);
  Rect band_right{reg.status_banner->w * 0.7f, reg.status_banner->y, reg.status_banner->w * 0.3f,
                  reg.status_banner->h};
  EXPECT_GT(count_color(*img, band_right, kVermillion), 1000u);

  // Without --at the replay plays to the last good event and holds there.
  auto whole = run_wall({"--replay", (dir / "broken.jsonl").string(), "--size", "1280x720",
                         "--capture", (dir / "end.png").string()},
                        dir);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_NE(whole.err.find("replaying 39 events"), std::string::npos) << whole.err;
  fs::remove_all(dir);
}

TEST(ReplayWall, UnreadableOrEmptyJournalIsAOneLineError) {
  if (!fs::exists(wall_binary())) GTEST_SKIP() << wall_binary() << " is not built";
  fs::path dir = scratch("empty");
  std::ofstream(dir / "empty.jsonl") << "\n";
  auto empty = run_wall(
      {"--replay", (dir / "empty.jsonl").string(), "--capture", (dir / "x.png").string()}, dir);
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("no events to replay"), std::string::npos) << empty.err;
  auto missing = run_wall(
      {"--replay", (dir / "nope.jsonl").string(), "--capture", (dir / "x.png").string()}, dir);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bcp::display
