// The photo cache. Threads: the UI thread's only; the loader's workers run the PhotoFetch
// that http_photo_fetch makes (photo_cache.hpp, photo_loader.hpp).
#include "bcp/display/photo_cache.hpp"

#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bcp/client/attachment_fetch.hpp"
#include "bcp/photo/photo.hpp"
#include "photo_loader.hpp"

namespace bcp::display {
namespace {

// Decode sizes: a box is rarely exactly one of these, so one decode serves boxes up to ~40%
// smaller, and a resize by a few pixels does not fetch again.
constexpr int kSizeSteps[] = {128, 192, 256, 384, 512, 768, 1024, 1280, 1536, 1920};

// What loading a photo may cost while the situation room watches: "soon" while photos are on
// their way, without spinning.
constexpr auto kLoadingPoll = std::chrono::milliseconds(40);

}  // namespace

PhotoFetch http_photo_fetch(std::string host, std::string port, std::string display_token,
                            std::size_t max_bytes, std::chrono::milliseconds timeout) {
  return [host = std::move(host), port = std::move(port), token = std::move(display_token),
          max_bytes, timeout](const PhotoRequest& request) {
    PhotoResult out;
    auto fetched = client::fetch_attachment(host, port, token, request.ref, max_bytes, timeout);
    if (!fetched.ok()) {
      out.error = fetched.error;
      return out;
    }
    photo::Limits limits;
    limits.max_input_bytes = max_bytes;
    // The daemon re-encodes to 1920 px at most; a far larger picture is not its, and is
    // refused from its header before a pixel is decoded.
    limits.max_pixels = 2560ull * 2560ull;
    std::string error;
    auto rgba = photo::decode_rgba(fetched.body, request.long_side, limits, error);
    if (!rgba) {
      out.error = error.empty() ? "cannot decode" : error;
      return out;
    }
    out.width = rgba->width;
    out.height = rgba->height;
    out.rgba = std::move(rgba->pixels);
    return out;
  };
}

std::size_t photo_budget_for_screen(int width, int height, double configured_mib) {
  if (configured_mib > 0) return static_cast<std::size_t>(configured_mib * 1024 * 1024);
  const double share = static_cast<double>(width) * height / (3840.0 * 2160.0);
  const double mib = std::max(16.0, 64.0 * share);
  return static_cast<std::size_t>(mib * 1024 * 1024);
}

int photo_size_class(float box_w, float box_h) {
  const float want = std::max({box_w, box_h, 1.0f});
  for (int step : kSizeSteps) {
    if (static_cast<float>(step) >= want) return step;
  }
  return kSizeSteps[std::size(kSizeSteps) - 1];
}

PhotoCache::PhotoCache(SDL_Renderer* renderer, PhotoFetch fetch, PhotoCacheOptions options)
    : renderer_(renderer),
      options_(options),
      loader_(std::make_unique<PhotoLoader>(std::move(fetch), options.workers,
                                            options.max_outstanding)) {
  entries_.reserve(options_.max_entries);
  results_.reserve(options_.max_outstanding);
}

PhotoCache::~PhotoCache() {
  loader_.reset();  // no worker runs while the textures go
  for (auto& e : entries_) destroy(e);
}

PhotoCache::Entry* PhotoCache::find(std::string_view ref, int long_side) {
  for (auto& e : entries_) {
    if (e.long_side == long_side && e.ref == ref) return &e;
  }
  return nullptr;
}

std::optional<PhotoCache::Shown> PhotoCache::show(std::string_view ref, float box_w,
                                                  float box_h) {
  if (!client::is_attachment_ref(ref) || box_w < 1 || box_h < 1) return std::nullopt;
  const int size = photo_size_class(box_w, box_h);
  Entry* exact = find(ref, size);
  if (!exact && entries_.size() < options_.max_entries) {
    // A new photo (or a new size of one): the one allocation, when it first appears.
    entries_.push_back(Entry{std::string(ref), size});
    exact = &entries_.back();
  }
  if (exact) {
    exact->last_used = frame_;
    if (exact->state == State::ready) return Shown{exact->texture, exact->width, exact->height};
  }
  // While the right size loads, another loaded one of the same photo stands in (the nearest
  // size above, else the largest below).
  Entry* stand_in = nullptr;
  for (auto& e : entries_) {
    if (e.state != State::ready || e.ref != ref) continue;
    if (!stand_in) {
      stand_in = &e;
      continue;
    }
    const bool above = e.long_side >= size, best_above = stand_in->long_side >= size;
    if ((above && (!best_above || e.long_side < stand_in->long_side)) ||
        (!above && !best_above && e.long_side > stand_in->long_side)) {
      stand_in = &e;
    }
  }
  if (!stand_in) return std::nullopt;
  stand_in->last_used = frame_;
  return Shown{stand_in->texture, stand_in->width, stand_in->height};
}

void PhotoCache::begin_frame() { ++frame_; }

void PhotoCache::update(Clock::time_point now) {
  take_results(now);
  upload_some(now);
  forget_unused();
  submit_wanted(now);
}

void PhotoCache::take_results(Clock::time_point now) {
  results_.clear();
  loader_->take(results_);
  for (auto& r : results_) {
    Entry* e = find(r.ref, r.long_side);
    if (!e || e->state != State::loading) continue;  // forgotten meanwhile: dropped
    if (!r.error.empty()) {
      fail(*e, r.error, now);
      continue;
    }
    waiting_upload_.push_back(std::move(r));
  }
  results_.clear();
}

void PhotoCache::upload_some(Clock::time_point now) {
  int uploads = 0;
  while (uploads < options_.uploads_per_frame && !waiting_upload_.empty()) {
    PhotoResult r = std::move(waiting_upload_.front());
    waiting_upload_.pop_front();
    Entry* e = find(r.ref, r.long_side);
    if (!e || e->state != State::loading) continue;
    const std::size_t bytes = static_cast<std::size_t>(r.width) * r.height * 4;
    if (!make_room(bytes)) {
      fail(*e, "does not fit in the photo cache's " +
                   std::to_string(options_.byte_budget >> 20) + " MiB beside the photos on screen",
           now);
      continue;
    }
    SDL_Texture* texture =
        renderer_ ? SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STATIC,
                                      r.width, r.height)
                  : nullptr;
    if (!texture || SDL_UpdateTexture(texture, nullptr, r.rgba.data(), r.width * 4) != 0) {
      if (texture) SDL_DestroyTexture(texture);
      fail(*e, std::string("cannot make a texture: ") + (renderer_ ? SDL_GetError() : "no renderer"),
           now);
      continue;
    }
    // Photos are opaque: no blending is cheaper for the software renderer.
    SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_NONE);
    SDL_SetTextureScaleMode(texture, SDL_ScaleModeLinear);
    e->texture = texture;
    e->width = r.width;
    e->height = r.height;
    e->bytes = bytes;
    e->state = State::ready;
    e->failures = 0;
    texture_bytes_ += bytes;
    ++uploads;
    ++uploads_total_;
    ++revision_;
  }
  uploads_last_ = uploads;
  uploads_max_ = std::max(uploads_max_, uploads);
}

// Least recently shown first, never one the last drawn frame showed: its pixels may still be
// on screen, and a texture freed and made again at the same address would look unchanged to
// the partial redraw (dirty_tiles.hpp).
bool PhotoCache::make_room(std::size_t bytes) {
  if (bytes > options_.byte_budget) return false;
  while (texture_bytes_ + bytes > options_.byte_budget) {
    Entry* oldest = nullptr;
    for (auto& e : entries_) {
      if (e.state == State::ready && e.last_used < frame_ &&
          (!oldest || e.last_used < oldest->last_used)) {
        oldest = &e;
      }
    }
    if (!oldest) return false;
    destroy(*oldest);
    oldest->state = State::wanted;  // loads again if it is shown again
    ++evictions_total_;
  }
  return true;
}

void PhotoCache::fail(Entry& e, const std::string& error, Clock::time_point now) {
  ++e.failures;
  ++failures_total_;
  auto delay = options_.first_retry * (1 << std::min(e.failures - 1, 16));
  delay = std::min(delay, options_.max_retry);
  e.state = State::failed;
  e.retry_at = now + delay;
  // The ref names the photo without showing anything of it.
  std::fprintf(stderr, "bcp-wall: photo %s (%d px): %s; retry in %lld s\n", e.ref.c_str(),
               e.long_side, error.c_str(),
               static_cast<long long>(std::chrono::ceil<std::chrono::seconds>(delay).count()));
}

void PhotoCache::submit_wanted(Clock::time_point now) {
  for (auto& e : entries_) {
    if (loader_->outstanding() + waiting_upload_.size() >= options_.max_outstanding) return;
    // Only what the last drawn frame wanted: a photo scrolled away is not fetched.
    if (e.last_used != frame_) continue;
    const bool due =
        e.state == State::wanted || (e.state == State::failed && now >= e.retry_at);
    if (!due) continue;
    if (loader_->submit(PhotoRequest{e.ref, e.long_side})) {
      e.state = State::loading;
    } else {
      return;
    }
  }
}

void PhotoCache::situation_changed(const model::Situation& s) {
  for (auto& e : entries_) e.in_talk = false;
  for (const auto& [group, talk] : s.talk) {
    for (const auto& entry : talk.recent) {
      for (const auto& a : entry.message.attachments) {
        if (!a.ref) continue;
        for (auto& e : entries_) {
          if (!e.in_talk && e.ref == *a.ref) e.in_talk = true;
        }
      }
    }
  }
}

// Photos gone from the talk (hidden, or past the history) once they are off the screen; a
// result still on its way for one is dropped when it arrives.
void PhotoCache::forget_unused() {
  auto gone = [&](const Entry& e) { return !e.in_talk && e.last_used < frame_; };
  for (auto& e : entries_) {
    if (gone(e)) destroy(e);
  }
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), gone), entries_.end());
}

void PhotoCache::drop_textures() {
  for (auto& e : entries_) {
    if (e.state != State::ready) continue;
    // The renderer already lost them; destroying the handles frees what SDL still keeps.
    destroy(e);
    e.state = State::wanted;
  }
  ++revision_;
}

void PhotoCache::destroy(Entry& e) {
  if (e.texture) {
    SDL_DestroyTexture(e.texture);
    e.texture = nullptr;
    texture_bytes_ -= e.bytes;
    e.bytes = 0;
    ++revision_;
  }
}

std::size_t PhotoCache::textures() const {
  return static_cast<std::size_t>(std::count_if(
      entries_.begin(), entries_.end(), [](const Entry& e) { return e.texture != nullptr; }));
}

std::optional<PhotoCache::Clock::time_point> PhotoCache::next_due(Clock::time_point now) const {
  if (loader_->outstanding() > 0 || !waiting_upload_.empty()) return now + kLoadingPoll;
  std::optional<Clock::time_point> due;
  for (const auto& e : entries_) {
    if (e.last_used != frame_) continue;
    if (e.state == State::wanted) return now;
    if (e.state == State::failed && (!due || e.retry_at < *due)) due = e.retry_at;
  }
  return due;
}

}  // namespace bcp::display
