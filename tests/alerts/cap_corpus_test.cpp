// Every file of ../shared/testdata/cap-public has an expected outcome here; a new file
// without one fails the test, so coverage cannot silently shrink.
#include <map>

#include "bcp/alerts/cap.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

using model::AlertKind;
using model::Severity;

struct Expect {
  std::string outcome;  // raise, update, cancel, not_shown, or "refused"
  AlertKind kind = AlertKind::other;
  Severity severity = Severity::info;
  std::string detail;  // substring of the error / not_shown reason / title
};

const std::map<std::string, Expect>& expectations() {
  static const std::map<std::string, Expect> m{
      {"43b080713727.cap", {"raise", AlertKind::other, Severity::critical, "Code ORANGE"}},
      {"KAR0-0306112239-SW.cap", {"raise", AlertKind::other, Severity::critical, "AMBER ALERT"}},
      {"australia.cap", {"raise", AlertKind::fire, Severity::advisory, "Yerong Creek"}},
      {"canada.cap", {"update", AlertKind::weather, Severity::advisory, "thunderstorm watch"}},
      {"canada_errors.cap", {"refused", {}, {}, "/alert/references: empty"}},
      {"canada_signed.cap", {"update", AlertKind::weather, Severity::warning, "snowfall"}},
      {"earthquake-iso8859-1.cap",
       {"raise", AlertKind::earthquake, Severity::info, "Usulut\xC3\xA1n"}},  // Latin-1 -> UTF-8
      {"earthquake.cap", {"raise", AlertKind::earthquake, Severity::info, "Neiafu"}},
      {"earthquake_signed.cap", {"raise", AlertKind::earthquake, Severity::info, "Geysers"}},
      {"invalid.cap", {"refused", {}, {}, "missing required element <scope>"}},
      {"no_optional_fields.cap", {"not_shown", {}, {}, "without an <info> block"}},
      {"noaa_errors.cap", {"refused", {}, {}, "/alert/references: empty"}},
      {"wcatwc-warning.cap", {"update", AlertKind::tsunami, Severity::critical, "tsunami"}},
      {"weather.cap", {"raise", AlertKind::weather, Severity::critical, "Flash Flood Watch"}},
      {"xee.cap", {"refused", {}, {}, "DOCTYPE"}},
  };
  return m;
}

class CapCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(CapCorpus, ParsesToExpectedOutcome) {
  BCP_REQUIRE_TESTDATA("cap-public");
  const std::string name = GetParam();
  auto it = expectations().find(name);
  ASSERT_NE(it, expectations().end()) << name << " has no expected outcome in this test";
  const Expect& e = it->second;
  const std::string xml = test::read_file(test::testdata("cap-public") / name);
  if (e.outcome == "refused") {
    try {
      parse_cap(xml);
      FAIL() << name << " was accepted";
    } catch (const AlertParseError& err) {
      EXPECT_NE(std::string(err.what()).find(e.detail), std::string::npos) << err.what();
      EXPECT_TRUE(std::string(err.what()).starts_with("CAP: ")) << err.what();
    }
    return;
  }
  CapResult r = parse_cap(xml);
  EXPECT_EQ(to_string(r.disposition), e.outcome) << name;
  EXPECT_FALSE(r.alert.drill) << name;  // none of the public files is an Exercise
  if (e.outcome == "not_shown") {
    EXPECT_NE(r.not_shown_reason.find(e.detail), std::string::npos) << r.not_shown_reason;
    EXPECT_FALSE(r.payload(false).has_value());
    return;
  }
  EXPECT_EQ(r.alert.kind, e.kind) << name;
  EXPECT_EQ(r.alert.severity, e.severity) << name;
  EXPECT_NE(r.alert.title.find(e.detail), std::string::npos) << r.alert.title;
  EXPECT_EQ(r.alert.source.kind, model::AlertSourceKind::cap);
  EXPECT_TRUE(r.alert.alert.starts_with("cap-"));
  if (r.disposition == Disposition::update) {
    ASSERT_FALSE(r.references.empty());
    EXPECT_NE(r.alert.alert, cap_alert_id(r.sender, r.identifier));
  } else {
    EXPECT_EQ(r.alert.alert, cap_alert_id(r.sender, r.identifier));
  }
}

TEST(CapCorpusListing, EveryExpectationHasItsFile) {
  BCP_REQUIRE_TESTDATA("cap-public");
  auto names = test::listing("cap-public");
  EXPECT_EQ(names.size(), expectations().size());
  for (const auto& [name, _] : expectations())
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
}

INSTANTIATE_TEST_SUITE_P(PublicFiles, CapCorpus, ::testing::ValuesIn(test::corpus_params("cap-public")),
                         test::file_param_name);

}  // namespace
}  // namespace bcp::alerts
