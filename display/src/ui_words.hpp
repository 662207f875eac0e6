// The panels' own words. Kept here (not inline in the panels) so the atlas bakes them.
#pragma once

#include <string_view>

namespace bcp::display::words {

inline constexpr std::string_view kDrill = "訓練";
inline constexpr std::string_view kDrillBand = "訓練  EXERCISE  訓練";
inline constexpr std::string_view kActual = "実災害";
inline constexpr std::string_view kActualBand = "実災害  ACTUAL  これは訓練ではありません";
inline constexpr std::string_view kDrillStoppedBand = "訓練中止  DRILL STOPPED";
inline constexpr std::string_view kLive = "LIVE";
inline constexpr std::string_view kStale = "STALE";
inline constexpr std::string_view kLost = "LOST";
inline constexpr std::string_view kDataAsOf = "データ時刻";
inline constexpr std::string_view kStaleBanner = "更新が止まっています";
inline constexpr std::string_view kLostBanner = "接続が切れています — 表示は古い情報です";
inline constexpr std::string_view kConnecting = "接続中…";
inline constexpr std::string_view kConnectingDetail = "配信サーバーに接続しています";
inline constexpr std::string_view kNoConnection = "配信サーバーに接続できません";
inline constexpr std::string_view kAuthFailed = "認証エラー";
inline constexpr std::string_view kAuthFailedDetail =
    "この表示端末のトークンが拒否されました。設定ファイルの display トークンを確認してください。";
inline constexpr std::string_view kVersionMismatch = "プロトコル不一致";
inline constexpr std::string_view kVersionMismatchDetail =
    "配信サーバーと表示端末のバージョンが合いません。どちらかを更新してください。";
inline constexpr std::string_view kAlerts = "警報・注意報";
inline constexpr std::string_view kNoAlerts = "発表中の警報はありません";
inline constexpr std::string_view kTalk = "トーク";
inline constexpr std::string_view kNoTalk = "メッセージはまだありません";
inline constexpr std::string_view kRollcall = "安否確認";
inline constexpr std::string_view kNoRollcall = "実施中の安否確認はありません";
inline constexpr std::string_view kClosed = "締切";
inline constexpr std::string_view kElapsed = "経過";
inline constexpr std::string_view kResponse = "回答率";
inline constexpr std::string_view kAnswered = "回答";
inline constexpr std::string_view kNotAnswered = "未回答";
inline constexpr std::string_view kStaff = "職員の状況";
inline constexpr std::string_view kAvailable = "対応可";
inline constexpr std::string_view kPeople = "人";
inline constexpr std::string_view kAgo = "前";
inline constexpr std::string_view kUntil = "まで";
inline constexpr std::string_view kSecond = "秒";
inline constexpr std::string_view kMinute = "分";
inline constexpr std::string_view kHour = "時間";
inline constexpr std::string_view kDay = "日";
inline constexpr std::string_view kAcked = "確認済";
inline constexpr std::string_view kAckedLocal = "確認済(この端末)";
inline constexpr std::string_view kMuted = "消音";
inline constexpr std::string_view kPaused = "停止";
inline constexpr std::string_view kPage = "ページ";
inline constexpr std::string_view kQuitConfirm = "終了しますか？  Y = 終了 / N = 続ける";
inline constexpr std::string_view kAllOthers = "他";
inline constexpr std::string_view kItems = "件";
inline constexpr std::string_view kFile = "ファイル表示";
inline constexpr std::string_view kUpdated = "更新";
inline constexpr std::string_view kAllAnswered = "全員回答済";
// The bot's distribution of the roll call (LINE WORKS): sent so far, all sent, given up.
inline constexpr std::string_view kDistributing = "配信";
inline constexpr std::string_view kDistributed = "配信済";
inline constexpr std::string_view kSendFailed = "送信失敗";
inline constexpr std::string_view kHideTitle = "壁面から外す投稿";
inline constexpr std::string_view kHidePick = "番号 = 選ぶ    H / Esc = 閉じる";
inline constexpr std::string_view kHideConfirm =
    "この投稿をすべての壁面から外します。  Y = 外す    ほかのキー = 戻る";
inline constexpr std::string_view kHideNoToken =
    "この端末には操作用トークンがありません。操作卓で実行してください:";
inline constexpr std::string_view kHideGone = "（もう表示されていません）";
inline constexpr std::string_view kHideNone = "表示中の投稿はありません";
inline constexpr std::string_view kHideSending = "送信中…";
inline constexpr std::string_view kHideDone = "壁面から外しました";
inline constexpr std::string_view kHideFailed = "外せませんでした";
inline constexpr std::string_view kHideReason = "壁面端末の H キーで非表示";
// Source health (the header's row of sources, the warning band of a failing one).
inline constexpr std::string_view kSourceOk = "正常";
inline constexpr std::string_view kSourceQuiet = "受信なし";
inline constexpr std::string_view kSourceDegraded = "不調";
inline constexpr std::string_view kSourceFailing = "取得失敗";
inline constexpr std::string_view kSourceLastOk = "最終成功";
inline constexpr std::string_view kSourceRegion = "地域連携";
inline constexpr std::string_view kSourceCalendar = "予定表";
// The photos panel.
inline constexpr std::string_view kPhotos = "写真";
inline constexpr std::string_view kNoPhotos = "写真はまだありません";

inline constexpr std::string_view kAll[] = {kDrill,
                                            kDrillBand,
                                            kActual,
                                            kActualBand,
                                            kDrillStoppedBand,
                                            kLive,
                                            kStale,
                                            kLost,
                                            kDataAsOf,
                                            kStaleBanner,
                                            kLostBanner,
                                            kConnecting,
                                            kConnectingDetail,
                                            kNoConnection,
                                            kAuthFailed,
                                            kAuthFailedDetail,
                                            kVersionMismatch,
                                            kVersionMismatchDetail,
                                            kAlerts,
                                            kNoAlerts,
                                            kTalk,
                                            kNoTalk,
                                            kRollcall,
                                            kNoRollcall,
                                            kClosed,
                                            kElapsed,
                                            kResponse,
                                            kAnswered,
                                            kNotAnswered,
                                            kStaff,
                                            kAvailable,
                                            kPeople,
                                            kAgo,
                                            kUntil,
                                            kSecond,
                                            kMinute,
                                            kHour,
                                            kDay,
                                            kAcked,
                                            kAckedLocal,
                                            kMuted,
                                            kPaused,
                                            kPage,
                                            kQuitConfirm,
                                            kAllOthers,
                                            kItems,
                                            kFile,
                                            kUpdated,
                                            kAllAnswered,
                                            kDistributing,
                                            kDistributed,
                                            kSendFailed,
                                            kHideTitle,
                                            kHidePick,
                                            kHideConfirm,
                                            kHideNoToken,
                                            kHideGone,
                                            kHideNone,
                                            kHideSending,
                                            kHideDone,
                                            kHideFailed,
                                            kSourceOk,
                                            kSourceQuiet,
                                            kSourceDegraded,
                                            kSourceFailing,
                                            kSourceLastOk,
                                            kSourceRegion,
                                            kSourceCalendar,
                                            kPhotos,
                                            kNoPhotos,
                                            "JMA LINE WORKS API",
                                            "0123456789:%/()[]・—…〜、。「」＋－"};

}  // namespace bcp::display::words
