// Idle cost: a frame whose picture did not change rasterises nothing, and a frame where
// only time moved (clock, ages) rasterises only the changed tiles — with exactly the pixels
// a whole-frame redraw gives.
#include <gtest/gtest.h>

#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;

model::TimePoint t0() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5} + minutes{12} +
                                       seconds{30});
}

Layout main_layout() {
  return parse_layout(nlohmann::json::parse(R"({"pages":[{"rows":[
      {"height":0.08,"panels":[{"panel":"header","width":1.0}]},
      {"height":0.22,"panels":[{"panel":"alerts","width":1.0}]},
      {"height":0.70,"panels":[{"panel":"talk","width":0.45},{"panel":"rollcall","width":0.25},
                               {"panel":"staff","width":0.30}]}]}]})"))
      .layout;
}

std::unique_ptr<Screen> screen_for(const model::Situation& s, int w, int h) {
  std::string error;
  auto screen = Screen::headless(w, h, &error);
  EXPECT_TRUE(screen) << error;
  if (!screen) return nullptr;
  screen->atlas().add_situation(s);
  screen->atlas().add_clock_text("0123456789:/ ");
  EXPECT_TRUE(screen->ensure_fonts(&error)) << error;
  return screen;
}

std::size_t differing_pixels(const Image& a, const Image& b) {
  std::size_t n = 0;
  for (int y = 0; y < a.height; ++y)
    for (int x = 0; x < a.width; ++x) n += a.pixel(x, y) != b.pixel(x, y);
  return n;
}

TEST(PartialRedraw, UnchangedFrameDrawsNothingAndTimeRedrawsOnlyItsTiles) {
  const int w = 1920, h = 1080;
  auto s = demo_situation(t0() - minutes(10), {.drill = true});
  WallSettings st;
  st.clock_format = "%m/%d %H:%M";  // the sample town's clock: minutes
  st.list_page_seconds = 1e6;       // name lists hold still, so only time's text moves
  WallView v;
  v.health = FeedHealth::live;
  v.silence_seconds = 0.3;
  Layout layout = main_layout();

  auto screen = screen_for(s, w, h);
  ASSERT_TRUE(screen);
  auto first = screen->render(s, v, st, layout, t0(), 100.0);
  EXPECT_TRUE(first.changed);
  EXPECT_DOUBLE_EQ(first.share, 1.0);
  auto serial = screen->picture_serial();

  // The same second again (and half a second later on the monotonic clock): no pixel moves.
  auto same = screen->render(s, v, st, layout, t0() + milliseconds(400), 100.4);
  EXPECT_FALSE(same.changed);
  EXPECT_EQ(screen->picture_serial(), serial);

  // A minute later the clock and the ages changed: a few small rectangles, not the screen.
  auto later = t0() + seconds(60);
  auto moved = screen->render(s, v, st, layout, later, 160.0);
  EXPECT_TRUE(moved.changed);
  EXPECT_GT(moved.regions, 0u);
  EXPECT_LT(moved.share, 0.35) << "regions " << moved.regions;
  EXPECT_GT(screen->picture_serial(), serial);
  Image partial;
  ASSERT_TRUE(screen->read(partial));

  auto fresh = screen_for(s, w, h);
  ASSERT_TRUE(fresh);
  auto whole = fresh->render(s, v, st, layout, later, 160.0, /*full=*/true);
  EXPECT_DOUBLE_EQ(whole.share, 1.0);
  Image full;
  ASSERT_TRUE(fresh->read(full));
  EXPECT_EQ(differing_pixels(partial, full), 0u);

  // Data that changes a panel (an alert acknowledged elsewhere) is redrawn there too, and
  // again the result equals a whole frame.
  ASSERT_FALSE(s.alerts.empty());
  s.alerts.begin()->second.acknowledged_by = "本部";
  screen->render(s, v, st, layout, later, 160.0);
  fresh->render(s, v, st, layout, later, 160.0, true);
  ASSERT_TRUE(screen->read(partial));
  ASSERT_TRUE(fresh->read(full));
  EXPECT_EQ(differing_pixels(partial, full), 0u);
}

}  // namespace
}  // namespace bcp::display
