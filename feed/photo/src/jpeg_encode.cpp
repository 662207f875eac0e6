// The re-encode: baseline JPEG through libjpeg-turbo with the JFIF APP0 header and nothing else
// (no EXIF, no ICC profile, no comment). Errors longjmp back to run_jpeg_encode as in
// jpeg_decode.cpp, so its state lives in a JpegEncodeJob the caller owns. No thread of its own.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <jpeglib.h>

#include "codec.hpp"

namespace bcp::photo::detail {
namespace {

struct JpegEncodeTrap {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void encode_error_exit(j_common_ptr cinfo) {
  auto* trap = reinterpret_cast<JpegEncodeTrap*>(cinfo->err);
  cinfo->err->format_message(cinfo, trap->message);
  std::longjmp(trap->jump, 1);
}

void encode_ignore_message(j_common_ptr, int) {}

struct JpegEncodeJob {
  const std::uint8_t* rgb = nullptr;
  int width = 0, height = 0, quality = 85;
  jpeg_compress_struct cinfo;
  JpegEncodeTrap trap;
  unsigned char* buffer = nullptr;  // malloc'd by jpeg_mem_dest; freed by the caller
  unsigned long size = 0;
};

// No object with a destructor is created in this function: a longjmp would skip it.
bool run_jpeg_encode(JpegEncodeJob& job) {
  jpeg_compress_struct& cinfo = job.cinfo;
  std::memset(&cinfo, 0, sizeof cinfo);
  std::memset(job.trap.message, 0, sizeof job.trap.message);
  cinfo.err = jpeg_std_error(&job.trap.manager);
  job.trap.manager.error_exit = encode_error_exit;
  job.trap.manager.emit_message = encode_ignore_message;
  if (setjmp(job.trap.jump) != 0) {
    jpeg_destroy_compress(&job.cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &job.buffer, &job.size);
  cinfo.image_width = static_cast<JDIMENSION>(job.width);
  cinfo.image_height = static_cast<JDIMENSION>(job.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, job.quality, TRUE);  // TRUE: baseline quantisation tables
  cinfo.optimize_coding = TRUE;                 // smaller files, still baseline
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.write_JFIF_header = TRUE;
  cinfo.write_Adobe_marker = FALSE;
  jpeg_start_compress(&cinfo, TRUE);
  const std::size_t stride = static_cast<std::size_t>(job.width) * 3;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(job.rgb + cinfo.next_scanline * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

}  // namespace

bool encode_jpeg(const std::vector<std::uint8_t>& rgb, int width, int height, int quality,
                 std::string& jpeg, std::string& error) {
  if (width < 1 || height < 1 || rgb.size() != static_cast<std::size_t>(width) * height * 3) {
    error = "nothing to encode";
    return false;
  }
  JpegEncodeJob job;
  job.rgb = rgb.data();
  job.width = width;
  job.height = height;
  job.quality = quality < 1 ? 1 : quality > 100 ? 100 : quality;
  const bool encoded = run_jpeg_encode(job);
  if (encoded) {
    try {
      jpeg.assign(reinterpret_cast<const char*>(job.buffer), job.size);
    } catch (...) {
      std::free(job.buffer);
      error = "out of memory encoding the JPEG";
      return false;
    }
  } else {
    error = std::string("JPEG encode failed: ") + job.trap.message;
  }
  std::free(job.buffer);
  return encoded;
}

}  // namespace bcp::photo::detail
