#include "dirty_tiles.hpp"

#include <SDL.h>
#include <imgui_impl_sdlrenderer.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace bcp::display {
namespace {

PixelRect intersect(const PixelRect& a, const PixelRect& b) {
  int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
  int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
  if (x1 <= x0 || y1 <= y0) return {};
  return {x0, y0, x1 - x0, y1 - y0};
}

// The pixels a triangle can touch: its bounding box with a pixel of slack for the
// renderer's rounding, inside the command's clip.
PixelRect triangle_box(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c,
                       const PixelRect& clip) {
  float x0 = std::min({a.pos.x, b.pos.x, c.pos.x}), x1 = std::max({a.pos.x, b.pos.x, c.pos.x});
  float y0 = std::min({a.pos.y, b.pos.y, c.pos.y}), y1 = std::max({a.pos.y, b.pos.y, c.pos.y});
  if (!(x0 <= x1 && y0 <= y1)) return {};  // NaN: nothing drawn
  // Far outside coordinates are clipped anyway; clamp before converting to int.
  auto clampf = [](float v) { return std::clamp(v, -1e6f, 1e6f); };
  PixelRect box{static_cast<int>(std::floor(clampf(x0))) - 1,
                static_cast<int>(std::floor(clampf(y0))) - 1, 0, 0};
  box.w = static_cast<int>(std::ceil(clampf(x1))) + 1 - box.x;
  box.h = static_cast<int>(std::ceil(clampf(y1))) + 1 - box.y;
  return intersect(box, clip);
}

inline std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xFF51AFD7ED558CCDull;
}

std::uint64_t vertex_bits(const ImDrawVert& v) {
  std::uint32_t w[5];
  static_assert(sizeof(ImDrawVert) == sizeof(w));
  std::memcpy(w, &v, sizeof w);
  std::uint64_t h = (std::uint64_t{w[0]} << 32) | w[1];
  h = mix(h, (std::uint64_t{w[2]} << 32) | w[3]);
  return mix(h, w[4]);
}

}  // namespace

PixelRect backend_clip(const ImVec4& clip, int width, int height) {
  // As imgui_impl_sdlrenderer.cpp does it (DisplayPos 0, scale 1): clamp, then truncate.
  float x0 = std::max(clip.x, 0.0f), y0 = std::max(clip.y, 0.0f);
  float x1 = std::min(clip.z, static_cast<float>(width));
  float y1 = std::min(clip.w, static_cast<float>(height));
  if (x1 <= x0 || y1 <= y0) return {};
  return {static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1 - x0),
          static_cast<int>(y1 - y0)};
}

std::vector<PixelRect> DirtyTiles::diff(const ImDrawData& dd, int width, int height) {
  int cols = (width + tile_ - 1) / tile_, rows = (height + tile_ - 1) / tile_;
  bool all = cols != cols_ || rows != rows_ || hashes_.empty();
  cols_ = cols, rows_ = rows;
  next_.assign(static_cast<std::size_t>(cols) * rows, 0);
  for (int n = 0; n < dd.CmdListsCount; ++n) {
    const ImDrawList* list = dd.CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) continue;
      PixelRect clip = backend_clip(cmd.ClipRect, width, height);
      if (clip.area() == 0) continue;
      std::uint64_t cmd_bits = mix(reinterpret_cast<std::uintptr_t>(cmd.TextureId),
                                   (std::uint64_t(clip.x) << 48) ^ (std::uint64_t(clip.y) << 32) ^
                                       (std::uint64_t(clip.w) << 16) ^ std::uint64_t(clip.h));
      const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset;
      const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
      for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
        const ImDrawVert &a = vtx[idx[i]], &b = vtx[idx[i + 1]], &c = vtx[idx[i + 2]];
        PixelRect box = triangle_box(a, b, c, clip);
        if (box.area() == 0) continue;
        std::uint64_t h = mix(mix(mix(cmd_bits, vertex_bits(a)), vertex_bits(b)), vertex_bits(c));
        int tx0 = box.x / tile_, tx1 = (box.x + box.w - 1) / tile_;
        int ty0 = box.y / tile_, ty1 = (box.y + box.h - 1) / tile_;
        for (int ty = ty0; ty <= ty1; ++ty) {
          std::uint64_t* row = &next_[static_cast<std::size_t>(ty) * cols];
          for (int tx = tx0; tx <= tx1; ++tx) row[tx] = mix(row[tx], h);
        }
      }
    }
  }
  std::vector<PixelRect> out;
  if (all) {
    out.push_back({0, 0, width, height});
  } else {
    // Runs of changed tiles per row; a run continues the rectangle above it when it spans
    // the same columns, so a changed block becomes one rectangle.
    std::vector<std::size_t> open;  // indexes into out, rectangles ending at the row above
    for (int ty = 0; ty < rows; ++ty) {
      std::vector<std::size_t> now_open;
      for (int tx = 0; tx < cols;) {
        std::size_t i = static_cast<std::size_t>(ty) * cols + tx;
        if (next_[i] == hashes_[i]) {
          ++tx;
          continue;
        }
        int start = tx;
        while (tx < cols && next_[static_cast<std::size_t>(ty) * cols + tx] !=
                                hashes_[static_cast<std::size_t>(ty) * cols + tx]) {
          ++tx;
        }
        PixelRect run{start * tile_, ty * tile_, (tx - start) * tile_, tile_};
        auto above = std::find_if(open.begin(), open.end(), [&](std::size_t k) {
          return out[k].x == run.x && out[k].w == run.w;
        });
        if (above != open.end()) {
          out[*above].h += tile_;
          now_open.push_back(*above);
        } else {
          out.push_back(run);
          now_open.push_back(out.size() - 1);
        }
      }
      open = std::move(now_open);
    }
    PixelRect screen{0, 0, width, height};
    for (auto& r : out) r = intersect(r, screen);
  }
  hashes_.swap(next_);
  return out;
}

void render_regions(SDL_Renderer* renderer, ImDrawData& dd, const std::vector<PixelRect>& rects,
                    int width, int height, std::uint32_t bg) {
  // Keep the original commands and indices; each pass rewrites them in place.
  std::vector<std::vector<ImDrawCmd>> cmds(dd.CmdListsCount);
  std::vector<std::vector<ImDrawIdx>> idxs(dd.CmdListsCount);
  for (int n = 0; n < dd.CmdListsCount; ++n) {
    const ImDrawList* list = dd.CmdLists[n];
    cmds[n].assign(list->CmdBuffer.begin(), list->CmdBuffer.end());
    idxs[n].assign(list->IdxBuffer.begin(), list->IdxBuffer.end());
  }
  for (const PixelRect& r : rects) {
    if (r.area() == 0) continue;
    SDL_Rect sr{r.x, r.y, r.w, r.h};
    SDL_RenderSetClipRect(renderer, &sr);
    SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(renderer, (bg >> 16) & 0xFF, (bg >> 8) & 0xFF, bg & 0xFF, 255);
    SDL_RenderFillRect(renderer, &sr);
    for (int n = 0; n < dd.CmdListsCount; ++n) {
      ImDrawList* list = dd.CmdLists[n];
      list->CmdBuffer.resize(0);
      list->IdxBuffer.resize(0);
      for (const ImDrawCmd& cmd : cmds[n]) {
        if (cmd.UserCallback) continue;
        PixelRect clip = intersect(backend_clip(cmd.ClipRect, width, height), r);
        if (clip.area() == 0) continue;
        ImDrawCmd out = cmd;
        // Whole pixels, so the backend's truncation gives exactly `clip`.
        out.ClipRect = ImVec4(float(clip.x), float(clip.y), float(clip.x + clip.w),
                              float(clip.y + clip.h));
        out.IdxOffset = static_cast<unsigned>(list->IdxBuffer.Size);
        const ImDrawIdx* idx = idxs[n].data() + cmd.IdxOffset;
        const ImDrawVert* vtx = list->VtxBuffer.Data + cmd.VtxOffset;
        for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
          if (triangle_box(vtx[idx[i]], vtx[idx[i + 1]], vtx[idx[i + 2]], clip).area() == 0)
            continue;
          list->IdxBuffer.push_back(idx[i]);
          list->IdxBuffer.push_back(idx[i + 1]);
          list->IdxBuffer.push_back(idx[i + 2]);
        }
        out.ElemCount = static_cast<unsigned>(list->IdxBuffer.Size) - out.IdxOffset;
        if (out.ElemCount > 0) list->CmdBuffer.push_back(out);
      }
    }
    ImGui_ImplSDLRenderer_RenderDrawData(&dd);
  }
  for (int n = 0; n < dd.CmdListsCount; ++n) {
    ImDrawList* list = dd.CmdLists[n];
    list->CmdBuffer.resize(0);
    for (const auto& c : cmds[n]) list->CmdBuffer.push_back(c);
    list->IdxBuffer.resize(0);
    for (auto i : idxs[n]) list->IdxBuffer.push_back(i);
  }
  SDL_RenderSetClipRect(renderer, nullptr);
}

}  // namespace bcp::display
