#include <gtest/gtest.h>

#include "bcp/display/cli.hpp"
#include "bcp/display/paging.hpp"
#include "bcp/display/staleness.hpp"
#include "bcp/display/wall.hpp"

namespace bcp::display {
namespace {

TEST(Paging, EveryNameIsShownOnePageAtATime) {
  // 34 names, 12 per page, 8 s per page: pages 12, 12, 10 and round again.
  auto p0 = page_slice(34, 12, 0, 8);
  EXPECT_EQ(p0.pages, 3u);
  EXPECT_EQ(p0.first, 0u);
  EXPECT_EQ(p0.count, 12u);
  auto p2 = page_slice(34, 12, 17, 8);
  EXPECT_EQ(p2.page, 2u);
  EXPECT_EQ(p2.first, 24u);
  EXPECT_EQ(p2.count, 10u);
  EXPECT_EQ(page_slice(34, 12, 24.5, 8).page, 0u);
  std::size_t seen = 0;
  for (int t = 0; t < 3; ++t) seen += page_slice(34, 12, t * 8.0, 8).count;
  EXPECT_EQ(seen, 34u);
}

TEST(Paging, EdgeCases) {
  auto empty = page_slice(0, 10, 100, 8);
  EXPECT_EQ(empty.pages, 1u);
  EXPECT_EQ(empty.count, 0u);
  auto fits = page_slice(5, 10, 100, 8);
  EXPECT_EQ(fits.pages, 1u);
  EXPECT_EQ(fits.count, 5u);
  auto zero = page_slice(3, 0, 0, 8);  // no room: one per page rather than dividing by zero
  EXPECT_EQ(zero.pages, 3u);
  EXPECT_EQ(page_slice(30, 10, 100, 0).page, 0u);  // no paging interval: first page stays
}

TEST(Staleness, ThresholdsFromLastFrame) {
  using client::ConnectionState;
  StalenessThresholds t;  // 5 s / 30 s
  auto live = ConnectionState::live;
  EXPECT_EQ(classify_feed(live, true, 0.0, t), FeedHealth::live);
  EXPECT_EQ(classify_feed(live, true, 4.99, t), FeedHealth::live);
  EXPECT_EQ(classify_feed(live, true, 5.0, t), FeedHealth::stale);
  EXPECT_EQ(classify_feed(live, true, 29.9, t), FeedHealth::stale);
  EXPECT_EQ(classify_feed(live, true, 30.0, t), FeedHealth::lost);
  // Reconnecting keeps the data but the silence decides what the wall says.
  EXPECT_EQ(classify_feed(ConnectionState::reconnecting, true, 2.0, t), FeedHealth::live);
  EXPECT_EQ(classify_feed(ConnectionState::reconnecting, true, 40.0, t), FeedHealth::lost);
  EXPECT_EQ(classify_feed(ConnectionState::connecting, false, std::nullopt, t),
            FeedHealth::connecting);
  EXPECT_EQ(classify_feed(ConnectionState::auth_failed, true, 0.0, t), FeedHealth::auth_failed);
  EXPECT_EQ(classify_feed(ConnectionState::version_mismatch, false, std::nullopt, t),
            FeedHealth::version_mismatch);
}

TEST(Staleness, ConfigurableThresholds) {
  std::vector<std::string> warnings;
  auto s = settings_from_json(
      nlohmann::json::parse(R"({"stale_after_seconds":10,"lost_after_seconds":60,"flash_seconds":5,
                                "highlight_keywords":["クマ"],"clock_format":"%H:%M"})"),
      &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(classify_feed(client::ConnectionState::live, true, 9.0, s.staleness), FeedHealth::live);
  EXPECT_EQ(classify_feed(client::ConnectionState::live, true, 30.0, s.staleness),
            FeedHealth::stale);
  EXPECT_EQ(classify_feed(client::ConnectionState::live, true, 60.0, s.staleness),
            FeedHealth::lost);
  EXPECT_EQ(s.keywords.size(), 1u);
  auto bad =
      settings_from_json(nlohmann::json::parse(R"({"stale_after_seconds":"soon"})"), &warnings);
  EXPECT_EQ(warnings.size(), 1u);
  EXPECT_DOUBLE_EQ(bad.staleness.stale_after_seconds, 5);
}

TEST(Cli, FlagsAndOneLineErrors) {
  auto ok = parse_args({"--config", "t.json", "--wall", "talk", "--headless", "--size", "3840x2160",
                        "--capture", "o.png", "--every", "5"});
  ASSERT_TRUE(std::holds_alternative<Options>(ok));
  const auto& o = std::get<Options>(ok);
  EXPECT_EQ(o.width, 3840);
  EXPECT_EQ(o.height, 2160);
  EXPECT_EQ(o.wall, "talk");
  EXPECT_DOUBLE_EQ(o.every, 5);
  EXPECT_TRUE(std::holds_alternative<Help>(parse_args({"--help"})));
  for (std::vector<std::string> bad :
       {std::vector<std::string>{"--config"},
        {"--config", "t", "--size", "big"},
        {"--config", "t", "--bogus"},
        {"--config", "t", "--capture", "o.png"},
        {"--config", "t", "--headless", "--every", "0", "--capture", "x"},
        {}}) {
    auto r = parse_args(bad);
    ASSERT_TRUE(std::holds_alternative<CliError>(r));
    EXPECT_EQ(std::get<CliError>(r).message.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace bcp::display
