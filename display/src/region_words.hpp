// The regional wall's own words. Kept here (not inline) so the atlas bakes them.
#pragma once

#include <string_view>

namespace bcp::display::region_words {

inline constexpr std::string_view kLive = "LIVE";
inline constexpr std::string_view kStale = "STALE";
inline constexpr std::string_view kLost = "LOST";
inline constexpr std::string_view kDrill = "訓練";
inline constexpr std::string_view kRollcall = "安否確認";
inline constexpr std::string_view kNoRollcall = "安否確認なし";
inline constexpr std::string_view kClosed = "締切";
inline constexpr std::string_view kPending = "未回答";
inline constexpr std::string_view kAnswered = "回答";
inline constexpr std::string_view kAlerts = "警報・注意報";
inline constexpr std::string_view kNoAlerts = "発表中の警報なし";
inline constexpr std::string_view kMore = "ほか";
inline constexpr std::string_view kAlertCount = "警報";
inline constexpr std::string_view kAvailable = "対応可能";
inline constexpr std::string_view kEnRoute = "参集中";
inline constexpr std::string_view kPeople = "人";
inline constexpr std::string_view kData = "データ";
inline constexpr std::string_view kAgo = "前";
inline constexpr std::string_view kNoData = "データなし";
inline constexpr std::string_view kSecond = "秒";
inline constexpr std::string_view kMinute = "分";
inline constexpr std::string_view kHour = "時間";
inline constexpr std::string_view kTowns = "町";
inline constexpr std::string_view kPage = "ページ";
inline constexpr std::string_view kCutOff = "通信途絶 — 表示は古い情報です";
inline constexpr std::string_view kNoRegion = "地域サーバーに接続できません";
inline constexpr std::string_view kConnecting = "地域サーバーに接続中…";

}  // namespace bcp::display::region_words
