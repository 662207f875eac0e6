#include "bcp/display/app.hpp"

#include <SDL.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <fstream>
#include <set>

#include "bcp/config/config.hpp"
#include "bcp/display/chime_policy.hpp"
#include "bcp/display/controls.hpp"
#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/model/codec.hpp"
#include "chime.hpp"
#include "draw.hpp"
#include "frame_stats.hpp"
#include "frame_trace.hpp"
#include "hide_sender.hpp"
#include "region_app.hpp"
#include "replay_source.hpp"
#include "run_control.hpp"
#include "source.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

using Clock = std::chrono::steady_clock;

model::TimePoint wall_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

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

// Everything the loop needs that comes from the config or the flags.
struct Setup {
  Layout layout = default_layout();
  WallSettings settings;
  std::unique_ptr<Source> source;
  std::string feed_url;
  // Where the H key sends its hide requests, and with which operator token ("" = none).
  std::string daemon_host, daemon_port, operator_token;
};

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

std::optional<Setup> prepare(const Options& o, std::string& error) {
  Setup s;
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
  // Our own handlers: SIGTERM from systemd quits at once, unlike a window close.
  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  stop_on_signals();
  if (SDL_Init(0) != 0) return fail(std::string("SDL_Init: ") + SDL_GetError());

  auto screen = o.headless ? Screen::headless(o.width, o.height, &error)
                           : Screen::window(o.monitor, o.windowed, &error);
  if (!screen) return fail(error);
  screen->text_scale = setup->settings.text_scale;
  // A replay shows the journal's moments, never the live clock (replay_session.hpp).
  ReplaySession* replay = setup->source->replay();
  ReplayStatus replay_status;
  {
    // Month and weekday names differ by date: bake what today's clock shows, plus digits.
    char sample[64];
    format_clock(sample, sizeof sample, replay ? replay->now(Clock::now()) : wall_now(), 540,
                 setup->settings.clock_format.c_str());
    screen->atlas().add_clock_text(sample);
  }
  Source& src = *setup->source;
  Chime chime;
  bool audio = !o.headless && setup->settings.chime && chime.open();
  (void)audio;
  ChimePolicy chime_policy(setup->settings.chime_repeat_seconds);

  // Operator state on this PC only; of it only the H key's hide reaches the daemon.
  WallControls controls;
  HideSender hide_sender(setup->daemon_host, setup->daemon_port,
                         src.live() ? setup->operator_token : std::string());
  std::string hide_status;
  double hide_status_until = 0;
  auto show_hide_status = [&](std::string text, double mono_now) {
    hide_status = std::move(text);
    hide_status_until = mono_now + 8;
  };
  PointerHider pointer;
  bool pointer_shown = true;
  PageRotation rot;
  const auto start = Clock::now();
  auto mono_of = [&](Clock::time_point t) {
    return std::chrono::duration<double>(t - start).count();
  };
  rot.reset(setup->layout.pages.size(), setup->layout.rotate_seconds, 0);

  FrameStats stats;
  FrameTrace trace;
  if (!o.trace_frames.empty() && !trace.open(o.trace_frames, &error)) return fail(error);
  WallView view;
  view.feed_url = setup->feed_url;
  view.acked_locally = &controls.acked();
  auto next_capture = start;
  bool wrote_once = false;
  std::uint64_t written_serial = 0;
  auto last_atlas_build = start - std::chrono::hours(1);
  std::uint64_t drawn_key = ~0ull;

  while (!stop_requested() && !controls.quit()) {
    auto now_steady = Clock::now();
    double mono = mono_of(now_steady);
    model::TimePoint now = replay ? replay->now(now_steady) : wall_now();

    if (!screen->is_headless()) {
      SDL_Event e;
      while (SDL_PollEvent(&e)) {
        switch (e.type) {
          case SDL_QUIT:
            controls.close_requested(mono);
            drawn_key = ~0ull;
            break;
          case SDL_KEYDOWN:
            // A held key repeats; an auto-repeated Esc must not answer its own question.
            if (e.key.repeat) break;
            if (replay && replay->press(replay_key(e.key.keysym.sym), now_steady)) {
              now = replay->now(now_steady);
              drawn_key = ~0ull;
              break;
            }
            switch (controls.press(wall_key(e.key.keysym.sym), rot, src.situation(), now, mono)) {
              case ControlRequest::toggle_fullscreen:
                screen->toggle_fullscreen();
                break;
              case ControlRequest::hide_message:
                // A replay or a fixed picture has no daemon to ask.
                if (hide_sender.send(controls.hide_request(),
                                     std::string(words::kHideReason) + " (" + o.wall + ")")) {
                  show_hide_status(std::string(words::kHideSending), mono);
                }
                break;
              default:
                break;
            }
            drawn_key = ~0ull;
            break;
          case SDL_MOUSEMOTION:
            pointer.moved(mono);
            break;
          case SDL_WINDOWEVENT:
            screen->refresh_size();
            drawn_key = ~0ull;
            break;
          case SDL_DISPLAYEVENT:
            // A monitor came back: return to it, full screen again.
            screen->place_on_monitor();
            drawn_key = ~0ull;
            break;
          case SDL_RENDER_TARGETS_RESET:
          case SDL_RENDER_DEVICE_RESET:
            screen->invalidate_textures();
            screen->ensure_fonts(nullptr);
            drawn_key = ~0ull;
            break;
          default:
            break;
        }
      }
      if (pointer.visible(mono) != pointer_shown) {
        pointer_shown = !pointer_shown;
        SDL_ShowCursor(pointer_shown ? SDL_ENABLE : SDL_DISABLE);
      }
      bool asking = controls.asking_to_quit();
      bool listing = controls.hide_pick() != nullptr;
      controls.tick(mono);
      if (asking != controls.asking_to_quit() || listing != (controls.hide_pick() != nullptr)) {
        drawn_key = ~0ull;
      }
      if (auto outcome = hide_sender.take()) {
        show_hide_status(outcome->ok ? std::string(words::kHideDone)
                                     : std::string(words::kHideFailed) + ": " + outcome->message,
                         mono);
        drawn_key = ~0ull;
      }
      if (!hide_status.empty() && mono >= hide_status_until) {
        hide_status.clear();
        drawn_key = ~0ull;
      }
    }

    src.poll(screen->atlas(), now_steady);
    const model::Situation& s = src.situation();
    rot.tick(mono);

    // New warning/critical alerts flash for flash_seconds; the chime sounds at once and
    // repeats until they are acknowledged (here or anywhere), unless muted.
    bool flashing = false;
    for (const auto* a : s.active_alerts(now)) {
      flashing |= alert_flashing(*a, setup->settings, &controls.acked(), now);
    }
    const auto wanting = alerts_wanting_chime(s, controls.acked(), now);
    if (chime_policy.update(wanting, controls.muted(), mono) && !replay) {
      chime.play(chime_sound(s, wanting));
    }

    view.health = src.health(setup->settings.staleness, now_steady);
    view.silence_seconds = src.has_data() ? src.silence(now_steady) : std::optional<double>(mono);
    view.data_as_of = src.data_as_of();
    view.detail = src.detail();
    view.page = rot.page();
    view.pages = setup->layout.pages.size();
    view.paused = rot.paused();
    view.muted = controls.muted();
    view.quit_confirm = controls.asking_to_quit();
    view.hide_pick = controls.hide_pick();
    view.hide_can_send = hide_sender.can_send();
    view.hide_status = hide_status;
    if (replay) {
      replay_status = replay->status(now_steady);
      view.replay = &replay_status;
    }
    if (!screen->is_headless() && setup->settings.pixel_shift > 0) {
      // Lissajous drift of a few pixels over minutes: no static edge burns in.
      double ph = 2 * 3.14159265358979 * mono / setup->settings.pixel_shift_period_seconds;
      float amp = setup->settings.pixel_shift * static_cast<float>(screen->height());
      view.shift_x = std::round(amp * static_cast<float>(std::sin(ph)));
      view.shift_y = std::round(amp * static_cast<float>(std::sin(ph * 0.77 + 1.0)));
    }

    // Rebuilding the atlas costs a frame's worth of work: at most once a second, except
    // right before a capture, which must never show '?' for a character the font has.
    bool capture_due = !o.capture.empty() && now_steady >= next_capture;
    // A new screen size (another monitor, a resized window) needs new sizes at once.
    if ((screen->atlas().dirty() &&
         (capture_due || now_steady - last_atlas_build >= std::chrono::seconds(1))) ||
        !screen->fonts_fit()) {
      last_atlas_build = now_steady;
      if (!screen->ensure_fonts(&error)) return fail(error);
      std::fprintf(stderr, "bcp-wall: glyph atlas %zu characters, %dx%d, %.0f ms\n",
                   screen->atlas().codepoints(), screen->atlas().texture_width(),
                   screen->atlas().texture_height(), screen->atlas().last_build_ms());
      drawn_key = ~0ull;
    }

    // Redraw only when something visible changed: data, health, the clock's second, the
    // flash phase, page or operator flags.
    long long tick = static_cast<long long>(std::floor(
        std::chrono::duration<double>(now.time_since_epoch()).count() * (flashing ? 2 : 1)));
    std::uint64_t key = src.revision() * 1000003u ^ static_cast<std::uint64_t>(tick) * 7919u ^
                        (static_cast<std::uint64_t>(view.health) << 56) ^
                        (static_cast<std::uint64_t>(view.page) << 48) ^
                        (static_cast<std::uint64_t>(view.shift_x + 64) << 40) ^
                        (static_cast<std::uint64_t>(view.shift_y + 64) << 32) ^
                        (controls.muted() ? 1ull << 62 : 0) ^
                        (controls.asking_to_quit() ? 1ull << 61 : 0) ^
                        (rot.paused() ? 1ull << 60 : 0) ^ (controls.acked().size() << 24);
    if (replay) key ^= replay_redraw_bits(replay_status);
    bool bench = o.bench_frames > 0;
    if (key != drawn_key || capture_due || bench) {
      auto t0 = Clock::now();
      // Only what differs from the last frame is rasterised; a bench measures whole frames.
      auto drawn = screen->render(s, view, setup->settings, setup->layout, now, mono, bench);
      trace.frame_finished(s.last_seq);
      if (drawn.changed) {
        stats.add(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
      drawn_key = key;
    }
    if (bench && static_cast<int>(stats.count()) >= o.bench_frames) {
      stats.print(stderr, o.width, o.height);
      return 0;
    }

    if (capture_due) {
      bool have = src.has_data() && view.health != FeedHealth::connecting;
      bool timed_out = mono >= o.wait_seconds;
      // An unchanged picture is not encoded again: at 4K that costs more than drawing it.
      bool unchanged = wrote_once && screen->picture_serial() == written_serial;
      if ((have || timed_out || o.every > 0) && !unchanged) {
        if (!screen->save_png(o.capture)) {
          return fail("cannot write " + o.capture);
        }
        wrote_once = true;
        written_serial = screen->picture_serial();
        if (o.every <= 0) {
          if (!have) {
            return fail("no snapshot from " + setup->feed_url + " within " +
                        std::to_string(static_cast<int>(o.wait_seconds)) + " s (" +
                        std::string(to_string(view.health)) +
                        "); wrote the connecting picture to " + o.capture);
          }
          return 0;
        }
      }
      if (o.every > 0) {
        next_capture =
            now_steady + std::chrono::milliseconds(static_cast<long long>(o.every * 1000));
      }
    }

    if (bench) continue;
    // Sleep until the next thing time changes: the next second (or half second while
    // flashing), a page change, the next capture; updates from the feed wake us earlier.
    auto since_epoch = std::chrono::duration<double>(wall_now().time_since_epoch()).count();
    double step = flashing ? 0.5 : 1.0;
    double to_tick = step - std::fmod(since_epoch, step) + 0.002;
    auto deadline = Clock::now() + std::chrono::microseconds(static_cast<long long>(to_tick * 1e6));
    if (auto change = rot.next_change()) {
      deadline = std::min(deadline,
                          start + std::chrono::microseconds(static_cast<long long>(*change * 1e6)));
    }
    if (!o.capture.empty()) deadline = std::min(deadline, std::max(next_capture, Clock::now()));
    if (replay) {
      if (auto change = replay->next_change(Clock::now())) deadline = std::min(deadline, *change);
    }
    if (auto due = chime_policy.next_due(controls.muted())) {
      deadline =
          std::min(deadline, start + std::chrono::microseconds(static_cast<long long>(*due * 1e6)));
    }
    // New characters wait at most until the next allowed rebuild, not the next event.
    if (screen->atlas().dirty())
      deadline = std::min(deadline, last_atlas_build + std::chrono::seconds(1));
    if (screen->is_headless()) {
      src.wait(deadline);
    } else {
      // SDL cannot wait on our queue; a 100 ms cap bounds the feed's latency to the screen.
      auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      SDL_WaitEventTimeout(nullptr, static_cast<int>(std::clamp<long long>(ms, 1, 100)));
    }
  }
  (void)wrote_once;
  if (stats.count() > 0 && std::getenv("BCP_WALL_STATS"))
    stats.print(stderr, screen->width(), screen->height());
  return 0;
}

}  // namespace bcp::display
