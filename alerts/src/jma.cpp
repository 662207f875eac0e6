#include "bcp/alerts/jma.hpp"

#include "jma_internal.hpp"
#include "time_util.hpp"
#include "xml_util.hpp"

namespace bcp::alerts {
namespace {

using detail::child_text;

constexpr std::string_view kJmaNs = "http://xml.kishou.go.jp/jmaxml1/";

[[noreturn]] void jma_fail(const std::string& what) { throw AlertParseError("JMA: " + what); }

JmaBulletin classify(const std::string& title) {
  if (title == "震度速報") return JmaBulletin::intensity_flash;
  if (title == "震源に関する情報") return JmaBulletin::hypocenter;
  if (title == "震源・震度に関する情報") return JmaBulletin::hypocenter_intensity;
  if (title == "顕著な地震の震源要素更新のお知らせ") return JmaBulletin::hypocenter_update;
  if (title == "緊急地震速報（警報）") return JmaBulletin::eew_warning;
  if (title.starts_with("緊急地震速報（予報）") || title.starts_with("緊急地震速報（地震動予報）"))
    return JmaBulletin::eew_forecast;
  if (title == "緊急地震速報配信テスト") return JmaBulletin::eew_test;
  if (title == "地震の活動状況等に関する情報") return JmaBulletin::activity;
  if (title == "地震回数に関する情報") return JmaBulletin::count;
  // VTSE41's Control/Title carries a trailing "a" in the published samples.
  if (title.starts_with("津波警報・注意報・予報")) return JmaBulletin::tsunami;
  return JmaBulletin::other;
}

std::string id_prefix(JmaBulletin b) {
  switch (b) {
    case JmaBulletin::eew_warning:
      return "jma-eew-";
    case JmaBulletin::tsunami:
      return "jma-tsunami-";
    case JmaBulletin::activity:
      return "jma-activity-";
    default:
      return "jma-eq-";
  }
}

// Why a bulletin type is not shown; empty when it is.
std::string not_shown_reason(JmaBulletin b, const std::string& title) {
  switch (b) {
    case JmaBulletin::eew_forecast:
      return "緊急地震速報（予報） is not shown; only the 警報 is";
    case JmaBulletin::eew_test:
      return "緊急地震速報配信テスト is a delivery test";
    case JmaBulletin::count:
      return "地震回数に関する情報 is statistics, not an alert";
    case JmaBulletin::other:
      return "bulletin \"" + title + "\" is not handled";
    default:
      return {};
  }
}

}  // namespace

JmaResult parse_jma(std::string_view xml, const JmaOptions& opts) {
  pugi::xml_document doc;
  detail::load_safely(doc, xml, "JMA");
  pugi::xml_node report = doc.document_element();
  if (!report || detail::local_name(report) != "Report" || detail::namespace_uri(report) != kJmaNs)
    jma_fail("root element must be <Report> in namespace " + std::string(kJmaNs));
  detail::JmaDoc d{detail::child(report, "Control"), detail::child(report, "Head"),
                   detail::child(report, "Body")};
  if (!d.control) jma_fail("missing required element <Control>");
  if (!d.head) jma_fail("missing required element <Head>");
  // One of each, so that no reader sees a different bulletin (a 試験 behind a 通常, say).
  detail::refuse_repeated(report, {"Control", "Head", "Body"}, "JMA");
  detail::refuse_repeated(d.control, {"Title", "DateTime", "Status"}, "JMA");
  detail::refuse_repeated(d.head,
                          {"Title", "ReportDateTime", "TargetDateTime", "EventID", "InfoType",
                           "Serial", "InfoKind", "InfoKindVersion", "Headline"},
                          "JMA");

  JmaResult r;
  r.control_title = child_text(d.control, "Title");
  if (r.control_title.empty()) jma_fail("missing required element <Control/Title>");
  r.status = child_text(d.control, "Status");
  if (r.status != "通常" && r.status != "訓練" && r.status != "試験")
    jma_fail("/Report/Control/Status: unknown value \"" + r.status + "\"");
  r.info_type = child_text(d.head, "InfoType");
  if (r.info_type != "発表" && r.info_type != "訂正" && r.info_type != "遅延" &&
      r.info_type != "取消")
    jma_fail("/Report/Head/InfoType: unknown value \"" + r.info_type + "\"");
  r.event_id = child_text(d.head, "EventID");
  // A tsunami bulletin about several earthquakes lists several EventIDs; the first one is
  // the event the alert started with, so the id stays stable.
  r.event_id = r.event_id.substr(0, r.event_id.find_first_of(" \t\r\n"));
  if (std::string t = child_text(d.head, "ReportDateTime"); !t.empty())
    r.report_datetime = detail::document_time(t, "JMA", "/Report/Head/ReportDateTime");
  r.bulletin = classify(r.control_title);
  r.drill = r.status == "訓練";
  r.headline = detail::headline_text(d);

  if (r.status == "試験") {
    r.not_shown_reason = "Control/Status 試験 (test) is not shown";
    return r;
  }
  if (std::string why = not_shown_reason(r.bulletin, r.control_title); !why.empty()) {
    r.not_shown_reason = why;
    return r;
  }
  if (r.event_id.empty()) jma_fail("/Report/Head/EventID: empty");

  model::AlertRaised& a = r.alert;
  a.alert = id_prefix(r.bulletin) + r.event_id + (r.drill ? "-drill" : "");
  a.drill = r.drill;
  a.kind =
      r.bulletin == JmaBulletin::tsunami ? model::AlertKind::tsunami : model::AlertKind::earthquake;
  a.source = model::AlertSource{model::AlertSourceKind::jma, r.control_title + " " + r.event_id};

  if (r.info_type == "取消") {
    // Retracting a 震源要素更新 does not undo the earthquake itself.
    if (r.bulletin == JmaBulletin::hypocenter_update) {
      r.not_shown_reason = "取消 of 震源要素更新のお知らせ leaves the earthquake alert as it was";
      return r;
    }
    r.disposition = Disposition::cancel;
    std::string reason = r.headline;
    if (reason.empty()) reason = child_text(d.body, "Text");
    a.title = r.control_title + "（取消）";
    a.body = reason;
    r.cancelled =
        model::AlertCancelled{a.alert, reason.empty() ? r.control_title + "の取消" : reason};
    return r;
  }

  switch (r.bulletin) {
    case JmaBulletin::eew_warning:
      detail::read_eew(d, opts, r);
      break;
    case JmaBulletin::tsunami:
      detail::read_tsunami(d, opts, r);
      break;
    case JmaBulletin::activity:
      detail::read_activity(d, opts, r);
      break;
    default:
      detail::read_earthquake(d, opts, r);
      break;
  }
  r.disposition =
      r.bulletin == JmaBulletin::hypocenter_update ? Disposition::update : Disposition::raise;
  return r;
}

std::string_view to_string(JmaBulletin b) {
  switch (b) {
    case JmaBulletin::intensity_flash:
      return "intensity_flash";
    case JmaBulletin::hypocenter:
      return "hypocenter";
    case JmaBulletin::hypocenter_intensity:
      return "hypocenter_intensity";
    case JmaBulletin::hypocenter_update:
      return "hypocenter_update";
    case JmaBulletin::eew_warning:
      return "eew_warning";
    case JmaBulletin::eew_forecast:
      return "eew_forecast";
    case JmaBulletin::eew_test:
      return "eew_test";
    case JmaBulletin::activity:
      return "activity";
    case JmaBulletin::count:
      return "count";
    case JmaBulletin::tsunami:
      return "tsunami";
    case JmaBulletin::other:
      return "other";
  }
  return "?";
}

}  // namespace bcp::alerts
