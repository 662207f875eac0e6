// bcp::photo on images the tests make: what reencode keeps (pixels, upright, at most 1920 px) and
// what it drops (EXIF, GPS, every APPn but JFIF), and what it refuses, with an error that says
// what is wrong: bombs from their header, truncated and corrupt files, other formats.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "bcp/photo/photo.hpp"
#include "test_images.hpp"

namespace bcp::photo::test {
namespace {

constexpr Colour kGrey{128, 128, 128};
constexpr Colour kRed{220, 20, 20};

struct Pixel {
  int r, g, b, a;
};
Pixel at(const Rgba& img, int x, int y) {
  const std::uint8_t* p = &img.pixels[(static_cast<std::size_t>(y) * img.width + x) * 4];
  return {p[0], p[1], p[2], p[3]};
}
// JPEG is lossy: a colour is "the same" within a tolerance.
bool near(Pixel p, Colour c, int tolerance = 24) {
  return std::abs(p.r - c.r) <= tolerance && std::abs(p.g - c.g) <= tolerance &&
         std::abs(p.b - c.b) <= tolerance;
}
::testing::AssertionResult is_colour(const Rgba& img, int x, int y, Colour c) {
  const Pixel p = at(img, x, y);
  if (near(p, c)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "pixel (" << x << "," << y << ") is " << p.r << "," << p.g << "," << p.b << ", wanted "
         << int(c.r) << "," << int(c.g) << "," << int(c.b);
}

Rgba decoded(const std::string& jpeg, int long_side = 4096) {
  std::string error;
  auto img = decode_rgba(jpeg, long_side, Limits{}, error);
  EXPECT_TRUE(img) << error;
  return img ? *img : Rgba{};
}

std::string refusal(const std::string& bytes, const Limits& limits = {}) {
  std::string error;
  auto out = reencode(bytes, limits, error);
  EXPECT_FALSE(out) << "accepted " << bytes.size() << " bytes";
  EXPECT_FALSE(error.empty());
  std::string rgba_error;
  EXPECT_FALSE(decode_rgba(bytes, 512, limits, rgba_error));
  return error;
}

TEST(PhotoReencode, DropsExifAndGpsAndKeepsOnlyTheJfifHeader) {
  const std::string datum = "GPS-DATUM-SECRET-TOKYO";
  const std::string input =
      make_jpeg(quartered_rgba(320, 240, kGrey, kRed), 320, 240, exif_with_gps(1, datum));
  // The input really carries what must go.
  ASSERT_NE(input.find(datum), std::string::npos);
  ASSERT_NE(input.find(std::string("Exif\0\0", 6)), std::string::npos);

  std::string error;
  auto out = reencode(input, Limits{}, error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->width, 320);
  EXPECT_EQ(out->height, 240);
  EXPECT_EQ(out->jpeg.find(datum), std::string::npos);
  EXPECT_EQ(out->jpeg.find("Exif"), std::string::npos);
  int app_segments = 0;
  for (const Segment& s : jpeg_segments(out->jpeg)) {
    if (s.marker >= 0xE0 && s.marker <= 0xEF) {
      ++app_segments;
      EXPECT_EQ(s.marker, 0xE0) << "APP" << (s.marker - 0xE0) << " kept";
      EXPECT_EQ(s.payload.substr(0, 5), std::string("JFIF\0", 5));
    }
    EXPECT_NE(s.marker, 0xFE) << "a COM segment was written";
    EXPECT_NE(s.marker, 0xC2) << "progressive, not baseline";
  }
  EXPECT_EQ(app_segments, 1);
  const Rgba img = decoded(out->jpeg);
  EXPECT_TRUE(is_colour(img, 10, 10, kRed));
  EXPECT_TRUE(is_colour(img, 300, 220, kGrey));
}

TEST(PhotoReencode, ALargePhotoIsScaledToALongSideOf1920) {
  const std::string input = make_jpeg(quartered_rgba(4000, 3000, kGrey, kRed), 4000, 3000);
  std::string error;
  auto out = reencode(input, Limits{}, error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->width, 1920);
  EXPECT_EQ(out->height, 1440);
  const Rgba img = decoded(out->jpeg);
  ASSERT_EQ(img.width, 1920);
  ASSERT_EQ(img.height, 1440);
  // The quarter boundary lands at half of each side (area scaling, not a crop).
  EXPECT_TRUE(is_colour(img, 940, 700, kRed));
  EXPECT_TRUE(is_colour(img, 980, 740, kGrey));
  EXPECT_TRUE(is_colour(img, 1900, 20, kGrey));
}

TEST(PhotoReencode, OrientationSixIsTurnedUpright) {
  // A phone's portrait photo: landscape pixels, Orientation 6 (turn 90 degrees clockwise).
  const std::string input =
      make_jpeg(quartered_rgba(4000, 3000, kGrey, kRed), 4000, 3000, exif_with_gps(6, "WGS-84"));
  std::string error;
  auto out = reencode(input, Limits{}, error);
  ASSERT_TRUE(out) << error;
  EXPECT_EQ(out->width, 1440);
  EXPECT_EQ(out->height, 1920);
  const Rgba img = decoded(out->jpeg);
  ASSERT_EQ(img.width, 1440);
  // The stored top-left corner is seen at the top right.
  EXPECT_TRUE(is_colour(img, 1400, 40, kRed));
  EXPECT_TRUE(is_colour(img, 40, 40, kGrey));
  EXPECT_TRUE(is_colour(img, 1400, 1880, kGrey));
}

TEST(PhotoReencode, EveryOrientationPutsTheCornerWhereItIsSeen) {
  // Stored top-left quarter red; where EXIF 2.3 says it is seen for each orientation.
  struct Case {
    int orientation;
    bool right, bottom;
  };
  for (Case c :
       {Case{1, false, false}, Case{2, true, false}, Case{3, true, true}, Case{4, false, true},
        Case{5, false, false}, Case{6, true, false}, Case{7, true, true}, Case{8, false, true}}) {
    const std::string input = make_jpeg(quartered_rgba(64, 48, kGrey, kRed), 64, 48,
                                        exif_with_gps(c.orientation, "WGS-84"));
    std::string error;
    auto out = reencode(input, Limits{}, error);
    ASSERT_TRUE(out) << error;
    const bool swapped = c.orientation >= 5;
    EXPECT_EQ(out->width, swapped ? 48 : 64) << c.orientation;
    const Rgba img = decoded(out->jpeg);
    const int x = c.right ? img.width - 6 : 5, y = c.bottom ? img.height - 6 : 5;
    EXPECT_TRUE(is_colour(img, x, y, kRed)) << "orientation " << c.orientation;
  }
}

TEST(PhotoReencode, TransparentPngIsOverWhiteAndDecodeKeepsAlpha) {
  const Colour clear_red{255, 0, 0, 0};
  const Colour blue{0, 0, 255, 255};
  const std::string png = make_png(quartered_rgba(100, 80, clear_red, blue), 100, 80);
  std::string error;
  auto out = reencode(png, Limits{}, error);
  ASSERT_TRUE(out) << error;
  const Rgba img = decoded(out->jpeg);
  EXPECT_TRUE(is_colour(img, 90, 70, Colour{255, 255, 255}));
  EXPECT_TRUE(is_colour(img, 10, 10, blue));
  auto rgba = decode_rgba(png, 1000, Limits{}, error);
  ASSERT_TRUE(rgba) << error;
  EXPECT_EQ(at(*rgba, 90, 70).a, 0);
  EXPECT_EQ(at(*rgba, 10, 10).a, 255);
}

TEST(PhotoDecode, ScalesToTheShownSize) {
  const std::string input = make_jpeg(quartered_rgba(1600, 1200, kGrey, kRed), 1600, 1200);
  std::string error;
  auto img = decode_rgba(input, 200, Limits{}, error);
  ASSERT_TRUE(img) << error;
  EXPECT_EQ(img->width, 200);
  EXPECT_EQ(img->height, 150);
  EXPECT_EQ(img->pixels.size(), 200u * 150u * 4u);
  EXPECT_TRUE(is_colour(*img, 20, 20, kRed));
  EXPECT_TRUE(is_colour(*img, 180, 130, kGrey));
}

TEST(PhotoRefusal, APngBombIsRefusedFromItsHeader) {
  const std::string error = refusal(png_header_only(100000, 100000));
  EXPECT_NE(error.find("100000x100000"), std::string::npos) << error;
  EXPECT_NE(error.find("64000000"), std::string::npos) << error;
}

TEST(PhotoRefusal, AJpegBombIsRefusedFromItsHeader) {
  // A real JPEG whose SOF0 is rewritten to declare 60000x60000.
  std::string jpeg = make_jpeg(quartered_rgba(16, 16, kGrey, kRed), 16, 16);
  const std::size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  // FF C0, length (2), precision (1), height (2), width (2)
  for (std::size_t at : {sof + 5, sof + 7}) {
    jpeg[at] = static_cast<char>(60000 >> 8);
    jpeg[at + 1] = static_cast<char>(60000 & 0xFF);
  }
  const std::string error = refusal(jpeg);
  EXPECT_NE(error.find("60000x60000"), std::string::npos) << error;
}

TEST(PhotoRefusal, ATruncatedJpegIsRefused) {
  const std::string jpeg = make_jpeg(quartered_rgba(640, 480, kGrey, kRed), 640, 480);
  const std::string error = refusal(jpeg.substr(0, jpeg.size() / 2));
  EXPECT_NE(error.find("truncated JPEG"), std::string::npos) << error;
  // Cut inside the header: refused too, with a reason.
  refusal(jpeg.substr(0, 40));
}

TEST(PhotoRefusal, ATruncatedPngIsRefused) {
  std::mt19937 random(7);
  std::vector<std::uint8_t> noise(200 * 200 * 4);
  for (auto& b : noise) b = static_cast<std::uint8_t>(random());
  const std::string png = make_png(noise, 200, 200);
  refusal(png.substr(0, png.size() / 2));
}

TEST(PhotoRefusal, OtherFormatsAndNoiseAreRefusedByName) {
  EXPECT_NE(refusal("GIF89a\x01\x00\x01\x00\x80\x00\x00").find("GIF"), std::string::npos);
  EXPECT_NE(refusal(std::string("RIFF\x24\x00\x00\x00WEBPVP8 ", 16)).find("WebP"),
            std::string::npos);
  EXPECT_NE(refusal(std::string("\x00\x00\x00\x18"
                                "ftypheic",
                                12))
                .find("HEIC"),
            std::string::npos);
  EXPECT_NE(refusal("<html><body>login</body></html>").find("not a JPEG or PNG"),
            std::string::npos);
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
  std::mt19937 random(11);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  refusal(noise);
  // JPEG's signature followed by noise: a decoder error, not a crash.
  refusal("\xFF\xD8\xFF" + noise);
}

TEST(PhotoRefusal, InputOverTheByteLimitIsRefused) {
  const std::string jpeg = make_jpeg(quartered_rgba(64, 64, kGrey, kRed), 64, 64);
  Limits limits;
  limits.max_input_bytes = jpeg.size() - 1;
  EXPECT_NE(refusal(jpeg, limits).find("more than the limit"), std::string::npos);
  limits.max_input_bytes = jpeg.size();
  std::string error;
  EXPECT_TRUE(reencode(jpeg, limits, error)) << error;
}

}  // namespace
}  // namespace bcp::photo::test
