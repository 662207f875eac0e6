// make_demo_photos: paints the four demo photos bcp-sim's scenarios send through the LINE WORKS
// talk (assets/photos/*.jpg). They are painted here, never downloaded, so the repository owns
// every pixel. Big flat shapes in strong contrast, because the wall shows them across a room.
//
// Single-threaded command-line tool, run by hand when a scene changes:
//   cmake --build build --target make_demo_photos && build/tools/make_demo_photos assets/photos
// The output is deterministic (no clock, no random seed from outside), so rerunning it without
// changing a scene gives the same bytes.
// jpeglib.h needs size_t and FILE declared before it.
#include <cstddef>
#include <cstdio>

#include <jpeglib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

struct Color {
  int r, g, b;
};
struct Point {
  double x, y;
};

constexpr int kWidth = 1280;
constexpr int kHeight = 960;

class Canvas {
 public:
  Canvas() : pixels_(static_cast<std::size_t>(kWidth) * kHeight * 3, 0) {}

  void set(int x, int y, Color c) {
    if (x < 0 || y < 0 || x >= kWidth || y >= kHeight) return;
    std::uint8_t* p = &pixels_[(static_cast<std::size_t>(y) * kWidth + x) * 3];
    p[0] = clamp(c.r);
    p[1] = clamp(c.g);
    p[2] = clamp(c.b);
  }

  // Rows y0..y1 shading from `top` to `bottom`: skies, water, floors.
  void vertical_gradient(int y0, int y1, Color top, Color bottom) {
    for (int y = std::max(0, y0); y < std::min(kHeight, y1); ++y) {
      const double t = y1 > y0 + 1 ? static_cast<double>(y - y0) / (y1 - y0 - 1) : 0.0;
      const Color c{mix(top.r, bottom.r, t), mix(top.g, bottom.g, t), mix(top.b, bottom.b, t)};
      for (int x = 0; x < kWidth; ++x) set(x, y, c);
    }
  }

  void rect(int x0, int y0, int x1, int y1, Color c) {
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) set(x, y, c);
  }

  // Even-odd scanline fill sampled at pixel centres; enough for the convex and jagged shapes here.
  void polygon(const std::vector<Point>& points, Color c) {
    for (int y = 0; y < kHeight; ++y) {
      const double sample_y = y + 0.5;
      std::vector<double> crossings;
      for (std::size_t i = 0; i < points.size(); ++i) {
        const Point a = points[i];
        const Point b = points[(i + 1) % points.size()];
        if ((a.y <= sample_y) != (b.y <= sample_y))
          crossings.push_back(a.x + (sample_y - a.y) * (b.x - a.x) / (b.y - a.y));
      }
      std::sort(crossings.begin(), crossings.end());
      for (std::size_t i = 0; i + 1 < crossings.size(); i += 2)
        for (int x = static_cast<int>(std::ceil(crossings[i] - 0.5));
             x < static_cast<int>(std::ceil(crossings[i + 1] - 0.5)); ++x)
          set(x, y, c);
    }
  }

  void ellipse(double cx, double cy, double rx, double ry, Color c) {
    for (int y = static_cast<int>(cy - ry); y <= static_cast<int>(cy + ry) + 1; ++y)
      for (int x = static_cast<int>(cx - rx); x <= static_cast<int>(cx + rx) + 1; ++x) {
        const double dx = (x + 0.5 - cx) / rx;
        const double dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1.0) set(x, y, c);
      }
  }

  // A straight stroke of the given width, drawn as a quadrilateral.
  void line(Point a, Point b, double width, Color c) {
    const double length = std::hypot(b.x - a.x, b.y - a.y);
    if (length == 0) return;
    const double nx = -(b.y - a.y) / length * width / 2;
    const double ny = (b.x - a.x) / length * width / 2;
    polygon(
        {{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}},
        c);
  }

  // A faint fixed-seed grain so the pictures do not look like flat vector art once scaled;
  // kept small because every bit of noise costs JPEG bytes.
  void grain(int amplitude) {
    std::uint32_t state = 0x9e3779b9u;
    for (std::uint8_t& v : pixels_) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      v = clamp(v + static_cast<int>(state % (2 * amplitude + 1)) - amplitude);
    }
  }

  bool write_jpeg(const std::string& path, int quality) const {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) return false;
    jpeg_compress_struct cinfo{};
    jpeg_error_mgr jerr{};
    cinfo.err = jpeg_std_error(&jerr);  // our own fixed input: libjpeg's exit() on error is fine
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, file);
    cinfo.image_width = kWidth;
    cinfo.image_height = kHeight;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
      JSAMPROW row = const_cast<JSAMPROW>(&pixels_[cinfo.next_scanline * kWidth * 3]);
      jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return std::fclose(file) == 0;
  }

 private:
  static std::uint8_t clamp(int v) { return static_cast<std::uint8_t>(std::clamp(v, 0, 255)); }
  static int mix(int a, int b, double t) { return static_cast<int>(std::lround(a + (b - a) * t)); }

  std::vector<std::uint8_t> pixels_;
};

const Color kSkyTop{110, 160, 215};
const Color kSkyLow{200, 222, 240};
const Color kGrass{70, 125, 50};
const Color kAsphalt{70, 72, 76};
const Color kAsphaltNear{95, 96, 100};

// Tall dark conifers along a horizon, as one row of triangles.
void treeline(Canvas& canvas, int horizon, int height, Color color) {
  for (int i = 0; i < 22; ++i) {
    const double x = i * 62.0 - 20 + (i % 3) * 14;
    const double h = height * (0.7 + 0.3 * ((i * 7) % 5) / 4.0);
    canvas.polygon({{x - 40, horizon + 4.0}, {x, horizon - h}, {x + 40, horizon + 4.0}}, color);
  }
}

// A road from a vanishing point at the horizon to the bottom edge.
void road(Canvas& canvas, int horizon) {
  canvas.polygon({{600, double(horizon)}, {680, double(horizon)}, {1180, kHeight}, {100, kHeight}},
                 kAsphalt);
  // The nearer, lighter stretch shares the road's edges: x at y = 700 on both edge lines.
  const double t = (700.0 - horizon) / (kHeight - horizon);
  canvas.polygon({{600 - 500 * t, 700}, {680 + 500 * t, 700}, {1180, kHeight}, {100, kHeight}},
                 kAsphaltNear);
  for (int i = 0; i < 6; ++i) {  // the centre line's dashes, longer as they come closer
    const double t0 = 0.05 + i * 0.17;
    const double t1 = t0 + 0.08;
    const double y0 = horizon + (kHeight - horizon) * t0 * t0;
    const double y1 = horizon + (kHeight - horizon) * t1 * t1;
    const double w0 = 2 + 14 * t0 * t0, w1 = 2 + 14 * t1 * t1;
    canvas.polygon({{640 - w0, y0}, {640 + w0, y0}, {640 + w1, y1}, {640 - w1, y1}},
                   {235, 200, 40});
  }
}

void bear_riverbank(Canvas& canvas) {
  canvas.vertical_gradient(0, 330, kSkyTop, kSkyLow);
  treeline(canvas, 330, 150, {30, 65, 40});
  canvas.vertical_gradient(330, 640, {95, 140, 60}, {120, 110, 70});               // grass to mud
  canvas.polygon({{0, 600}, {1280, 560}, {1280, 660}, {0, 690}}, {150, 130, 95});  // the bank
  canvas.vertical_gradient(660, kHeight, {55, 110, 160}, {30, 70, 120});           // the river
  canvas.polygon({{0, 690}, {1280, 660}, {1280, 672}, {0, 702}}, {55, 110, 160});
  for (int i = 0; i < 14; ++i) {  // ripples
    const double y = 720 + i * 17;
    const double x = (i * 173) % 1100;
    canvas.line({x, y}, {x + 120 + (i % 4) * 30, y}, 4, {140, 185, 215});
  }
  const Color bear{28, 20, 16};
  canvas.ellipse(640, 470, 230, 110, bear);  // body
  canvas.ellipse(560, 420, 130, 95, bear);   // shoulder hump
  canvas.ellipse(420, 450, 80, 70, bear);    // head
  canvas.ellipse(355, 475, 45, 30, bear);    // snout
  canvas.ellipse(445, 385, 22, 22, bear);    // ears
  canvas.ellipse(400, 388, 20, 20, bear);
  for (double x : {480.0, 560.0, 720.0, 800.0}) canvas.rect(x - 30, 500, x + 30, 625, bear);
  canvas.ellipse(365, 462, 7, 7, {10, 8, 6});  // nose, barely lighter than black
}

void cracked_road(Canvas& canvas) {
  canvas.vertical_gradient(0, 380, kSkyTop, kSkyLow);
  canvas.vertical_gradient(380, kHeight, {95, 140, 60}, kGrass);
  treeline(canvas, 380, 90, {40, 80, 45});
  road(canvas, 380);
  const std::vector<Point> crack{{190, 760}, {300, 730}, {360, 770}, {470, 705}, {560, 745},
                                 {650, 690}, {730, 735}, {820, 680}, {900, 720}, {1010, 660}};
  for (std::size_t i = 0; i + 1 < crack.size(); ++i)
    canvas.line(crack[i], crack[i + 1], 16, {12, 12, 12});
  canvas.line({470, 705}, {440, 640}, 8, {12, 12, 12});  // branches of the crack
  canvas.line({730, 735}, {770, 810}, 8, {12, 12, 12});
  canvas.ellipse(470, 705, 12, 12, {12, 12, 12});
  canvas.ellipse(730, 735, 12, 12, {12, 12, 12});
  // The traffic cone: square base, orange body, two white bands.
  const Color orange{245, 110, 20};
  canvas.rect(900, 850, 1080, 880, orange);
  canvas.polygon({{930, 852}, {1050, 852}, {1000, 600}, {980, 600}}, orange);
  canvas.polygon({{957, 730}, {1023, 730}, {1015, 690}, {965, 690}}, {245, 245, 245});
  canvas.polygon({{942, 805}, {1038, 805}, {1029, 765}, {951, 765}}, {245, 245, 245});
}

void shelter_gym(Canvas& canvas) {
  canvas.vertical_gradient(0, 380, {225, 220, 205}, {205, 200, 185});  // the back wall
  canvas.rect(0, 60, kWidth, 80, {150, 40, 40});                       // a painted band
  for (int i = 0; i < 6; ++i) canvas.rect(90 + i * 200, 120, 190 + i * 200, 230, {250, 250, 240});
  canvas.rect(600, 150, 680, 210, {240, 240, 240});  // backboard
  canvas.rect(625, 205, 655, 215, {230, 90, 20});
  canvas.vertical_gradient(380, kHeight, {200, 155, 95}, {215, 170, 110});  // wooden floor
  for (int i = 1; i < 12; ++i) {                                            // planks converging
    const double x_far = 640 + (i - 6) * 120;
    const double x_near = 640 + (i - 6) * 260;
    canvas.line({x_far, 380}, {x_near, double(kHeight)}, 2, {170, 125, 75});
  }
  canvas.line({0, 520}, {1280, 520}, 6, {245, 245, 245});  // a court line
  // Three rows of mats, further rows smaller and higher.
  const Color mat{30, 80, 190};
  const Color edge{15, 40, 110};
  for (int row = 0; row < 3; ++row) {
    const double y0 = 420 + row * 45 + row * row * 40;
    const double depth = 40 + row * 40;
    const double shrink = 0.55 + row * 0.22;
    for (int col = 0; col < 5; ++col) {
      const double centre = 640 + (col - 2) * 250 * shrink;
      const double half_far = 95 * shrink, half_near = 105 * (shrink + 0.06);
      const std::vector<Point> outer{{centre - half_far, y0},
                                     {centre + half_far, y0},
                                     {centre + half_near, y0 + depth},
                                     {centre - half_near, y0 + depth}};
      canvas.polygon(outer, edge);
      canvas.polygon({{centre - half_far + 6, y0 + 5},
                      {centre + half_far - 6, y0 + 5},
                      {centre + half_near - 7, y0 + depth - 5},
                      {centre - half_near + 7, y0 + depth - 5}},
                     mat);
    }
  }
}

void fallen_tree(Canvas& canvas) {
  canvas.vertical_gradient(0, 380, {150, 165, 180}, {205, 210, 215});  // overcast after a storm
  canvas.vertical_gradient(380, kHeight, {80, 120, 55}, kGrass);
  treeline(canvas, 380, 160, {35, 70, 40});
  road(canvas, 380);
  // The trunk lies across the road from the left verge, its crown on the right verge.
  const Color bark{95, 60, 30};
  canvas.ellipse(1040, 560, 230, 150, {40, 95, 35});  // crown, darker and lighter leaves
  canvas.ellipse(1130, 500, 150, 110, {60, 125, 45});
  canvas.ellipse(960, 640, 150, 90, {50, 110, 40});
  canvas.line({40, 780}, {1000, 590}, 70, bark);
  canvas.line({600, 680}, {700, 560}, 22, bark);  // broken branches
  canvas.line({820, 630}, {900, 720}, 18, bark);
  canvas.ellipse(40, 780, 30, 38, {200, 160, 110});     // the snapped, pale end
  canvas.line({80, 760}, {980, 585}, 6, {70, 42, 20});  // a shadow line along the bark
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "assets/photos";
  struct Scene {
    const char* file;
    void (*paint)(Canvas&);
  };
  const Scene scenes[] = {{"bear-riverbank.jpg", bear_riverbank},
                          {"cracked-road.jpg", cracked_road},
                          {"shelter-gym.jpg", shelter_gym},
                          {"fallen-tree.jpg", fallen_tree}};
  int failures = 0;
  for (const Scene& scene : scenes) {
    Canvas canvas;
    scene.paint(canvas);
    canvas.grain(3);
    const std::string path = dir + "/" + scene.file;
    if (!canvas.write_jpeg(path, 82)) {
      std::fprintf(stderr, "make_demo_photos: cannot write %s\n", path.c_str());
      ++failures;
    } else {
      std::printf("%s\n", path.c_str());
    }
  }
  return failures == 0 ? 0 : 1;
}
