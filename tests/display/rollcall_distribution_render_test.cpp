// The bot's distribution in the roll-call panel (issue 15), in pixels: nothing until a send is
// folded; then a "配信 N/M" line whose N moves with every question sent (M = people in scope
// with a LINE WORKS user in the wall's config); a vermillion 送信失敗 chip while someone's
// question was given up; "配信済 M/M" in the smaller body size once everyone reachable has it.
// Headless renders of the demo's drill roll call (120 in scope) at 1920x1080.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"
#include "bcp/model/reducer.hpp"

namespace bcp::display {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

constexpr std::uint32_t kVermillion = 0xD55E00FF;

model::TimePoint test_now() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5} + minutes{12});
}

const Layout& main_layout() {
  static const Layout layout = [] {
    std::ifstream in(fs::path(BCP_SOURCE_DIR) / "config/sample-town/layouts/main.json");
    return parse_layout(nlohmann::json::parse(in)).layout;
  }();
  return layout;
}

Rect rollcall_panel() {
  static const WallRegions reg = wall_regions(main_layout(), 0, 1920, 1080, true, false);
  for (const auto& p : reg.panels) {
    if (p.panel->kind == PanelKind::rollcall) return p.rect;
  }
  throw std::runtime_error("no roll-call panel in the sample layout");
}

Image render(const model::Situation& s, const WallSettings& settings, const char* png) {
  WallView v;
  v.health = FeedHealth::live;
  v.silence_seconds = 0.4;
  v.data_as_of = test_now();
  Image img;
  std::string error;
  EXPECT_TRUE(
      render_image(s, v, settings, main_layout(), 1920, 1080, test_now(), 0.25, img, &error))
      << error;
  const fs::path dir = fs::path(BCP_BINARY_DIR) / "test-output/display";
  fs::create_directories(dir);
  write_png((dir / png).string(), img);
  return img;
}

// The box of the pixels that differ inside `r`; w == 0 when none do.
Rect diff_box(const Image& a, const Image& b, const Rect& r) {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  for (int y = int(r.y); y < int(r.bottom()); ++y) {
    for (int x = int(r.x); x < int(r.right()); ++x) {
      if (a.pixel(x, y) == b.pixel(x, y)) continue;
      x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
    }
  }
  if (x1 < 0) return {0, 0, 0, 0};
  return {float(x0), float(y0), float(x1 - x0 + 1), float(y1 - y0 + 1)};
}

std::size_t count(const Image& img, const Rect& r, std::uint32_t colour) {
  std::size_t n = 0;
  for (int y = int(r.y); y < int(r.bottom()); ++y)
    for (int x = int(r.x); x < int(r.right()); ++x) n += img.pixel(x, y) == colour;
  return n;
}

class DistributionRender : public ::testing::Test {
 protected:
  DistributionRender() {
    s_ = demo_situation(test_now(), {.drill = true});
    scope_ = s_.rollcalls.at("rc-1").scope;
    // Ten of the 120 have no LINE WORKS account: M = 110.
    for (std::size_t i = 10; i < scope_.size(); ++i) settings_.lineworks_staff.push_back(scope_[i]);
    std::sort(settings_.lineworks_staff.begin(), settings_.lineworks_staff.end());
  }
  void send(std::size_t person, model::SendOutcome outcome = model::SendOutcome::sent) {
    model::Event e;
    e.seq = s_.last_seq + 1;
    e.at = test_now() - seconds(60);
    e.body = model::RollcallMessaged{
        "rc-1", scope_.at(person), model::MessageStep::question, outcome,
        outcome == model::SendOutcome::failed ? std::optional<std::string>("HTTP 403")
                                              : std::nullopt};
    ASSERT_TRUE(model::apply(s_, e));
  }

  model::Situation s_;
  std::vector<std::string> scope_;
  WallSettings settings_;
};

TEST_F(DistributionRender, TheLineAppearsWithTheFirstSendAndItsCountMoves) {
  const Rect panel = rollcall_panel();
  const Image before = render(s_, settings_, "distribution-none-1080.png");
  for (std::size_t i = 10; i < 50; ++i) send(i);  // 40 of 110
  const Image forty = render(s_, settings_, "distribution-40-of-110-1080.png");
  // Something new in the roll-call panel, and only there: the line below the rate.
  const Rect added = diff_box(before, forty, panel);
  ASSERT_GT(added.w, 0) << "no distribution line";
  EXPECT_GT(added.y, panel.y + panel.h * 0.2f) << "below the title, the kind and the rate";
  for (const Rect& elsewhere :
       {Rect{0, 0, panel.x, 1080}, Rect{panel.right(), 0, 1920 - panel.right(), 1080}}) {
    EXPECT_EQ(diff_box(before, forty, elsewhere).w, 0) << "outside the roll-call panel";
  }

  // One more question sent changes only the number: a narrow box on one line of heading size,
  // readable from five metres (as tall as the 経過 line's text, at least 1/60 of the height).
  send(50);
  const Image forty_one = render(s_, settings_, "distribution-41-of-110-1080.png");
  const Rect digits = diff_box(forty, forty_one, panel);
  ASSERT_GT(digits.w, 0) << "N did not move";
  EXPECT_LT(digits.w, panel.w * 0.25f) << "more than the count changed";
  EXPECT_GE(digits.h, 1080.0f / 60) << "too small to read across the room";
  EXPECT_LT(digits.h, 1080.0f / 20) << "more than one line changed";
  EXPECT_GE(digits.y, added.y);
  // (要救助 chips are vermillion too: compare with a render of the same layout.)
  EXPECT_EQ(count(forty_one, panel, kVermillion), count(forty, panel, kVermillion))
      << "no failure yet, no failure chip";

  // A question given up: the vermillion 送信失敗 chip on the same line.
  send(60, model::SendOutcome::failed);
  const Image failed = render(s_, settings_, "distribution-failed-1080.png");
  const Rect chip = diff_box(forty_one, failed, panel);
  ASSERT_GT(chip.w, 0);
  EXPECT_GT(count(failed, chip, kVermillion), 300u) << "no 送信失敗 chip";
  EXPECT_LT(chip.bottom(), digits.bottom() + 1080.0f / 40) << "not on the distribution line";
  // Sent after all (a retry): the chip goes, the count goes up.
  send(60);
  EXPECT_EQ(count(render(s_, settings_, "distribution-retried-1080.png"), panel, kVermillion),
            count(forty_one, panel, kVermillion));
}

TEST_F(DistributionRender, EveryoneReachableSentShowsTheSmallerDoneLine) {
  const Rect panel = rollcall_panel();
  for (std::size_t i = 10; i < scope_.size() - 1; ++i) send(i);  // 109 of 110
  const Image running = render(s_, settings_, "distribution-109-of-110-1080.png");
  send(scope_.size() - 1);  // 110 of 110
  const Image done = render(s_, settings_, "distribution-done-1080.png");
  // Another M with everyone sent: only the figures of the done line differ, and they are in
  // the body size, smaller than the heading size of the running line's figures.
  settings_.lineworks_staff.pop_back();
  s_.rollcalls.at("rc-1").messaged = 109;
  const Image done_other = render(s_, settings_, "distribution-done-109-1080.png");
  const Rect done_digits = diff_box(done, done_other, panel);
  ASSERT_GT(done_digits.w, 0) << "M is not shown";
  s_.rollcalls.at("rc-1").messaged = 108;
  const Image running_other = render(s_, settings_, "distribution-108-of-109-1080.png");
  const Rect running_digits = diff_box(running, running_other, panel);
  ASSERT_GT(running_digits.w, 0);
  EXPECT_LT(done_digits.h, running_digits.h) << "配信済 is not smaller than 配信";
  EXPECT_GE(done_digits.h, 1080.0f / 80) << "配信済 is too small to read";
}

}  // namespace
}  // namespace bcp::display
