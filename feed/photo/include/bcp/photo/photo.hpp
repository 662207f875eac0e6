// Photos staff share in the LINE WORKS talk, made safe to keep and to show (DESIGN.md "LINE
// WORKS both ways", Photos): decoded from JPEG or PNG only, turned upright by their EXIF
// orientation, scaled down, and re-encoded as a plain baseline JPEG that carries no metadata
// (no EXIF, no GPS position, no camera serial) so what the wall stores and serves is pixels only.
//
// No thread of its own and no shared state: every function may be called from any thread, several
// at once. Nothing here throws or ends the process on bad input; memory is bounded by Limits
// (dimensions are checked from the file's header before any pixel is decoded).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bcp::photo {

struct Limits {
  std::size_t max_input_bytes = 25u << 20;  // refused beyond
  std::uint64_t max_pixels = 64'000'000;    // from the header, BEFORE any pixel is decoded
  int max_long_side = 1920;                 // the re-encoded image's long side
  int jpeg_quality = 85;
};

struct Reencoded {
  std::string jpeg;
  int width = 0;
  int height = 0;
};

struct Rgba {
  std::vector<std::uint8_t> pixels;  // 4 bytes a pixel, rows top to bottom, no padding
  int width = 0;
  int height = 0;
};

// Decodes JPEG or PNG (anything else refused), applies the EXIF orientation, scales the long
// side to <= limits.max_long_side, re-encodes as baseline JPEG with no metadata at all (a JFIF
// APP0 header only). Transparent PNG pixels are composited over white. Never throws; on refusal
// returns nullopt and `error` says what is wrong ("not a JPEG or PNG", "truncated JPEG",
// "12000x12000 is more than 64000000 pixels").
std::optional<Reencoded> reencode(std::string_view bytes, const Limits& limits, std::string& error);

// Decodes JPEG or PNG to RGBA (EXIF orientation applied, alpha kept) scaled so the long side is
// <= max_long_side: the wall's decode. limits.max_long_side is not used here.
std::optional<Rgba> decode_rgba(std::string_view bytes, int max_long_side, const Limits& limits,
                                std::string& error);

}  // namespace bcp::photo
