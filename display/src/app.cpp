// bcp-wall's start: reads the config and the flags, starts SDL, opens the screen and hands
// over to the frame loop (wall_loop.cpp). Threads: the main thread's only; the live Source
// this file creates starts the stream client's thread, and the loop's HideSender and Chime
// bring their own (wall_loop.hpp).
#include "bcp/display/app.hpp"

#include <SDL.h>

#include <algorithm>
#include <fstream>

#include "bcp/config/config.hpp"
#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/model/codec.hpp"
#include "draw.hpp"
#include "region_app.hpp"
#include "replay_source.hpp"
#include "run_control.hpp"
#include "source.hpp"
#include "wall_loop.hpp"

namespace bcp::display {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<nlohmann::json> read_json(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    error = path + ": " + e.what();
    return std::nullopt;
  }
}

// "ws://host:port/…" or "host:port" -> host and port; false when it names neither.
bool split_address(std::string address, std::string& host, std::string& port) {
  if (auto scheme = address.find("://"); scheme != std::string::npos) address.erase(0, scheme + 3);
  address = address.substr(0, address.find('/'));
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  host = address.substr(0, colon);
  port = address.substr(colon + 1);
  return true;
}

std::optional<WallSetup> prepare(const Options& o, std::string& error) {
  WallSetup s;
  std::optional<config::TownConfig> town;
  if (!o.config.empty()) {
    auto loaded = config::load_town(o.config);
    if (!loaded.config) {
      error = loaded.errors.empty() ? "cannot load " + o.config : loaded.errors.front().to_string();
      if (loaded.errors.size() > 1)
        error += " (and " + std::to_string(loaded.errors.size() - 1) + " more)";
      return std::nullopt;
    }
    town = std::move(loaded.config);
    const auto* wall = town->find_wall(o.wall);
    if (!wall) {
      error = "wall \"" + o.wall + "\" is not in " + o.config;
      return std::nullopt;
    }
    auto parsed = parse_layout(wall->layout);
    for (const auto& w : parsed.warnings)
      std::fprintf(stderr, "bcp-wall: layout %s: %s\n", o.wall.c_str(), w.c_str());
    s.layout = std::move(parsed.layout);
    std::vector<std::string> warnings;
    s.settings = settings_from_json(town->display, &warnings);
    s.settings.watched_sources = town->watched_sources();
    for (const auto& person : town->staff) {
      if (person.lineworks_user) s.settings.lineworks_staff.push_back(person.id);
    }
    std::sort(s.settings.lineworks_staff.begin(), s.settings.lineworks_staff.end());
    for (const auto& w : warnings) std::fprintf(stderr, "bcp-wall: config %s\n", w.c_str());
  }
  if (!o.layout_file.empty()) {
    auto doc = read_json(o.layout_file, error);
    if (!doc) return std::nullopt;
    auto parsed = parse_layout(*doc);
    for (const auto& w : parsed.warnings)
      std::fprintf(stderr, "bcp-wall: %s: %s\n", o.layout_file.c_str(), w.c_str());
    s.layout = std::move(parsed.layout);
  }
  if (o.demo) {
    s.source = std::make_unique<Source>(demo_situation(wall_now(), DemoOptions{.drill = *o.demo}));
  } else if (!o.situation_file.empty()) {
    auto doc = read_json(o.situation_file, error);
    if (!doc) return std::nullopt;
    try {
      // Accept a bare situation or a stream snapshot frame around one.
      const auto& body = doc->contains("situation") ? (*doc)["situation"] : *doc;
      s.source = std::make_unique<Source>(model::situation_from_json(body));
    } catch (const std::exception& e) {
      error = o.situation_file + ": " + e.what();
      return std::nullopt;
    }
  } else if (!o.replay.empty()) {
    auto session = open_replay(o, *town, error);
    if (!session) return std::nullopt;
    s.source = std::make_unique<Source>(std::move(session));
  } else {
    client::ClientOptions co;
    co.url = o.feed.empty() ? "ws://" + town->listen + "/v1/stream" : o.feed;
    co.display = o.wall;
    if (o.token) {
      co.token = *o.token;
    } else {
      for (const auto& t : town->tokens) {
        if (t.has(config::Role::display) && t.secret) {
          co.token = *t.secret;
          break;
        }
      }
      if (co.token.empty()) {
        error = "the config has no display token with a plain secret; pass --token";
        return std::nullopt;
      }
    }
    s.feed_url = co.url;
    s.display_token = co.token;
    split_address(co.url, s.daemon_host, s.daemon_port);
    if (o.operator_token) {
      s.operator_token = *o.operator_token;
    } else {
      for (const auto& t : town->tokens) {
        if (t.has(config::Role::operator_) && t.secret) {
          s.operator_token = *t.secret;
          break;
        }
      }
    }
    s.source = std::make_unique<Source>(std::move(co));
  }
  return s;
}

// Our own signal handlers: SIGTERM from systemd quits at once, unlike a window close.
bool start_sdl(std::string& error) {
  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  stop_on_signals();
  if (SDL_Init(0) == 0) return true;
  error = std::string("SDL_Init: ") + SDL_GetError();
  return false;
}

// The window, or the off-screen surface of --headless, with the clock's characters baked.
std::unique_ptr<Screen> open_screen(const Options& o, const WallSetup& setup, std::string& error) {
  auto screen = o.headless ? Screen::headless(o.width, o.height, &error)
                           : Screen::window(o.monitor, o.windowed, &error);
  if (!screen) return nullptr;
  screen->text_scale = setup.settings.text_scale;
  // Month and weekday names differ by date: bake what today's clock shows, plus digits. A
  // replay shows the journal's moments, never the live clock (replay_session.hpp).
  const ReplaySession* replay = setup.source->replay();
  char sample[64];
  format_clock(sample, sizeof sample, replay ? replay->now(Clock::now()) : wall_now(), 540,
               setup.settings.clock_format.c_str());
  screen->atlas().add_clock_text(sample);
  return screen;
}

}  // namespace

// A region.json, or a saved GET /v1/region answer: the regional wall (region_app.cpp).
bool wants_region_wall(const Options& o) {
  if (!o.config.empty()) return config::is_region_config(o.config);
  if (o.situation_file.empty()) return false;
  std::ifstream in(o.situation_file);
  return is_region_document(nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false));
}

int run_wall(const Options& o) {
  if (wants_region_wall(o)) return run_region_wall(o);
  std::string error;
  auto setup = prepare(o, error);
  if (!setup) return fail(error);
  if (!start_sdl(error)) return fail(error);
  auto screen = open_screen(o, *setup, error);
  if (!screen) return fail(error);
  return run_frame_loop(o, *setup, *screen);
}

}  // namespace bcp::display
