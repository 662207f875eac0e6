#include <stb_image_write.h>

#include <filesystem>

#include "bcp/display/screen.hpp"

namespace bcp::display {

// libstb.so exports stbi_write_png, so no STB_IMAGE_WRITE_IMPLEMENTATION here.
bool write_png(const std::string& path, const Image& img) {
  if (img.width <= 0 || img.height <= 0) return false;
  // Write beside and rename: a viewer or web page polling the file never sees half a PNG.
  std::string tmp = path + ".tmp";
  if (!stbi_write_png(tmp.c_str(), img.width, img.height, 4, img.rgba.data(), img.width * 4)) {
    return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace bcp::display
