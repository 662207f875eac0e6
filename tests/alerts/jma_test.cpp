#include "bcp/alerts/jma.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

std::string jma_file(const std::string& name) {
  return test::read_file(test::testdata("jma") / name);
}

TEST(JmaIntensity, ParsesXmlAndConfigSpellings) {
  EXPECT_EQ(parse_intensity("5-"), Intensity::i5_lower);
  EXPECT_EQ(parse_intensity("6+"), Intensity::i6_upper);
  EXPECT_EQ(parse_intensity("4 "), Intensity::i4);  // real bulletins pad with spaces
  EXPECT_EQ(parse_intensity("5弱"), Intensity::i5_lower);
  EXPECT_EQ(parse_intensity("震度５強"), Intensity::i5_upper);
  EXPECT_EQ(parse_intensity("７"), Intensity::i7);
  EXPECT_FALSE(parse_intensity("8"));
  EXPECT_FALSE(parse_intensity(""));
  EXPECT_EQ(intensity_label(Intensity::i6_lower), "震度6弱");
}

std::string quake(std::string_view status, std::string_view info_type, std::string_view town_int,
                  std::string_view national) {
  return std::string(
             R"(<Report xmlns="http://xml.kishou.go.jp/jmaxml1/"><Control><Title>震度速報</Title>
<Status>)") +
         std::string(status) + R"(</Status></Control>
<Head xmlns="http://xml.kishou.go.jp/jmaxml1/informationBasis1/"><Title>震度速報</Title>
<ReportDateTime>2026-11-24T10:01:00+09:00</ReportDateTime><EventID>20261124100000</EventID>
<InfoType>)" +
         std::string(info_type) + R"(</InfoType><Headline><Text>強い揺れ</Text></Headline></Head>
<Body xmlns="http://xml.kishou.go.jp/jmaxml1/body/seismology1/"><Intensity><Observation>
<MaxInt>)" +
         std::string(national) + R"(</MaxInt><Pref><Name>北海道</Name><Code>01</Code>
<Area><Name>渡島地方東部</Name><Code>150</Code><MaxInt>)" +
         std::string(town_int) +
         R"(</MaxInt></Area></Pref></Observation></Intensity></Body></Report>)";
}

JmaOptions town150() {
  JmaOptions o;
  o.area_codes = {"150"};
  return o;
}

TEST(Jma, TownIntensityThresholds) {
  auto sev = [](std::string_view i) {
    return parse_jma(quake("通常", "発表", i, "7"), town150()).alert.severity;
  };
  EXPECT_EQ(sev("5-"), model::Severity::critical);
  EXPECT_EQ(sev("4"), model::Severity::warning);
  EXPECT_EQ(sev("3"), model::Severity::advisory);
  EXPECT_EQ(sev("2"), model::Severity::info);
  JmaOptions strict = town150();
  strict.thresholds.critical = Intensity::i6_lower;
  EXPECT_EQ(parse_jma(quake("通常", "発表", "5+", "7"), strict).alert.severity,
            model::Severity::warning);
  // Outside the town, a big national intensity alone does not make it critical…
  JmaOptions elsewhere;
  elsewhere.area_codes = {"999"};
  JmaResult r = parse_jma(quake("通常", "発表", "6+", "6+"), elsewhere);
  EXPECT_EQ(r.alert.severity, model::Severity::info);
  EXPECT_FALSE(r.town_max_intensity);
  EXPECT_NE(r.alert.body.find("町内の最大震度: 観測なし"), std::string::npos);
  // …but without a configured town the national maximum decides.
  EXPECT_EQ(parse_jma(quake("通常", "発表", "6+", "6+")).alert.severity, model::Severity::critical);
}

TEST(Jma, StructuredFieldsForRollCall) {
  JmaResult r = parse_jma(quake("通常", "発表", "5+", "6-"), town150());
  EXPECT_EQ(r.event_id, "20261124100000");
  EXPECT_EQ(r.info_type, "発表");
  EXPECT_EQ(r.status, "通常");
  EXPECT_EQ(r.town_max_intensity, Intensity::i5_upper);
  EXPECT_EQ(r.national_max_intensity, Intensity::i6_lower);
  EXPECT_EQ(r.bulletin, JmaBulletin::intensity_flash);
  ASSERT_TRUE(r.report_datetime);
  EXPECT_EQ(r.alert.alert, "jma-eq-20261124100000");
  EXPECT_EQ(r.alert.title, "震度速報 町内震度5強 最大震度6弱");
  EXPECT_NE(r.alert.body.find("町内の最大震度: 震度5強（渡島地方東部）"), std::string::npos);
}

TEST(Jma, DrillTestAndCancel) {
  JmaResult drill = parse_jma(quake("訓練", "発表", "5-", "5-"), town150());
  EXPECT_TRUE(drill.alert.drill);
  EXPECT_EQ(drill.alert.alert, "jma-eq-20261124100000-drill");
  JmaResult test = parse_jma(quake("試験", "発表", "5-", "5-"), town150());
  EXPECT_EQ(test.disposition, Disposition::not_shown);
  EXPECT_NE(test.not_shown_reason.find("試験"), std::string::npos);
  JmaResult cancel = parse_jma(quake("通常", "取消", "5-", "5-"), town150());
  EXPECT_EQ(cancel.disposition, Disposition::cancel);
  EXPECT_EQ(cancel.cancelled->alert, "jma-eq-20261124100000");
  EXPECT_THROW(parse_jma(quake("本番", "発表", "5-", "5-")), AlertParseError);
  EXPECT_THROW(parse_jma(quake("通常", "発令", "5-", "5-")), AlertParseError);
}

TEST(Jma, HypocenterBulletinDoesNotEraseIntensity) {
  BCP_REQUIRE_TESTDATA("jma");
  JmaOptions o;
  o.area_codes = {"222"};
  JmaResult flash = parse_jma(jma_file("20210217140808_0_VXSE51_010000.xml"), o);
  JmaResult hypo = parse_jma(jma_file("20210217140847_0_VXSE52_010000.xml"), o);
  EXPECT_EQ(flash.alert.alert, hypo.alert.alert);
  EXPECT_EQ(hypo.epicenter, "福島県沖");
  EXPECT_EQ(hypo.depth_km, 50.0);
  EXPECT_EQ(hypo.magnitude, 4.5);
  auto p = hypo.payload(true);
  ASSERT_TRUE(p && std::holds_alternative<model::AlertUpdated>(*p));
  const auto& u = std::get<model::AlertUpdated>(*p);
  EXPECT_FALSE(u.severity);  // the advisory from 震度3 stays
  EXPECT_FALSE(u.body);
  EXPECT_EQ(flash.alert.severity, model::Severity::advisory);
}

TEST(Jma, EarthquakeEarlyWarning) {
  BCP_REQUIRE_TESTDATA("jma");
  JmaOptions inside;
  inside.area_codes = {"220"};  // 宮城県北部
  JmaResult r = parse_jma(jma_file("37_04_01_110311_VXSE43.xml"), inside);
  EXPECT_EQ(r.bulletin, JmaBulletin::eew_warning);
  EXPECT_EQ(r.alert.severity, model::Severity::critical);
  EXPECT_EQ(r.town_max_intensity, Intensity::i6_upper);
  EXPECT_EQ(r.magnitude, 8.4);
  EXPECT_NE(r.alert.title.find("三陸沖"), std::string::npos);
  JmaOptions outside;
  outside.area_codes = {"999"};
  EXPECT_EQ(parse_jma(jma_file("37_04_01_110311_VXSE43.xml"), outside).alert.severity,
            model::Severity::warning);
}

TEST(Jma, TsunamiSeverityFollowsTheTownCoast) {
  BCP_REQUIRE_TESTDATA("jma");
  JmaOptions coast;
  coast.tsunami_area_codes = {"100"};  // 北海道太平洋沿岸東部: 注意報 in this bulletin
  JmaResult r = parse_jma(jma_file("32-39_11_02_120615_VTSE41.xml"), coast);
  EXPECT_EQ(r.town_tsunami, TsunamiLevel::advisory);
  EXPECT_EQ(r.national_tsunami, TsunamiLevel::major_warning);
  EXPECT_EQ(r.alert.severity, model::Severity::warning);
  EXPECT_EQ(r.alert.kind, model::AlertKind::tsunami);
  EXPECT_EQ(parse_jma(jma_file("32-39_11_02_120615_VTSE41.xml")).alert.severity,
            model::Severity::critical);
  // Several EventIDs: the first keeps the alert id stable across the series.
  EXPECT_EQ(parse_jma(jma_file("38-39_02_04_191025_VTSE41.xml")).alert.alert,
            parse_jma(jma_file("38-39_02_01_191025_VTSE41.xml")).alert.alert);
}

TEST(Jma, RefusesNonJmaAndHostileDocuments) {
  EXPECT_THROW(parse_jma("<Report/>"), AlertParseError);
  EXPECT_THROW(parse_jma("not xml"), AlertParseError);
  try {
    parse_jma("<!DOCTYPE Report [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Report>&e;</Report>");
    FAIL();
  } catch (const AlertParseError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("JMA: document refused")) << e.what();
  }
}

}  // namespace
}  // namespace bcp::alerts
