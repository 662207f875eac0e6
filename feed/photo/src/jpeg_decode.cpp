// JPEG decode with libjpeg-turbo. libjpeg reports a fatal error by calling error_exit, which by
// default calls exit(): ours longjmps back to run_jpeg_decode instead. That function therefore
// owns no C++ object with a destructor (a longjmp would skip it); everything it fills lives in a
// JpegDecodeJob its caller owns, and allocation happens inside try blocks. libjpeg's DCT scaling
// (scale_num/8) decodes a 12 MP photo at about the target size, never at full size.
// No thread of its own.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <new>

#include <jerror.h>
#include <jpeglib.h>

#include "area_scaler.hpp"
#include "codec.hpp"

namespace bcp::photo::detail {
namespace {

// libjpeg's error manager first (libjpeg casts cinfo->err back to it), then where to jump.
struct JpegDecodeTrap {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

// A progressive file can hold thousands of tiny scans, each a full pass over the coefficients:
// refuse beyond this many (real encoders write about ten).
constexpr int kMaxScans = 500;
// libjpeg's warnings that mean the pixels are not what the file should have held.
constexpr int kMaxTolerableWarnings = 100;

[[noreturn]] void jump_out(j_common_ptr cinfo) {
  auto* trap = reinterpret_cast<JpegDecodeTrap*>(cinfo->err);
  std::longjmp(trap->jump, 1);
}

void decode_error_exit(j_common_ptr cinfo) {
  auto* trap = reinterpret_cast<JpegDecodeTrap*>(cinfo->err);
  char text[JMSG_LENGTH_MAX] = {};
  cinfo->err->format_message(cinfo, text);
  std::snprintf(trap->message, sizeof trap->message, "corrupt JPEG: %s", text);
  jump_out(cinfo);
}

void decode_emit_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  auto* trap = reinterpret_cast<JpegDecodeTrap*>(cinfo->err);
  ++cinfo->err->num_warnings;
  const int code = cinfo->err->msg_code;
  if (code == JWRN_JPEG_EOF) {
    // "Premature end of JPEG file": libjpeg would fill the rest with grey.
    std::snprintf(trap->message, sizeof trap->message, "truncated JPEG");
    jump_out(cinfo);
  }
  if (code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC || code == JWRN_NOT_SEQUENTIAL ||
      cinfo->err->num_warnings > kMaxTolerableWarnings) {
    char text[JMSG_LENGTH_MAX] = {};
    cinfo->err->format_message(cinfo, text);
    std::snprintf(trap->message, sizeof trap->message, "corrupt JPEG data: %s", text);
    jump_out(cinfo);
  }
}

void limit_scans(j_common_ptr cinfo) {
  if (!cinfo->is_decompressor) return;
  auto* decompress = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (decompress->input_scan_number > kMaxScans) {
    auto* trap = reinterpret_cast<JpegDecodeTrap*>(cinfo->err);
    std::snprintf(trap->message, sizeof trap->message, "JPEG with more than %d scans", kMaxScans);
    jump_out(cinfo);
  }
}

// Everything run_jpeg_decode touches after its setjmp lives here, in the caller's frame: no
// automatic variable of the setjmp frame is read after a longjmp.
struct JpegDecodeJob {
  std::string_view bytes;
  const Limits* limits = nullptr;
  int max_long_side = 0;
  jpeg_decompress_struct cinfo;
  JpegDecodeTrap trap;
  jpeg_progress_mgr progress;
  AreaScaler scaler;
  std::vector<std::uint8_t> row;
  int orientation = 1;
  char message[JMSG_LENGTH_MAX] = {};
};

// CMYK as Adobe writes it (inverted) or plain, to RGBA in place.
void cmyk_to_rgba(std::uint8_t* pixels, int width, bool adobe_inverted) noexcept {
  for (int x = 0; x < width; ++x) {
    std::uint8_t* p = pixels + static_cast<std::size_t>(x) * 4;
    const int k = adobe_inverted ? p[3] : 255 - p[3];
    for (int c = 0; c < 3; ++c) {
      const int ink = adobe_inverted ? p[c] : 255 - p[c];
      p[c] = static_cast<std::uint8_t>((ink * k + 127) / 255);
    }
    p[3] = 255;
  }
}

// No object with a destructor is created in this function (a longjmp would skip it); the file
// comment says why and JpegDecodeJob holds the state.
bool run_jpeg_decode(JpegDecodeJob& job) {
  jpeg_decompress_struct& cinfo = job.cinfo;
  std::memset(&cinfo, 0, sizeof cinfo);
  std::memset(&job.progress, 0, sizeof job.progress);
  std::memset(job.trap.message, 0, sizeof job.trap.message);
  cinfo.err = jpeg_std_error(&job.trap.manager);
  job.trap.manager.error_exit = decode_error_exit;
  job.trap.manager.emit_message = decode_emit_message;
  job.progress.progress_monitor = limit_scans;
  if (setjmp(job.trap.jump) != 0) {
    std::memcpy(job.message, job.trap.message, sizeof job.message);
    jpeg_destroy_decompress(&job.cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  cinfo.progress = &job.progress;
  // The large buffers (a progressive file's coefficients) come out of this budget; beyond it
  // libjpeg, having no backing store, fails instead of allocating.
  const std::uint64_t budget = std::min<std::uint64_t>(job.limits->max_pixels, 1ull << 36) * 8;
  cinfo.mem->max_memory_to_use = static_cast<long>(budget + (16u << 20));
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(job.bytes.data()),
               static_cast<unsigned long>(job.bytes.size()));
  jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&cinfo, TRUE);

  const std::uint64_t full_width = cinfo.image_width, full_height = cinfo.image_height;
  if (full_width * full_height > job.limits->max_pixels) {
    std::snprintf(job.message, sizeof job.message, "%llux%llu is more than %llu pixels",
                  static_cast<unsigned long long>(full_width),
                  static_cast<unsigned long long>(full_height),
                  static_cast<unsigned long long>(job.limits->max_pixels));
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  for (jpeg_saved_marker_ptr marker = cinfo.marker_list; marker != nullptr; marker = marker->next) {
    if (marker->marker == JPEG_APP0 + 1 && marker->data_length >= 6 &&
        std::memcmp(marker->data, "Exif\0\0", 6) == 0) {
      job.orientation = exif_orientation(marker->data, marker->data_length);
      break;
    }
  }

  const Size target =
      fit_long_side(static_cast<int>(full_width), static_cast<int>(full_height), job.max_long_side);
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
  cinfo.dct_method = JDCT_ISLOW;
  // The smallest DCT scale M/8 whose output still covers the target; area averaging does the rest.
  cinfo.scale_denom = 8;
  for (unsigned int m = 1; m <= 8; ++m) {
    cinfo.scale_num = m;
    jpeg_calc_output_dimensions(&cinfo);
    if (cinfo.output_width >= static_cast<unsigned>(target.width) &&
        cinfo.output_height >= static_cast<unsigned>(target.height)) {
      break;
    }
  }
  jpeg_start_decompress(&cinfo);
  const int decoded_width = static_cast<int>(cinfo.output_width);
  const int decoded_height = static_cast<int>(cinfo.output_height);
  if (cinfo.output_components != 4 || decoded_width < target.width ||
      decoded_height < target.height) {
    std::snprintf(job.message, sizeof job.message, "unsupported JPEG colour layout");
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  bool allocated = true;
  try {
    job.scaler.reset(decoded_width, decoded_height, target.width, target.height);
    job.row.assign(static_cast<std::size_t>(decoded_width) * 4, 0);
  } catch (...) {
    allocated = false;
  }
  if (!allocated) {
    std::snprintf(job.message, sizeof job.message, "out of memory decoding %dx%d", decoded_width,
                  decoded_height);
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  const bool adobe_inverted = cinfo.saw_Adobe_marker;
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = job.row.data();
    if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    if (cmyk) cmyk_to_rgba(job.row.data(), decoded_width, adobe_inverted);
    job.scaler.add_row(job.row.data());
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return job.scaler.complete();
}

}  // namespace

bool decode_jpeg(std::string_view bytes, const Limits& limits, int max_long_side, Decoded& out,
                 std::string& error) {
  JpegDecodeJob job;
  job.bytes = bytes;
  job.limits = &limits;
  job.max_long_side = max_long_side;
  if (!run_jpeg_decode(job)) {
    error = job.message[0] != '\0' ? job.message : "corrupt JPEG: no image rows";
    return false;
  }
  out.image.width = job.scaler.width();
  out.image.height = job.scaler.height();
  out.image.pixels = job.scaler.take();
  out.orientation = job.orientation;
  return true;
}

}  // namespace bcp::photo::detail
