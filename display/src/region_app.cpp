// bcp-wall for a region (issue 18): `bcp-wall --config region.json` shows every town of the
// region side by side (region_wall.hpp). It polls the regional daemon's GET /v1/region once a
// second, or shows a saved answer (--situation region-answer.json).
//
// Threads: the poller thread does the HTTP requests and hands each answer over under a mutex;
// the main thread owns the screen and draws.
#include <SDL.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "bcp/client/journal_fetch.hpp"
#include "bcp/config/config.hpp"
#include "bcp/display/region_wall.hpp"
#include "bcp/display/screen.hpp"
#include "region_app.hpp"
#include "run_control.hpp"

namespace bcp::display {
namespace {

using Clock = std::chrono::steady_clock;

// The latest answer of GET /v1/region and how the feed is doing.
class RegionPoller {
 public:
  RegionPoller(client::EventsUrl url, std::string token)
      : url_(std::move(url)), token_(std::move(token)) {
    thread_ = std::thread([this] { run(); });
  }
  ~RegionPoller() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  // The view (if any answer came yet) and the feed state at `now`.
  std::optional<RegionView> latest(RegionFeed& feed, Clock::time_point now,
                                   std::uint64_t& serial) const {
    std::lock_guard lock(mutex_);
    feed.connected = connected_;
    feed.detail = detail_;
    feed.silence_s.reset();
    if (last_answer_) feed.silence_s = std::chrono::duration<double>(now - *last_answer_).count();
    serial = serial_;
    return view_;
  }

 private:
  void run() {
    client::FetchOptions o;
    o.token = token_;
    o.timeout = std::chrono::milliseconds(3000);
    o.max_page_bytes = 16u << 20;
    std::string reported;
    while (true) {
      nlohmann::json doc;
      std::string error;
      std::optional<RegionView> view;
      if (client::fetch_json(url_, "/v1/region", o, doc, error))
        view = region_from_json(doc, error);
      {
        std::unique_lock lock(mutex_);
        connected_ = view.has_value();
        if (view) {
          view_ = std::move(view);
          last_answer_ = Clock::now();
          ++serial_;
          detail_.clear();
        } else {
          detail_ = error;
        }
        if (!error.empty() && error != reported)
          std::fprintf(stderr, "bcp-wall: %s\n", error.c_str());
        reported = error;
        if (wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) return;
      }
    }
  }

  const client::EventsUrl url_;
  const std::string token_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool connected_ = false;
  std::optional<RegionView> view_;
  std::optional<Clock::time_point> last_answer_;
  std::uint64_t serial_ = 0;
  std::string detail_;
  std::thread thread_;
};

model::TimePoint wall_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace

bool is_region_document(const nlohmann::json& doc) {
  return doc.is_object() && doc.contains("towns") && doc["towns"].is_array();
}

bool render_region_image(const RegionView& view, const RegionFeed& feed, int width, int height,
                         model::TimePoint now, int page, Image& out, std::string* error) {
  auto screen = Screen::headless(width, height, error);
  if (!screen) return false;
  add_region_text(screen->atlas(), view);
  if (!screen->ensure_fonts(error)) return false;
  screen->render_with([&](ImDrawList* dl) {
    draw_region(dl, screen->fonts(), view, feed, float(width), float(height), now, page);
  });
  return screen->read(out);
}

int run_region_wall(const Options& o) {
  std::optional<config::RegionConfig> region;
  if (!o.config.empty()) {
    auto loaded = config::load_region(o.config);
    if (!loaded.config) {
      return fail(loaded.errors.empty() ? "cannot load " + o.config
                                        : loaded.errors.front().to_string());
    }
    region = std::move(loaded.config);
  }
  // A saved answer (no daemon), or the live poller.
  std::optional<RegionView> fixed;
  std::unique_ptr<RegionPoller> poller;
  if (!o.situation_file.empty()) {
    std::ifstream in(o.situation_file);
    const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    std::string error;
    if (!in.good() && doc.is_discarded()) return fail("cannot read " + o.situation_file);
    fixed = region_from_json(doc, error);
    if (!fixed) return fail(o.situation_file + ": " + error);
  } else {
    if (!region) return fail("a regional wall needs --config region.json or --situation FILE");
    std::string url = o.feed.empty() ? "http://" + region->listen : o.feed;
    if (url.rfind("ws://", 0) == 0) url = "http://" + url.substr(5);
    url = url.substr(0, url.find('/', 7));
    std::string error;
    auto parsed = client::parse_events_url(url, error);
    if (!parsed) return fail("--feed " + url + ": " + error);
    std::string token = o.token.value_or("");
    if (token.empty()) {
      for (const auto& t : region->tokens) {
        if (t.has(config::Role::display) && t.secret) {
          token = *t.secret;
          break;
        }
      }
    }
    if (token.empty())
      return fail("the region config has no display token with a plain secret; pass --token");
    poller = std::make_unique<RegionPoller>(*parsed, token);
  }
  const int utc_offset = region ? region->utc_offset_minutes : 540;

  std::string error;
  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  if (SDL_Init(0) != 0) return fail(std::string("SDL_Init: ") + SDL_GetError());
  auto screen = o.headless ? Screen::headless(o.width, o.height, &error)
                           : Screen::window(o.monitor, o.windowed, &error);
  if (!screen) return fail(error);
  stop_on_signals();

  const auto start = Clock::now();
  const auto first_capture_deadline =
      start + std::chrono::milliseconds(static_cast<long long>(o.wait_seconds * 1000));
  auto next_capture = start;
  bool captured_once = false;
  constexpr double kPageSeconds = 10;
  while (!stop_requested()) {
    if (!screen->is_headless()) {
      SDL_Event e;
      while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) request_stop();
        if (e.type == SDL_KEYDOWN &&
            (e.key.keysym.sym == SDLK_ESCAPE || e.key.keysym.sym == SDLK_q))
          request_stop();
        if (e.type == SDL_KEYDOWN && e.key.keysym.sym == SDLK_f) screen->toggle_fullscreen();
        if (e.type == SDL_WINDOWEVENT) screen->refresh_size();
      }
    }
    const auto now_steady = Clock::now();
    RegionFeed feed;
    std::optional<RegionView> view;
    std::uint64_t serial = 0;
    if (fixed) {
      view = fixed;
      feed.connected = true;
      feed.silence_s = 0;
    } else {
      view = poller->latest(feed, now_steady, serial);
    }
    RegionView shown = view.value_or(RegionView{});
    if (shown.name.empty() && region) shown.name = region->name;
    shown.utc_offset_minutes = utc_offset;
    add_region_text(screen->atlas(), shown);
    if (!screen->ensure_fonts(&error)) return fail(error);
    const double mono = std::chrono::duration<double>(now_steady - start).count();
    const int page = static_cast<int>(mono / kPageSeconds) % region_pages(shown);
    screen->render_with([&](ImDrawList* dl) {
      draw_region(dl, screen->fonts(), shown, feed, float(screen->width()), float(screen->height()),
                  wall_now(), page);
    });
    if (!o.capture.empty() && now_steady >= next_capture &&
        (view || now_steady >= first_capture_deadline)) {
      if (!screen->save_png(o.capture)) return fail("cannot write " + o.capture);
      if (!view)
        std::fprintf(
            stderr, "bcp-wall: no answer from the regional daemon; wrote the connecting picture\n");
      captured_once = true;
      if (o.every <= 0) break;
      next_capture = now_steady + std::chrono::milliseconds(static_cast<long long>(o.every * 1000));
    }
    if (fixed && captured_once && o.every <= 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(fixed ? 500 : 250));
  }
  return 0;
}

}  // namespace bcp::display
