// The public entry points: the checks every input passes before a decoder sees it (size, format
// by its signature), then decode, orientation and, for reencode, the metadata-free JPEG.
// No thread of its own; nothing escapes as an exception.
#include "bcp/photo/photo.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <new>

#include "codec.hpp"

namespace bcp::photo {
namespace detail {

Size fit_long_side(int src_width, int src_height, int long_side) {
  const int longest = std::max(src_width, src_height);
  if (longest <= long_side) return {src_width, src_height};
  const double scale = static_cast<double>(long_side) / longest;
  const auto scaled = [&](int side) {
    return std::clamp(static_cast<int>(std::lround(side * scale)), 1, long_side);
  };
  return {scaled(src_width), scaled(src_height)};
}

}  // namespace detail

namespace {

enum class Format { jpeg, png, other };

bool starts_with(std::string_view bytes, std::string_view prefix, std::size_t at = 0) {
  return bytes.size() >= at + prefix.size() && bytes.substr(at, prefix.size()) == prefix;
}

Format sniff(std::string_view bytes) {
  if (starts_with(bytes, "\xFF\xD8\xFF")) return Format::jpeg;
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n")) return Format::png;
  return Format::other;
}

// What a refused file most likely is, so the log says more than "not a JPEG or PNG".
std::string_view looks_like(std::string_view bytes) {
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return "GIF";
  if (starts_with(bytes, "RIFF") && starts_with(bytes, "WEBP", 8)) return "WebP";
  if (starts_with(bytes, "ftyp", 4)) {
    if (starts_with(bytes, "avif", 8) || starts_with(bytes, "avis", 8)) return "AVIF";
    return "HEIC or another ISO media file";
  }
  if (starts_with(bytes, "BM")) return "BMP";
  if (starts_with(bytes, std::string_view("II*\0", 4)) ||
      starts_with(bytes, std::string_view("MM\0*", 4)))
    return "TIFF";
  if (starts_with(bytes, "%PDF")) return "PDF";
  if (starts_with(bytes, "<")) return "HTML or XML";
  return {};
}

std::optional<Rgba> decode_upright(std::string_view bytes, int max_long_side, const Limits& limits,
                                   std::string& error) {
  if (bytes.empty()) {
    error = "empty input";
    return std::nullopt;
  }
  if (bytes.size() > limits.max_input_bytes) {
    error = std::to_string(bytes.size()) + " bytes is more than the limit of " +
            std::to_string(limits.max_input_bytes) + " bytes";
    return std::nullopt;
  }
  if (max_long_side < 1) {
    error = "max_long_side must be at least 1";
    return std::nullopt;
  }
  const Format format = sniff(bytes);
  if (format == Format::other) {
    const std::string_view kind = looks_like(bytes);
    error = kind.empty() ? "not a JPEG or PNG"
                         : "not a JPEG or PNG (it looks like " + std::string(kind) + ")";
    return std::nullopt;
  }
  detail::Decoded decoded;
  const bool ok = format == Format::jpeg
                      ? detail::decode_jpeg(bytes, limits, max_long_side, decoded, error)
                      : detail::decode_png(bytes, limits, max_long_side, decoded, error);
  if (!ok) return std::nullopt;
  return detail::apply_orientation(std::move(decoded.image), decoded.orientation);
}

}  // namespace

std::optional<Rgba> decode_rgba(std::string_view bytes, int max_long_side, const Limits& limits,
                                std::string& error) {
  try {
    return decode_upright(bytes, max_long_side, limits, error);
  } catch (const std::bad_alloc&) {
    error = "out of memory decoding the image";
  } catch (const std::exception& e) {
    error = std::string("image decode failed: ") + e.what();
  } catch (...) {
    error = "image decode failed";
  }
  return std::nullopt;
}

std::optional<Reencoded> reencode(std::string_view bytes, const Limits& limits,
                                  std::string& error) {
  try {
    std::optional<Rgba> image = decode_upright(bytes, limits.max_long_side, limits, error);
    if (!image) return std::nullopt;
    // JPEG has no alpha: transparent PNG pixels over white, as a viewer would show them on paper.
    const std::size_t pixels = static_cast<std::size_t>(image->width) * image->height;
    std::vector<std::uint8_t> rgb(pixels * 3);
    for (std::size_t i = 0; i < pixels; ++i) {
      const std::uint8_t* p = &image->pixels[i * 4];
      const unsigned a = p[3];
      for (int c = 0; c < 3; ++c)
        rgb[i * 3 + c] = static_cast<std::uint8_t>((p[c] * a + 255 * (255 - a) + 127) / 255);
    }
    image->pixels = {};
    Reencoded out;
    if (!detail::encode_jpeg(rgb, image->width, image->height, limits.jpeg_quality, out.jpeg,
                             error)) {
      return std::nullopt;
    }
    out.width = image->width;
    out.height = image->height;
    return out;
  } catch (const std::bad_alloc&) {
    error = "out of memory re-encoding the image";
  } catch (const std::exception& e) {
    error = std::string("re-encode failed: ") + e.what();
  } catch (...) {
    error = "re-encode failed";
  }
  return std::nullopt;
}

}  // namespace bcp::photo
