#include "big_situation.hpp"

#include <array>
#include <cstdio>
#include <string>

#include "bcp/model/reducer.hpp"

namespace bcp::bench {
namespace {

using namespace std::chrono_literals;

// Name kanji beyond GetGlyphRangesJapanese() (髙, 﨑, 邉, 齋) keep the atlas realistic.
constexpr std::array kSurnames = {"佐藤", "髙橋", "山﨑", "渡邉", "齋藤", "鈴木", "田中",
                                  "伊藤", "小林", "中村", "加藤", "吉田", "櫻井", "山本",
                                  "松本", "井上", "木村", "林",   "斎藤", "清水", "工藤",
                                  "佐々木", "菊地", "及川", "熊谷", "千葉", "阿部", "村上"};
constexpr std::array kGiven = {"翔太", "美咲", "健一", "陽子", "大輔", "真由美", "誠",
                               "彩",   "浩二", "恵",   "拓也", "由紀", "智子",   "隆"};
constexpr std::array kDepartments = {"soumu", "kikaku", "kensetsu", "hoken", "sangyo", "kyouiku"};
constexpr std::array kDepartmentNames = {"総務課",     "企画課",     "建設課",
                                         "保健福祉課", "産業振興課", "教育委員会"};
constexpr std::array kGroups = {"hq", "soumu", "project", "kyoryokutai"};
constexpr std::array kTexts = {
    "本部を第1会議室に設置しました。各課長は集合してください。",
    "庁舎被害なし。エレベーター停止中、階段を使用してください。",
    "白樺2丁目の町道で路面に亀裂、通行止めの措置を取ります。",
    "避難所（白樺小学校体育館）開設準備に入ります。",
    "停電は町の北側で約300戸、北電に確認中。",
    "防災無線で注意喚起を放送しました。",
    "給水車の手配を依頼しました。到着は14時予定。",
    "クマ目撃の件、猟友会に連絡済み。現地で待機中です。",
    "安否未回答の職員に電話連絡を始めます。",
};

class Builder {
 public:
  explicit Builder(model::Situation& s) : s_(s) {}
  void operator()(model::TimePoint at, model::Payload body) {
    model::Event e;
    e.seq = ++seq_;
    e.at = at;
    e.received = at;
    e.body = std::move(body);
    model::apply(s_, e);
  }

 private:
  model::Situation& s_;
  model::Seq seq_ = 0;
};

}  // namespace

model::Situation big_situation(model::TimePoint now, const BigSituationSize& size) {
  model::Situation s;
  s.talk_history_limit = size.talk_messages;
  auto& dir = s.directory;
  dir.town_name = "架空町 災害対策本部";
  dir.utc_offset_minutes = 540;
  for (std::size_t d = 0; d < kDepartments.size(); ++d)
    dir.departments.push_back({kDepartments[d], kDepartmentNames[d]});
  for (const char* g : kGroups) dir.groups.push_back({g, g});
  for (std::size_t i = 0; i < size.staff; ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "s%04zu", i + 1);
    std::string name = std::string(kSurnames[i % kSurnames.size()]) + " " +
                       kGiven[(i / kSurnames.size()) % kGiven.size()];
    dir.staff.push_back({id, name, kDepartments[i % kDepartments.size()]});
  }

  Builder apply(s);
  const auto start = now - 2h;
  for (std::size_t i = 0; i < dir.staff.size(); ++i) {
    model::StaffAvailability a;
    a.staff = dir.staff[i].id;
    a.status = static_cast<model::Availability>((i * 5 + i / 7) % 9);
    a.source = model::AvailabilitySource::manual;
    apply(start + std::chrono::seconds(i), a);
  }

  for (std::size_t k = 0; k < size.alerts; ++k) {
    model::AlertRaised a;
    a.alert = "a-" + std::to_string(k + 1);
    a.kind = static_cast<model::AlertKind>(k % 6);
    a.severity = static_cast<model::Severity>(k % 4);
    a.drill = k % 3 == 0;
    a.title = std::string(k % 2 ? "クマ出没 白樺小学校付近 " : "震度5強 胆振地方中東部 ") +
              std::to_string(k + 1);
    a.body = "午前9時頃、通学路でヒグマ1頭を目撃。児童は集団下校。";
    a.area = "しらかば町白樺" + std::to_string(k % 5 + 1) + "丁目";
    a.expires = now + 3h;
    apply(now - std::chrono::minutes(60 - k), a);
  }

  model::RollcallStarted rc;
  rc.rollcall = "rc-1";
  rc.title = "地震想定 安否確認訓練";
  rc.drill = true;
  apply(now - 40min, rc);
  std::size_t answered = std::min(size.rollcall_answered, dir.staff.size());
  for (std::size_t k = 0; k < answered; ++k) {
    model::RollcallCheckin c;
    c.rollcall = "rc-1";
    // Answer order skips around (37 is coprime with the sizes used) so every department
    // keeps someone pending.
    c.staff = dir.staff[(k * 37) % dir.staff.size()].id;
    c.safety = k % 23 == 5 ? model::Safety::minor_injury
               : k % 41 == 7 ? model::Safety::serious_injury
                             : model::Safety::safe;
    c.can_work = k % 9 == 3 ? model::CanWork::later : model::CanWork::yes;
    c.source = "lineworks";
    apply(now - 40min + std::chrono::milliseconds(k * 1000), c);
  }

  for (std::size_t k = 0; k < size.talk_messages; ++k) {
    const auto& p = dir.staff[(k * 13) % dir.staff.size()];
    model::TalkMessage m;
    m.group = kGroups[k % kGroups.size()];
    m.message_id = "m" + std::to_string(k + 1);
    m.sender = {p.id, p.name, p.department};
    m.text = kTexts[k % kTexts.size()];
    m.source = model::TalkSource::lineworks;
    if (k % 7 == 2) m.attachments.push_back({model::AttachmentKind::image});
    apply(now - std::chrono::milliseconds((size.talk_messages - k) * 700), m);
  }
  return s;
}

}  // namespace bcp::bench
