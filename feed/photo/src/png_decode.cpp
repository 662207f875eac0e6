// PNG decode with libpng. Its errors longjmp to run_png_decode's setjmp (png_jmpbuf), so that
// function owns no object with a destructor and its state lives in a PngDecodeJob the caller
// owns. The dimensions are checked after IHDR, before any pixel is inflated: a PNG "bomb" (a tiny
// file declaring 100000x100000) costs nothing. Non-interlaced images are scaled row by row; an
// interlaced one needs the whole image (at most Limits::max_pixels * 4 bytes). No thread of its
// own.
#include <png.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "area_scaler.hpp"
#include "codec.hpp"

namespace bcp::photo::detail {
namespace {

struct PngDecodeJob {
  std::string_view bytes;
  std::size_t offset = 0;
  const Limits* limits = nullptr;
  int max_long_side = 0;
  png_structp png = nullptr;
  png_infop info = nullptr;
  AreaScaler scaler;
  std::vector<std::uint8_t> row;
  std::vector<std::uint8_t> whole;  // interlaced images only
  std::vector<png_bytep> row_pointers;
  char message[256] = {};
};

void png_fail(png_structp png, png_const_charp text) {
  auto* job = static_cast<PngDecodeJob*>(png_get_error_ptr(png));
  if (job->message[0] == '\0')
    std::snprintf(job->message, sizeof job->message, "corrupt PNG: %s", text);
  png_longjmp(png, 1);
}

void png_ignore_warning(png_structp, png_const_charp) {}

void png_read_from_memory(png_structp png, png_bytep data, png_size_t length) {
  auto* job = static_cast<PngDecodeJob*>(png_get_io_ptr(png));
  if (length > job->bytes.size() - job->offset) {
    std::snprintf(job->message, sizeof job->message, "truncated PNG");
    png_error(png, "truncated");
  }
  std::memcpy(data, job->bytes.data() + job->offset, length);
  job->offset += length;
}

// No object with a destructor is created in this function: a longjmp would skip it.
bool run_png_decode(PngDecodeJob& job) {
  job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, png_fail, png_ignore_warning);
  if (job.png == nullptr) {
    std::snprintf(job.message, sizeof job.message, "out of memory starting the PNG decoder");
    return false;
  }
  job.info = png_create_info_struct(job.png);
  if (job.info == nullptr) {
    png_destroy_read_struct(&job.png, nullptr, nullptr);
    std::snprintf(job.message, sizeof job.message, "out of memory starting the PNG decoder");
    return false;
  }
  if (setjmp(png_jmpbuf(job.png)) != 0) {
    png_destroy_read_struct(&job.png, &job.info, nullptr);
    return false;
  }
  // libpng's own ceilings as a second line behind the pixel check below: no side longer than
  // the pixel budget, no ancillary chunk over 8 MB, at most 1000 of them.
  const std::uint64_t side = std::min<std::uint64_t>(job.limits->max_pixels, PNG_UINT_31_MAX);
  png_set_user_limits(job.png, static_cast<png_uint_32>(side), static_cast<png_uint_32>(side));
  png_set_chunk_malloc_max(job.png, 8u << 20);
  png_set_chunk_cache_max(job.png, 1000);
  png_set_read_fn(job.png, &job, png_read_from_memory);
  png_read_info(job.png, job.info);

  png_uint_32 width = 0, height = 0;
  int bit_depth = 0, color_type = 0, interlace = 0;
  png_get_IHDR(job.png, job.info, &width, &height, &bit_depth, &color_type, &interlace, nullptr,
               nullptr);
  if (static_cast<std::uint64_t>(width) * height > job.limits->max_pixels) {
    std::snprintf(job.message, sizeof job.message, "%lux%lu is more than %llu pixels",
                  static_cast<unsigned long>(width), static_cast<unsigned long>(height),
                  static_cast<unsigned long long>(job.limits->max_pixels));
    png_destroy_read_struct(&job.png, &job.info, nullptr);
    return false;
  }
  // Everything to 8-bit RGBA.
  if (bit_depth == 16) png_set_strip_16(job.png);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(job.png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(job.png);
  if (png_get_valid(job.png, job.info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(job.png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) {
    png_set_gray_to_rgb(job.png);
  }
  png_set_filler(job.png, 0xFF, PNG_FILLER_AFTER);
  const int passes = png_set_interlace_handling(job.png);
  png_read_update_info(job.png, job.info);
  if (png_get_rowbytes(job.png, job.info) != static_cast<png_size_t>(width) * 4) {
    std::snprintf(job.message, sizeof job.message, "unsupported PNG pixel layout");
    png_destroy_read_struct(&job.png, &job.info, nullptr);
    return false;
  }

  const Size target =
      fit_long_side(static_cast<int>(width), static_cast<int>(height), job.max_long_side);
  bool allocated = true;
  try {
    job.scaler.reset(static_cast<int>(width), static_cast<int>(height), target.width,
                     target.height);
    if (passes == 1) {
      job.row.assign(static_cast<std::size_t>(width) * 4, 0);
    } else {
      job.whole.assign(static_cast<std::size_t>(width) * height * 4, 0);
      job.row_pointers.resize(height);
      for (png_uint_32 y = 0; y < height; ++y) {
        job.row_pointers[y] = job.whole.data() + static_cast<std::size_t>(y) * width * 4;
      }
    }
  } catch (...) {
    allocated = false;
  }
  if (!allocated) {
    std::snprintf(job.message, sizeof job.message, "out of memory decoding %lux%lu",
                  static_cast<unsigned long>(width), static_cast<unsigned long>(height));
    png_destroy_read_struct(&job.png, &job.info, nullptr);
    return false;
  }
  if (passes == 1) {
    for (png_uint_32 y = 0; y < height; ++y) {
      png_read_row(job.png, job.row.data(), nullptr);
      job.scaler.add_row(job.row.data());
    }
  } else {
    png_read_image(job.png, job.row_pointers.data());
    for (png_uint_32 y = 0; y < height; ++y) job.scaler.add_row(job.row_pointers[y]);
  }
  // What follows the pixels (text, time, IEND) is not read: nothing of it is kept.
  png_destroy_read_struct(&job.png, &job.info, nullptr);
  return job.scaler.complete();
}

}  // namespace

bool decode_png(std::string_view bytes, const Limits& limits, int max_long_side, Decoded& out,
                std::string& error) {
  PngDecodeJob job;
  job.bytes = bytes;
  job.limits = &limits;
  job.max_long_side = max_long_side;
  if (!run_png_decode(job)) {
    error = job.message[0] != '\0' ? job.message : "corrupt PNG: no image rows";
    return false;
  }
  out.image.width = job.scaler.width();
  out.image.height = job.scaler.height();
  out.image.pixels = job.scaler.take();
  out.orientation = 1;  // a PNG's eXIf chunk may follow the pixels; phones do not write one
  return true;
}

}  // namespace bcp::photo::detail
