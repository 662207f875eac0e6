// Broken bridge sections and region configs: each problem named as file: /pointer: message,
// all of them at once, with the towns' own problems under the towns' own files.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bcp/config/config.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using Errors = std::vector<std::string>;

namespace {

// A valid region of two towns in a fresh directory; each test breaks one thing.
class RegionDir : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("bcp-region-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    for (const char* id : {"kita", "minami"}) {
      fs::create_directories(dir_ / id);
      towns_[id] = json::parse(R"({
        "name": "テスト町",
        "departments": [{"id": "soumu", "name": "総務課"}],
        "roster": "roster.json",
        "groups": [{"id": "hq", "name": "本部", "lineworks_channel": "ch-hq", "level": "C"}],
        "tokens": [{"name": "t1", "roles": ["ingest"], "secret": "secret-1"}],
        "bridge": {"nats": {"servers": ["nats://127.0.0.1:4222", "nats://10.0.0.2:4222"]}}
      })");
      towns_[id]["bridge"]["nats"]["town"] = id;
    }
    region_ = json::parse(R"({
      "name": "テスト地域",
      "listen": "127.0.0.1:8480",
      "tokens": [{"name": "d", "roles": ["display"], "secret": "display-1"}],
      "region": {
        "nats": {"servers": ["nats://127.0.0.1:4222", "tls://nats.example:4443"]},
        "towns": [{"id": "kita", "config": "kita/town.json"}, {"id": "minami", "config": "minami/town.json"}]
      }
    })");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_all() {
    for (auto& [id, town] : towns_) {
      std::ofstream(dir_ / id / "town.json") << town.dump(2);
      std::ofstream(dir_ / id / "roster.json")
          << R"({"staff": [{"id": "a1", "name": "一", "department": "soumu"}]})";
    }
    std::ofstream(dir_ / "region.json") << region_.dump(2);
  }
  Errors region_errors() {
    write_all();
    auto result = bcp::config::load_region(dir_ / "region.json");
    Errors out;
    for (const auto& e : result.errors) out.push_back(e.to_string());
    EXPECT_EQ(result.config.has_value(), out.empty());
    return out;
  }
  Errors town_errors(const std::string& id) {
    write_all();
    auto result = bcp::config::load_town(dir_ / id / "town.json");
    Errors out;
    for (const auto& e : result.errors) out.push_back(e.to_string());
    return out;
  }
  std::string f(const std::string& name) const { return (dir_ / name).generic_string(); }

  fs::path dir_;
  std::map<std::string, json> towns_;
  json region_;
};

TEST_F(RegionDir, ValidRegionLoads) {
  EXPECT_TRUE(region_errors().empty());
  auto r = bcp::config::load_region(dir_ / "region.json");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->towns.size(), 2u);
  EXPECT_EQ(r.config->towns[1].town.bridge->servers[1], "nats://10.0.0.2:4222");
  EXPECT_EQ(r.config->servers[1], "tls://nats.example:4443");
  EXPECT_TRUE(r.config->find_token("display-1"));
}

TEST_F(RegionDir, BridgeSectionProblemsAreNamed) {
  auto& nats = towns_["kita"]["bridge"]["nats"];
  nats["servers"] = json::array({"nats://127.0.0.1:4222", "http://x:1", "nats://h:99999", 7,
                                 "nats://127.0.0.1:4222", "nats://user:pw@host:0"});
  nats["town"] = "kita.east";
  nats["token"] = "x";
  EXPECT_EQ(
      town_errors("kita"),
      (Errors{
          f("kita/town.json") +
              ": /bridge/nats/servers/1: expected the scheme nats:// or tls://, got \"http://x:1\"",
          f("kita/town.json") +
              ": /bridge/nats/servers/2: expected a port 1-65535, got \"nats://h:99999\"",
          f("kita/town.json") + ": /bridge/nats/servers/3: expected string, got integer",
          f("kita/town.json") +
              ": /bridge/nats/servers/4: duplicate server \"nats://127.0.0.1:4222\" "
              "(first at /bridge/nats/servers/0)",
          f("kita/town.json") +
              ": /bridge/nats/servers/5: expected a port 1-65535, got a URL with credentials",
          f("kita/town.json") +
              ": /bridge/nats/town: expected 1-64 of A-Z a-z 0-9 _ - (a NATS subject "
              "token), got \"kita.east\"",
          f("kita/town.json") + ": /bridge/nats/token: unknown field",
      }));
}

TEST_F(RegionDir, BridgeSectionShape) {
  towns_["kita"]["bridge"] = json::object({{"nat", json::object()}});
  towns_["minami"]["bridge"] = "nats://127.0.0.1:4222";
  EXPECT_EQ(town_errors("kita"),
            (Errors{f("kita/town.json") + ": /bridge/nats: required field missing",
                    f("kita/town.json") + ": /bridge/nat: unknown field"}));
  EXPECT_EQ(town_errors("minami"),
            (Errors{f("minami/town.json") + ": /bridge: expected object, got string"}));
  towns_["kita"]["bridge"] = json::parse(R"({"nats": {"servers": [], "town": "kita"}})");
  EXPECT_EQ(town_errors("kita"),
            (Errors{f("kita/town.json") + ": /bridge/nats/servers: expected at least one server"}));
}

TEST_F(RegionDir, RegionSectionProblemsAreNamed) {
  region_["region"]["nats"]["servers"] = json::array({"nats://"});
  region_["region"]["towns"].push_back({{"id", "kita"}, {"config", "kita/town.json"}});
  region_["region"]["towns"].push_back({{"id", "a b"}, {"config", "x.json"}});
  region_["region"]["towns"].push_back({{"config", "y.json"}, {"name", "y"}});
  region_["region"]["extra"] = true;
  EXPECT_EQ(
      region_errors(),
      (Errors{
          f("region.json") + ": /region/nats/servers/0: expected a host, got \"nats://\"",
          f("region.json") +
              ": /region/towns/2/id: duplicate town id \"kita\" (first at /region/towns/0/id)",
          f("region.json") +
              ": /region/towns/3/id: expected 1-64 of A-Z a-z 0-9 _ - (a NATS subject "
              "token), got \"a b\"",
          f("region.json") + ": /region/towns/4/id: required field missing",
          f("region.json") + ": /region/towns/4/name: unknown field",
          f("region.json") + ": /region/extra: unknown field",
      }));
}

TEST_F(RegionDir, RegionNeedsItsSectionsAndDaemonParts) {
  region_.erase("tokens");
  region_["region"].erase("nats");
  region_["region"]["towns"] = json::array();
  EXPECT_EQ(region_errors(), (Errors{
                                 f("region.json") + ": /tokens: required field missing",
                                 f("region.json") + ": /region/nats: required field missing",
                                 f("region.json") + ": /region/towns: expected at least one town",
                             }));
  region_.erase("region");
  region_["departments"] = json::array();
  EXPECT_EQ(region_errors(), (Errors{
                                 f("region.json") + ": /tokens: required field missing",
                                 f("region.json") + ": /region: required field missing",
                                 f("region.json") + ": /departments: unknown field",
                             }));
}

TEST_F(RegionDir, TownProblemsKeepTheirOwnFile) {
  towns_["minami"]["groups"][0]["level"] = "D";
  region_["region"]["towns"][0]["config"] = "nowhere/town.json";
  EXPECT_EQ(
      region_errors(),
      (Errors{
          f("region.json") +
              ": /region/towns/0/config: town config \"nowhere/town.json\" not found",
          f("minami/town.json") + ": /groups/0/level: expected \"A\", \"B\" or \"C\", got \"D\"",
      }));
}

TEST_F(RegionDir, ATownMustBridgeUnderTheIdTheRegionReads) {
  towns_["kita"]["bridge"]["nats"]["town"] = "minami";
  towns_["minami"].erase("bridge");
  EXPECT_EQ(
      region_errors(),
      (Errors{
          f("region.json") + ": /region/towns/0/id: town \"kita\", but " + f("kita/town.json") +
              " bridges as \"minami\"",
          f("region.json") + ": /region/towns/1/config: town \"minami\": " + f("minami/town.json") +
              " has no \"bridge\" section, so that town never publishes to the region",
      }));
}

TEST_F(RegionDir, ServerUrlsOfEveryShape) {
  region_["region"]["nats"]["servers"] =
      json::array({"nats://host", "nats://[::1]:4222", "nats://[::1]", "tls://u:p@h:1",
                   "nats://h:4222/x", "nats://[::1:4222", "nats:/h:1"});
  EXPECT_EQ(region_errors(),
            (Errors{
                f("region.json") +
                    ": /region/nats/servers/4: expected nats://host:port and nothing after it, got "
                    "\"nats://h:4222/x\"",
                f("region.json") +
                    ": /region/nats/servers/5: expected a closing ] after an IPv6 address, got "
                    "\"nats://[::1:4222\"",
                f("region.json") +
                    ": /region/nats/servers/6: expected nats://host:port, got \"nats:/h:1\"",
            }));
}

}  // namespace
