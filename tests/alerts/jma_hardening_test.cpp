// Issue 12, classes 14 and 16 for JMA: an intensity off JMA's scale is refused naming the
// element (it would otherwise become "info" and start no roll call), magnitudes and depths
// outside what JMA writes are shown as 不明 the way JMA itself does, and texts and times the
// journal cannot take are refused before any event is built.
#include "bcp/alerts/jma.hpp"
#include "bcp/model/codec.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

struct Bulletin {
  std::string status = "通常";
  std::string report_time = "2026-11-24T14:05:00+09:00";
  std::string headline = "強い揺れを観測しました。";
  std::string origin_time = "<OriginTime>2026-11-24T14:02:00+09:00</OriginTime>";
  std::string coordinate = "+42.7+141.9-50000/";
  std::string magnitude =
      R"(<jmx_eb:Magnitude type="Mj" description="Ｍ５．９">5.9</jmx_eb:Magnitude>)";
  std::string national = "<MaxInt>5+</MaxInt>";
  std::string area = "<MaxInt>5+</MaxInt>";
  std::string city = "<MaxInt>5-</MaxInt>";
  std::string other_area = "<MaxInt>3</MaxInt>";  // outside the town
};

// A 震源・震度に関する情報 (VXSE53) shaped like the real ones, for the town of town() below.
std::string document(const Bulletin& b) {
  return R"(<Report xmlns="http://xml.kishou.go.jp/jmaxml1/"
 xmlns:jmx_eb="http://xml.kishou.go.jp/jmaxml1/elementBasis1/">
<Control><Title>震源・震度に関する情報</Title><Status>)" +
         b.status + R"(</Status></Control>
<Head xmlns="http://xml.kishou.go.jp/jmaxml1/informationBasis1/"><Title>震源・震度情報</Title>
<ReportDateTime>)" +
         b.report_time + R"(</ReportDateTime><EventID>20261124140200</EventID>
<InfoType>発表</InfoType><Headline><Text>)" +
         b.headline + R"(</Text></Headline></Head>
<Body xmlns="http://xml.kishou.go.jp/jmaxml1/body/seismology1/"><Earthquake>)" +
         b.origin_time + R"(<Hypocenter><Area><Name>胆振地方中東部</Name>
<jmx_eb:Coordinate description="震源">)" +
         b.coordinate + R"(</jmx_eb:Coordinate></Area></Hypocenter>)" + b.magnitude +
         R"(</Earthquake><Intensity><Observation>)" + b.national +
         R"(<Pref><Name>北海道</Name><Code>01</Code><MaxInt>5+</MaxInt>
<Area><Name>胆振地方中東部</Name><Code>150</Code>)" +
         b.area + R"(<City><Name>むかわ町</Name><Code>0158600</Code>)" + b.city +
         R"(</City></Area><Area><Name>石狩地方北部</Name><Code>107</Code>)" + b.other_area +
         R"(</Area></Pref></Observation></Intensity></Body></Report>)";
}

JmaOptions town() {
  JmaOptions o;
  o.area_codes = {"150"};
  o.city_codes = {"0158600"};
  return o;
}

std::string error_of(const std::string& xml) {
  try {
    parse_jma(xml, town());
  } catch (const AlertParseError& e) {
    return e.what();
  }
  return "(accepted)";
}

void expect_journalable(const JmaResult& r, const std::string& label) {
  for (bool known : {false, true}) {
    auto payload = r.payload(known);
    if (!payload) continue;
    model::Event e;
    e.seq = 1;
    e.at = model::TimePoint{std::chrono::milliseconds{1'700'000'000'000}};
    e.body = *payload;
    EXPECT_NO_THROW(model::event_from_json(model::to_json(e))) << label;
  }
}

TEST(JmaBounds, TheTemplateIsAValidBulletin) {
  JmaResult r = parse_jma(document({}), town());
  EXPECT_EQ(r.town_max_intensity, Intensity::i5_upper);
  EXPECT_EQ(r.alert.severity, model::Severity::critical);
  EXPECT_EQ(r.magnitude, 5.9);
  EXPECT_EQ(r.depth_km, 50.0);
  EXPECT_NE(r.alert.body.find("震源: 胆振地方中東部　深さ 50km　M5.9"), std::string::npos)
      << r.alert.body;
  EXPECT_TRUE(r.replaced.empty());
  expect_journalable(r, "template");
}

TEST(JmaBounds, IntensityOffTheScaleIsRefusedWhereverItIs) {
  for (const char* v :
       {"8", "0", "5", "10", "7+", "5−", "-1", "５弱強", "震度", "over", "NaN", "4.5", "1e3"}) {
    const std::string m = std::string("<MaxInt>") + v + "</MaxInt>";
    struct Place {
      const char* name;
      std::string Bulletin::*field;
      const char* path;
    };
    for (const Place& p : {
             Place{"national", &Bulletin::national, "/Report/Body/Intensity/Observation/MaxInt"},
             Place{"town area", &Bulletin::area,
                   "/Report/Body/Intensity/Observation/Pref/Area[1]/MaxInt"},
             Place{"town city", &Bulletin::city,
                   "/Report/Body/Intensity/Observation/Pref/Area[1]/City/MaxInt"},
             Place{"other area", &Bulletin::other_area,
                   "/Report/Body/Intensity/Observation/Pref/Area[2]/MaxInt"},
         }) {
      Bulletin b;
      b.*p.field = m;
      std::string e = error_of(document(b));
      EXPECT_EQ(e, "JMA: " + std::string(p.path) + ": \"" + v +
                       "\" is not on JMA's intensity scale (1, 2, 3, 4, 5-, 5+, 6-, 6+, 7)")
          << p.name << " " << v;
    }
  }
}

TEST(JmaBounds, IntensityThatIsNotThereIsNotAnError) {
  Bulletin b;
  b.city = "<Condition>震度５弱以上未入電</Condition>";  // as JMA writes a missing report
  JmaResult r = parse_jma(document(b), town());
  EXPECT_EQ(r.town_max_intensity, Intensity::i5_upper);  // from the area
  b.national = "";
  b.area = "";
  EXPECT_NO_THROW(parse_jma(document(b), town()));
  // Padding as in real bulletins ("4 ") and Japanese spellings are on the scale.
  b.area = "<MaxInt> 4 </MaxInt>";
  b.other_area = "<MaxInt>震度６弱</MaxInt>";
  EXPECT_EQ(parse_jma(document(b), town()).town_max_intensity, Intensity::i4);
  // An empty or long value is refused; a long one is not quoted.
  b.area = "<MaxInt></MaxInt>";
  EXPECT_NE(error_of(document(b)).find("Area[1]/MaxInt: \"\" is not on"), std::string::npos);
  b.area = "<MaxInt>" + std::string(100, '7') + "</MaxInt>";
  EXPECT_NE(error_of(document(b)).find("Area[1]/MaxInt: value is not on"), std::string::npos)
      << error_of(document(b));
  // Two MaxInt in one area: which one would a reader take?
  b.area = "<MaxInt>1</MaxInt><MaxInt>7</MaxInt>";
  EXPECT_NE(error_of(document(b)).find("MaxInt[2]: <MaxInt> may appear only once"),
            std::string::npos)
      << error_of(document(b));
}

TEST(JmaBounds, EarlyWarningForecastIntensity) {
  BCP_REQUIRE_TESTDATA("jma");
  std::string xml = test::read_file(test::testdata("jma") / "37_04_01_110311_VXSE43.xml");
  const std::string from = "<From>6+</From>";
  ASSERT_NE(xml.find(from), std::string::npos);
  for (const char* v : {"0", "不明"}) {  // JMA's "no forecast"
    std::string x = xml;
    x.replace(x.find(from), from.size(), std::string("<From>") + v + "</From>");
    EXPECT_NO_THROW(parse_jma(x, town())) << v;
  }
  for (const char* v : {"9", "over", "6++", "x"}) {
    std::string x = xml;
    x.replace(x.find(from), from.size(), std::string("<From>") + v + "</From>");
    try {
      parse_jma(x, town());
      ADD_FAILURE() << v << " accepted";
    } catch (const AlertParseError& e) {
      EXPECT_NE(std::string(e.what()).find("ForecastInt/From: \"" + std::string(v) + "\""),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(JmaBounds, AbsurdMagnitudesAreShownAsUnknown) {
  for (const char* v : {"1000000", "1e300", "1E2", "inf", "-inf", "Infinity", "nan", "0x10", "10.1",
                        "-3.5", "99999999999999999999999999", "7.", ".5", "+-5", "", "５．９"}) {
    Bulletin b;
    b.magnitude = std::string(R"(<jmx_eb:Magnitude type="Mj" description="Ｍ１０００">)") + v +
                  "</jmx_eb:Magnitude>";
    JmaResult r = parse_jma(document(b), town());
    EXPECT_FALSE(r.magnitude) << v;
    EXPECT_EQ(r.magnitude_text, "M不明") << v;
    EXPECT_NE(r.alert.body.find("　M不明"), std::string::npos) << r.alert.body;
    for (const char* leak : {"1000", "inf", "nan", "e+", "Ｍ１"})
      EXPECT_EQ(r.alert.body.find(leak), std::string::npos) << v << ": " << r.alert.body;
    ASSERT_EQ(r.replaced.size(), 1u) << v;
    EXPECT_TRUE(r.replaced[0].starts_with("/Report/Body/Earthquake/Magnitude: magnitude outside"))
        << r.replaced[0];
    expect_journalable(r, v);
  }
}

TEST(JmaBounds, MagnitudesJmaWritesAreShown) {
  auto text = [](const std::string& element) {
    Bulletin b;
    b.magnitude = element;
    return parse_jma(document(b), town()).magnitude_text;
  };
  EXPECT_EQ(text(R"(<jmx_eb:Magnitude type="Mj">9.1</jmx_eb:Magnitude>)"), "M9.1");
  EXPECT_EQ(text(R"(<jmx_eb:Magnitude type="Mj">10.0</jmx_eb:Magnitude>)"), "M10.0");
  EXPECT_EQ(text(R"(<jmx_eb:Magnitude type="Mj">-0.5</jmx_eb:Magnitude>)"), "M-0.5");
  EXPECT_EQ(text(R"(<jmx_eb:Magnitude type="Mj"> 4 </jmx_eb:Magnitude>)"), "M4.0");
  // JMA's unknown: NaN with the wording in the description.
  EXPECT_EQ(
      text(
          R"(<jmx_eb:Magnitude type="Mj" condition="不明" description="Ｍ８を超える巨大地震">NaN</jmx_eb:Magnitude>)"),
      "Ｍ８を超える巨大地震");
  EXPECT_EQ(
      text(
          R"(<jmx_eb:Magnitude type="Mj" condition="不明" description="Ｍ不明">NaN</jmx_eb:Magnitude>)"),
      "Ｍ不明");
  EXPECT_EQ(text(R"(<jmx_eb:Magnitude type="Mj" condition="不明">NaN</jmx_eb:Magnitude>)"),
            "M不明");
  // A description is a wall line, not a place for text.
  EXPECT_EQ(text(R"(<jmx_eb:Magnitude type="Mj" description=")" + std::string(60, 'M') +
                 R"(">NaN</jmx_eb:Magnitude>)"),
            "M不明");
}

TEST(JmaBounds, DepthsFollowJmasOwnConventions) {
  struct Case {
    std::string coordinate;
    std::string shown;  // after "深さ "
    std::optional<double> km;
    bool replaced;
  };
  const std::vector<Case> cases = {
      {"+42.7+141.9-50000/", "50km", 50.0, false},
      {"+42.7+141.9+0/", "ごく浅い", 0.0, false},
      {"+42.7+141.9-0/", "ごく浅い", 0.0, false},
      {"+42.7+141.9-700000/", "700km以上", 700.0, false},
      {"+3447.1+13829.9-23000/", "23km", 23.0, false},  // degrees and minutes
      {"-36.1-072.6/", "不明", std::nullopt, false},    // JMA's 深さ不明
      {"+42.7+141.9-700001/", "不明", std::nullopt, true},
      {"+42.7+141.9-800000/", "不明", std::nullopt, true},
      {"+42.7+141.9+5000/", "不明", std::nullopt, true},  // above sea level
      {"+42.7+141.9-" + std::string(400, '9') + "/", "不明", std::nullopt, true},
      {"+42.7+141.9-1e400/", "不明", std::nullopt, true},  // not a decimal as JMA writes
      {"+42.7+141.9-inf/", "不明", std::nullopt, true},
      {"+42.7+141.9-nan/", "不明", std::nullopt, true},
      {"+42.7+141.9-0x10/", "不明", std::nullopt, true},
      {"42.7 141.9", "", std::nullopt, false},  // not ISO 6709 at all: nothing about depth
      {"", "", std::nullopt, false},
  };
  for (const Case& c : cases) {
    Bulletin b;
    b.coordinate = c.coordinate;
    JmaResult r = parse_jma(document(b), town());
    EXPECT_EQ(r.depth_text, c.shown) << c.coordinate;
    EXPECT_EQ(r.depth_km, c.km) << c.coordinate;
    EXPECT_EQ(!r.replaced.empty(), c.replaced) << c.coordinate;
    if (!c.shown.empty())
      EXPECT_NE(r.alert.body.find("深さ " + c.shown + "　"), std::string::npos) << r.alert.body;
    else
      EXPECT_EQ(r.alert.body.find("深さ"), std::string::npos) << r.alert.body;
    for (const char* leak : {"inf", "nan", "999", "800km", "1e"})
      EXPECT_EQ(r.alert.body.find(leak), std::string::npos) << c.coordinate << ": " << r.alert.body;
  }
}

TEST(JmaBounds, TimesOutsideTheJournalsRangeAreRefusedByName) {
  for (const char* t :
       {"9999-12-31T23:59:59-14:00", "0000-01-01T00:00:00+09:00", "1969-12-31T23:00:00Z"}) {
    Bulletin b;
    b.origin_time = std::string("<OriginTime>") + t + "</OriginTime>";
    EXPECT_NE(error_of(document(b)).find("JMA: /Report/Body/Earthquake/OriginTime: out of range"),
              std::string::npos)
        << error_of(document(b));
    Bulletin h;
    h.report_time = t;
    EXPECT_NE(error_of(document(h)).find("JMA: /Report/Head/ReportDateTime: out of range"),
              std::string::npos)
        << error_of(document(h));
  }
  for (const char* t : {"yesterday", "2026-11-24T14:02:00", "2026-11-31T14:02:00+09:00"}) {
    Bulletin b;
    b.origin_time = std::string("<OriginTime>") + t + "</OriginTime>";
    EXPECT_NE(error_of(document(b)).find("OriginTime: not a date-time with offset"),
              std::string::npos)
        << t;
  }
  Bulletin none;
  none.origin_time = "";  // absent is fine (an EEW may carry only ArrivalTime)
  EXPECT_FALSE(parse_jma(document(none), town()).origin_time);
}

TEST(JmaBounds, TextTheJournalCannotTakeIsRefusedByName) {
  for (const char* bad : {"&#xD800;", "\xED\xB0\x80", "\xFF\xFE", "&#xFFFF;", "&#x7;", "&#0;"}) {
    Bulletin b;
    b.headline = std::string("強い揺れ") + bad;
    std::string e = error_of(document(b));
    EXPECT_NE(e, "(accepted)") << bad;
    if (std::string(bad) != "&#0;")
      EXPECT_NE(e.find("JMA: /Report/Head/Headline/Text: "), std::string::npos) << e;
  }
}

TEST(JmaBounds, HeaderElementsAppearOnce) {
  std::string doc = document({});
  std::string two_status = doc;
  two_status.replace(two_status.find("<Status>通常</Status>"), 0, "<Status>試験</Status>");
  EXPECT_NE(error_of(two_status).find("/Report/Control/Status[2]: <Status> may appear only once"),
            std::string::npos)
      << error_of(two_status);
  std::string two_types = doc;
  two_types.replace(two_types.find("<InfoType>"), 0, "<InfoType>取消</InfoType>");
  EXPECT_NE(error_of(two_types).find("<InfoType> may appear only once"), std::string::npos);
}

// JMA's own bulletins are all inside the bounds: nothing is replaced, nothing refused.
TEST(JmaBounds, RealBulletinsNeedNoReplacement) {
  BCP_REQUIRE_TESTDATA("jma");
  JmaOptions o = town();
  size_t checked = 0;
  for (const std::string& name : test::listing("jma")) {
    JmaResult r = parse_jma(test::read_file(test::testdata("jma") / name), o);
    EXPECT_TRUE(r.replaced.empty()) << name << ": " << r.replaced.front();
    if (r.magnitude) {
      EXPECT_GE(*r.magnitude, 0.0) << name;
      EXPECT_LE(*r.magnitude, 9.5) << name;
    }
    expect_journalable(r, name);
    ++checked;
  }
  EXPECT_GT(checked, 100u);
}

}  // namespace
}  // namespace bcp::alerts
