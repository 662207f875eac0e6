// The talk's photos on the wall: fetched from a loopback stand-in of GET /v1/attachments/{ref}
// (which checks the display token), decoded on the cache's workers, uploaded a few a frame,
// and drawn headless; checked by counting the photo's colour in the talk panel's thumbnail
// and the photos panel. Broken, missing and huge photos leave the [写真] marker; the cache's
// texture bytes stay under its budget with 60 photos passing through the panel.
#include <gtest/gtest.h>

#include <SDL.h>

#include <chrono>
#include <functional>
#include <thread>

#include "bcp/client/attachment_fetch.hpp"
#include "bcp/display/demo.hpp"
#include "bcp/display/photo_cache.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"
#include "bcp/model/reducer.hpp"
#include "photo_server.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;
using test::PhotoServer;
using test::solid_jpeg;

constexpr const char* kToken = "display-sample";
constexpr const char* kRed = "0123456789abcdef0123456789abcdef";
constexpr const char* kBroken = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr const char* kMissing = "dddddddddddddddddddddddddddddddd";
constexpr const char* kHuge = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

model::TimePoint test_now() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5} + minutes{12});
}

Layout talk_and_photos() {
  return parse_layout(nlohmann::json::parse(R"({"pages":[{"rows":[
      {"height":0.1,"panels":["header"]},
      {"height":0.9,"panels":[{"panel":"talk","width":0.5},{"panel":"photos","width":0.5}]}]}]})"))
      .layout;
}

WallView live_view() {
  WallView v;
  v.health = FeedHealth::live;
  v.silence_seconds = 0.4;
  v.data_as_of = test_now();
  return v;
}

std::string ref_for(int i) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%032x", i + 1);
  return buf;
}

// A message in the headquarters room with one image attachment per ref, the newest.
void post_photos(model::Situation& s, const std::vector<std::string>& refs, int k = 0) {
  model::Event e;
  e.seq = s.last_seq + 1;
  e.at = test_now() + seconds(k);
  model::TalkMessage m;
  m.group = "hq";
  m.message_id = "photo-" + std::to_string(e.seq);
  m.sender = {"s001", "テスト", std::nullopt};
  m.text = "白樺川の河川敷にクマ";
  m.source = model::TalkSource::lineworks;
  for (const auto& r : refs) {
    model::Attachment a;
    a.kind = model::AttachmentKind::image;
    a.ref = r;
    m.attachments.push_back(a);
  }
  e.body = m;
  ASSERT_TRUE(model::apply(s, e));
}

// How many pixels of `img` inside `r` are close to (r, g, b).
int count_color(const Image& img, const Rect& r, int red, int green, int blue, int tol = 40) {
  int n = 0;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.bottom()); ++y) {
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.right()); ++x) {
      std::uint32_t p = img.pixel(x, y);
      int pr = p >> 24, pg = (p >> 16) & 0xFF, pb = (p >> 8) & 0xFF;
      n += std::abs(pr - red) < tol && std::abs(pg - green) < tol && std::abs(pb - blue) < tol;
    }
  }
  return n;
}

// One wall with its photo cache, driven pass by pass as the frame loop drives it.
class PhotoWall {
 public:
  PhotoWall(PhotoServer& server, model::Situation s, int w, int h, PhotoCacheOptions o = {})
      : situation_(std::move(s)), layout_(talk_and_photos()), w_(w), h_(h) {
    std::string error;
    screen_ = Screen::headless(w, h, &error);
    EXPECT_TRUE(screen_) << error;
    screen_->atlas().add_situation(situation_);
    EXPECT_TRUE(screen_->ensure_fonts(&error)) << error;
    cache_ = std::make_unique<PhotoCache>(
        screen_->sdl_renderer(), http_photo_fetch("127.0.0.1", server.port_text(), kToken), o);
    view_ = live_view();
    view_.photos = cache_.get();
  }
  model::Situation& situation() { return situation_; }
  PhotoCache& cache() { return *cache_; }
  // One pass: draw (wants recorded), then the cache's update, as wall_loop.cpp does.
  void pass() {
    cache_->situation_changed(situation_);
    cache_->begin_frame();
    screen_->render(situation_, view_, {}, layout_, test_now(), 0.25);
    cache_->update(steady_clock::now());
    max_bytes_seen_ = std::max(max_bytes_seen_, cache_->texture_bytes());
    EXPECT_LE(cache_->uploads_last_update(), 2);
  }
  // Passes until `done` holds (true) or 10 s pass (false).
  bool until(const std::function<bool()>& done) {
    auto deadline = steady_clock::now() + seconds(10);
    while (steady_clock::now() < deadline) {
      pass();
      if (done()) return true;
      std::this_thread::sleep_for(milliseconds(2));
    }
    return false;
  }
  // Passes until the cache has nothing left to do (every wanted photo loaded or failed).
  bool settle() {
    return until([&] { return !cache_->next_due(steady_clock::now()); });
  }
  Image picture() {
    pass();
    Image img;
    screen_->read(img);
    return img;
  }
  // The panels' rectangles (the demo situation shows the drill band).
  Rect panel(PanelKind kind) const {
    auto reg = wall_regions(layout_, 0, float(w_), float(h_), true, false);
    for (const auto& p : reg.panels)
      if (p.panel->kind == kind) return p.rect;
    return {};
  }
  std::size_t max_bytes_seen() const { return max_bytes_seen_; }

 private:
  model::Situation situation_;
  Layout layout_;
  int w_, h_;
  std::unique_ptr<Screen> screen_;
  std::unique_ptr<PhotoCache> cache_;
  WallView view_;
  std::size_t max_bytes_seen_ = 0;
};

model::Situation few_messages() { return demo_situation(test_now(), {.talk_messages = 4}); }

TEST(PhotoServerStandIn, RefusesWithoutTheDisplayToken) {
  PhotoServer server(kToken);
  server.add(kRed, solid_jpeg(64, 48, 255, 0, 0));
  auto without = client::fetch_attachment("127.0.0.1", server.port_text(), "", kRed, 1 << 20, 5s);
  EXPECT_EQ(without.status, 401);
  EXPECT_FALSE(without.ok());
  auto wrong = client::fetch_attachment("127.0.0.1", server.port_text(), "nope", kRed, 1 << 20, 5s);
  EXPECT_EQ(wrong.status, 401);
  auto with = client::fetch_attachment("127.0.0.1", server.port_text(), kToken, kRed, 1 << 20, 5s);
  EXPECT_TRUE(with.ok()) << with.error;
  EXPECT_EQ(with.content_type, "image/jpeg");
  // The size cap: an answer over max_bytes is no photo.
  auto capped = client::fetch_attachment("127.0.0.1", server.port_text(), kToken, kRed, 100, 5s);
  EXPECT_FALSE(capped.ok());
  EXPECT_NE(capped.error.find("over 100 bytes"), std::string::npos) << capped.error;
  // A ref that is not 32 lowercase hex characters is never asked for.
  auto odd = client::fetch_attachment("127.0.0.1", server.port_text(), kToken, "../../etc/passwd",
                                      1 << 20, 5s);
  EXPECT_FALSE(odd.ok());
  EXPECT_EQ(server.requests().size(), 4u);
}

class PhotoRender : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(PhotoRender, PhotoPixelsInTheThumbnailAndThePanel) {
  auto [w, h] = GetParam();
  PhotoServer server(kToken);
  server.add(kRed, solid_jpeg(800, 600, 255, 0, 0));
  auto s = few_messages();
  post_photos(s, {kRed});
  PhotoWall wall(server, std::move(s), w, h);
  // Before anything arrived: the marker where the photo will be, and no red.
  Image first = wall.picture();
  EXPECT_EQ(count_color(first, wall.panel(PanelKind::photos), 255, 0, 0), 0);
  ASSERT_TRUE(wall.settle());
  Image img = wall.picture();
  write_png(std::string(BCP_BINARY_DIR) + "/test-output/display/photo-" + std::to_string(w) + "x" +
                std::to_string(h) + ".png",
            img);
  // The thumbnail: ~3.5 lines of the talk font high, 4:3.
  const float font = std::round(std::min(w, h) / 40.0f);
  const float thumb_h = std::round(font * 1.25f * 3.5f);
  const int thumb = static_cast<int>(thumb_h * thumb_h * 4 / 3);
  const int in_talk = count_color(img, wall.panel(PanelKind::talk), 255, 0, 0);
  EXPECT_GT(in_talk, thumb * 8 / 10) << "thumbnail of " << thumb << " px";
  EXPECT_LT(in_talk, thumb * 12 / 10);
  // The panel: the newest photo large, at least a third of the panel.
  const Rect pr = wall.panel(PanelKind::photos);
  const int in_panel = count_color(img, pr, 255, 0, 0);
  EXPECT_GT(in_panel, static_cast<int>(pr.w * pr.h / 3)) << in_panel;
  // Each size once, fetched with the token, never more than two uploads a frame.
  EXPECT_EQ(wall.cache().textures(), 2u);
  EXPECT_LE(wall.cache().max_uploads_per_update(), 2);
  for (const auto& r : server.requests()) EXPECT_TRUE(r.had_token) << r.target;
  EXPECT_EQ(server.requests_for(kRed), 2);
  EXPECT_EQ(wall.cache().failures_total(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Sizes, PhotoRender,
                         ::testing::Values(std::pair{1920, 1080}, std::pair{3840, 2160}));

// Where pixels of one colour are inside `r`: their bounding box (w == 0 when there are none).
Rect color_box(const Image& img, const Rect& r, int red, int green, int blue) {
  int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
  for (int y = static_cast<int>(r.y); y < static_cast<int>(r.bottom()); ++y) {
    for (int x = static_cast<int>(r.x); x < static_cast<int>(r.right()); ++x) {
      std::uint32_t p = img.pixel(x, y);
      int pr = p >> 24, pg = (p >> 16) & 0xFF, pb = (p >> 8) & 0xFF;
      if (std::abs(pr - red) < 30 && std::abs(pg - green) < 30 && std::abs(pb - blue) < 30) {
        x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
      }
    }
  }
  if (x1 < 0) return {};
  return {float(x0), float(y0), float(x1 - x0 + 1), float(y1 - y0 + 1)};
}

struct PanelCase {
  int photos, w, h;
};
class PhotoPanelLabels : public ::testing::TestWithParam<PanelCase> {};

// Each photo whole in the panel (4:3 kept, nothing clipped) and its group's name right under
// it: not at the panel's foot when a wide photo leaves the slot's height unused.
TEST_P(PhotoPanelLabels, EachLabelSitsUnderItsPhoto) {
  const auto [photos, w, h] = GetParam();
  constexpr int kColors[5][3] = {
      {255, 0, 0}, {0, 200, 0}, {40, 40, 255}, {255, 0, 255}, {255, 255, 0}};
  PhotoServer server(kToken);
  auto s = few_messages();
  for (int i = 0; i < photos; ++i) {
    const auto& c = kColors[photos - 1 - i];  // the newest (posted last) is kColors[0]
    server.add(ref_for(200 + i), solid_jpeg(800, 600, c[0], c[1], c[2]));
    post_photos(s, {ref_for(200 + i)}, i);
  }
  PhotoWall wall(server, std::move(s), w, h);
  ASSERT_TRUE(wall.settle());
  Image img = wall.picture();
  write_png(std::string(BCP_BINARY_DIR) + "/test-output/display/photos-panel-" +
                std::to_string(photos) + "-" + std::to_string(w) + "x" + std::to_string(h) + ".png",
            img);
  const Rect panel = wall.panel(PanelKind::photos);
  const float font = std::round(std::min(w, h) / 40.0f);
  float newest_area = 0;
  for (int i = 0; i < photos; ++i) {
    const auto& c = kColors[i];
    const Rect box = color_box(img, panel, c[0], c[1], c[2]);
    ASSERT_GT(box.w, 0) << "photo " << i << " not shown";
    EXPECT_NEAR(box.w / box.h, 4.0f / 3.0f, 0.03f) << "photo " << i << " clipped";
    EXPECT_GT(box.w * box.h, 4 * font * font) << "photo " << i << " too small to read";
    if (i == 0)
      newest_area = box.w * box.h;
    else
      EXPECT_LT(box.w * box.h, newest_area) << "photo " << i << " larger than the newest";
    // The label line: its text within 1.6 font heights under the photo, across its width (a little
    // wider where a small photo is narrower than its name and time).
    const Rect line{box.x - 2 * font, box.bottom(), box.w + 4 * font, 1.6f * font};
    EXPECT_LE(line.y + font * 1.4f, panel.bottom()) << "photo " << i << "'s label clipped";
    EXPECT_GT(count_color(img, line, 0x56, 0xB4, 0xE9, 30), static_cast<int>(font * 2))
        << "no group name under photo " << i;
    EXPECT_GT(count_color(img, line, 0xA8, 0xB2, 0xC0, 30), static_cast<int>(font))
        << "no time under photo " << i;
  }
  EXPECT_EQ(wall.cache().failures_total(), 0u);
}

INSTANTIATE_TEST_SUITE_P(CountsAndSizes, PhotoPanelLabels,
                         ::testing::Values(PanelCase{1, 1920, 1080}, PanelCase{2, 1920, 1080},
                                           PanelCase{5, 1920, 1080}, PanelCase{1, 3840, 2160},
                                           PanelCase{2, 3840, 2160}, PanelCase{5, 3840, 2160}));

TEST(PhotoRenderFailures, BrokenMissingAndHugePhotosKeepTheMarker) {
  PhotoServer server(kToken);
  std::string broken = solid_jpeg(400, 300, 255, 0, 0);
  broken.resize(broken.size() / 3);  // a truncated JPEG
  server.add(kBroken, broken);
  server.add(kHuge, solid_jpeg(3000, 2500, 255, 0, 0));  // 7.5 Mpx: refused from its header
  auto s = few_messages();
  post_photos(s, {kBroken, kMissing, kHuge});
  PhotoCacheOptions o;
  o.first_retry = milliseconds(50);
  PhotoWall wall(server, std::move(s), 1920, 1080, o);
  ASSERT_TRUE(wall.until([&] { return wall.cache().failures_total() >= 3; }));
  Image img = wall.picture();
  EXPECT_EQ(wall.cache().textures(), 0u);
  // The [写真] markers (orange) in the talk and the panel, and no photo pixels at all.
  EXPECT_GT(count_color(img, wall.panel(PanelKind::talk), 0xE6, 0x9F, 0x00, 30), 100);
  EXPECT_GT(count_color(img, wall.panel(PanelKind::photos), 0xE6, 0x9F, 0x00, 30), 100);
  EXPECT_EQ(count_color(img, wall.panel(PanelKind::photos), 255, 0, 0), 0);
  // Retried with backoff while on screen: the 404 is asked for again.
  EXPECT_TRUE(wall.until([&] { return server.requests_for(kMissing) >= 4; }));
  // And the wall keeps drawing: a good photo posted now appears.
  server.add(kRed, solid_jpeg(800, 600, 255, 0, 0));
  post_photos(wall.situation(), {kRed}, 5);
  EXPECT_TRUE(wall.until([&] {
    return count_color(wall.picture(), wall.panel(PanelKind::photos), 255, 0, 0) > 10000;
  }));
}

TEST(PhotoCacheBudget, SixtyPhotosStayUnderTheByteBudget) {
  PhotoServer server(kToken);
  for (int i = 0; i < 60; ++i) {
    server.add(ref_for(i), solid_jpeg(640, 480, static_cast<std::uint8_t>(40 + i * 3),
                                      static_cast<std::uint8_t>(200 - i * 3), 90));
  }
  PhotoCacheOptions o;
  o.byte_budget = 6u << 20;  // what one 1280x720 screen shows, and little more
  PhotoWall wall(server, few_messages(), 1280, 720, o);
  for (int i = 0; i < 60; ++i) {
    post_photos(wall.situation(), {ref_for(i)}, i);
    ASSERT_TRUE(wall.settle()) << "photo " << i;
    ASSERT_LE(wall.cache().texture_bytes(), o.byte_budget) << "photo " << i;
  }
  EXPECT_LE(wall.max_bytes_seen(), o.byte_budget);
  EXPECT_GT(wall.cache().evictions_total(), 0u);  // the budget was reached and kept
  EXPECT_EQ(wall.cache().failures_total(), 0u);   // what is on screen always fits
  EXPECT_LE(wall.cache().max_uploads_per_update(), 2);
  // The newest photo is the large one.
  Image img = wall.picture();
  EXPECT_GT(count_color(img, wall.panel(PanelKind::photos), 40 + 59 * 3, 200 - 59 * 3, 90, 20),
            20000);
}

TEST(PhotoCacheBudget, NoMoreThanTheUploadBudgetInOneFrame) {
  PhotoServer server(kToken);
  std::vector<std::string> refs;
  for (int i = 0; i < 8; ++i) {
    refs.push_back(ref_for(100 + i));
    server.add(refs.back(), solid_jpeg(320, 240, 0, 0, 255));
  }
  auto s = few_messages();
  for (int i = 0; i < 8; ++i) post_photos(s, {refs[i]}, i);
  PhotoCacheOptions o;
  o.max_outstanding = 8;  // all eight decoded before the first upload
  o.workers = 4;
  PhotoWall wall(server, std::move(s), 1280, 720, o);
  wall.pass();  // the wants
  // Wait (without drawing) until the workers decoded everything; then one update.
  auto deadline = steady_clock::now() + 10s;
  // The 1280x720 wall shows seven of them (thumbnails and panel cells).
  while (server.requests().size() < 5 && steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  ASSERT_GE(server.requests().size(), 5u);
  std::this_thread::sleep_for(200ms);  // decoded: 320x240 takes a few ms
  wall.cache().update(steady_clock::now());
  EXPECT_EQ(wall.cache().uploads_last_update(), 2);
  wall.cache().update(steady_clock::now());
  EXPECT_EQ(wall.cache().uploads_last_update(), 2);
  EXPECT_EQ(wall.cache().textures(), 4u);
}

TEST(PhotoRenderHide, AHiddenMessagesPhotoLeavesTheWallAndMemory) {
  PhotoServer server(kToken);
  server.add(kRed, solid_jpeg(800, 600, 255, 0, 0));
  auto s = few_messages();
  post_photos(s, {kRed});
  const std::string id = "photo-" + std::to_string(s.last_seq);
  PhotoWall wall(server, std::move(s), 1920, 1080);
  ASSERT_TRUE(wall.settle());
  ASSERT_GT(count_color(wall.picture(), wall.panel(PanelKind::photos), 255, 0, 0), 10000);
  model::Event hide;
  hide.seq = wall.situation().last_seq + 1;
  hide.at = test_now() + 10s;
  hide.body = model::TalkHidden{id, "誤投稿", "operator"};
  ASSERT_TRUE(model::apply(wall.situation(), hide));
  wall.pass();
  Image img = wall.picture();
  EXPECT_EQ(count_color(img, wall.panel(PanelKind::photos), 255, 0, 0), 0);
  EXPECT_EQ(count_color(img, wall.panel(PanelKind::talk), 255, 0, 0), 0);
  EXPECT_EQ(wall.cache().textures(), 0u);
  EXPECT_EQ(wall.cache().texture_bytes(), 0u);
}

}  // namespace
}  // namespace bcp::display
