// EXIF orientation: phones store a portrait photo as landscape pixels plus Orientation 6 (or 8)
// and leave the turning to the viewer. The re-encoded JPEG carries no EXIF, so the codec turns
// the pixels itself. No thread of its own.
#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>

#include <utility>

#include "codec.hpp"

namespace bcp::photo::detail {

int exif_orientation(const unsigned char* app1, std::size_t size) noexcept {
  if (app1 == nullptr || size < 6 || size > 0xFFFF) return 1;
  ExifData* exif = exif_data_new();
  if (exif == nullptr) return 1;
  // Read only: libexif must not "fix" the data to the specification while loading it.
  exif_data_unset_option(exif, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
  exif_data_load_data(exif, app1, static_cast<unsigned int>(size));
  int orientation = 1;
  ExifEntry* entry = exif_content_get_entry(exif->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
  if (entry != nullptr && entry->format == EXIF_FORMAT_SHORT && entry->components >= 1 &&
      entry->data != nullptr && entry->size >= 2) {
    orientation = exif_get_short(entry->data, exif_data_get_byte_order(exif));
  }
  exif_data_unref(exif);
  return orientation >= 1 && orientation <= 8 ? orientation : 1;
}

Rgba apply_orientation(Rgba stored, int orientation) {
  if (orientation <= 1 || orientation > 8) return stored;
  const int w = stored.width, h = stored.height;
  const bool swaps = orientation >= 5;
  Rgba upright;
  upright.width = swaps ? h : w;
  upright.height = swaps ? w : h;
  upright.pixels.resize(stored.pixels.size());
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      // Where stored pixel (x, y) is seen (EXIF 2.3, Orientation; 6 = turn 90 degrees clockwise).
      int ux = x, uy = y;
      switch (orientation) {
        case 2:
          ux = w - 1 - x;
          break;
        case 3:
          ux = w - 1 - x;
          uy = h - 1 - y;
          break;
        case 4:
          uy = h - 1 - y;
          break;
        case 5:
          ux = y;
          uy = x;
          break;
        case 6:
          ux = h - 1 - y;
          uy = x;
          break;
        case 7:
          ux = h - 1 - y;
          uy = w - 1 - x;
          break;
        case 8:
          ux = y;
          uy = w - 1 - x;
          break;
      }
      const std::size_t from = (static_cast<std::size_t>(y) * w + x) * 4;
      const std::size_t to = (static_cast<std::size_t>(uy) * upright.width + ux) * 4;
      for (int c = 0; c < 4; ++c) upright.pixels[to + c] = stored.pixels[from + c];
    }
  }
  return upright;
}

}  // namespace bcp::photo::detail
