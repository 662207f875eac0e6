// See test_images.hpp. Writers for the tests' own images; errors fail loudly (the test is wrong).
#include "test_images.hpp"

#include <jpeglib.h>
#include <png.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace bcp::photo::test {

std::vector<std::uint8_t> quartered_rgba(int width, int height, Colour fill, Colour corner) {
  std::vector<std::uint8_t> px(static_cast<std::size_t>(width) * height * 4);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const Colour c = (x < width / 2 && y < height / 2) ? corner : fill;
      std::uint8_t* p = &px[(static_cast<std::size_t>(y) * width + x) * 4];
      p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = c.a;
    }
  }
  return px;
}

std::string make_jpeg(const std::vector<std::uint8_t>& rgba, int width, int height,
                      const std::string& app1) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);  // default error_exit: a test image that fails is a bug
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &out, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_EXT_RGBA;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  if (!app1.empty()) {
    jpeg_write_marker(&cinfo, JPEG_APP0 + 1, reinterpret_cast<const JOCTET*>(app1.data()),
                      static_cast<unsigned>(app1.size()));
  }
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row =
        const_cast<JSAMPROW>(&rgba[static_cast<std::size_t>(cinfo.next_scanline) * width * 4]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string bytes(reinterpret_cast<char*>(out), size);
  std::free(out);
  return bytes;
}

namespace {

void put16(std::string& s, std::uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, std::uint32_t v) {
  put16(s, static_cast<std::uint16_t>(v & 0xFFFF));
  put16(s, static_cast<std::uint16_t>(v >> 16));
}
// One 12-byte IFD entry; `value` is the inline value or the offset.
void entry(std::string& s, std::uint16_t tag, std::uint16_t type, std::uint32_t count,
           std::uint32_t value) {
  put16(s, tag);
  put16(s, type);
  put32(s, count);
  put32(s, value);
}

}  // namespace

std::string exif_with_gps(int orientation, const std::string& datum) {
  // Offsets are from the TIFF header's first byte.
  const std::uint32_t ifd0 = 8;
  const std::uint32_t gps_ifd = ifd0 + 2 + 2 * 12 + 4;  // 38
  const std::uint32_t gps_entries = 3;
  const std::uint32_t latitude = gps_ifd + 2 + gps_entries * 12 + 4;  // three rationals
  const std::uint32_t datum_at = latitude + 24;
  std::string tiff = "II";
  put16(tiff, 42);
  put32(tiff, ifd0);
  put16(tiff, 2);
  entry(tiff, 0x0112, 3, 1, static_cast<std::uint32_t>(orientation));  // Orientation, SHORT
  entry(tiff, 0x8825, 4, 1, gps_ifd);                                  // GPSInfo, LONG
  put32(tiff, 0);
  put16(tiff, gps_entries);
  entry(tiff, 0x0001, 2, 2, 'N');       // GPSLatitudeRef "N\0"
  entry(tiff, 0x0002, 5, 3, latitude);  // GPSLatitude
  entry(tiff, 0x0012, 2, static_cast<std::uint32_t>(datum.size() + 1), datum_at);  // GPSMapDatum
  put32(tiff, 0);
  for (std::uint32_t v : {35u, 41u, 22u}) {
    put32(tiff, v);
    put32(tiff, 1);
  }
  tiff += datum;
  tiff += '\0';
  return std::string("Exif\0\0", 6) + tiff;
}

std::string make_png(const std::vector<std::uint8_t>& rgba, int width, int height) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGBA;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgba.data(), 0, nullptr))
    throw std::runtime_error("png size");
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, rgba.data(), 0, nullptr))
    throw std::runtime_error("png write");
  out.resize(size);
  return out;
}

namespace {

// PNG's chunk CRC (ISO 3309, as zlib's crc32): bit by bit, fine for a header.
std::uint32_t crc32_of(const std::string& bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

void chunk(std::string& png, const char* type, const std::string& data) {
  const auto be32 = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) png += static_cast<char>((v >> shift) & 0xFF);
  };
  be32(static_cast<std::uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  png += body;
  be32(crc32_of(body));
}

}  // namespace

std::string png_header_only(std::uint32_t width, std::uint32_t height) {
  std::string png("\x89PNG\r\n\x1A\n", 8);
  std::string ihdr;
  for (std::uint32_t v : {width, height})
    for (int shift = 24; shift >= 0; shift -= 8) ihdr += static_cast<char>((v >> shift) & 0xFF);
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // 8-bit RGBA, deflate, no filter, no interlace
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", std::string("\x78\x9C\x00\x00\x00\xFF\xFF", 7));  // a deflate start, no pixels
  chunk(png, "IEND", "");
  return png;
}

std::vector<Segment> jpeg_segments(const std::string& jpeg) {
  std::vector<Segment> out;
  if (jpeg.size() < 4 || static_cast<unsigned char>(jpeg[0]) != 0xFF ||
      static_cast<unsigned char>(jpeg[1]) != 0xD8)
    return out;
  std::size_t at = 2;
  while (at + 4 <= jpeg.size() && static_cast<unsigned char>(jpeg[at]) == 0xFF) {
    const int marker = static_cast<unsigned char>(jpeg[at + 1]);
    const std::size_t length =
        (static_cast<unsigned char>(jpeg[at + 2]) << 8) | static_cast<unsigned char>(jpeg[at + 3]);
    if (length < 2 || at + 2 + length > jpeg.size()) break;
    out.push_back({marker, jpeg.substr(at + 4, length - 2)});
    if (marker == 0xDA) break;  // SOS: entropy-coded data follows
    at += 2 + length;
  }
  return out;
}

}  // namespace bcp::photo::test
