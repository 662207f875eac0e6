// Which parts of the picture changed since the last rasterised frame. The software
// renderer needs ~270 ms for a whole 4K frame, but from one second to the next usually
// only the clock or an age changes. So each frame's ImGui draw data is hashed per screen
// tile (every triangle folds into the tiles its clipped bounding box touches, in draw
// order), the tiles that differ from the last frame are merged into a few rectangles, and
// only those are cleared and drawn again, with the triangles that reach them.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

struct SDL_Renderer;

namespace bcp::display {

struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
  long long area() const { return static_cast<long long>(w) * h; }
  bool operator==(const PixelRect&) const = default;
};

class DirtyTiles {
 public:
  explicit DirtyTiles(int tile_size = 64) : tile_(tile_size) {}

  // Hashes `dd` for a width x height target and returns the rectangles that differ from the
  // previous call (all of the screen on the first call, after a resize or after
  // invalidate()). Empty when the frame would not change a pixel.
  std::vector<PixelRect> diff(const ImDrawData& dd, int width, int height);
  void invalidate() { hashes_.clear(); }

 private:
  int tile_;
  int cols_ = 0, rows_ = 0;
  std::vector<std::uint64_t> hashes_, next_;
};

// The integer clip rectangle the SDL renderer backend derives from a command's ClipRect.
PixelRect backend_clip(const ImVec4& clip, int width, int height);

// Draws `dd` only inside each of `rects`: fills the rect with `background_rgb`, then renders
// the triangles whose bounding boxes reach it, each command clipped to it — the same pixels
// a full redraw gives there. `dd` is restored afterwards.
void render_regions(SDL_Renderer* renderer, ImDrawData& dd, const std::vector<PixelRect>& rects,
                    int width, int height, std::uint32_t background_rgb);

}  // namespace bcp::display
