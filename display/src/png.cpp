#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <filesystem>

#include "bcp/display/screen.hpp"

namespace bcp::display {

// libpng at zlib level 3 without row filters: a 4K wall picture (large flat areas) encodes
// in ~65 ms instead of the ~1.4 s stb_image_write takes, and comes out smaller.
bool write_png_rows(const std::string& path, int width, int height,
                    const std::function<const std::uint8_t*(int row)>& row) {
  if (width <= 0 || height <= 0) return false;
  // Write beside and rename: a viewer or web page polling the file never sees half a PNG.
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return false;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  volatile bool ok = false;  // set after setjmp, read after a longjmp
  if (png && info && setjmp(png_jmpbuf(png)) == 0) {
    png_init_io(png, f);
    png_set_compression_level(png, 3);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8,
                 PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; ++y) png_write_row(png, row(y));
    png_write_end(png, info);
    ok = true;
  }
  png_destroy_write_struct(&png, &info);
  bool written = ok;
  written = (std::fclose(f) == 0) && written;
  std::error_code ec;
  if (!written) {
    std::filesystem::remove(tmp, ec);
    return false;
  }
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

bool write_png(const std::string& path, const Image& img) {
  if (img.rgba.size() < static_cast<std::size_t>(img.width) * img.height * 4) return false;
  return write_png_rows(path, img.width, img.height, [&](int y) {
    return &img.rgba[static_cast<std::size_t>(y) * img.width * 4];
  });
}

}  // namespace bcp::display
