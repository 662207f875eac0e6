// The wall PC's H key (issue 13, "Taking a post off the wall"): the overlay listing the last
// messages, in pixels, and the request it sends (feed/client hide_talk_message) against a real
// daemon on 127.0.0.1: taken off with an operator token, refused with a reason otherwise.
#include <gtest/gtest.h>

#include "bcp/client/talk_hide.hpp"
#include "bcp/display/controls.hpp"
#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"
#include "daemon_fixture.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;
using nlohmann::json;

constexpr std::uint32_t kOrange = 0xE69F00FF;
constexpr std::uint32_t kVermillion = 0xD55E00FF;
constexpr std::uint32_t kBlack = 0x000000FF;

model::TimePoint test_now() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5} + minutes{12});
}

std::size_t count(const Image& img, int x0, int y0, int x1, int y1, std::uint32_t colour) {
  std::size_t n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) n += img.pixel(x, y) == colour;
  return n;
}

Image render(const model::Situation& s, const WallView& v, const char* png) {
  Image img;
  std::string error;
  EXPECT_TRUE(render_image(s, v, WallSettings{}, default_layout(), 1920, 1080, test_now(), 0.25,
                           img, &error))
      << error;
  write_png(std::string(BCP_BINARY_DIR) + "/test-output/display/" + png, img);
  return img;
}

TEST(HideOverlay, ListsTheLastMessagesNumberedAndMarksTheChosenOne) {
  auto s = demo_situation(test_now(), {.drill = true});
  WallControls c;
  PageRotation rot;
  rot.reset(1, 0, 0);
  c.press(WallKey::hide_list, rot, s, test_now(), 1);
  ASSERT_TRUE(c.hide_pick());
  ASSERT_EQ(c.hide_pick()->ids.size(), HidePick::kListed);
  WallView v;
  v.health = FeedHealth::live;
  v.silence_seconds = 0.2;
  v.hide_pick = c.hide_pick();
  v.hide_can_send = true;
  Image listed = render(s, v, "hide-list-1080.png");
  // A black box with an orange frame in the middle of the screen, nine orange number chips.
  const int mid_y = 540;
  EXPECT_GT(count(listed, 300, mid_y - 200, 1620, mid_y + 200, kBlack), 100'000u);
  EXPECT_GT(count(listed, 200, 100, 1720, 980, kOrange), 3'000u);
  EXPECT_EQ(count(listed, 200, 100, 1720, 980, kVermillion), 0u);  // nothing chosen yet

  c.press(WallKey::pick_2, rot, s, test_now(), 2);
  v.hide_pick = c.hide_pick();
  Image chosen = render(s, v, "hide-chosen-1080.png");
  // The chosen row is underlaid in vermillion, one row high.
  const std::size_t marked = count(chosen, 200, 100, 1720, 980, kVermillion);
  EXPECT_GT(marked, 20'000u);
  EXPECT_LT(marked, 120'000u);

  // A wall PC without an operator token shows the command to run instead of asking for Y.
  v.hide_can_send = false;
  Image command = render(s, v, "hide-no-token-1080.png");
  EXPECT_NE(command.rgba, chosen.rgba);
  EXPECT_GT(count(command, 200, 100, 1720, 980, kOrange),
            count(chosen, 200, 100, 1720, 980, kOrange));

  // Closed: the wall as without it.
  v.hide_pick = nullptr;
  WallView plain;
  plain.health = FeedHealth::live;
  plain.silence_seconds = 0.2;
  EXPECT_EQ(render(s, v, "hide-closed-1080.png").rgba,
            render(s, plain, "hide-plain-1080.png").rgba);
}

TEST(HideRequest, TheWallsRequestTakesThePostOffOrSaysWhyNot) {
  daemon::test::TestDaemon d;
  auto posted = d.post_json(
      "/v1/talk",
      {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "s001"}}}, {"text", "誤投稿です"}},
      daemon::test::kIngest);
  ASSERT_EQ(posted.status, 200) << posted.body;
  const std::string id = posted.json()["message_id"];
  const std::string port = std::to_string(d.port());
  // A display token is not enough: refused with the daemon's reason, nothing journaled.
  auto refused =
      client::hide_talk_message("127.0.0.1", port, daemon::test::kDisplay, id, "壁面端末");
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.message.find("operator"), std::string::npos) << refused.message;
  EXPECT_EQ(
      client::hide_talk_message("127.0.0.1", port, daemon::test::kOperator, "no-such", "x").status,
      404);
  EXPECT_FALSE(client::hide_talk_message("127.0.0.1", port, daemon::test::kOperator,
                                         "../../v1/drill/stop", "x")
                   .ok);
  auto taken = client::hide_talk_message("127.0.0.1", port, daemon::test::kOperator, id,
                                         "壁面端末の H キーで非表示 (main)");
  ASSERT_TRUE(taken.ok) << taken.status << " " << taken.message;
  EXPECT_EQ(taken.seq, d.seq());
  EXPECT_TRUE(d.snapshot().talk.at("hq").recent.empty());
  const auto events = d.events(0);
  ASSERT_EQ(events.back()["type"], "talk.hidden");
  EXPECT_EQ(events.back()["by"], "operator-sample");
  EXPECT_EQ(events.back()["reason"], "壁面端末の H キーで非表示 (main)");
  // No daemon: an answer in time, not a hang.
  d.stop();
  auto gone = client::hide_talk_message("127.0.0.1", port, daemon::test::kOperator, id, "x", 2s);
  EXPECT_FALSE(gone.ok);
  EXPECT_EQ(gone.status, 0);
  EXPECT_FALSE(gone.message.empty());
}

}  // namespace
}  // namespace bcp::display
