// The town wall's frame loop. Threads: the main thread's only (wall_loop.hpp says which
// threads work beside it and where their results are handed over).
#include "wall_loop.hpp"

#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "bcp/display/chime_policy.hpp"
#include "bcp/display/controls.hpp"
#include "bcp/display/photo_cache.hpp"
#include "chime.hpp"
#include "draw.hpp"
#include "frame_stats.hpp"
#include "frame_trace.hpp"
#include "hide_sender.hpp"
#include "run_control.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

using Clock = std::chrono::steady_clock;

// One frame's clocks, read once at its start.
struct FrameTime {
  Clock::time_point steady;
  double mono = 0;       // seconds since the loop started: flashing, paging, timeouts
  model::TimePoint now;  // what the wall shows: the replayed moment, or the wall clock
};

// What the loop keeps from frame to frame. The members are destroyed in reverse order:
// the hide worker is joined and the audio device closed before the screen goes away.
class WallLoop {
 public:
  WallLoop(const Options& o, WallSetup& setup, Screen& screen);
  int run();

 private:
  std::optional<int> frame();
  FrameTime read_clocks() const;
  void handle_events(FrameTime& t);
  void handle_event(const SDL_Event& e, FrameTime& t);
  void handle_key(SDL_Keycode key, FrameTime& t);
  void show_pointer_while_moving(double mono);
  void tick_operator_state(double mono);
  void show_hide_status(std::string text, double mono);
  bool flash_and_chime(const model::Situation& s, const FrameTime& t);
  void fill_view(const FrameTime& t);
  void shift_against_burn_in(double mono);
  bool rebuild_atlas_if_due(Clock::time_point now, bool capture_due);
  std::uint64_t picture_key(const FrameTime& t, bool flashing) const;
  void draw_if_changed(const model::Situation& s, const FrameTime& t, bool flashing,
                       bool capture_due, bool bench);
  std::optional<int> capture(const FrameTime& t);
  Clock::time_point next_change(bool flashing) const;
  void wait_until(Clock::time_point deadline);
  Clock::time_point at_mono(double seconds) const {
    return start_ + std::chrono::microseconds(static_cast<long long>(seconds * 1e6));
  }
  void force_redraw() { drawn_key_ = ~0ull; }
  void update_photos(const model::Situation& s, Clock::time_point now);

  const Options& o_;
  WallSetup& setup_;
  Screen& screen_;
  Source& src_;
  // A replay shows the journal's moments, never the live clock (replay_session.hpp).
  ReplaySession* const replay_;
  ReplayStatus replay_status_;
  Chime chime_;
  ChimePolicy chime_policy_;
  // Operator state on this PC only; of it only the H key's hide reaches the daemon.
  WallControls controls_;
  HideSender hide_sender_;
  std::string hide_status_;
  double hide_status_until_ = 0;
  PointerHider pointer_;
  bool pointer_shown_ = true;
  PageRotation rot_;
  Clock::time_point start_;
  FrameStats stats_;
  FrameTrace trace_;
  WallView view_;
  Clock::time_point next_capture_;
  bool wrote_once_ = false;
  std::uint64_t written_serial_ = 0;
  Clock::time_point last_atlas_build_;
  std::uint64_t drawn_key_ = ~0ull;
  // The talk's photos, for a live wall only (a snapshot or a replay has no daemon to ask).
  std::unique_ptr<PhotoCache> photos_;
  std::uint64_t photos_seen_revision_ = ~0ull;
  Clock::time_point photos_logged_;
  std::uint64_t photos_logged_uploads_ = 0;
  std::string error_;
};

WallLoop::WallLoop(const Options& o, WallSetup& setup, Screen& screen)
    : o_(o),
      setup_(setup),
      screen_(screen),
      src_(*setup.source),
      replay_(setup.source->replay()),
      chime_policy_(setup.settings.chime_repeat_seconds),
      hide_sender_(setup.daemon_host, setup.daemon_port,
                   src_.live() ? setup.operator_token : std::string()) {
  // No audio device is opened for a headless capture; without one the chime stays silent.
  if (!o.headless && setup.settings.chime) chime_.open();
  // The loop's clock starts once the devices are open: mono 0 is the first frame's time.
  start_ = Clock::now();
  next_capture_ = start_;
  last_atlas_build_ = start_ - std::chrono::hours(1);
  rot_.reset(setup.layout.pages.size(), setup.layout.rotate_seconds, 0);
  view_.feed_url = setup.feed_url;
  view_.acked_locally = &controls_.acked();
  if (src_.live() && !setup.daemon_host.empty()) {
    PhotoCacheOptions po;
    po.byte_budget =
        photo_budget_for_screen(screen.width(), screen.height(), setup.settings.photo_cache_mib);
    photos_ = std::make_unique<PhotoCache>(
        screen.sdl_renderer(),
        http_photo_fetch(setup.daemon_host, setup.daemon_port, setup.display_token), po);
    view_.photos = photos_.get();
  }
}

int WallLoop::run() {
  if (!o_.trace_frames.empty() && !trace_.open(o_.trace_frames, &error_)) return fail(error_);
  while (!stop_requested() && !controls_.quit()) {
    if (auto exit_code = frame()) return *exit_code;
  }
  if (stats_.count() > 0 && std::getenv("BCP_WALL_STATS"))
    stats_.print(stderr, screen_.width(), screen_.height());
  return 0;
}

// One pass: input, data, the picture, a capture, then sleep. An exit code ends the run.
std::optional<int> WallLoop::frame() {
  FrameTime t = read_clocks();
  if (!screen_.is_headless()) {
    handle_events(t);
    tick_operator_state(t.mono);
  }
  src_.poll(screen_.atlas(), t.steady);
  const model::Situation& s = src_.situation();
  if (photos_) update_photos(s, t.steady);
  rot_.tick(t.mono);
  const bool flashing = flash_and_chime(s, t);
  fill_view(t);
  const bool capture_due = !o_.capture.empty() && t.steady >= next_capture_;
  if (!rebuild_atlas_if_due(t.steady, capture_due)) return fail(error_);
  const bool bench = o_.bench_frames > 0;
  draw_if_changed(s, t, flashing, capture_due, bench);
  if (bench && static_cast<int>(stats_.count()) >= o_.bench_frames) {
    stats_.print(stderr, o_.width, o_.height);
    return 0;
  }
  if (capture_due) {
    if (auto exit_code = capture(t)) return exit_code;
  }
  // A bench draws frames back to back.
  if (!bench) wait_until(next_change(flashing));
  return std::nullopt;
}

// The photos follow the talk (a hidden message's photo leaves memory), then the cache takes
// what its workers decoded and uploads a few. A summary line at most every 10 s.
void WallLoop::update_photos(const model::Situation& s, Clock::time_point now) {
  if (src_.revision() != photos_seen_revision_) {
    photos_seen_revision_ = src_.revision();
    photos_->situation_changed(s);
  }
  photos_->update(now);
  if (photos_->uploads_total() != photos_logged_uploads_ &&
      now - photos_logged_ >= std::chrono::seconds(10)) {
    photos_logged_ = now;
    photos_logged_uploads_ = photos_->uploads_total();
    std::fprintf(stderr,
                 "bcp-wall: photos %zu textures, %.1f of %.0f MiB, %llu uploaded, %llu evicted, "
                 "%llu failed, at most %d uploads a frame\n",
                 photos_->textures(), static_cast<double>(photos_->texture_bytes()) / 1048576.0,
                 static_cast<double>(photos_->byte_budget()) / 1048576.0,
                 static_cast<unsigned long long>(photos_->uploads_total()),
                 static_cast<unsigned long long>(photos_->evictions_total()),
                 static_cast<unsigned long long>(photos_->failures_total()),
                 photos_->max_uploads_per_update());
  }
}

FrameTime WallLoop::read_clocks() const {
  FrameTime t;
  t.steady = Clock::now();
  t.mono = std::chrono::duration<double>(t.steady - start_).count();
  t.now = replay_ ? replay_->now(t.steady) : wall_now();
  return t;
}

// Every event that waited since the last frame; `t.now` moves when a replay key moves the
// replayed moment.
void WallLoop::handle_events(FrameTime& t) {
  SDL_Event e;
  while (SDL_PollEvent(&e)) handle_event(e, t);
  show_pointer_while_moving(t.mono);
}

void WallLoop::handle_event(const SDL_Event& e, FrameTime& t) {
  switch (e.type) {
    case SDL_QUIT:
      controls_.close_requested(t.mono);
      force_redraw();
      break;
    case SDL_KEYDOWN:
      // A held key repeats; an auto-repeated Esc must not answer its own question.
      if (e.key.repeat) break;
      handle_key(e.key.keysym.sym, t);
      force_redraw();
      break;
    case SDL_MOUSEMOTION:
      pointer_.moved(t.mono);
      break;
    case SDL_WINDOWEVENT:
      screen_.refresh_size();
      force_redraw();
      break;
    case SDL_DISPLAYEVENT:
      // A monitor came back: return to it, full screen again.
      screen_.place_on_monitor();
      force_redraw();
      break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
      screen_.invalidate_textures();
      if (photos_) photos_->drop_textures();
      screen_.ensure_fonts(nullptr);
      force_redraw();
      break;
    default:
      break;
  }
}

// A replay's own keys first (pause, step, seek); the rest are the wall's controls.
void WallLoop::handle_key(SDL_Keycode key, FrameTime& t) {
  if (replay_ && replay_->press(replay_key(key), t.steady)) {
    t.now = replay_->now(t.steady);
    return;
  }
  switch (controls_.press(wall_key(key), rot_, src_.situation(), t.now, t.mono)) {
    case ControlRequest::toggle_fullscreen:
      screen_.toggle_fullscreen();
      break;
    case ControlRequest::hide_message:
      // A replay or a fixed picture has no daemon to ask.
      if (hide_sender_.send(controls_.hide_request(),
                            std::string(words::kHideReason) + " (" + o_.wall + ")")) {
        show_hide_status(std::string(words::kHideSending), t.mono);
      }
      break;
    default:
      break;
  }
}

void WallLoop::show_pointer_while_moving(double mono) {
  if (pointer_.visible(mono) != pointer_shown_) {
    pointer_shown_ = !pointer_shown_;
    SDL_ShowCursor(pointer_shown_ ? SDL_ENABLE : SDL_DISABLE);
  }
}

// Questions and lists that close by themselves, and the hide request's outcome: each
// change is a new picture.
void WallLoop::tick_operator_state(double mono) {
  bool asking = controls_.asking_to_quit();
  bool listing = controls_.hide_pick() != nullptr;
  controls_.tick(mono);
  if (asking != controls_.asking_to_quit() || listing != (controls_.hide_pick() != nullptr)) {
    force_redraw();
  }
  if (auto outcome = hide_sender_.take()) {
    show_hide_status(outcome->ok ? std::string(words::kHideDone)
                                 : std::string(words::kHideFailed) + ": " + outcome->message,
                     mono);
    force_redraw();
  }
  if (!hide_status_.empty() && mono >= hide_status_until_) {
    hide_status_.clear();
    force_redraw();
  }
}

void WallLoop::show_hide_status(std::string text, double mono) {
  hide_status_ = std::move(text);
  hide_status_until_ = mono + 8;
}

// New warning/critical alerts flash for flash_seconds; the chime sounds at once and
// repeats until they are acknowledged (here or anywhere), unless muted. True while any
// alert flashes.
bool WallLoop::flash_and_chime(const model::Situation& s, const FrameTime& t) {
  bool flashing = false;
  for (const auto* a : s.active_alerts(t.now)) {
    flashing |= alert_flashing(*a, setup_.settings, &controls_.acked(), t.now);
  }
  const auto wanting = alerts_wanting_chime(s, controls_.acked(), t.now);
  if (chime_policy_.update(wanting, controls_.muted(), t.mono) && !replay_) {
    chime_.play(chime_sound(s, wanting));
  }
  return flashing;
}

// The feed's health and the operator's flags, as draw_wall reads them.
void WallLoop::fill_view(const FrameTime& t) {
  view_.health = src_.health(setup_.settings.staleness, t.steady);
  view_.silence_seconds = src_.has_data() ? src_.silence(t.steady) : std::optional<double>(t.mono);
  view_.data_as_of = src_.data_as_of();
  view_.detail = src_.detail();
  view_.page = rot_.page();
  view_.pages = setup_.layout.pages.size();
  view_.paused = rot_.paused();
  view_.muted = controls_.muted();
  view_.quit_confirm = controls_.asking_to_quit();
  view_.hide_pick = controls_.hide_pick();
  view_.hide_can_send = hide_sender_.can_send();
  view_.hide_status = hide_status_;
  if (replay_) {
    replay_status_ = replay_->status(t.steady);
    view_.replay = &replay_status_;
  }
  if (!screen_.is_headless() && setup_.settings.pixel_shift > 0) shift_against_burn_in(t.mono);
}

// Lissajous drift of a few pixels over minutes: no static edge burns in.
void WallLoop::shift_against_burn_in(double mono) {
  double ph = 2 * 3.14159265358979 * mono / setup_.settings.pixel_shift_period_seconds;
  float amp = setup_.settings.pixel_shift * static_cast<float>(screen_.height());
  view_.shift_x = std::round(amp * static_cast<float>(std::sin(ph)));
  view_.shift_y = std::round(amp * static_cast<float>(std::sin(ph * 0.77 + 1.0)));
}

// Rebuilding the atlas costs a frame's worth of work: at most once a second, except right
// before a capture, which must never show '?' for a character the font has. A new screen
// size (another monitor, a resized window) needs new sizes at once. False on failure.
bool WallLoop::rebuild_atlas_if_due(Clock::time_point now, bool capture_due) {
  GlyphAtlas& atlas = screen_.atlas();
  bool due = atlas.dirty() && (capture_due || now - last_atlas_build_ >= std::chrono::seconds(1));
  if (!due && screen_.fonts_fit()) return true;
  last_atlas_build_ = now;
  if (!screen_.ensure_fonts(&error_)) return false;
  std::fprintf(stderr, "bcp-wall: glyph atlas %zu characters, %dx%d, %.0f ms\n", atlas.codepoints(),
               atlas.texture_width(), atlas.texture_height(), atlas.last_build_ms());
  force_redraw();
  return true;
}

// What the picture depends on, folded into one number: data, health, the clock's second,
// the flash phase, page or operator flags. The same key means the same picture.
std::uint64_t WallLoop::picture_key(const FrameTime& t, bool flashing) const {
  long long tick = static_cast<long long>(std::floor(
      std::chrono::duration<double>(t.now.time_since_epoch()).count() * (flashing ? 2 : 1)));
  std::uint64_t key = src_.revision() * 1000003u ^ static_cast<std::uint64_t>(tick) * 7919u ^
                      (static_cast<std::uint64_t>(view_.health) << 56) ^
                      (static_cast<std::uint64_t>(view_.page) << 48) ^
                      (static_cast<std::uint64_t>(view_.shift_x + 64) << 40) ^
                      (static_cast<std::uint64_t>(view_.shift_y + 64) << 32) ^
                      (controls_.muted() ? 1ull << 62 : 0) ^
                      (controls_.asking_to_quit() ? 1ull << 61 : 0) ^
                      (rot_.paused() ? 1ull << 60 : 0) ^ (controls_.acked().size() << 24) ^
                      (photos_ ? photos_->revision() * 0x9E3779B97F4A7C15ull : 0);
  if (replay_) key ^= replay_redraw_bits(replay_status_);
  return key;
}

// Redraw only when something visible changed; a capture and a bench draw every frame.
void WallLoop::draw_if_changed(const model::Situation& s, const FrameTime& t, bool flashing,
                               bool capture_due, bool bench) {
  std::uint64_t key = picture_key(t, flashing);
  if (key == drawn_key_ && !capture_due && !bench) return;
  auto t0 = Clock::now();
  if (photos_) photos_->begin_frame();
  // Only what differs from the last frame is rasterised; a bench measures whole frames.
  auto drawn = screen_.render(s, view_, setup_.settings, setup_.layout, t.now, t.mono, bench);
  trace_.frame_finished(s.last_seq);
  if (drawn.changed) {
    stats_.add(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  drawn_key_ = key;
}

// --capture: the first snapshot's picture, then the exit code; with --every, a picture
// whenever it changed, at that pace, for ever.
std::optional<int> WallLoop::capture(const FrameTime& t) {
  bool have = src_.has_data() && view_.health != FeedHealth::connecting;
  bool timed_out = t.mono >= o_.wait_seconds;
  // An unchanged picture is not encoded again: at 4K that costs more than drawing it.
  bool unchanged = wrote_once_ && screen_.picture_serial() == written_serial_;
  if ((have || timed_out || o_.every > 0) && !unchanged) {
    if (!screen_.save_png(o_.capture)) return fail("cannot write " + o_.capture);
    wrote_once_ = true;
    written_serial_ = screen_.picture_serial();
    if (o_.every <= 0) {
      if (have) return 0;
      return fail("no snapshot from " + setup_.feed_url + " within " +
                  std::to_string(static_cast<int>(o_.wait_seconds)) + " s (" +
                  std::string(to_string(view_.health)) + "); wrote the connecting picture to " +
                  o_.capture);
    }
  }
  if (o_.every > 0) {
    next_capture_ = t.steady + std::chrono::milliseconds(static_cast<long long>(o_.every * 1000));
  }
  return std::nullopt;
}

// The next moment time changes the picture: the next second (or half second while
// flashing), a page change, the next capture, a replayed event, a chime repeat, or the
// next allowed atlas rebuild for new characters (not the next event).
Clock::time_point WallLoop::next_change(bool flashing) const {
  auto since_epoch = std::chrono::duration<double>(wall_now().time_since_epoch()).count();
  double step = flashing ? 0.5 : 1.0;
  double to_tick = step - std::fmod(since_epoch, step) + 0.002;
  auto deadline = Clock::now() + std::chrono::microseconds(static_cast<long long>(to_tick * 1e6));
  if (auto change = rot_.next_change()) deadline = std::min(deadline, at_mono(*change));
  if (!o_.capture.empty()) deadline = std::min(deadline, std::max(next_capture_, Clock::now()));
  if (replay_) {
    if (auto change = replay_->next_change(Clock::now())) deadline = std::min(deadline, *change);
  }
  if (auto due = chime_policy_.next_due(controls_.muted())) {
    deadline = std::min(deadline, at_mono(*due));
  }
  if (screen_.atlas().dirty())
    deadline = std::min(deadline, last_atlas_build_ + std::chrono::seconds(1));
  if (photos_) {
    if (auto due = photos_->next_due(Clock::now())) deadline = std::min(deadline, *due);
  }
  return deadline;
}

// Updates from the feed wake the loop before `deadline`.
void WallLoop::wait_until(Clock::time_point deadline) {
  if (screen_.is_headless()) {
    src_.wait(deadline);
  } else {
    // SDL cannot wait on our queue; a 100 ms cap bounds the feed's latency to the screen.
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    SDL_WaitEventTimeout(nullptr, static_cast<int>(std::clamp<long long>(ms, 1, 100)));
  }
}

}  // namespace

int run_frame_loop(const Options& o, WallSetup& setup, Screen& screen) {
  WallLoop loop(o, setup, screen);
  return loop.run();
}

}  // namespace bcp::display
