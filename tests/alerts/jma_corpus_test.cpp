// Every file of ../shared/testdata/jma is checked against an outcome derived here from the raw
// text with plain string search (independent of the parser's XML handling), plus a table of
// town intensities and severities for the bulletins that matter to the sample town.
#include <map>
#include <optional>

#include "bcp/alerts/jma.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

// Text of the first <tag>…</tag> after `from`.
std::string raw(const std::string& xml, const std::string& tag, size_t from = 0) {
  size_t b = xml.find("<" + tag + ">", from);
  if (b == std::string::npos) return {};
  b += tag.size() + 2;
  size_t e = xml.find("</" + tag + ">", b);
  std::string v = xml.substr(b, e - b);
  v.erase(0, v.find_first_not_of(" \t\r\n"));
  v.erase(v.find_last_not_of(" \t\r\n") + 1);
  return v;
}

struct Expected {
  std::string disposition;
  bool drill = false;
  std::optional<model::AlertKind> kind;
  std::string id;  // empty for not_shown
};

Expected oracle(const std::string& xml) {
  const std::string title = raw(xml, "Title");  // Control/Title comes first
  const std::string status = raw(xml, "Status");
  const std::string info_type = raw(xml, "InfoType");
  std::string event_id = raw(xml, "EventID");
  event_id = event_id.substr(0, event_id.find(' '));
  Expected e;
  e.drill = status == "訓練";
  const bool not_handled = title.find("緊急地震速報（予報）") != std::string::npos ||
                           title == "緊急地震速報配信テスト" || title == "地震回数に関する情報";
  const bool hypo_update = title == "顕著な地震の震源要素更新のお知らせ";
  if (status == "試験" || not_handled || (hypo_update && info_type == "取消")) {
    e.disposition = "not_shown";
    return e;
  }
  e.disposition = info_type == "取消" ? "cancel" : hypo_update ? "update" : "raise";
  const bool tsunami = title.starts_with("津波警報・注意報・予報");
  e.kind = tsunami ? model::AlertKind::tsunami : model::AlertKind::earthquake;
  std::string prefix = tsunami                                   ? "jma-tsunami-"
                       : title == "緊急地震速報（警報）"         ? "jma-eew-"
                       : title == "地震の活動状況等に関する情報" ? "jma-activity-"
                                                                 : "jma-eq-";
  e.id = prefix + event_id + (e.drill ? "-drill" : "");
  return e;
}

// The sample town of these tests: 細分区域 222 (宮城県中部) and 440 (静岡県伊豆), cities
// 函館市 and 西伊豆町, tsunami coast 北海道太平洋沿岸中部 (101).
JmaOptions town() {
  JmaOptions o;
  o.area_codes = {"222", "440"};
  o.city_codes = {"0120200", "2230600"};
  o.tsunami_area_codes = {"101"};
  return o;
}

struct TownExpect {
  std::optional<Intensity> town;
  std::optional<Intensity> national;
  model::Severity severity;
};

// Hand-checked against the bulletins' <Pref>/<Area>/<City> entries.
const std::map<std::string, TownExpect>& town_table() {
  using I = Intensity;
  using S = model::Severity;
  static const std::map<std::string, TownExpect> m{
      {"20210217140808_0_VXSE51_010000.xml", {I::i3, I::i3, S::advisory}},
      {"20210217140958_0_VXSE53_010000.xml", {I::i3, I::i3, S::advisory}},
      {"20210216071046_0_VXSE53_270000.xml", {std::nullopt, I::i1, S::info}},
      {"20210219091253_0_VXSE51_010000.xml", {std::nullopt, I::i4, S::info}},
      {"32-35_01_01_100806_VXSE51.xml", {I::i5_upper, I::i6_lower, S::critical}},
      {"32-35_01_03_100806_VXSE53.xml", {I::i5_lower, I::i5_lower, S::critical}},
      {"32-35_07_03_100915_VXSE51.xml", {I::i6_lower, I::i6_lower, S::critical}},
      {"32-35_08_01_100915_VXSE51.xml", {std::nullopt, I::i3, S::info}},
      {"32-35_08_02_100915_VXSE51.xml", {I::i4, I::i4, S::warning}},
      {"32-39_11_01_120615_VXSE51.xml", {I::i6_upper, I::i6_upper, S::critical}},
      {"32-39_11_05_120615_VXSE53.xml", {I::i6_upper, I::i7, S::critical}},
      {"20210217140847_0_VXSE52_010000.xml", {std::nullopt, std::nullopt, S::info}},
      {"37_04_01_110311_VXSE43.xml", {I::i6_upper, I::i6_upper, S::critical}},
      {"32-39_11_02_120615_VTSE41.xml", {std::nullopt, std::nullopt, S::critical}},
      {"32-39_11_13_120615_VTSE41.xml", {std::nullopt, std::nullopt, S::info}},
      {"38-39_02_01_191025_VTSE41.xml", {std::nullopt, std::nullopt, S::info}},
  };
  return m;
}

class JmaCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(JmaCorpus, ParsesToExpectedOutcome) {
  BCP_REQUIRE_TESTDATA("jma");
  const std::string name = GetParam();
  const std::string xml = test::read_file(test::testdata("jma") / name);
  const Expected e = oracle(xml);
  JmaResult r;
  ASSERT_NO_THROW(r = parse_jma(xml, town())) << name;
  EXPECT_EQ(to_string(r.disposition), e.disposition) << name;
  EXPECT_EQ(r.drill, e.drill) << name;
  if (e.disposition == "not_shown") {
    EXPECT_FALSE(r.not_shown_reason.empty()) << name;
    EXPECT_FALSE(r.payload(false).has_value()) << name;
    return;
  }
  EXPECT_EQ(r.alert.alert, e.id) << name;
  EXPECT_EQ(r.alert.kind, *e.kind) << name;
  EXPECT_EQ(r.alert.drill, e.drill) << name;
  EXPECT_EQ(r.alert.source.kind, model::AlertSourceKind::jma);
  EXPECT_FALSE(r.alert.title.empty()) << name;
  EXPECT_TRUE(r.report_datetime.has_value()) << name;
  if (r.disposition == Disposition::cancel) {
    ASSERT_TRUE(r.cancelled.has_value());
    EXPECT_EQ(r.cancelled->alert, e.id);
    EXPECT_TRUE(std::holds_alternative<model::AlertCancelled>(*r.payload(true)));
  }
  // Bodies state what the bulletin gives: national intensity, epicentre.
  if (r.disposition == Disposition::raise && r.national_max_intensity &&
      r.bulletin != JmaBulletin::eew_warning) {
    EXPECT_NE(r.alert.body.find("全国の最大震度: " + intensity_label(*r.national_max_intensity)),
              std::string::npos)
        << name << "\n"
        << r.alert.body;
  }
  if (!r.epicenter.empty()) {
    EXPECT_NE(r.alert.body.find(r.epicenter), std::string::npos) << name;
  }

  if (auto it = town_table().find(name); it != town_table().end()) {
    EXPECT_EQ(r.town_max_intensity, it->second.town) << name;
    EXPECT_EQ(r.national_max_intensity, it->second.national) << name;
    EXPECT_EQ(r.alert.severity, it->second.severity) << name;
  }
}

TEST(JmaCorpusListing, TableEntriesExistAndAllTypesPresent) {
  BCP_REQUIRE_TESTDATA("jma");
  auto names = test::listing("jma");
  EXPECT_GE(names.size(), 150u);
  for (const auto& [name, _] : town_table())
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  for (std::string type : {"VXSE51", "VXSE52", "VXSE53", "VTSE41", "VXSE43", "VXSE40", "VXSE41",
                           "VXSE42", "VXSE56", "VXSE60", "VXSE61"})
    EXPECT_TRUE(std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      return n.find(type) != n.npos;
    })) << type;
}

INSTANTIATE_TEST_SUITE_P(PublicFiles, JmaCorpus, ::testing::ValuesIn(test::corpus_params("jma")),
                         test::file_param_name);

}  // namespace
}  // namespace bcp::alerts
