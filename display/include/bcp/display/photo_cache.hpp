// The wall's talk photos: fetched and decoded off the UI thread, uploaded to textures on it,
// kept under a byte budget.
// Threads: PhotoCache is the UI thread's (every member function); it owns a PhotoLoader
// (photo_loader.hpp) whose worker threads run the fetch (GET /v1/attachments/{ref}) and the
// decode, and hand the pixels back through the loader's mutex. No SDL call happens off the
// UI thread.
//
// How a photo gets on screen: a panel calls show(ref, box) while drawing; the first time,
// nothing is there, the panel draws the [写真] marker, and the cache remembers that this frame
// wanted `ref` at that size. update() (once per loop pass) queues the wanted photos to the
// loader, takes decoded ones back, uploads at most `uploads_per_frame` of them, and evicts the
// least recently shown textures that were not in the last drawn frame when the byte budget
// would be exceeded. A failed fetch or decode is retried with backoff while it is wanted.
#pragma once

#include <imgui.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/model/situation.hpp"

struct SDL_Renderer;
struct SDL_Texture;

namespace bcp::display {

class PhotoLoader;

// What a worker is asked for: a photo decoded so its long side is at most `long_side`.
struct PhotoRequest {
  std::string ref;
  int long_side = 0;
};
// What it hands back: RGBA pixels (4 bytes each), or why not.
struct PhotoResult {
  std::string ref;
  int long_side = 0;
  std::vector<std::uint8_t> rgba;
  int width = 0, height = 0;
  std::string error;  // empty on success
};
// Runs on a loader thread; must not throw (a throw is caught and counted as a failure).
using PhotoFetch = std::function<PhotoResult(const PhotoRequest&)>;

// The wall's fetch: GET http://host:port/v1/attachments/{ref} with the display token (at most
// `max_bytes`, `timeout` for the whole exchange), decoded with bcp::photo::decode_rgba to the
// requested long side, input refused past 8 MB or 6.5 Mpx (the daemon serves at most 1920 px).
PhotoFetch http_photo_fetch(std::string host, std::string port, std::string display_token,
                            std::size_t max_bytes = 8u << 20,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct PhotoCacheOptions {
  std::size_t byte_budget = 64u << 20;  // decoded texture bytes (width x height x 4)
  int uploads_per_frame = 2;
  int workers = 2;
  // Requests queued or being fetched, plus decoded photos waiting for their upload: bounds the
  // memory of pixels not yet in a texture.
  std::size_t max_outstanding = 4;
  std::size_t max_entries = 512;  // photos known (loaded, loading or failed)
  std::chrono::milliseconds first_retry{2'000};
  std::chrono::milliseconds max_retry{300'000};
};

// The texture budget for a screen: 64 MiB at 3840x2160, in proportion to the pixels, at least
// 16 MiB; `configured_mib` > 0 (display "photo_cache_mib") wins.
std::size_t photo_budget_for_screen(int width, int height, double configured_mib);

// The long side a photo shown in a box of that size is decoded at: the box's long side rounded
// up to one of a few steps (so a box a few pixels larger does not decode again), at most 1920.
int photo_size_class(float box_w, float box_h);

class PhotoCache {
 public:
  using Clock = std::chrono::steady_clock;
  // `renderer` may be null (no textures are then made: every photo stays a marker).
  PhotoCache(SDL_Renderer* renderer, PhotoFetch fetch, PhotoCacheOptions options = {});
  ~PhotoCache();  // stops the loader (joins its threads), then destroys the textures
  PhotoCache(const PhotoCache&) = delete;
  PhotoCache& operator=(const PhotoCache&) = delete;

  struct Shown {
    ImTextureID texture = nullptr;
    int width = 0, height = 0;  // the texture's pixels
  };
  // Drawing: the texture to show `ref` in a box_w x box_h box this frame, or nothing yet (draw
  // the marker). A loaded texture of another size stands in while the right one loads.
  std::optional<Shown> show(std::string_view ref, float box_w, float box_h);

  // The loop, before each frame it draws: the wants of the frame before are replaced.
  void begin_frame();
  // The loop, once per pass: queue wanted photos, take decoded ones, upload at most
  // uploads_per_frame, evict over the budget, retry failures that are due.
  void update(Clock::time_point now);
  // After the situation changed: photos whose ref is no longer in the talk (a hidden message)
  // leave memory once they are off the screen.
  void situation_changed(const model::Situation& s);
  // The renderer lost its textures (device reset): everything loads again.
  void drop_textures();

  // Moves whenever a texture appeared or went: part of the wall's picture key.
  std::uint64_t revision() const { return revision_; }
  // When update() has something to do without a new frame: soon while photos are loading or
  // waiting for their upload, else the next due retry of a photo on screen.
  std::optional<Clock::time_point> next_due(Clock::time_point now) const;

  // Figures (tests, bench, the log).
  std::size_t texture_bytes() const { return texture_bytes_; }
  std::size_t byte_budget() const { return options_.byte_budget; }
  std::size_t textures() const;
  int uploads_last_update() const { return uploads_last_; }
  int max_uploads_per_update() const { return uploads_max_; }
  std::uint64_t uploads_total() const { return uploads_total_; }
  std::uint64_t evictions_total() const { return evictions_total_; }
  std::uint64_t failures_total() const { return failures_total_; }

 private:
  enum class State { wanted, loading, ready, failed };
  struct Entry {
    std::string ref;
    int long_side = 0;
    State state = State::wanted;
    SDL_Texture* texture = nullptr;
    int width = 0, height = 0;
    std::size_t bytes = 0;
    std::uint64_t last_used = 0;  // the frame that last showed or wanted it
    bool in_talk = true;
    int failures = 0;
    Clock::time_point retry_at{};
  };

  Entry* find(std::string_view ref, int long_side);
  void take_results(Clock::time_point now);
  void upload_some(Clock::time_point now);
  bool make_room(std::size_t bytes);
  void fail(Entry& e, const std::string& error, Clock::time_point now);
  void submit_wanted(Clock::time_point now);
  void forget_unused();
  void destroy(Entry& e);

  SDL_Renderer* renderer_;
  PhotoCacheOptions options_;
  std::unique_ptr<PhotoLoader> loader_;
  std::vector<Entry> entries_;
  std::vector<PhotoResult> results_;  // reused: an idle update allocates nothing
  std::deque<PhotoResult> waiting_upload_;
  std::uint64_t frame_ = 1;
  std::uint64_t revision_ = 0;
  std::size_t texture_bytes_ = 0;
  int uploads_last_ = 0, uploads_max_ = 0;
  std::uint64_t uploads_total_ = 0, evictions_total_ = 0, failures_total_ = 0;
};

}  // namespace bcp::display
