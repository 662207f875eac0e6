// The built bcp-wall, and its captured PNGs decoded into an Image for probing pixels, for the
// display tests that run the wall as a program.
#pragma once

#include <stb_image.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "bcp/display/screen.hpp"

namespace bcp::display::test {

inline std::string wall_binary() { return std::string(BCP_BINARY_DIR) + "/display/bcp-wall"; }

// The PNG at `path` as RGBA; nullopt when it is missing or not a picture.
inline std::optional<Image> read_png(const std::filesystem::path& path) {
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 4);
  if (!data) return std::nullopt;
  Image img;
  img.width = w, img.height = h;
  img.rgba.assign(data, data + static_cast<std::size_t>(w) * h * 4);
  stbi_image_free(data);
  return img;
}

}  // namespace bcp::display::test
