// bcp-sim's photos: a scenario's `image` step sends the callback LINE WORKS sends (content
// {"type":"image","fileId"}), and bcp-sim's tenant serves that file under its fileId, so a real
// in-process bcp-feedd fetches the demo photo through the 302, re-encodes it and journals its
// ref. A file that is not there is named before anything plays.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "bcp/photo/photo.hpp"
#include "bcp/tools/scenario.hpp"
#include "bcp/tools/sim_tenant.hpp"
#include "daemon_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using bcp::daemon::test::sample_town;
using nlohmann::json;
using namespace std::chrono_literals;

json photo_scenario(const std::string& image) {
  json step = {
      {"at", 0}, {"do", "lineworks"}, {"staff", "s085"}, {"group", "hq"}, {"image", image}};
  return {{"steps", json::array({step})}};
}

TEST(SimPhotos, TheDemoPhotoReachesTheTalkThroughTheTenant) {
  const json scenario = photo_scenario("assets/photos/bear-riverbank.jpg");
  bcp::tools::SimTenantOptions options;
  options.base_dir = BCP_SOURCE_DIR;
  bcp::tools::SimTenant sim(scenario, sample_town(), options);
  const std::string tenant = "http://127.0.0.1:" + std::to_string(sim.port());
  bcp::daemon::test::TestDaemon d({}, [&](bcp::config::TownConfig& town) {
    town.lineworks_api = sample_town().lineworks_api;
    town.lineworks_api->auth_url = tenant + "/oauth2/v2.0/token";
    town.lineworks_api->api_url = tenant + "/v1.0";
  });
  bcp::tools::PlayOptions play;
  play.server = {"127.0.0.1", d.port()};
  play.speed = 100;
  play.base_dir = BCP_SOURCE_DIR;
  const auto result = bcp::tools::play_scenario(scenario, sample_town(), play);
  ASSERT_TRUE(result.ok) << result.failed_step;

  std::optional<std::string> ref;
  ASSERT_TRUE(bcp::daemon::test::wait_until(
      [&] {
        const auto s = d.snapshot();
        auto hq = s.talk.find("hq");
        if (hq == s.talk.end() || hq->second.recent.empty()) return false;
        const auto& m = hq->second.recent.back().message;
        if (m.attachments.empty() || !m.attachments.front().ref) return false;
        ref = m.attachments.front().ref;
        return true;
      },
      20s));
  const auto served = d.get("/v1/attachments/" + *ref, bcp::daemon::test::kDisplay);
  ASSERT_EQ(served.status, 200);
  std::string error;
  auto pixels = bcp::photo::decode_rgba(served.body, 4096, bcp::photo::Limits{}, error);
  ASSERT_TRUE(pixels) << error;
  // The demo photo is under the daemon's 1920 px bound: served at its own size.
  std::ifstream in(std::filesystem::path(BCP_SOURCE_DIR) / "assets/photos/bear-riverbank.jpg",
                   std::ios::binary);
  const std::string original((std::istreambuf_iterator<char>(in)), {});
  auto source = bcp::photo::decode_rgba(original, 4096, bcp::photo::Limits{}, error);
  ASSERT_TRUE(source) << error;
  EXPECT_EQ(pixels->width, source->width);
  EXPECT_EQ(pixels->height, source->height);
  // The journal has the ref, never the fileId the callback carried.
  for (const json& e : d.events())
    EXPECT_EQ(e.dump().find(bcp::tools::scenario_image_file_id("assets/photos/bear-riverbank.jpg")),
              std::string::npos);
}

TEST(SimPhotos, AMissingPhotoIsNamedBeforeAnythingPlays) {
  bcp::tools::SimTenantOptions options;
  options.base_dir = BCP_SOURCE_DIR;
  try {
    bcp::tools::SimTenant sim(photo_scenario("assets/photos/no-such-photo.jpg"), sample_town(),
                              options);
    FAIL() << "a missing photo was accepted";
  } catch (const bcp::tools::SimTenantError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-photo.jpg"), std::string::npos) << e.what();
  }
}

TEST(SimPhotos, TheSampleDrillPostsItsFourPhotosUnderStableFileIds) {
  const json drill = bcp::tools::load_scenario(fs::path(BCP_SOURCE_DIR) /
                                               "assets/scenarios/earthquake-drill.json");
  const auto images = bcp::tools::scenario_images(drill);
  ASSERT_EQ(images.size(), 4u);
  for (const std::string& image : images) {
    EXPECT_TRUE(fs::is_regular_file(fs::path(BCP_SOURCE_DIR) / image)) << image;
    const std::string id = bcp::tools::scenario_image_file_id(image);
    EXPECT_EQ(id, bcp::tools::scenario_image_file_id(image));
    EXPECT_EQ(id.find('/'), std::string::npos) << id;
  }
  EXPECT_NE(bcp::tools::scenario_image_file_id(images[0]),
            bcp::tools::scenario_image_file_id(images[1]));
}

}  // namespace
