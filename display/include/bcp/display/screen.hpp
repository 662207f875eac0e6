// SDL + Dear ImGui plumbing: a window (or an off-screen surface for headless capture), its
// renderer, the ImGui context and the glyph atlas texture.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bcp/display/fonts.hpp"
#include "bcp/display/layout.hpp"
#include "bcp/display/wall.hpp"

namespace bcp::display {
class DirtyTiles;
}

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Surface;
struct ImGuiContext;
struct ImDrawList;

namespace bcp::display {

struct Image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;           // row-major, 4 bytes per pixel
  std::uint32_t pixel(int x, int y) const;  // 0xRRGGBBAA
};

bool write_png(const std::string& path, const Image& img);
// Streams rows straight from their owner (no second copy of a 33 MB 4K frame).
bool write_png_rows(const std::string& path, int width, int height,
                    const std::function<const std::uint8_t*(int row)>& row);

class Screen {
 public:
  // Off-screen: SDL software renderer on a surface; works with SDL_VIDEODRIVER=dummy.
  static std::unique_ptr<Screen> headless(int width, int height, std::string* error);
  // A window on display `monitor` (0-based), full screen unless `windowed`.
  static std::unique_ptr<Screen> window(int monitor, bool windowed, std::string* error);
  ~Screen();  // out of line: DirtyTiles is incomplete here
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  int width() const { return width_; }
  int height() const { return height_; }
  GlyphAtlas& atlas() { return atlas_; }
  const Fonts& fonts() const { return atlas_.fonts(); }
  float text_scale = 1.0f;

  // Rebuilds the atlas when new characters arrived or the size changed; false on failure.
  bool ensure_fonts(std::string* error);
  // Whether the baked sizes match the screen and the texture is there (new characters
  // aside, which GlyphAtlas::dirty() tells).
  bool fonts_fit() const;
  // The renderer lost its textures (device reset): the next ensure_fonts re-uploads.
  void invalidate_textures() { texture_ok_ = false; }
  // What one render() call did to the pixels.
  struct Drawn {
    bool changed = false;      // any pixel may differ from the previous frame
    double share = 0;          // share of the screen rasterised again, 0..1
    std::size_t regions = 0;   // rectangles redrawn (1 for a full frame)
  };
  // Builds one frame and rasterises only what differs from the last one: nothing when the
  // picture is unchanged, the changed rectangles headless, the whole frame in a window
  // (its back buffer is undefined after a present). `full` forces a whole frame.
  Drawn render(const model::Situation& s, const WallView& v, const WallSettings& settings,
               const Layout& layout, model::TimePoint now, double mono, bool full = false);
  // The same for any picture drawn into the background draw list (the regional wall).
  Drawn render_with(const std::function<void(ImDrawList*)>& draw, bool full = false);
  // Counts frames that changed pixels: a capture is rewritten only when this moved.
  std::uint64_t picture_serial() const { return picture_serial_; }
  bool read(Image& out);
  // The current picture as PNG, written from the headless surface without a copy.
  bool save_png(const std::string& path);

  // Window management (no-ops headless).
  void toggle_fullscreen();
  void place_on_monitor();  // after a monitor was plugged back in
  void refresh_size();      // after a resize or display change
  bool is_headless() const { return surface_ != nullptr; }
  SDL_Window* sdl_window() const { return window_; }
  // For textures of the picture's own (the talk's photos); valid as long as the screen.
  SDL_Renderer* sdl_renderer() const { return renderer_; }

 private:
  Screen() = default;
  bool init_imgui(std::string* error);

  SDL_Window* window_ = nullptr;
  SDL_Surface* surface_ = nullptr;
  SDL_Renderer* renderer_ = nullptr;
  ImGuiContext* imgui_ = nullptr;
  int width_ = 0, height_ = 0;
  int monitor_ = 0;
  std::string monitor_name_;  // the chosen monitor, found again by name after a replug
  bool fullscreen_ = false;
  GlyphAtlas atlas_;
  FontSizes built_sizes_{0, 0, 0, 0};
  bool texture_ok_ = false;
  std::unique_ptr<DirtyTiles> tiles_;
  std::uint64_t picture_serial_ = 0;
};

// One headless frame, for tests and --situation captures. Builds the atlas from `s`.
bool render_image(const model::Situation& s, const WallView& v, const WallSettings& settings,
                  const Layout& layout, int width, int height, model::TimePoint now, double mono,
                  Image& out, std::string* error);

}  // namespace bcp::display
