// The outside sources' health on the wall (docs/protocol.md "Source health"): a compact row of
// chips in the header ("JMA 正常", "LINE WORKS 受信なし") and, for a source failing past its
// threshold, the bottom band in vermillion ("JMA 取得失敗 12分 — HTTP 500 — 最終成功 04:59:03").
// Quiet is grey and never a warning: nobody writing in the rooms is not a fault.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "panels.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

using model::SourceHealth;

std::string_view label_of(const std::string& source) {
  if (source == "jma") return "JMA";
  if (source == "lineworks") return "LINE WORKS";
  if (source == "lineworks_api") return "LINE WORKS API";
  if (source == "nats") return words::kSourceRegion;
  return source;
}

std::string_view word_of(SourceHealth s) {
  switch (s) {
    case SourceHealth::ok:
      return words::kSourceOk;
    case SourceHealth::quiet:
      return words::kSourceQuiet;
    case SourceHealth::degraded:
      return words::kSourceDegraded;
    case SourceHealth::failing:
      return words::kSourceFailing;
  }
  return "?";
}

// "12分", "1時間5分": how long a source has been failing, in whole minutes.
std::string duration_text(model::TimePoint since, model::TimePoint now) {
  const auto minutes =
      std::max<long long>(0, std::chrono::duration_cast<std::chrono::minutes>(now - since).count());
  char buf[48];
  if (minutes >= 60) {
    std::snprintf(buf, sizeof buf, "%lld%s%lld%s", minutes / 60, words::kHour.data(), minutes % 60,
                  words::kMinute.data());
  } else {
    std::snprintf(buf, sizeof buf, "%lld%s", minutes, words::kMinute.data());
  }
  return buf;
}

}  // namespace

bool any_source_failing(const model::Situation& s) {
  for (const auto& [name, state] : s.sources) {
    if (state.state == SourceHealth::failing) return true;
  }
  return false;
}

void draw_source_banner(const Frame& f, const Rect& r) {
  f.dl->AddRectFilled(tl(r), br(r), color::kVermillion);
  std::string line;
  for (const auto& [name, state] : f.situation->sources) {
    if (state.state != SourceHealth::failing) continue;
    if (!line.empty()) line += "   ・   ";
    line += std::string(label_of(name)) + " " + std::string(words::kSourceFailing) + " " +
            duration_text(state.since, f.now);
    if (state.why) line += " — " + *state.why;
    if (state.last_ok) {
      char t[16];
      format_hms(t, sizeof t, *state.last_ok, f.situation->directory.utc_offset_minutes);
      line += " — " + std::string(words::kSourceLastOk) + " " + t;
    }
  }
  // As large as the band allows: this is read from the back of the room.
  ImFont* font = f.fonts->large->FontSize <= r.h * 0.9f ? f.fonts->large : f.fonts->heading;
  if (text_width(font, line) > r.w * 0.96f) font = f.fonts->heading;
  text_centered(f, font, r, color::kText, line);
}

void draw_source_row(const Frame& f, float left, float right, float y_mid) {
  const auto& sources = f.situation->sources;
  if (sources.empty()) return;
  ImFont* font = f.fonts->body;
  const float gap = f.unit * 0.4f;
  // Measure first: the row is drawn whole or not at all (never a chip cut in half).
  float total = 0;
  std::vector<std::string> labels;
  for (const auto& [name, state] : sources) {
    labels.push_back(std::string(label_of(name)) + " " + std::string(word_of(state.state)));
    total += text_width(font, labels.back()) + font->FontSize * 0.6f + gap;
  }
  if (right - total < left) return;
  float x = right - total + gap;
  const float y = y_mid - font->FontSize * 0.6f;
  std::size_t i = 0;
  for (const auto& [name, state] : sources) {
    ImU32 bg = color::kGreen, fg = color::kBlack;
    if (state.state == SourceHealth::quiet) bg = color::kGrey, fg = color::kText;
    if (state.state == SourceHealth::degraded) bg = color::kOrange;
    if (state.state == SourceHealth::failing) bg = color::kVermillion, fg = color::kText;
    x += chip(f, font, {x, y}, bg, fg, labels[i++]) + gap;
  }
}

}  // namespace bcp::display
