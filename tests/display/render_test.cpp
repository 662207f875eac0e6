// Headless renders of scripted situations, checked by sampling pixels at the rectangles the
// layout maths says each part occupies.
#include <gtest/gtest.h>

#include <SDL.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;

constexpr std::uint32_t kYellow = 0xF0E442FF;
constexpr std::uint32_t kOrange = 0xE69F00FF;
constexpr std::uint32_t kVermillion = 0xD55E00FF;
constexpr std::uint32_t kPanelHeader = 0x222A36FF;
constexpr std::uint32_t kActualRed = 0xCC0000FF;

model::TimePoint test_now() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5} + minutes{12});
}

Layout sample_main_layout() {
  return parse_layout(nlohmann::json::parse(R"({"pages":[{"rows":[
      {"height":0.08,"panels":[{"panel":"header","width":1.0}]},
      {"height":0.22,"panels":[{"panel":"alerts","width":1.0}]},
      {"height":0.70,"panels":[{"panel":"talk","width":0.45},{"panel":"rollcall","width":0.25},
                               {"panel":"staff","width":0.30}]}]}]})"))
      .layout;
}

std::string out_dir() {
  std::string d = std::string(BCP_BINARY_DIR) + "/test-output/display";
  std::filesystem::create_directories(d);
  return d;
}

Image render(const model::Situation& s, const WallView& v, int w, int h, const Layout& layout,
             const char* png = nullptr, const WallSettings& settings = {}) {
  Image img;
  std::string error;
  EXPECT_TRUE(render_image(s, v, settings, layout, w, h, test_now(), 0.25, img, &error)) << error;
  if (png) write_png(out_dir() + "/" + png, img);
  return img;
}

WallView live_view() {
  WallView v;
  v.health = FeedHealth::live;
  v.silence_seconds = 0.4;
  v.data_as_of = test_now();
  return v;
}

// A point that shows the panel-header colour when the panel is drawn: the right end of a
// panel's title bar; for the header (whose right end holds the feed state) its lower left.
std::pair<int, int> probe(const PanelPlacement& p, int h) {
  float unit = float(h) / 40;
  if (p.panel->kind == PanelKind::header)
    return {int(p.rect.x + unit), int(p.rect.bottom() - unit * 0.2f)};
  return {int(p.rect.right() - unit), int(p.rect.y + unit * 0.3f)};
}

class Render : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(Render, PanelsAndDrillBand) {
  auto [w, h] = GetParam();
  Layout layout = sample_main_layout();
  auto drill = demo_situation(test_now(), {.drill = true});
  auto actual = demo_situation(test_now(), {.drill = false});
  ASSERT_TRUE(drill.shows_drill(test_now()));
  ASSERT_FALSE(actual.shows_drill(test_now()));
  ASSERT_TRUE(actual.shows_actual(test_now()));  // the demo's actual quake is critical
  std::string name = std::to_string(h);
  Image d = render(drill, live_view(), w, h, layout, ("drill-" + name + ".png").c_str());
  Image a = render(actual, live_view(), w, h, layout, ("actual-" + name + ".png").c_str());

  auto with_band = wall_regions(layout, 0, float(w), float(h), true, false);
  ASSERT_TRUE(with_band.top_band);
  const Rect& band = *with_band.top_band;
  // Between the hazard stripes, above the text: pure band colour.
  int bx = int(band.x + band.h * 4 + 4), by = int(band.y + 3);
  EXPECT_EQ(d.pixel(bx, by), kYellow);
  EXPECT_EQ(d.pixel(w / 2, int(band.bottom()) - 2), kYellow);
  // An actual event has the red actual band in the same place, never the yellow one.
  for (int x = 0; x < w; x += 7) ASSERT_NE(a.pixel(x, by), kYellow) << "x=" << x;
  EXPECT_EQ(a.pixel(int(band.x) + 4, int(band.y + band.h * 0.5f)), kActualRed);

  // Every panel is drawn where the layout puts it: its title bar (or the header) shows
  // the panel header colour at its right end.
  for (const Image* img : {&d, &a}) {
    for (const auto& p : with_band.panels) {
      auto [px, py] = probe(p, h);
      EXPECT_EQ(img->pixel(px, py), kPanelHeader)
          << to_string(p.panel->kind) << " at " << px << "," << py;
    }
  }
  // No band and no banner: the live wall's content starts at the top margin.
  auto no_band = wall_regions(layout, 0, float(w), float(h), false, false);
  EXPECT_LT(no_band.content.y, band.bottom());
}

INSTANTIATE_TEST_SUITE_P(Sizes, Render,
                         ::testing::Values(std::pair{1920, 1080}, std::pair{3840, 2160}));

TEST(RenderBanner, StaleAndLost) {
  Layout layout = sample_main_layout();
  auto s = demo_situation(test_now(), {.drill = false});
  WallView v = live_view();
  v.health = FeedHealth::stale;
  v.silence_seconds = 12;
  v.data_as_of = test_now() - seconds(12);
  Image stale = render(s, v, 1920, 1080, layout, "stale-1080.png");
  auto reg = wall_regions(layout, 0, 1920, 1080, false, true);
  ASSERT_TRUE(reg.status_banner);
  EXPECT_EQ(stale.pixel(4, int(reg.status_banner->y) + 4), kOrange);
  v.health = FeedHealth::lost;
  v.silence_seconds = 45;
  Image lost = render(s, v, 1920, 1080, layout, "lost-1080.png");
  EXPECT_EQ(lost.pixel(4, int(reg.status_banner->y) + 4), kVermillion);
  Image live = render(s, live_view(), 1920, 1080, layout);
  EXPECT_NE(live.pixel(4, int(reg.status_banner->y) + 4), kOrange);
  EXPECT_NE(live.pixel(4, int(reg.status_banner->y) + 4), kVermillion);
}

// Source health: a failing source takes the bottom band in vermillion with white text large
// enough for the back of the room; a quiet one is only a grey chip in the header, no band.
TEST(RenderSources, FailingSourceTakesTheBandQuietOneDoesNot) {
  Layout layout = sample_main_layout();
  auto s = demo_situation(test_now(), {.drill = false});
  model::SourceState jma{"jma", model::SourceHealth::failing, test_now() - minutes(12), "HTTP 500",
                         test_now() - minutes(13)};
  model::SourceState lw{"lineworks", model::SourceHealth::quiet, test_now() - minutes(70),
                        std::nullopt, std::nullopt};
  s.sources = {{"jma", jma}, {"lineworks", lw}};
  Image failing = render(s, live_view(), 1920, 1080, layout, "source-failing-1080.png");
  // The actual alerts put the red band on top; the header is below it.
  auto reg = wall_regions(layout, 0, 1920, 1080, true, true);
  ASSERT_TRUE(reg.status_banner);
  const Rect& band = *reg.status_banner;
  EXPECT_EQ(failing.pixel(4, int(band.y) + 4), kVermillion);
  EXPECT_EQ(failing.pixel(1915, int(band.bottom()) - 3), kVermillion);
  // The warning's text: white glyph pixels along the band's middle, wide (a long line).
  struct WhiteText {
    int pixels = 0, first = 1920, last = 0, top = 1080, bottom = 0;
  };
  auto white_text = [&band](const Image& img) {
    WhiteText t;
    for (int y = int(band.y); y < int(band.bottom()); ++y) {
      for (int x = 0; x < 1920; ++x) {
        std::uint32_t p = img.pixel(x, y);
        if (((p >> 24) & 0xFF) > 0xE0 && ((p >> 16) & 0xFF) > 0xE0 && ((p >> 8) & 0xFF) > 0xE0) {
          ++t.pixels;
          t.first = std::min(t.first, x), t.last = std::max(t.last, x);
          t.top = std::min(t.top, y), t.bottom = std::max(t.bottom, y);
        }
      }
    }
    return t;
  };
  const WhiteText warning = white_text(failing);
  EXPECT_GT(warning.pixels, 2000) << "no legible text in the warning band";
  // Read from 5 m: letters as tall as the wall's other must-see warning, the lost feed's, and
  // a line (source, minutes, why, last success) across a third of the wall.
  WallView lost_view = live_view();
  lost_view.health = FeedHealth::lost;
  lost_view.silence_seconds = 45;
  const WhiteText lost = white_text(render(s, lost_view, 1920, 1080, layout));
  ASSERT_GT(lost.pixels, 0);
  // (Within a tenth: the two lines have different letters; the body font would be 0.7x.)
  EXPECT_GE(warning.bottom - warning.top, 0.9 * (lost.bottom - lost.top))
      << "the warning text is smaller than the lost-feed warning's";
  EXPECT_GT(warning.last - warning.first, 1920 / 3) << "the warning says too little";
  // The panels moved up for the band, as for a stale feed.
  auto no_band = wall_regions(layout, 0, 1920, 1080, true, false);
  EXPECT_LT(reg.content.bottom(), no_band.content.bottom());

  // Quiet only: no band; the header's row still shows it (a grey chip left of the pill).
  s.sources.erase("jma");
  Image quiet = render(s, live_view(), 1920, 1080, layout, "source-quiet-1080.png");
  EXPECT_NE(quiet.pixel(4, int(band.y) + 4), kVermillion);
  constexpr std::uint32_t kGrey = 0x6B7582FF;
  const Rect header = no_band.panels.front().rect;
  int grey = 0;
  for (int x = int(header.x + header.w * 0.55f); x < int(header.right()); ++x) {
    if (quiet.pixel(x, int(header.y + header.h * 0.5f)) == kGrey) ++grey;
  }
  EXPECT_GT(grey, 20) << "no grey chip for the quiet source in the header";

  // Back to ok: the band is gone.
  s.sources.at("lineworks").state = model::SourceHealth::ok;
  s.sources["jma"] = jma;
  s.sources.at("jma").state = model::SourceHealth::ok;
  Image ok = render(s, live_view(), 1920, 1080, layout);
  EXPECT_NE(ok.pixel(4, int(band.y) + 4), kVermillion);
}

// The sources the daemon watches are listed from the start, 正常 (green) while the journal
// has said nothing about them; a wall without them in its config shows no row.
TEST(RenderSources, WatchedSourcesAreListedOkBeforeAnyStateIsJournaled) {
  Layout layout = sample_main_layout();
  auto s = demo_situation(test_now(), {.drill = false});
  s.sources.clear();
  const Rect header = wall_regions(layout, 0, 1920, 1080, true, false).panels.front().rect;
  auto green_in_header = [&](const Image& img) {
    int green = 0;
    for (int x = int(header.x + header.w * 0.55f); x < int(header.right()); ++x) {
      if (img.pixel(x, int(header.y + header.h * 0.5f)) == 0x009E73FFu) ++green;
    }
    return green;
  };
  WallSettings watched;
  watched.watched_sources = {"jma", "lineworks"};
  const int with_row =
      green_in_header(render(s, live_view(), 1920, 1080, layout, "sources-ok-1080.png", watched));
  const int without = green_in_header(render(s, live_view(), 1920, 1080, layout));
  // The LIVE pill is green too: the two chips add to it.
  EXPECT_GT(with_row, without + 100) << "no green chips for the watched sources";
  // A journaled state wins over the default: JMA quiet is a grey chip, not a green one.
  s.sources["jma"] = {"jma", model::SourceHealth::quiet, test_now(), std::nullopt, std::nullopt};
  const int one_quiet = green_in_header(render(s, live_view(), 1920, 1080, layout, nullptr, watched));
  EXPECT_LT(one_quiet, with_row);
  EXPECT_GT(one_quiet, without);
}

TEST(RenderFullScreen, AuthFailureAndVersionMismatch) {
  auto s = demo_situation(test_now());
  for (auto health : {FeedHealth::auth_failed, FeedHealth::version_mismatch}) {
    WallView v;
    v.health = health;
    v.detail = "protocol version 2, wall speaks 1";
    Image img = render(s, v, 1920, 1080, default_layout(),
                       health == FeedHealth::auth_failed ? "auth-1080.png" : "version-1080.png");
    // The thick frame round the whole screen, inside its anti-aliased edge.
    EXPECT_EQ(img.pixel(1910, 1070), kVermillion);
    EXPECT_EQ(img.pixel(960, 1070), kVermillion);
    EXPECT_EQ(img.pixel(10, 540), kVermillion);
  }
}

// 﨑 and 髙 are not in ImGui's Japanese range; the atlas must bake them once content has them.
TEST(GlyphAtlas, RareKanjiBakedAndRendered) {
  std::string error;
  auto screen = Screen::headless(1280, 720, &error);
  ASSERT_TRUE(screen) << error;
  ASSERT_TRUE(screen->ensure_fonts(&error)) << error;
  EXPECT_TRUE(screen->atlas().has_glyph(U'あ'));
  EXPECT_FALSE(screen->atlas().has_glyph(U'﨑'));
  auto s = demo_situation(test_now(), {.staff = 6, .answered = 0, .talk_messages = 0});
  s.directory.staff[0].name = "山﨑 髙志";
  model::TalkEntry e;
  e.seq = 99;
  e.at = test_now();
  e.message.group = "hq";
  e.message.sender = {s.directory.staff[0].id, "山﨑 髙志", std::nullopt};
  e.message.text = "﨑";
  s.talk["hq"].recent.push_back(e);
  EXPECT_TRUE(screen->atlas().add_situation(s));
  EXPECT_FALSE(screen->atlas().add_situation(s));  // nothing new the second time
  ASSERT_TRUE(screen->ensure_fonts(&error)) << error;
  EXPECT_TRUE(screen->atlas().has_glyph(U'﨑'));
  EXPECT_TRUE(screen->atlas().has_glyph(U'髙'));

  // Pixels: the message rendered as 﨑 differs both from a blank and from the '?' a
  // missing glyph would give, and the difference lies inside the talk panel.
  Layout talk_only =
      parse_layout(nlohmann::json::parse(R"({"rows":[{"panels":["talk"]}]})")).layout;
  auto draw = [&](const char* text) {
    s.talk["hq"].recent.back().message.text = text;
    screen->render(s, live_view(), WallSettings{}, talk_only, test_now(), 0);
    Image img;
    EXPECT_TRUE(screen->read(img));
    return img;
  };
  Image kanji = draw("﨑");
  Image blank = draw("　");
  Image question = draw("?");
  write_png(out_dir() + "/rare-kanji.png", kanji);
  auto diff_box = [](const Image& a, const Image& b) {
    Rect box{1e9, 1e9, 0, 0};
    float x1 = -1, y1 = -1;
    for (int y = 0; y < a.height; ++y)
      for (int x = 0; x < a.width; ++x)
        if (a.pixel(x, y) != b.pixel(x, y)) {
          box.x = std::min(box.x, float(x)), box.y = std::min(box.y, float(y));
          x1 = std::max(x1, float(x)), y1 = std::max(y1, float(y));
        }
    box.w = x1 - box.x + 1, box.h = y1 - box.y + 1;
    return box;
  };
  Rect vs_blank = diff_box(kanji, blank);
  Rect vs_question = diff_box(kanji, question);
  ASSERT_GT(vs_blank.w, 0);
  ASSERT_GT(vs_question.w, 0);
  auto panel = wall_regions(talk_only, 0, 1280, 720, false, false).panels.at(0).rect;
  EXPECT_GE(vs_blank.x, panel.x);
  EXPECT_LE(vs_blank.right(), panel.right());
  EXPECT_GE(vs_blank.y, panel.y);
  EXPECT_LE(vs_blank.bottom(), panel.bottom());
  // One glyph at body size: roughly a body-text square, not a whole line.
  EXPECT_LE(vs_blank.w, 720 / 40 * 2);
  EXPECT_GE(vs_blank.h, 720 / 40 / 2);
}

// Issue 12, class 7: one 20,000-character message emptied the talk panel. It is cut (with …)
// to under half the panel, so the messages before it still show. Counted from the pixels:
// every message's header line has its sender's name in sky blue.
TEST(RenderTalk, AVeryLongMessageLeavesTheOlderOnesOnTheWall) {
  constexpr std::uint32_t kSkyBlue = 0x56B4E9FF;
  Layout talk_only =
      parse_layout(nlohmann::json::parse(R"({"rows":[{"panels":["talk"]}]})")).layout;
  auto s = demo_situation(test_now(), {.staff = 12, .answered = 0, .talk_messages = 0});
  auto post = [&](model::Seq seq, std::string text) {
    model::TalkEntry e;
    e.seq = seq;
    e.at = test_now() - seconds(100 - seq);
    e.message.group = "hq";
    e.message.message_id = "m" + std::to_string(seq);
    e.message.sender = {s.directory.staff[seq % 12].id, "", std::nullopt};
    e.message.text = std::move(text);
    s.talk["hq"].recent.push_back(e);
  };
  for (model::Seq seq = 1; seq <= 6; ++seq) post(seq, "避難所の受付を開始しました。");
  // Header rows (y) where the sender names are drawn, grouped into separate messages.
  auto header_bands = [&](const Image& img, const Rect& panel) {
    int bands = 0, last = -1000;
    for (int y = int(panel.y); y < int(panel.bottom()); ++y) {
      bool blue = false;
      for (int x = int(panel.x); x < int(panel.right()) && !blue; ++x)
        blue = img.pixel(x, y) == kSkyBlue;
      if (!blue) continue;
      if (y - last > 4) ++bands;
      last = y;
    }
    return bands;
  };
  const Rect panel = wall_regions(talk_only, 0, 1920, 1080, false, false).panels.at(0).rect;
  ASSERT_EQ(header_bands(render(s, live_view(), 1920, 1080, talk_only), panel), 6);

  for (const std::string unit : {"川の水位が上がっています。", "Water rising. ", "あ"}) {
    std::string text;
    while (text.size() < 20000 * 3) text += unit;
    auto big = s;
    auto& recent = big.talk["hq"].recent;
    recent.push_back(recent.back());
    recent.back().seq = 7;
    recent.back().at = test_now();
    recent.back().message.message_id = "m7";
    recent.back().message.text = text;
    Image img = render(big, live_view(), 1920, 1080, talk_only, "talk-long-message-1080.png");
    // The long message's header and at least two of the six before it.
    EXPECT_GE(header_bands(img, panel), 3) << unit;
    // The long message (at the bottom) takes under half the panel: the newest header lies
    // below its middle.
    int newest = -1;
    for (int y = int(panel.bottom()) - 1; y > int(panel.y) && newest < 0; --y)
      for (int x = int(panel.x); x < int(panel.right()); ++x)
        if (img.pixel(x, y) == kSkyBlue) {
          newest = y;
          break;
        }
    EXPECT_GT(newest, int(panel.y + panel.h * 0.45f)) << unit;
  }
}

}  // namespace
}  // namespace bcp::display
