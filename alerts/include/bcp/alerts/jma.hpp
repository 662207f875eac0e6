// JMA 防災情報XML bulletins (earthquake, tsunami, earthquake early warning) -> alert payloads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/alerts/outcome.hpp"

namespace bcp::alerts {

// 震度 (JMA seismic intensity), ordered so that comparisons work.
enum class Intensity { i1 = 1, i2, i3, i4, i5_lower, i5_upper, i6_lower, i6_upper, i7 };

// "1".."4", "5-", "5+", "6-", "6+", "7" (as in the XML) and "5弱", "5強", "６弱", "震度5弱"
// (as written in config). nullopt when unknown.
std::optional<Intensity> parse_intensity(std::string_view text);
// "震度5弱".
std::string intensity_label(Intensity i);

struct IntensityThresholds {  // town intensity at or above -> severity
  Intensity critical = Intensity::i5_lower;
  Intensity warning = Intensity::i4;
  Intensity advisory = Intensity::i3;
};

struct JmaOptions {
  // The town's area: 市町村等 codes (7 digits, e.g. "0120200") and 地震情報／細分区域 codes
  // (3 digits, e.g. "107"). 震度速報 only reports 細分区域, so configure both.
  std::vector<std::string> city_codes;
  std::vector<std::string> area_codes;
  // 津波予報区 codes of the town's coast (e.g. "101"); empty for an inland town.
  std::vector<std::string> tsunami_area_codes;
  IntensityThresholds thresholds;
  std::string town_label = "町内";
  int utc_offset_minutes = 540;  // times in bodies are written in the town's offset
};

enum class JmaBulletin {
  intensity_flash,       // 震度速報 (VXSE51)
  hypocenter,            // 震源に関する情報 (VXSE52)
  hypocenter_intensity,  // 震源・震度に関する情報 (VXSE53)
  hypocenter_update,     // 顕著な地震の震源要素更新のお知らせ (VXSE61)
  eew_warning,           // 緊急地震速報（警報） (VXSE43, older VXSE40)
  eew_forecast,          // 緊急地震速報（予報） (VXSE44, older VXSE41)
  eew_test,              // 緊急地震速報配信テスト (VXSE42)
  activity,              // 地震の活動状況等に関する情報 (VXSE56)
  count,                 // 地震回数に関する情報 (VXSE60)
  tsunami,               // 津波警報・注意報・予報 (VTSE41)
  other,
};

// Tsunami categories, worst last.
enum class TsunamiLevel { none, forecast, advisory, warning, major_warning };

struct JmaResult : Outcome {
  JmaBulletin bulletin = JmaBulletin::other;
  std::string control_title;                        // Control/Title
  std::string status;                               // Control/Status: 通常, 訓練, 試験
  std::string info_type;                            // Head/InfoType: 発表, 訂正, 取消, …
  std::string event_id;                             // Head/EventID
  std::optional<model::TimePoint> report_datetime;  // Head/ReportDateTime
  std::optional<model::TimePoint> origin_time;
  bool drill = false;
  // Earthquakes: observed intensity (EEW: forecast lower bound) in the town's area and
  // nationally. Issue 5 starts a roll call from town_max_intensity.
  std::optional<Intensity> town_max_intensity;
  std::optional<Intensity> national_max_intensity;
  std::string epicenter;  // 震央地名
  // Depth as JMA's Coordinate gives it, 0 (ごく浅い) to 700 km (700km以上); nullopt when
  // 不明, not given, or outside that range.
  std::optional<double> depth_km;
  std::string depth_text;  // "ごく浅い", "50km", "700km以上", "不明"; "" when none
  // Magnitude within -3.0..10.0 (JMA's published magnitudes lie well inside; the largest ever
  // measured is 9.5); nullopt when 不明 (NaN), not given, or outside that range.
  std::optional<double> magnitude;
  std::string magnitude_text;  // "M4.5", "Ｍ８を超える巨大地震", "M不明"
  // Values the bulletin gave outside JMA's documented range and that are shown as 不明, each
  // as "<element path>: <why>" (the daemon logs them).
  std::vector<std::string> replaced;
  std::vector<std::string> town_areas;  // names of the town's areas/cities reported
  std::string headline;                 // Head/Headline/Text
  std::string comments;  // 付加文 (e.g. この地震による津波の心配はありません。)
  // Tsunami bulletins.
  TsunamiLevel town_tsunami = TsunamiLevel::none;
  TsunamiLevel national_tsunami = TsunamiLevel::none;
};

// Parses one bulletin. Throws AlertParseError for malformed or hostile XML, for documents
// that are not JMA bulletins, and for an intensity (MaxInt, ForecastInt) that is not on JMA's
// scale or a date-time outside 1970..9999 (naming the element); bulletin types that are not shown
// come back as not_shown with a reason. Alert ids are stable per EventID and topic
// ("jma-eq-<EventID>", "jma-eew-…", "jma-tsunami-…"; "-drill" appended for 訓練), so later
// bulletins update the same alert.
JmaResult parse_jma(std::string_view xml, const JmaOptions& opts = {});

std::string_view to_string(JmaBulletin b);

}  // namespace bcp::alerts
