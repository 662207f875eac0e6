// The response curve of the drill report: share of the scope answered against minutes since
// the start, as a step line (answers arrive one by one), with the 25/50/75/90 % milestones.
// Inline SVG: prints sharp at any size and needs nothing from the network.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bcp/tools/drill_report.hpp"

namespace bcp::tools {
namespace {

using nlohmann::json;

constexpr double kW = 560, kH = 250;
constexpr double kLeft = 48, kRight = 14, kTop = 12, kBottom = 42;
constexpr const char* kLine = "#0072B2";  // the wall's blue
constexpr const char* kFill = "#0072B2";
constexpr const char* kGrid = "#C8CED6";
constexpr const char* kInk = "#333A44";

double num(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// Minutes per tick so that the axis has at most ten labelled ticks.
double tick_minutes(double span_seconds) {
  for (double m : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 1440.0}) {
    if (span_seconds / 60.0 / m <= 10) return m;
  }
  return 2880;
}

}  // namespace

std::string response_curve_svg(const json& report) {
  const json& summary = report.contains("summary") ? report["summary"] : json::object();
  const json curve =
      summary.contains("curve") && summary["curve"].is_array() ? summary["curve"] : json::array();
  const double scope = std::max(1.0, num(summary, "in_scope"));
  double span = std::max(60.0, num(summary, "elapsed_seconds"));
  for (const auto& p : curve) span = std::max(span, num(p, "after_seconds"));
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto x = [&](double seconds) { return kLeft + seconds / span * pw; };
  auto y = [&](double percent) { return kTop + (1 - percent / 100.0) * ph; };

  std::string s;
  s += "<svg class=\"curve\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + fmt(kW) + " " +
       fmt(kH) + "\" role=\"img\" aria-label=\"回答の推移\" data-points=\"" +
       std::to_string(curve.size()) + "\">";
  // Grid: every 25 %, and the time ticks.
  for (int p = 0; p <= 100; p += 25) {
    s += "<line x1=\"" + fmt(kLeft) + "\" x2=\"" + fmt(kLeft + pw) + "\" y1=\"" + fmt(y(p)) +
         "\" y2=\"" + fmt(y(p)) + "\" stroke=\"" + kGrid + "\" stroke-width=\"1\"/>";
    s += "<text x=\"" + fmt(kLeft - 6) + "\" y=\"" + fmt(y(p) + 5) +
         "\" text-anchor=\"end\" font-size=\"13\" fill=\"" + kInk + "\">" + std::to_string(p) +
         "%</text>";
  }
  const double step = tick_minutes(span);
  for (double m = 0; m * 60 <= span + 1e-6; m += step) {
    s += "<line x1=\"" + fmt(x(m * 60)) + "\" x2=\"" + fmt(x(m * 60)) + "\" y1=\"" + fmt(kTop) +
         "\" y2=\"" + fmt(kTop + ph) + "\" stroke=\"" + kGrid + "\" stroke-width=\"1\"/>";
    s += "<text x=\"" + fmt(x(m * 60)) + "\" y=\"" + fmt(kTop + ph + 18) +
         "\" text-anchor=\"middle\" font-size=\"13\" fill=\"" + kInk + "\">" +
         std::to_string(static_cast<int>(m)) + "</text>";
  }
  s += "<text x=\"" + fmt(kLeft + pw / 2) + "\" y=\"" + fmt(kH - 4) +
       "\" text-anchor=\"middle\" font-size=\"13\" fill=\"" + kInk +
       "\">開始からの経過（分）</text>";

  // The step line and the area under it.
  std::string path = "M" + fmt(x(0)) + " " + fmt(y(0));
  for (const auto& p : curve) {
    path +=
        " H" + fmt(x(num(p, "after_seconds"))) + " V" + fmt(y(num(p, "answered") / scope * 100));
  }
  path += " H" + fmt(x(span));
  s += "<path d=\"" + path + " V" + fmt(y(0)) + " Z\" fill=\"" + kFill +
       "\" fill-opacity=\"0.12\" stroke=\"none\"/>";
  s += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + kLine +
       "\" stroke-width=\"2.2\" stroke-linejoin=\"round\"/>";

  // Milestones: where the line crossed 25/50/75/90 %, and a dashed 90 % line (the target
  // most drills are judged by).
  s += "<line x1=\"" + fmt(kLeft) + "\" x2=\"" + fmt(kLeft + pw) + "\" y1=\"" + fmt(y(90)) +
       "\" y2=\"" + fmt(y(90)) +
       "\" stroke=\"#D55E00\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>";
  const json ms = summary.contains("milestones") && summary["milestones"].is_object()
                      ? summary["milestones"]
                      : json::object();
  for (const char* k : {"25", "50", "75", "90"}) {
    if (!ms.contains(k) || !ms[k].is_object()) continue;
    double px = x(num(ms[k], "after_seconds")), py = y(std::atof(k));
    s += "<circle cx=\"" + fmt(px) + "\" cy=\"" + fmt(py) + "\" r=\"4\" fill=\"#fff\" stroke=\"" +
         kLine + "\" stroke-width=\"2\"/>";
    s += "<text x=\"" + fmt(px + 7) + "\" y=\"" + fmt(py + 15) + "\" font-size=\"13\" fill=\"" +
         kInk + "\">" + k + "%</text>";
  }
  s += "</svg>";
  return s;
}

}  // namespace bcp::tools
