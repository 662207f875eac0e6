#include <gtest/gtest.h>

#include <fstream>

#include "bcp/display/layout.hpp"

namespace bcp::display {
namespace {

nlohmann::json parse(const char* text) { return nlohmann::json::parse(text); }

TEST(Layout, ParsesPagesRowsAndPanels) {
  auto r = parse_layout(parse(R"({"pages":[{"rows":[
      {"height":0.1,"panels":[{"panel":"header","width":1.0}]},
      {"height":0.9,"panels":[{"panel":"talk","width":0.6},{"panel":"staff","width":0.4}]}]}],
      "rotate_seconds":20})"));
  EXPECT_TRUE(r.warnings.empty());
  ASSERT_EQ(r.layout.pages.size(), 1u);
  const auto& rows = r.layout.pages[0].rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FLOAT_EQ(rows[0].height, 0.1f);
  EXPECT_EQ(rows[1].panels[1].kind, PanelKind::staff);
  EXPECT_FLOAT_EQ(rows[1].panels[0].width, 0.6f);
  EXPECT_DOUBLE_EQ(r.layout.rotate_seconds, 20);
}

TEST(Layout, RepairsSharesAndDropsUnknownPanels) {
  auto r = parse_layout(parse(R"({"rows":[
      {"panels":["header"]},
      {"height":3,"panels":[{"panel":"alerts","width":2},{"panel":"weather"},{"panel":"talk"}]}]})"));
  ASSERT_EQ(r.layout.pages.size(), 1u);
  const auto& rows = r.layout.pages[0].rows;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].height + rows[1].height, 1.0f, 1e-6);
  ASSERT_EQ(rows[1].panels.size(), 2u);  // "weather" dropped
  EXPECT_NEAR(rows[1].panels[0].width + rows[1].panels[1].width, 1.0f, 1e-6);
  EXPECT_EQ(r.warnings.size(), 1u);
}

TEST(Layout, FallsBackToDefaultOnGarbage) {
  for (const char* doc : {"{}", "[]", R"({"pages":[{"rows":[{"panels":["nope"]}]}]})", "42"}) {
    auto r = parse_layout(parse(doc));
    EXPECT_FALSE(r.layout.pages.empty()) << doc;
    EXPECT_FALSE(r.warnings.empty()) << doc;
  }
}

TEST(Layout, SampleTownLayoutsParseCleanly) {
  for (const char* name : {"main", "talk", "status"}) {
    std::string path =
        std::string(BCP_SOURCE_DIR) + "/config/sample-town/layouts/" + name + ".json";
    std::ifstream in(path);
    if (!in) GTEST_SKIP() << path << " not present";
    auto r = parse_layout(nlohmann::json::parse(in));
    EXPECT_TRUE(r.warnings.empty()) << name << ": " << (r.warnings.empty() ? "" : r.warnings[0]);
  }
}

TEST(PlacePanels, TilesTheAreaWithGapsAndNoOverlap) {
  auto layout = parse_layout(parse(R"({"pages":[{"rows":[
      {"height":0.08,"panels":["header"]},
      {"height":0.22,"panels":["alerts"]},
      {"height":0.70,"panels":[{"panel":"talk","width":0.45},{"panel":"rollcall","width":0.25},
                               {"panel":"staff","width":0.30}]}]}]})"))
                    .layout;
  for (auto [w, h] : {std::pair{1920.f, 1080.f}, {3840.f, 2160.f}, {1080.f, 1920.f}}) {
    Rect area{10, 10, w - 20, h - 20};
    float gap = 8;
    auto rects = place_panels(layout.pages[0], area, gap);
    ASSERT_EQ(rects.size(), 5u);
    // Header spans the width; rows stack top to bottom separated by the gap.
    EXPECT_EQ(rects[0].rect.x, area.x);
    EXPECT_EQ(rects[0].rect.right(), area.right());
    EXPECT_EQ(rects[1].rect.y, rects[0].rect.bottom() + gap);
    EXPECT_EQ(rects[2].rect.y, rects[1].rect.bottom() + gap);
    EXPECT_EQ(rects[4].rect.bottom(), area.bottom());
    EXPECT_EQ(rects[3].rect.x, rects[2].rect.right() + gap);
    EXPECT_EQ(rects[4].rect.right(), area.right());
    // Proportions hold to a pixel.
    float rows_h = area.h - 2 * gap;
    EXPECT_NEAR(rects[0].rect.h, rows_h * 0.08f, 1.0f);
    float cols_w = area.w - 2 * gap;
    EXPECT_NEAR(rects[2].rect.w, cols_w * 0.45f, 1.0f);
    // Whole pixels, so neighbours share no seam.
    for (const auto& p : rects) {
      EXPECT_EQ(p.rect.x, std::round(p.rect.x));
      EXPECT_EQ(p.rect.y, std::round(p.rect.y));
      EXPECT_GT(p.rect.w, 0);
      EXPECT_GT(p.rect.h, 0);
    }
  }
}

TEST(PageRotation, RotatesPausesAndStepsByHand) {
  PageRotation r;
  r.reset(3, 10, 0);
  EXPECT_EQ(r.page(), 0u);
  r.tick(9.9);
  EXPECT_EQ(r.page(), 0u);
  r.tick(10);
  EXPECT_EQ(r.page(), 1u);
  r.tick(35);
  EXPECT_EQ(r.page(), 0u);  // 1 -> 2 at 20, -> 0 at 30
  r.toggle_pause(36);
  r.tick(100);
  EXPECT_EQ(r.page(), 0u);
  EXPECT_FALSE(r.next_change());
  r.next(101);
  EXPECT_EQ(r.page(), 1u);
  r.previous(102);
  r.previous(102);
  EXPECT_EQ(r.page(), 2u);
  r.toggle_pause(103);
  ASSERT_TRUE(r.next_change());
  EXPECT_DOUBLE_EQ(*r.next_change(), 113);
}

TEST(PageRotation, SinglePageNeverMoves) {
  PageRotation r;
  r.reset(1, 5, 0);
  r.tick(1000);
  EXPECT_EQ(r.page(), 0u);
  EXPECT_FALSE(r.next_change());
}

}  // namespace
}  // namespace bcp::display
