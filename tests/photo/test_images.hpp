// Images made by the tests themselves: JPEGs written with libjpeg (optionally carrying an APP1
// Exif segment built here byte by byte, with an Orientation and a GPS position), PNGs written
// with libpng, and a reader of a JPEG's marker segments. No files, no thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bcp::photo::test {

struct Colour {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
};

// width x height filled with `fill`, the top-left quarter painted `corner`.
std::vector<std::uint8_t> quartered_rgba(int width, int height, Colour fill, Colour corner);

// A baseline JPEG (quality 90) of RGBA pixels (alpha ignored); `app1` is written as an APP1
// segment right after the JFIF header when not empty.
std::string make_jpeg(const std::vector<std::uint8_t>& rgba, int width, int height,
                      const std::string& app1 = {});

// "Exif\0\0" + a little-endian TIFF: IFD0 with Orientation and a GPSInfo pointer, a GPS IFD with
// GPSLatitudeRef N, GPSLatitude 35/1 41/1 22/1 and GPSMapDatum `datum` (ASCII, easy to find).
std::string exif_with_gps(int orientation, const std::string& datum);

// An 8-bit RGBA PNG.
std::string make_png(const std::vector<std::uint8_t>& rgba, int width, int height);

// A PNG signature, a well-formed IHDR (correct CRC) declaring width x height, an IDAT of a few
// bytes and an IEND: how a "bomb" starts (its IDAT would inflate to width x height pixels).
std::string png_header_only(std::uint32_t width, std::uint32_t height);

// The marker bytes (0xE0 for APP0, ...) of a JPEG's segments before its first SOS, and the
// payload of each; empty when the stream does not start with SOI.
struct Segment {
  int marker = 0;
  std::string payload;
};
std::vector<Segment> jpeg_segments(const std::string& jpeg);

}  // namespace bcp::photo::test
