// The codec's inside: one decoder per format, the orientation step and the JPEG encoder. Each
// decoder checks the dimensions from the header against Limits, then decodes straight into an
// AreaScaler so only the scaled image is ever held. No thread of its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/photo/photo.hpp"

namespace bcp::photo::detail {

// A decoded image scaled to its target size, still as stored (orientation not yet applied).
struct Decoded {
  Rgba image;
  int orientation = 1;  // EXIF Orientation 1..8 (1 = as stored)
};

// The output size for a src_width x src_height image whose long side may be at most long_side:
// unchanged when it fits, otherwise scaled keeping the aspect ratio (each side at least 1).
struct Size {
  int width = 0;
  int height = 0;
};
Size fit_long_side(int src_width, int src_height, int long_side);

// "12000x12000 is more than 64000000 pixels" when the header's dimensions are over the limit.
bool check_dimensions(std::uint64_t width, std::uint64_t height, const Limits& limits,
                      std::string& error);

bool decode_jpeg(std::string_view bytes, const Limits& limits, int max_long_side, Decoded& out,
                 std::string& error);
bool decode_png(std::string_view bytes, const Limits& limits, int max_long_side, Decoded& out,
                std::string& error);

// Baseline JPEG, JFIF header only, from tightly packed RGB rows.
bool encode_jpeg(const std::vector<std::uint8_t>& rgb, int width, int height, int quality,
                 std::string& jpeg, std::string& error);

// The Orientation tag (1..8) of an APP1 "Exif\0\0" payload; 1 when absent or unreadable.
int exif_orientation(const unsigned char* app1, std::size_t size) noexcept;

// Turns stored pixels upright: orientation 5-8 swap width and height.
Rgba apply_orientation(Rgba stored, int orientation);

}  // namespace bcp::photo::detail
