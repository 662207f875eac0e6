#include "bcp/display/demo.hpp"

#include <array>
#include <string>

namespace bcp::display {
namespace {

using namespace std::chrono_literals;

// Surnames include the rare name kanji that GetGlyphRangesJapanese() misses (髙, 﨑, 邉, 齋).
constexpr std::array kSurnames = {"佐藤", "髙橋", "山﨑", "渡邉", "齋藤", "鈴木", "田中",
                                  "伊藤", "小林", "中村", "加藤", "吉田", "櫻井", "山本",
                                  "松本", "井上", "木村", "林",   "斎藤", "清水"};
constexpr std::array kGiven = {"翔太", "美咲", "健一", "陽子", "大輔", "真由美",
                               "誠",   "彩",   "浩二", "恵",   "拓也", "由紀"};

struct Dept {
  const char* id;
  const char* name;
};
constexpr std::array kDepts = {Dept{"soumu", "総務課"},      Dept{"bousai", "防災危機管理課"},
                               Dept{"kensetsu", "建設課"},   Dept{"hoken", "保健福祉課"},
                               Dept{"sangyo", "産業振興課"}, Dept{"kyoiku", "教育委員会"}};

model::TalkEntry talk(model::Seq seq, model::TimePoint at, const char* group,
                      const std::string& staff, const std::string& name, const char* text) {
  model::TalkEntry e;
  e.seq = seq;
  e.at = at;
  e.message.group = group;
  e.message.message_id = "m" + std::to_string(seq);
  e.message.sender = {staff, name, std::nullopt};
  e.message.text = text;
  e.message.source = model::TalkSource::lineworks;
  return e;
}

}  // namespace

model::Situation demo_situation(model::TimePoint now, const DemoOptions& o) {
  model::Situation s;
  auto& dir = s.directory;
  dir.town_name = "しらかば町 災害対策本部";
  dir.utc_offset_minutes = 540;
  for (const auto& d : kDepts) dir.departments.push_back({d.id, d.name});
  for (std::size_t i = 0; i < o.staff; ++i) {
    char id[24];
    std::snprintf(id, sizeof id, "s%03zu", i + 1);
    std::string name = std::string(kSurnames[i % kSurnames.size()]) + " " +
                       kGiven[(i * 7 + i / kSurnames.size()) % kGiven.size()];
    dir.staff.push_back({id, name, kDepts[i % kDepts.size()].id});
  }
  dir.groups = {{"hq", "災害対策本部"},
                {"soumu", "総務課"},
                {"project", "防災プロジェクト"},
                {"kyoryokutai", "地域おこし協力隊"}};

  model::Seq seq = 1;
  // Availability: most in office, the rest spread over the other states.
  constexpr std::array kSpread = {model::Availability::in_office, model::Availability::in_office,
                                  model::Availability::in_office, model::Availability::remote,
                                  model::Availability::out,       model::Availability::meeting,
                                  model::Availability::en_route,  model::Availability::in_office,
                                  model::Availability::trip,      model::Availability::leave,
                                  model::Availability::in_office, model::Availability::unknown};
  for (std::size_t i = 0; i < dir.staff.size(); ++i) {
    model::StaffState st;
    model::StaffAvailability a;
    a.staff = dir.staff[i].id;
    a.status = kSpread[(i * 5 + i / 7) % kSpread.size()];
    st.availability = a;
    st.availability_at = now - 30min;
    s.staff[a.staff] = st;
  }

  // The roll call after the earthquake.
  model::RollcallState rc;
  rc.started.rollcall = "rc-1";
  rc.started.title = o.drill ? "地震想定 安否確認訓練" : "震度5強 安否確認";
  rc.started.drill = o.drill;
  rc.started.trigger = o.drill ? model::RollcallTrigger::manual : model::RollcallTrigger::jma;
  rc.started_at = now - 18min - 25s;
  for (const auto& p : dir.staff) {
    rc.scope.push_back(p.id);
    rc.by_department[p.department].in_scope++;
  }
  rc.total.in_scope = rc.scope.size();
  std::size_t answered = std::min(o.answered, rc.scope.size());
  // Answer order skips around so that every department has someone missing.
  for (std::size_t k = 0; k < answered; ++k) {
    std::size_t i = (k * 37) % rc.scope.size();
    while (rc.latest.count(rc.scope[i])) i = (i + 1) % rc.scope.size();
    model::CheckinRecord r;
    r.seq = seq++;
    r.at = rc.started_at + std::chrono::seconds(20 + k * 9);
    r.answer.rollcall = "rc-1";
    r.answer.staff = rc.scope[i];
    r.answer.safety = k % 23 == 5   ? model::Safety::minor_injury
                      : k % 41 == 7 ? model::Safety::serious_injury
                                    : model::Safety::safe;
    r.answer.can_work = k % 9 == 3    ? model::CanWork::later
                        : k % 17 == 4 ? model::CanWork::no
                                      : model::CanWork::yes;
    r.answer.source = "lineworks";
    rc.latest[r.answer.staff] = r;
    rc.total.answered++;
    rc.total.by_safety[static_cast<int>(r.answer.safety)]++;
    rc.total.by_can_work[static_cast<int>(r.answer.can_work)]++;
    auto& dc = rc.by_department[dir.find_staff(r.answer.staff)->department];
    dc.answered++;
    dc.by_safety[static_cast<int>(r.answer.safety)]++;
    dc.by_can_work[static_cast<int>(r.answer.can_work)]++;
    rc.curve.push_back({r.at, rc.total.answered});
  }
  s.rollcalls["rc-1"] = rc;
  s.rollcall_order.push_back("rc-1");

  // Alerts: an earthquake and a bear sighting, plus an advisory.
  auto alert = [&](const char* id, model::AlertKind kind, model::Severity sev, const char* title,
                   const char* body, const char* area, model::TimePoint raised,
                   std::optional<model::TimePoint> expires, model::AlertSourceKind src) {
    model::AlertState a;
    a.alert.alert = id;
    a.alert.kind = kind;
    a.alert.severity = sev;
    a.alert.drill = o.drill;
    a.alert.title = title;
    a.alert.body = body;
    a.alert.area = area;
    a.alert.expires = expires;
    a.alert.source.kind = src;
    a.raised_at = a.updated_at = raised;
    s.alerts[id] = a;
  };
  alert("a-eq", model::AlertKind::earthquake, model::Severity::critical, "震度5強 胆振地方中東部",
        "震源 胆振地方中東部 深さ37km M6.7。津波の心配なし。", "しらかば町全域", now - 19min,
        std::nullopt, model::AlertSourceKind::jma);
  alert("a-bear", model::AlertKind::bear, model::Severity::warning, "クマ出没 白樺小学校付近",
        "午前9時頃、通学路でヒグマ1頭を目撃。児童は集団下校。", "白樺2丁目", now - 20s, now + 3h,
        model::AlertSourceKind::rule);
  alert("a-rain", model::AlertKind::weather, model::Severity::advisory, "大雨注意報",
        "夕方まで雷を伴う激しい雨のおそれ。", "しらかば町", now - 2h, now + 5h,
        model::AlertSourceKind::cap);

  // Talk in the headquarters and department groups.
  const char* texts[] = {
      "本部を第1会議室に設置しました。各課長は集合してください。",
      "庁舎被害なし。エレベーター停止中、階段を使用してください。",
      "白樺2丁目の町道で路面に亀裂、通行止めの措置を取ります。",
      "避難所（白樺小学校体育館）開設準備に入ります。",
      "停電は町の北側で約300戸、北電に確認中。",
      "髙橋です。防災無線で注意喚起を放送しました。",
      "山﨑さん到着、受付を担当してもらいます。",
      "給水車の手配を依頼しました。到着は14時予定。",
      "クマ目撃の件、猟友会に連絡済み。現地で待機中です。",
      "渡邉：安否未回答の職員に電話連絡を始めます。",
  };
  const char* groups[] = {"hq", "soumu", "hq", "project", "hq", "kyoryokutai", "soumu", "hq"};
  for (std::size_t k = 0; k < o.talk_messages; ++k) {
    const auto& p = dir.staff[(k * 13) % dir.staff.size()];
    auto e = talk(seq++, now - std::chrono::seconds((o.talk_messages - k) * 47), groups[k % 8],
                  p.id, p.name, texts[k % std::size(texts)]);
    if (k % 7 == 2) e.message.attachments.push_back({model::AttachmentKind::image});
    if (k % 11 == 5) {
      model::Attachment loc;
      loc.kind = model::AttachmentKind::location;
      loc.address = "しらかば町白樺2丁目3-14";
      e.message.attachments.push_back(loc);
    }
    auto& g = s.talk[e.message.group];
    g.recent.push_back(e);
    g.total++;
  }
  s.last_seq = seq;
  return s;
}

}  // namespace bcp::display
