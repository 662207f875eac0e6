#include "bcp/display/screen.hpp"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <cstring>

#include "bcp/display/controls.hpp"
#include "dirty_tiles.hpp"
#include "draw.hpp"

namespace bcp::display {

std::uint32_t Image::pixel(int x, int y) const {
  if (x < 0 || y < 0 || x >= width || y >= height) return 0;
  const std::uint8_t* p = &rgba[(static_cast<std::size_t>(y) * width + x) * 4];
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

std::unique_ptr<Screen> Screen::headless(int width, int height, std::string* error) {
  std::unique_ptr<Screen> s(new Screen());
  s->width_ = width;
  s->height_ = height;
  // A surface needs no video driver at all, so this works on a server without a display.
  s->surface_ = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_RGBA32);
  if (!s->surface_) {
    if (error) *error = std::string("cannot create surface: ") + SDL_GetError();
    return nullptr;
  }
  s->renderer_ = SDL_CreateSoftwareRenderer(s->surface_);
  if (!s->renderer_) {
    if (error) *error = std::string("cannot create software renderer: ") + SDL_GetError();
    return nullptr;
  }
  if (!s->init_imgui(error)) return nullptr;
  return s;
}

std::unique_ptr<Screen> Screen::window(int monitor, bool windowed, std::string* error) {
  if (!SDL_WasInit(SDL_INIT_VIDEO) && SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
    if (error) *error = std::string("cannot start SDL video: ") + SDL_GetError();
    return nullptr;
  }
  // A wall is watched, never typed on: the screen saver must not blank it.
  SDL_DisableScreenSaver();
  std::unique_ptr<Screen> s(new Screen());
  int displays = SDL_GetNumVideoDisplays();
  s->monitor_ = (monitor >= 0 && monitor < displays) ? monitor : 0;
  if (const char* name = SDL_GetDisplayName(s->monitor_)) s->monitor_name_ = name;
  s->fullscreen_ = !windowed;
  SDL_Rect b{0, 0, 1280, 720};
  SDL_GetDisplayBounds(s->monitor_, &b);
  int w = windowed ? b.w * 2 / 3 : b.w;
  int h = windowed ? b.h * 2 / 3 : b.h;
  Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
                 (windowed ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
  s->window_ = SDL_CreateWindow("BCP Wall", SDL_WINDOWPOS_CENTERED_DISPLAY(s->monitor_),
                                SDL_WINDOWPOS_CENTERED_DISPLAY(s->monitor_), w, h, flags);
  if (!s->window_) {
    if (error) *error = std::string("cannot open window: ") + SDL_GetError();
    return nullptr;
  }
  s->renderer_ =
      SDL_CreateRenderer(s->window_, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (!s->renderer_) s->renderer_ = SDL_CreateRenderer(s->window_, -1, SDL_RENDERER_SOFTWARE);
  if (!s->renderer_) {
    if (error) *error = std::string("cannot create renderer: ") + SDL_GetError();
    return nullptr;
  }
  s->refresh_size();
  if (!s->init_imgui(error)) return nullptr;
  return s;
}

bool Screen::init_imgui(std::string* error) {
  tiles_ = std::make_unique<DirtyTiles>();
  imgui_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing to persist; a wall must start the same every time
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
  if (!ImGui_ImplSDLRenderer_Init(renderer_)) {
    if (error) *error = "cannot initialise the ImGui SDL renderer backend";
    return false;
  }
  return true;
}

Screen::~Screen() {
  if (imgui_) {
    ImGui::SetCurrentContext(imgui_);
    ImGui_ImplSDLRenderer_Shutdown();
    ImGui::DestroyContext(imgui_);
  }
  if (renderer_) SDL_DestroyRenderer(renderer_);
  if (window_) SDL_DestroyWindow(window_);
  if (surface_) SDL_FreeSurface(surface_);
}

bool Screen::fonts_fit() const {
  return texture_ok_ && built_sizes_ == FontSizes::for_screen(width_, height_, text_scale);
}

bool Screen::ensure_fonts(std::string* error) {
  FontSizes want = FontSizes::for_screen(width_, height_, text_scale);
  if (!atlas_.dirty() && want == built_sizes_ && texture_ok_) return true;
  ImGui::SetCurrentContext(imgui_);
  ImGui_ImplSDLRenderer_DestroyFontsTexture();
  ImGuiIO& io = ImGui::GetIO();
  if (!atlas_.build(*io.Fonts, want)) {
    if (error) *error = atlas_.error();
    texture_ok_ = false;
    return false;
  }
  built_sizes_ = want;
  // New texture, new glyph places: nothing drawn before can be trusted to match.
  tiles_->invalidate();
  texture_ok_ = ImGui_ImplSDLRenderer_CreateFontsTexture();
  // The texture holds the pixels now; the CPU copy (4 bytes per texel) would double memory.
  io.Fonts->ClearTexData();
  if (!texture_ok_ && error) {
    *error = "cannot upload the glyph atlas (" + std::to_string(atlas_.texture_width()) + "x" +
             std::to_string(atlas_.texture_height()) + "): " + SDL_GetError();
  }
  return texture_ok_;
}

Screen::Drawn Screen::render(const model::Situation& s, const WallView& v,
                             const WallSettings& settings, const Layout& layout,
                             model::TimePoint now, double mono, bool full) {
  return render_with(
      [&](ImDrawList* dl) {
        draw_wall(dl, fonts(), s, v, settings, layout, static_cast<float>(width_),
                  static_cast<float>(height_), now, mono);
      },
      full);
}

Screen::Drawn Screen::render_with(const std::function<void(ImDrawList*)>& draw, bool full) {
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(width_), static_cast<float>(height_));
  io.DeltaTime = 1.0f / 60.0f;
  ImGui_ImplSDLRenderer_NewFrame();
  ImGui::NewFrame();
  draw(ImGui::GetBackgroundDrawList());
  ImGui::Render();
  ImDrawData* dd = ImGui::GetDrawData();
  std::vector<PixelRect> changed = tiles_->diff(*dd, width_, height_);
  Drawn out;
  if (changed.empty() && !full) return out;
  long long screen_area = static_cast<long long>(width_) * height_, area = 0;
  for (const auto& r : changed) area += r.area();
  constexpr std::uint32_t kBackground = 0x0B0E13;  // color::kBackground
  // Several passes over most of the screen cost more than one full frame.
  if (full || window_ || area * 2 > screen_area) {
    SDL_SetRenderDrawColor(renderer_, 0x0B, 0x0E, 0x13, 255);
    SDL_RenderClear(renderer_);
    ImGui_ImplSDLRenderer_RenderDrawData(dd);
    out.share = 1;
    out.regions = 1;
  } else {
    render_regions(renderer_, *dd, changed, width_, height_, kBackground);
    out.share = static_cast<double>(area) / static_cast<double>(screen_area);
    out.regions = changed.size();
  }
  if (window_) {
    SDL_RenderPresent(renderer_);
  } else {
    SDL_RenderFlush(renderer_);
  }
  out.changed = true;
  ++picture_serial_;
  return out;
}

bool Screen::read(Image& out) {
  out.width = width_;
  out.height = height_;
  out.rgba.resize(static_cast<std::size_t>(width_) * height_ * 4);
  if (surface_) {
    SDL_LockSurface(surface_);
    for (int y = 0; y < height_; ++y) {
      std::memcpy(&out.rgba[static_cast<std::size_t>(y) * width_ * 4],
                  static_cast<const std::uint8_t*>(surface_->pixels) + y * surface_->pitch,
                  static_cast<std::size_t>(width_) * 4);
    }
    SDL_UnlockSurface(surface_);
    return true;
  }
  return SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_RGBA32, out.rgba.data(),
                              width_ * 4) == 0;
}

bool Screen::save_png(const std::string& path) {
  if (!surface_) {
    Image img;
    return read(img) && write_png(path, img);
  }
  SDL_LockSurface(surface_);
  bool ok = write_png_rows(path, width_, height_, [&](int y) {
    return static_cast<const std::uint8_t*>(surface_->pixels) + y * surface_->pitch;
  });
  SDL_UnlockSurface(surface_);
  return ok;
}

void Screen::toggle_fullscreen() {
  if (!window_) return;
  fullscreen_ = !fullscreen_;
  SDL_SetWindowFullscreen(window_, fullscreen_ ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
  refresh_size();
  tiles_->invalidate();
}

void Screen::place_on_monitor() {
  if (!window_) return;
  std::vector<std::string> names;
  for (int i = 0; i < SDL_GetNumVideoDisplays(); ++i) {
    const char* n = SDL_GetDisplayName(i);
    names.emplace_back(n ? n : "");
  }
  auto index = find_chosen_display(monitor_name_, monitor_, names);
  if (!index) return;  // still unplugged: stay where the system put us
  int current = SDL_GetWindowDisplayIndex(window_);
  monitor_ = *index;
  if (current == monitor_) {
    refresh_size();
    return;
  }
  if (fullscreen_) SDL_SetWindowFullscreen(window_, 0);
  SDL_SetWindowPosition(window_, SDL_WINDOWPOS_CENTERED_DISPLAY(monitor_),
                        SDL_WINDOWPOS_CENTERED_DISPLAY(monitor_));
  if (fullscreen_) SDL_SetWindowFullscreen(window_, SDL_WINDOW_FULLSCREEN_DESKTOP);
  refresh_size();
}

void Screen::refresh_size() {
  if (!renderer_ || !window_) return;
  int w = 0, h = 0;
  if (SDL_GetRendererOutputSize(renderer_, &w, &h) == 0 && w > 0 && h > 0) {
    width_ = w;
    height_ = h;
  }
  // Exposed, resized or moved: the window's pixels are the system's, draw them all again.
  if (tiles_) tiles_->invalidate();
}

bool render_image(const model::Situation& s, const WallView& v, const WallSettings& settings,
                  const Layout& layout, int width, int height, model::TimePoint now, double mono,
                  Image& out, std::string* error) {
  auto screen = Screen::headless(width, height, error);
  if (!screen) return false;
  screen->text_scale = settings.text_scale;
  screen->atlas().add_situation(s);
  char sample[64];
  format_clock(sample, sizeof sample, now, s.directory.utc_offset_minutes,
               settings.clock_format.c_str());
  screen->atlas().add_clock_text(sample);
  if (!screen->ensure_fonts(error)) return false;
  screen->render(s, v, settings, layout, now, mono);
  return screen->read(out);
}

}  // namespace bcp::display
