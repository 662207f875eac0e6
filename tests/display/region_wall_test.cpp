// The regional wall (issue 18): headless renders of a region's GET /v1/region answer, checked
// by counting each link colour in each town's part of the picture, and the reader of that
// answer fed what a network can deliver.
#include <gtest/gtest.h>

#include <cstdlib>

#include "bcp/display/region_wall.hpp"
#include "bcp/display/screen.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;
using nlohmann::json;

constexpr std::uint32_t kGreen = 0x009E73FF;
constexpr std::uint32_t kOrange = 0xE69F00FF;
constexpr std::uint32_t kVermillion = 0xD55E00FF;
constexpr std::uint32_t kYellow = 0xF0E442FF;

model::TimePoint test_now() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5} + minutes{12});
}

json town(const std::string& id, const std::string& name, const std::string& link, int answered,
          const std::string& severity, bool drill) {
  return {{"id", id},
          {"name", name},
          {"seq", 120},
          {"link", link},
          {"data_age_seconds", link == "live"    ? 2
                               : link == "stale" ? 25
                                                 : 300},
          {"rollcall",
           {{"title", "【訓練】地震 安否確認"},
            {"drill", true},
            {"open", true},
            {"in_scope", 24},
            {"answered", answered},
            {"pending", 24 - answered}}},
          {"alerts",
           json::array({{{"title", "【訓練】震度5強"}, {"severity", severity}, {"drill", drill}}})},
          {"staff", 24},
          {"available", 11},
          {"en_route", 3}};
}

struct Counts {
  long green = 0, orange = 0, vermillion = 0, yellow = 0;
};
Counts count(const Image& img, int x0, int y0, int x1, int y1) {
  Counts c;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      switch (img.pixel(x, y)) {
        case kGreen:
          ++c.green;
          break;
        case kOrange:
          ++c.orange;
          break;
        case kVermillion:
          ++c.vermillion;
          break;
        case kYellow:
          ++c.yellow;
          break;
        default:
          break;
      }
    }
  }
  return c;
}

class RegionWallRender : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("SDL_VIDEODRIVER", "dummy", 1); }
  Image render(const json& doc, int page = 0, bool connected = true) {
    std::string error;
    auto view = region_from_json(doc, error);
    EXPECT_TRUE(view) << error;
    RegionFeed feed;
    feed.connected = connected;
    feed.silence_s = 1;
    Image img;
    EXPECT_TRUE(render_region_image(*view, feed, 1920, 1080, test_now(), page, img, &error))
        << error;
    return img;
  }
};

TEST_F(RegionWallRender, ThreeTownsSideBySideEachFramedInItsLinkColour) {
  // Sorano live and fully answered (nothing orange in its card), kasumioka stale, hoshikawa lost.
  const json doc = {
      {"name", "空野・霞丘・星川 合同災害対策室"},
      {"towns", json::array({town("sorano", "空野町", "live", 24, "info", false),
                             town("kasumioka", "霞丘町", "stale", 15, "info", true),
                             town("hoshikawa", "星川町", "lost", 9, "info", false)})}};
  const Image img = render(doc);
  const int top = 110;  // below the header, whose counters show every colour
  const Counts sorano = count(img, 0, top, 640, 1080);
  const Counts kasumioka = count(img, 640, top, 1280, 1080);
  const Counts hoshikawa = count(img, 1280, top, 1920, 1080);
  // Each card's frame (6 px around ~620x950) and LIVE/STALE/LOST pill in its colour.
  EXPECT_GT(sorano.green, 15000);
  EXPECT_EQ(sorano.orange, 0);
  EXPECT_EQ(sorano.vermillion, 0);
  EXPECT_GT(kasumioka.orange, 15000);
  EXPECT_EQ(kasumioka.green, 0);
  EXPECT_EQ(kasumioka.vermillion, 0);
  EXPECT_GT(hoshikawa.vermillion, 15000);  // frame, pill and the 通信途絶 band
  EXPECT_EQ(hoshikawa.green, 0);
  // Drills: the roll call of every town is one (a 訓練 pill each); kasumioka's alert too.
  EXPECT_GT(kasumioka.yellow, sorano.yellow);
  EXPECT_GT(sorano.yellow, 500);
  // The header counts one town per state: a pill of each colour.
  const Counts header = count(img, 960, 0, 1920, top - 10);
  EXPECT_GT(header.green, 500);
  EXPECT_GT(header.orange, 500);
  EXPECT_GT(header.vermillion, 500);
}

TEST_F(RegionWallRender, ThirtyTownsFitOneDensePageAndTheLostOneIsWhereItsCardIs) {
  json towns = json::array();
  for (int i = 0; i < 30; ++i) {
    towns.push_back(town("t" + std::to_string(i), "町" + std::to_string(i + 1),
                         i == 7 ? "lost" : "live", 24, "info", false));
  }
  const json doc = {{"name", "県 災害対策本部"}, {"towns", towns}};
  std::string error;
  auto view = region_from_json(doc, error);
  ASSERT_TRUE(view);
  EXPECT_EQ(region_pages(*view), 1);
  EXPECT_TRUE(region_grid(30).dense);
  EXPECT_EQ(region_grid(30).per_page(), 30);
  const Image img = render(doc);
  // Town 8 (index 7) sits in column 2, row 2 of the 6x5 grid.
  long lost_x = 0, lost_y = 0, n = 0;
  for (int y = 110; y < 1080; ++y) {
    for (int x = 0; x < 1920; ++x) {
      if (img.pixel(x, y) == kVermillion) lost_x += x, lost_y += y, ++n;
    }
  }
  ASSERT_GT(n, 1000);
  EXPECT_EQ(lost_x / n / 320, 1);
  const long row = (lost_y / n - 100) / ((1080 - 100) / 5);
  EXPECT_EQ(row, 1);
  EXPECT_GT(count(img, 0, 110, 1920, 1080).green, 29 * 2000);
}

TEST_F(RegionWallRender, MoreThanThirtyTownsArePaged) {
  json towns = json::array();
  for (int i = 0; i < 31; ++i)
    towns.push_back(town("t" + std::to_string(i), "町", "live", 24, "info", false));
  std::string error;
  auto view = region_from_json({{"name", "x"}, {"towns", towns}}, error);
  ASSERT_TRUE(view);
  EXPECT_EQ(region_pages(*view), 2);
  // Page 2 holds the 31st town alone: one card's worth of green, far less than page 1.
  const long page1 = count(render({{"name", "x"}, {"towns", towns}}, 0), 0, 110, 1920, 1080).green;
  const long page2 = count(render({{"name", "x"}, {"towns", towns}}, 1), 0, 110, 1920, 1080).green;
  EXPECT_GT(page2, 1000);
  EXPECT_GT(page1, page2 * 20);
}

TEST_F(RegionWallRender, AWallCutOffFromTheRegionSaysSoAcrossTheTop) {
  const json doc = {{"name", "x"},
                    {"towns", json::array({town("a", "空野町", "live", 24, "info", false)})}};
  const Image connected = render(doc, 0, true);
  const Image cut = render(doc, 0, false);
  EXPECT_EQ(count(connected, 0, 100, 1920, 180).vermillion, 0);
  EXPECT_GT(count(cut, 0, 100, 1920, 180).vermillion, 20000);  // the 接続できません band
}

TEST(RegionFromJson, WhatTheNetworkMayDeliverIsReadWithoutThrowing) {
  std::string error;
  EXPECT_FALSE(region_from_json(json::array(), error));
  EXPECT_NE(error.find("towns"), std::string::npos);
  EXPECT_FALSE(region_from_json({{"towns", "no"}}, error));
  const json odd = {
      {"name", 5},
      {"towns",
       json::array({5,
                    "x",
                    nullptr,
                    {{"id", "a"},
                     {"link", "sideways"},
                     {"seq", -3},
                     {"rollcall", "none"},
                     {"alerts", {{"k", 1}}},
                     {"available", "many"},
                     {"data_age_seconds", -4}},
                    {{"id", "b"},
                     {"name", "霞丘町"},
                     {"link", "live"},
                     {"alerts", json::array({1, {{"title", 2}, {"severity", "huge"}}})}}})}};
  auto v = region_from_json(odd, error);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->name, "");
  ASSERT_EQ(v->towns.size(), 2u);
  EXPECT_EQ(v->towns[0].name, "a");             // the id stands in for a missing name
  EXPECT_EQ(v->towns[0].link, TownLink::lost);  // an unknown link is the worst case
  EXPECT_EQ(v->towns[0].seq, 0);
  EXPECT_FALSE(v->towns[0].rollcall);
  EXPECT_TRUE(v->towns[0].alerts.empty());
  EXPECT_EQ(v->towns[0].available, 0);
  EXPECT_EQ(*v->towns[0].data_age_seconds, 0);
  EXPECT_EQ(v->towns[1].link, TownLink::live);
  ASSERT_EQ(v->towns[1].alerts.size(), 1u);
  EXPECT_EQ(v->towns[1].alerts[0].title, "");
  EXPECT_EQ(v->towns[1].alerts[0].severity, model::Severity::advisory);
}

}  // namespace
}  // namespace bcp::display
