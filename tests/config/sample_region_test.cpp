// The sample region (config/sample-region/): region.json and its three fictional towns load,
// with the values the docs, the demo and the later regional tests rely on.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "bcp/config/config.hpp"

namespace fs = std::filesystem;

namespace {

const bcp::config::RegionConfig& sample() {
  static const auto result = bcp::config::load_region("config/sample-region/region.json");
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  if (!result.config) {
    ADD_FAILURE() << "the sample region does not load (run from the repository root)";
    std::abort();
  }
  return *result.config;
}

TEST(SampleRegion, IsARegionConfigAndTheTownsAreNot) {
  EXPECT_TRUE(bcp::config::is_region_config("config/sample-region/region.json"));
  EXPECT_FALSE(bcp::config::is_region_config("config/sample-region/sorano/town.json"));
  EXPECT_FALSE(bcp::config::is_region_config("config/sample-town/town.json"));
  EXPECT_FALSE(bcp::config::is_region_config("config/sample-region/missing.json"));
}

TEST(SampleRegion, Profile) {
  const auto& r = sample();
  EXPECT_EQ(r.name, "空野・霞丘・星川 合同災害対策室");
  EXPECT_EQ(r.listen, "127.0.0.1:8480");
  EXPECT_EQ(r.data_dir, "var/feedd-region");
  EXPECT_EQ(r.utc_offset_minutes, 540);
  EXPECT_EQ(r.servers, (std::vector<std::string>{"nats://127.0.0.1:4222", "nats://127.0.0.1:4223",
                                                 "nats://127.0.0.1:4224"}));
  ASSERT_TRUE(r.find_token("region-display-sample"));
  EXPECT_TRUE(r.find_token("region-display-sample")->has(bcp::config::Role::display));
  EXPECT_TRUE(r.find_token("region-operator-sample")->has(bcp::config::Role::operator_));
  EXPECT_FALSE(r.find_token("display-sample"));  // the sample town's token is not the region's
}

TEST(SampleRegion, ThreeTownsWithTheirOwnConfigsAndBridges) {
  const auto& r = sample();
  ASSERT_EQ(r.towns.size(), 3u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"sorano", "空野町"}, {"kasumioka", "霞丘町"}, {"hoshikawa", "星川町"}};
  std::set<std::string> listens{r.listen};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& t = r.towns[i];
    EXPECT_EQ(t.id, expected[i].first);
    EXPECT_EQ(t.town.town_name, expected[i].second);
    EXPECT_EQ(t.config, fs::path("config/sample-region") / t.id / "town.json");
    ASSERT_TRUE(t.town.bridge) << t.id;
    EXPECT_EQ(t.town.bridge->town, t.id);
    EXPECT_EQ(t.town.bridge->servers, r.servers);
    EXPECT_EQ(t.town.staff.size(), 24u) << t.id;
    EXPECT_GE(t.town.departments.size(), 4u) << t.id;
    // Each town has its own public sample tokens, named after it.
    for (const char* role : {"-ingest-sample", "-operator-sample", "-display-sample"}) {
      EXPECT_TRUE(t.town.find_token(t.id + role)) << t.id << role;
    }
    EXPECT_FALSE(t.town.find_token("ingest-sample")) << t.id;
    EXPECT_TRUE(t.town.find_wall("main")) << t.id;
    EXPECT_EQ(t.town.find_group("jinji")->level, 'B');
    // The demo runs all four daemons on one machine: no two listen on the same port.
    EXPECT_TRUE(listens.insert(t.town.listen).second) << t.town.listen;
  }
  EXPECT_EQ(r.find_town("kasumioka")->town.town_name, "霞丘町");
  EXPECT_FALSE(r.find_town("kakuu"));
}

TEST(SampleRegion, RostersHoldTheRareKanjiTheWallMustShow) {
  std::string names;
  for (const auto& t : sample().towns) {
    for (const auto& s : t.town.staff) names += s.name;
  }
  for (const char* kanji : {"髙", "﨑", "濵", "邉", "齋"}) {
    EXPECT_NE(names.find(kanji), std::string::npos) << kanji;
  }
}

TEST(SampleRegion, EachTownLoadsOnItsOwnToo) {
  for (const char* id : {"sorano", "kasumioka", "hoshikawa"}) {
    const auto result = bcp::config::load_town(fs::path("config/sample-region") / id / "town.json");
    for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
    ASSERT_TRUE(result.config) << id;
    EXPECT_EQ(result.config->bridge->town, id);
  }
}

TEST(SampleTown, HasNoBridgeAndBehavesAsBefore) {
  const auto result = bcp::config::load_town("config/sample-town/town.json");
  ASSERT_TRUE(result.config);
  EXPECT_FALSE(result.config->bridge);
}

}  // namespace
