// bench-wall-frame (issue 8, benchmark 4): CPU time of one wall frame, split into the build
// (ImGui NewFrame + every panel + ImGui::Render, i.e. the draw lists) and the software
// rasteriser (SDL software renderer drawing those lists into a surface), on a big situation.
//
// The per-frame steps are the same as Screen::render (display/src/screen.cpp); they are
// spelled out here because Screen times them only together. Both are measured with the
// calling thread's CPU clock, so time spent waiting for the shared machine's other jobs
// does not count.
//
// usage: bench-wall-frame --config town.json [--wall main] [--size 3840x2160] [--frames N]
//                         [--raster-every K] [--samples FILE.tsv] [--png LAST_FRAME.png]
// Prints one JSON object (the figures) on stdout.
#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdlrenderer.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "big_situation.hpp"
#include "bcp/config/config.hpp"
#include "bcp/display/fonts.hpp"
#include "bcp/display/layout.hpp"
#include "bcp/display/screen.hpp"
#include "bcp/display/wall.hpp"

namespace {

using bcp::display::FeedHealth;

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "bench-wall-frame: %s\n", msg.c_str());
  return 1;
}

nlohmann::json summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  };
  double sum = 0;
  for (double x : v) sum += x;
  return {{"min", v.front()},  {"median", at(0.5)}, {"p90", at(0.9)},
          {"p99", at(0.99)},   {"max", v.back()},   {"mean", sum / static_cast<double>(v.size())},
          {"count", v.size()}};
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, wall_id = "main", samples_path, png_path;
  int width = 3840, height = 2160, frames = 300, raster_every = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return fail(a + " needs a value");
    std::string v = argv[++i];
    if (a == "--config") config_path = v;
    else if (a == "--wall") wall_id = v;
    else if (a == "--samples") samples_path = v;
    else if (a == "--png") png_path = v;
    else if (a == "--raster-every") raster_every = std::max(1, std::atoi(v.c_str()));
    else if (a == "--frames") frames = std::max(1, std::atoi(v.c_str()));
    else if (a == "--size") {
      if (std::sscanf(v.c_str(), "%dx%d", &width, &height) != 2 || width < 320 || height < 240)
        return fail("--size: expected WxH, got \"" + v + "\"");
    } else {
      return fail("unknown argument \"" + a + "\"");
    }
  }
  if (config_path.empty()) return fail("--config is required");

  auto loaded = bcp::config::load_town(config_path);
  if (!loaded.config) return fail("cannot load " + config_path);
  const auto* wall = loaded.config->find_wall(wall_id);
  if (!wall) return fail("no wall \"" + wall_id + "\" in " + config_path);
  auto layout = bcp::display::parse_layout(wall->layout).layout;
  auto settings = bcp::display::settings_from_json(loaded.config->display, nullptr);

  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  double t_setup = thread_cpu_ms();
  auto situation = bcp::bench::big_situation(now);
  double situation_ms = thread_cpu_ms() - t_setup;

  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  if (SDL_Init(0) != 0) return fail(std::string("SDL_Init: ") + SDL_GetError());
  SDL_Surface* surface =
      SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_RGBA32);
  SDL_Renderer* renderer = surface ? SDL_CreateSoftwareRenderer(surface) : nullptr;
  if (!renderer) return fail(std::string("software renderer: ") + SDL_GetError());
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  if (!ImGui_ImplSDLRenderer_Init(renderer)) return fail("ImGui SDL renderer backend");

  bcp::display::GlyphAtlas atlas;
  atlas.add_situation(situation);
  atlas.add_large_text(situation.directory.town_name);
  // The clock shows town time (JST) in the config's clock_format.
  char clock_text[64];
  std::time_t town = std::chrono::system_clock::to_time_t(now) + 540 * 60;
  std::tm town_tm{};
  gmtime_r(&town, &town_tm);
  std::strftime(clock_text, sizeof clock_text, settings.clock_format.c_str(), &town_tm);
  atlas.add_clock_text(clock_text);
  double t_atlas = thread_cpu_ms();
  if (!atlas.build(*io.Fonts, bcp::display::FontSizes::for_screen(width, height,
                                                                   settings.text_scale)))
    return fail(atlas.error());
  if (!ImGui_ImplSDLRenderer_CreateFontsTexture()) return fail("cannot upload the atlas");
  io.Fonts->ClearTexData();
  double atlas_ms = thread_cpu_ms() - t_atlas;

  bcp::display::WallView view;
  view.health = FeedHealth::live;
  view.silence_seconds = 0.4;
  view.data_as_of = now;
  view.pages = layout.pages.size();

  std::vector<double> build_ms, raster_ms;
  std::size_t vertices = 0, indices = 0, commands = 0;
  // A few frames first: ImGui sizes its buffers on the first frames.
  const int warmup = std::min(frames, 5);
  for (int i = 0; i < warmup + frames; ++i) {
    // The clock moves a frame (1/60 s) at a time, so the header and ages change as live.
    auto frame_now = now + std::chrono::milliseconds(i * 1000 / 60);
    double mono = i / 60.0;
    double t0 = thread_cpu_ms();
    io.DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
    io.DeltaTime = 1.0f / 60.0f;
    ImGui_ImplSDLRenderer_NewFrame();
    ImGui::NewFrame();
    bcp::display::draw_wall(ImGui::GetBackgroundDrawList(), atlas.fonts(), situation, view,
                            settings, layout, static_cast<float>(width),
                            static_cast<float>(height), frame_now, mono);
    ImGui::Render();
    double t1 = thread_cpu_ms();
    // A whole 4K frame through the software rasteriser costs two orders of magnitude more
    // than building it, so only every raster_every-th frame is rasterised (and timed).
    bool last = i == warmup + frames - 1;
    bool raster = i < warmup || (i - warmup) % raster_every == 0 || last;
    if (raster) {
      SDL_SetRenderDrawColor(renderer, 0x0B, 0x0E, 0x13, 255);
      SDL_RenderClear(renderer);
      ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
      SDL_RenderFlush(renderer);
    }
    double t2 = thread_cpu_ms();
    if (i < warmup) continue;
    build_ms.push_back(t1 - t0);
    raster_ms.push_back(raster ? t2 - t1 : -1);
    const ImDrawData* dd = ImGui::GetDrawData();
    vertices = static_cast<std::size_t>(dd->TotalVtxCount);
    indices = static_cast<std::size_t>(dd->TotalIdxCount);
    commands = 0;
    for (int l = 0; l < dd->CmdListsCount; ++l)
      commands += static_cast<std::size_t>(dd->CmdLists[l]->CmdBuffer.Size);
  }

  if (!samples_path.empty()) {
    if (std::FILE* f = std::fopen(samples_path.c_str(), "w")) {
      std::fprintf(f, "# frame\tbuild_ms\traster_ms\n");
      for (std::size_t i = 0; i < build_ms.size(); ++i)
        if (raster_ms[i] >= 0) std::fprintf(f, "%zu\t%.4f\t%.4f\n", i, build_ms[i], raster_ms[i]);
        else std::fprintf(f, "%zu\t%.4f\t-\n", i, build_ms[i]);
      std::fclose(f);
    } else {
      return fail("cannot write " + samples_path);
    }
  }

  if (!png_path.empty()) {
    // The last frame was rasterised: the picture, to check by eye what was measured.
    bcp::display::Image img;
    img.width = width;
    img.height = height;
    img.rgba.resize(static_cast<std::size_t>(width) * height * 4);
    SDL_LockSurface(surface);
    for (int y = 0; y < height; ++y)
      std::memcpy(&img.rgba[static_cast<std::size_t>(y) * width * 4],
                  static_cast<const std::uint8_t*>(surface->pixels) + y * surface->pitch,
                  static_cast<std::size_t>(width) * 4);
    SDL_UnlockSurface(surface);
    if (!bcp::display::write_png(png_path, img)) return fail("cannot write " + png_path);
  }
  std::vector<double> rastered;
  for (double r : raster_ms)
    if (r >= 0) rastered.push_back(r);

  std::size_t talk_held = 0;
  for (const auto& [id, g] : situation.talk) talk_held += g.recent.size();
  nlohmann::json out = {
      {"size", std::to_string(width) + "x" + std::to_string(height)},
      {"wall", wall_id},
      {"frames", frames},
      {"clock", "CLOCK_THREAD_CPUTIME_ID"},
      {"situation",
       {{"staff", situation.directory.staff.size()},
        {"talk_messages_held", talk_held},
        {"alerts", situation.alerts.size()},
        {"rollcall_in_scope", situation.rollcalls.at("rc-1").total.in_scope},
        {"rollcall_answered", situation.rollcalls.at("rc-1").total.answered}}},
      {"setup_cpu_ms", {{"situation", situation_ms}, {"atlas", atlas_ms}}},
      {"atlas", {{"codepoints", atlas.codepoints()},
                 {"texture", std::to_string(atlas.texture_width()) + "x" +
                                 std::to_string(atlas.texture_height())}}},
      {"draw_data", {{"vertices", vertices}, {"indices", indices}, {"commands", commands}}},
      {"build_ms", summary(build_ms)},
      {"raster_ms", summary(rastered)},
      {"raster_every", raster_every},
  };
  std::printf("%s\n", out.dump(2).c_str());

  ImGui_ImplSDLRenderer_Shutdown();
  ImGui::DestroyContext();
  SDL_DestroyRenderer(renderer);
  SDL_FreeSurface(surface);
  SDL_Quit();
  return 0;
}
