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

std::string_view label_of(std::string_view source) {
  if (source == "jma") return "JMA";
  if (source == "lineworks") return "LINE WORKS";
  if (source == "lineworks_api") return "LINE WORKS API";
  if (source == "nats") return words::kSourceRegion;
  if (source == "calendar") return words::kSourceCalendar;
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
  // Kept between frames (the UI thread's only): a steady warning allocates nothing per frame.
  static std::string line;
  line.clear();
  for (const auto& [name, state] : f.situation->sources) {
    if (state.state != SourceHealth::failing) continue;
    if (!line.empty()) line += "   ・   ";
    line.append(label_of(name)).append(" ").append(words::kSourceFailing).append(" ");
    line += duration_text(state.since, f.now);  // short: in the string's own buffer
    if (state.why) line.append(" — ").append(*state.why);
    if (state.last_ok) {
      char t[16];
      format_hms(t, sizeof t, *state.last_ok, f.situation->directory.utc_offset_minutes);
      line.append(" — ").append(words::kSourceLastOk).append(" ").append(t);
    }
  }
  // As large as the band allows: this is read from the back of the room.
  ImFont* font = f.fonts->large->FontSize <= r.h * 0.9f ? f.fonts->large : f.fonts->heading;
  if (text_width(font, line) > r.w * 0.96f) font = f.fonts->heading;
  text_centered(f, font, r, color::kText, line);
}

namespace {

// One chip: "JMA 正常", coloured by the state; drawn in two parts so that a frame builds no
// string (an idle frame allocates nothing). Returns its width; `draw` false only measures.
float source_chip(const Frame& f, ImFont* font, ImVec2 pos, std::string_view source,
                  SourceHealth state, bool draw) {
  const std::string_view label = label_of(source), word = word_of(state);
  const float pad = font->FontSize * 0.3f, space = font->FontSize * 0.3f;
  const float w = text_width(font, label) + space + text_width(font, word) + 2 * pad;
  if (!draw) return w;
  ImU32 bg = color::kGreen, fg = color::kBlack;
  if (state == SourceHealth::quiet) bg = color::kGrey, fg = color::kText;
  if (state == SourceHealth::degraded) bg = color::kOrange;
  if (state == SourceHealth::failing) bg = color::kVermillion, fg = color::kText;
  const float h = font->FontSize * 1.2f;
  f.dl->AddRectFilled(pos, {pos.x + w, pos.y + h}, bg, font->FontSize * 0.2f);
  const float ty = pos.y + font->FontSize * 0.1f;
  float x = pos.x + pad;
  x += text(f, font, {x, ty}, fg, label) + space;
  text(f, font, {x, ty}, fg, word);
  return w;
}

// Calls `each(source, state)` for the sources the daemon watches (ok until the journal says
// otherwise) and then for any other source the journal has spoken of (a calendar, a source
// of an older config), each once. A replay shows only what the journal said then: today's
// config says nothing about a past drill's sources.
template <typename Each>
void for_each_source(const Frame& f, Each each) {
  const auto& journaled = f.situation->sources;
  static const std::vector<std::string> kNone;
  const auto& watched = f.view->replay ? kNone : f.settings->watched_sources;
  for (const std::string& name : watched) {
    auto it = journaled.find(name);
    each(name, it == journaled.end() ? SourceHealth::ok : it->second.state);
  }
  for (const auto& [name, state] : journaled) {
    if (std::find(watched.begin(), watched.end(), name) == watched.end()) each(name, state.state);
  }
}

}  // namespace

void draw_source_row(const Frame& f, float left, float right, float y_mid) {
  ImFont* font = f.fonts->body;
  const float gap = f.unit * 0.4f;
  // Measure first: the row is drawn whole or not at all (never a chip cut in half).
  float total = 0;
  for_each_source(f, [&](std::string_view name, SourceHealth state) {
    total += source_chip(f, font, {}, name, state, false) + gap;
  });
  if (total == 0 || right - total < left) return;
  float x = right - total + gap;
  const float y = y_mid - font->FontSize * 0.6f;
  for_each_source(f, [&](std::string_view name, SourceHealth state) {
    x += source_chip(f, font, {x, y}, name, state, true) + gap;
  });
}

}  // namespace bcp::display
