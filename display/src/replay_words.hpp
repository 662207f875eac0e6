// The words of a replaying wall (issue 19), kept apart so the glyph atlas bakes them with
// the rest of the UI's strings (labels.cpp ui_strings).
#pragma once

#include <string_view>

namespace bcp::display::replay_words {

inline constexpr std::string_view kBand = "再生  REPLAY";
inline constexpr std::string_view kPill = "再生";
inline constexpr std::string_view kPlaying = "再生中";
inline constexpr std::string_view kPaused = "一時停止";
inline constexpr std::string_view kEnded = "記録の終わり";
inline constexpr std::string_view kStoppedAt = "行目が不正 — ここで停止";
// The band's date: "2026年11月24日(火)", the speed "×10".
inline constexpr std::string_view kDate = "年月日()日月火水木金土×.";

inline constexpr std::string_view kAll[] = {kBand,  kPill,      kPlaying, kPaused,
                                            kEnded, kStoppedAt, kDate};

}  // namespace bcp::display::replay_words
