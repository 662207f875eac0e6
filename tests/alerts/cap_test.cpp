#include "bcp/alerts/cap.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

using test::fixture;
using test::read_file;

std::string error_of(std::string_view xml) {
  try {
    parse_cap(xml);
  } catch (const AlertParseError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string minimal(std::string_view status, std::string_view severity = "Severe",
                    std::string_view extra_info = "") {
  return std::string(R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
<identifier>id-1</identifier><sender>s@example.jp</sender><sent>2026-11-24T10:00:00+09:00</sent>
<status>)") +
         std::string(status) + R"(</status><msgType>Alert</msgType><scope>Public</scope>
<info><category>Geo</category><event>地震</event><urgency>Immediate</urgency>
<severity>)" +
         std::string(severity) + R"(</severity><certainty>Observed</certainty>)" +
         std::string(extra_info) + "</info></alert>";
}

TEST(Cap, JapaneseExerciseAlertUpdateCancelAreOneAlert) {
  CapResult alert = parse_cap(read_file(fixture("cap-ja-exercise-alert.xml")));
  CapResult update = parse_cap(read_file(fixture("cap-ja-exercise-update.xml")));
  CapResult cancel = parse_cap(read_file(fixture("cap-ja-exercise-cancel.xml")));

  EXPECT_EQ(alert.disposition, Disposition::raise);
  EXPECT_TRUE(alert.alert.drill);
  EXPECT_EQ(alert.language, "ja-JP");  // chosen over the en-US block that comes first
  EXPECT_EQ(alert.alert.title, "【訓練】小学校付近でクマの目撃情報");
  EXPECT_EQ(alert.alert.kind, model::AlertKind::bear);
  EXPECT_EQ(alert.alert.severity, model::Severity::warning);  // Moderate
  EXPECT_EQ(alert.alert.area, "サンプル町 本町地区");
  EXPECT_NE(alert.alert.body.find("屋内で待機"), std::string::npos);
  ASSERT_TRUE(alert.alert.expires);
  EXPECT_EQ(alert.alert.expires->time_since_epoch(),
            (std::chrono::sys_days{std::chrono::year{2026} / 11 / 24} + std::chrono::hours{9})
                .time_since_epoch());

  EXPECT_EQ(update.disposition, Disposition::update);
  EXPECT_EQ(update.alert.alert, alert.alert.alert);
  EXPECT_EQ(update.alert.severity, model::Severity::critical);  // Severe
  EXPECT_TRUE(update.alert.drill);
  auto up = update.payload(true);
  ASSERT_TRUE(up && std::holds_alternative<model::AlertUpdated>(*up));
  EXPECT_EQ(std::get<model::AlertUpdated>(*up).title, "【訓練】クマが住宅地に移動");

  EXPECT_EQ(cancel.disposition, Disposition::cancel);
  ASSERT_EQ(cancel.references.size(), 2u);
  EXPECT_EQ(cancel.alert.alert, alert.alert.alert);  // earliest reference, not the first listed
  ASSERT_TRUE(cancel.cancelled);
  EXPECT_EQ(cancel.cancelled->reason, "【訓練】クマは山へ戻りました");
  auto c = cancel.payload(true);
  ASSERT_TRUE(c && std::holds_alternative<model::AlertCancelled>(*c));
}

TEST(Cap, SameIdentifierTwiceIsTheSameAlert) {
  CapResult a = parse_cap(minimal("Actual"));
  CapResult b = parse_cap(minimal("Actual"));
  EXPECT_EQ(a.alert.alert, b.alert.alert);
  EXPECT_EQ(a.alert.alert, cap_alert_id("s@example.jp", "id-1"));
  EXPECT_NE(cap_alert_id("a", "bc"), cap_alert_id("ab", "c"));
  // Second time the daemon knows it: an update, not a second alert.
  auto p = b.payload(true);
  ASSERT_TRUE(p && std::holds_alternative<model::AlertUpdated>(*p));
  auto first = a.payload(false);
  ASSERT_TRUE(first && std::holds_alternative<model::AlertRaised>(*first));
}

TEST(Cap, SeverityAndStatusMapping) {
  EXPECT_EQ(parse_cap(minimal("Actual", "Extreme")).alert.severity, model::Severity::critical);
  EXPECT_EQ(parse_cap(minimal("Actual", "Moderate")).alert.severity, model::Severity::warning);
  EXPECT_EQ(parse_cap(minimal("Actual", "Minor")).alert.severity, model::Severity::advisory);
  EXPECT_EQ(parse_cap(minimal("Actual", "Unknown")).alert.severity, model::Severity::info);
  EXPECT_TRUE(parse_cap(minimal("Exercise")).alert.drill);
  for (const char* s : {"Test", "System", "Draft"}) {
    CapResult r = parse_cap(minimal(s));
    EXPECT_EQ(r.disposition, Disposition::not_shown) << s;
    EXPECT_NE(r.not_shown_reason.find(s), std::string::npos);
  }
  EXPECT_EQ(parse_cap(minimal("Actual")).alert.kind, model::AlertKind::earthquake);
}

TEST(Cap, ErrorsNameTheElement) {
  EXPECT_EQ(error_of(minimal("Actual", "Huge")),
            "CAP: /alert/info[1]/severity: unknown value \"Huge\"");
  EXPECT_EQ(error_of(minimal("Real")), "CAP: /alert/status: unknown value \"Real\"");
  std::string no_id = minimal("Actual");
  no_id.erase(no_id.find("<identifier>"), std::string("<identifier>id-1</identifier>").size());
  EXPECT_EQ(error_of(no_id), "CAP: missing required element <identifier>");
  EXPECT_EQ(error_of(minimal("Actual", "Severe", "<expires>tomorrow</expires>")),
            "CAP: /alert/info[1]/expires: not a date-time with offset: \"tomorrow\"");
  EXPECT_NE(error_of("<alert>").find("not well-formed"), std::string::npos);
  EXPECT_NE(error_of("<alert xmlns='urn:example'/>").find("namespace"), std::string::npos);
  EXPECT_NE(error_of("").find("CAP:"), std::string::npos);
}

TEST(Cap, HostileDocumentsAreRefused) {
  EXPECT_NE(
      error_of("<!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><alert>&x;</alert>")
          .find("DOCTYPE"),
      std::string::npos);
  EXPECT_NE(error_of("<!ENTITY x \"y\"><alert/>").find("ENTITY"), std::string::npos);
  std::string xi = minimal("Actual");
  xi.insert(
      xi.find("<identifier>"),
      "<x xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"/etc/passwd\"/></x>");
  EXPECT_NE(error_of(xi).find("XInclude"), std::string::npos);
  // A DOCTYPE hidden in UTF-16 is caught after decoding.
  std::string ascii = "<?xml version=\"1.0\" encoding=\"UTF-16LE\"?><!DOCTYPE a><a/>";
  std::string utf16 = "\xFF\xFE";
  for (char c : ascii) {
    utf16 += c;
    utf16 += '\0';
  }
  EXPECT_NE(error_of(utf16).find("refused"), std::string::npos) << error_of(utf16);
}

TEST(Cap, LanguageFallsBackToEnUsThenFirst) {
  CapOptions en;
  en.language = "fr-CA";
  CapResult r = parse_cap(read_file(fixture("cap-ja-exercise-alert.xml")), en);
  EXPECT_EQ(r.language, "en-US");
  EXPECT_EQ(r.alert.kind, model::AlertKind::bear);
}

}  // namespace
}  // namespace bcp::alerts
