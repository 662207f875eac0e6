// Inputs the libFuzzer targets found (scripts/fuzz), kept as tests over real HTTP: each
// once made the daemon store an event it could not read back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bcp/tools/http_client.hpp"
#include "daemon_fixture.hpp"

namespace {

using nlohmann::json;

std::string fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(BCP_SOURCE_DIR) / "tests/daemon/fixtures/lineworks" / name,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class FuzzRegressions : public bcp::daemon::test::DaemonTest {};

// fuzz_lineworks: a LINE WORKS location with longitude 1041.35 was journaled as it came; the
// codec refuses it on reading, so /v1/events failed and the daemon could not restart.
TEST_F(FuzzRegressions, ALocationOffTheGlobeIsStoredWithoutItsCoordinates) {
  const std::string body = fixture("location-off-the-globe.json");
  ASSERT_FALSE(body.empty());
  bcp::tools::HttpClient http({"127.0.0.1", port()});
  auto res = http.request("POST", "/callback/lineworks", body,
                          {{"Content-Type", "application/json"},
                           {"X-WORKS-BotId", "2000001"},
                           {"X-WORKS-Signature", bcp::tools::lineworks_signature("sample-bot-secret", body)}});
  ASSERT_EQ(res.status, 200) << res.body;

  auto events = http.get("/v1/events?since=0", "operator-sample");
  ASSERT_EQ(events.status, 200) << events.body;
  const json page = json::parse(events.body);
  ASSERT_EQ(page["events"].size(), 1u) << events.body;
  const json& talk = page["events"][0];
  ASSERT_EQ(talk["type"], "talk.message");
  const json& location = talk["attachments"].at(0);
  EXPECT_EQ(location["kind"], "location");
  EXPECT_EQ(location["lat"], 43.0621);  // the valid half is kept
  EXPECT_FALSE(location.contains("lon")) << location.dump();
  EXPECT_EQ(location["address"], "北海道架空町✬町1-1");
}

}  // namespace
