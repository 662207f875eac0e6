#include "bcp/alerts/keyword_rules.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

using namespace std::chrono_literals;

KeywordRuleSet bear_rules() {
  return parse_keyword_rules(
      nlohmann::json::parse(test::read_file(test::fixture("bear-rules.json"))));
}

model::TalkMessage talk(std::string text, std::string id = "m1", std::string group = "soumu") {
  model::TalkMessage m;
  m.group = std::move(group);
  m.message_id = std::move(id);
  m.sender = {"s001", "山田 太郎", "soumu"};
  m.text = std::move(text);
  return m;
}

const model::TimePoint t0 = model::TimePoint{} + std::chrono::hours{24 * 20000};

TEST(KeywordNormalize, WidthCaseAndKana) {
  EXPECT_EQ(normalize_for_match("ｸﾏ"), normalize_for_match("クマ"));
  EXPECT_EQ(normalize_for_match("くま"), normalize_for_match("クマ"));
  EXPECT_EQ(normalize_for_match("ｶﾞｽ"), normalize_for_match("がす"));
  EXPECT_EQ(normalize_for_match("ＢＥＡＲ"), "bear");
  EXPECT_EQ(normalize_for_match("Bear"), "bear");
}

TEST(KeywordMatcher, SpansAreOriginalByteOffsets) {
  KeywordMatcher m({"クマ"}, {});
  std::string text = "ABCｸﾏです";  // half-width kana: 6 bytes in the original
  auto spans = m.find(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin), "ｸﾏ");
  EXPECT_EQ(spans[0].keyword, "クマ");
  // Voiced half-width kana are one cluster: "ｸﾞ" is グ, not ク.
  EXPECT_TRUE(m.find("ｸﾞﾏ").empty());
  EXPECT_TRUE(m.find("\xff\xfe クマ").size() == 1);  // invalid UTF-8 does not stop matching
}

TEST(KeywordMatcher, BearCasesFixture) {
  KeywordRuleSet set = bear_rules();
  auto cases = nlohmann::json::parse(test::read_file(test::fixture("bear-cases.json")));
  ASSERT_GE(cases.size(), 10u);
  for (const auto& c : cases) {
    const std::string text = c["text"];
    std::vector<std::string> rules, spans;
    for (const auto& rule : set.rules) {
      KeywordMatcher m(rule.keywords, rule.exclude);
      auto found = m.find(text);
      if (!found.empty()) rules.push_back(rule.id);
      for (const auto& s : found) spans.push_back(text.substr(s.begin, s.end - s.begin));
    }
    std::sort(spans.begin(), spans.end());
    std::vector<std::string> want_rules = c["rules"], want_spans = c["spans"];
    std::sort(want_spans.begin(), want_spans.end());
    EXPECT_EQ(rules, want_rules) << text;
    EXPECT_EQ(spans, want_spans) << text;

    KeywordAlerter alerter(set);
    auto decisions = alerter.on_message(talk(text), t0);
    EXPECT_EQ(decisions.size(), want_rules.size()) << text;
    for (const auto& d : decisions) EXPECT_EQ(d.alert.drill, c.value("drill", false)) << text;
  }
}

TEST(KeywordAlerter, RaisesThenDebouncesIntoUpdates) {
  KeywordAlerter alerter(bear_rules());
  auto first = alerter.on_message(talk("役場の裏にクマ", "m1"), t0, false, "総務課");
  ASSERT_EQ(first.size(), 1u);
  const KeywordDecision& d = first[0];
  EXPECT_EQ(d.disposition, Disposition::raise);
  EXPECT_EQ(d.rule_id, "bear");
  EXPECT_EQ(d.alert.kind, model::AlertKind::bear);
  EXPECT_EQ(d.alert.severity, model::Severity::warning);
  EXPECT_EQ(d.alert.title, "クマ出没");
  EXPECT_EQ(d.alert.body, "[総務課] 山田 太郎: 役場の裏にクマ");
  EXPECT_EQ(d.alert.source.kind, model::AlertSourceKind::rule);
  EXPECT_FALSE(d.alert.drill);

  auto second = alerter.on_message(talk("クマが川の方へ", "m2"), t0 + 5min);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].disposition, Disposition::update);
  EXPECT_EQ(second[0].alert.alert, d.alert.alert);
  auto p = second[0].payload(true);
  ASSERT_TRUE(p && std::holds_alternative<model::AlertUpdated>(*p));
  EXPECT_EQ(std::get<model::AlertUpdated>(*p).body, "[soumu] 山田 太郎: クマが川の方へ");
  EXPECT_FALSE(std::get<model::AlertUpdated>(*p).title);

  // The window slides with each match: 14 min after the first, 9 after the second.
  EXPECT_EQ(alerter.on_message(talk("まだクマいる", "m3"), t0 + 14min)[0].disposition,
            Disposition::update);
  auto later = alerter.on_message(talk("またクマ", "m4"), t0 + 25min);
  EXPECT_EQ(later[0].disposition, Disposition::raise);
  EXPECT_NE(later[0].alert.alert, d.alert.alert);

  alerter.forget(later[0].alert.alert);
  EXPECT_EQ(alerter.on_message(talk("クマ", "m5"), t0 + 26min)[0].disposition, Disposition::raise);
}

TEST(KeywordAlerter, DrillsAreSeparateAlerts) {
  KeywordAlerter alerter(bear_rules());
  auto real = alerter.on_message(talk("クマ出た"), t0);
  auto drill = alerter.on_message(talk("【訓練】クマ出た", "m2"), t0 + 1min);
  ASSERT_EQ(drill.size(), 1u);
  EXPECT_TRUE(drill[0].alert.drill);
  EXPECT_EQ(drill[0].disposition, Disposition::raise);  // a drill never updates a real alert
  EXPECT_NE(drill[0].alert.alert, real[0].alert.alert);
  EXPECT_TRUE(alerter.on_message(talk("クマ", "m3", "kunren"), t0 + 2min)[0].alert.drill);
  EXPECT_TRUE(alerter.on_message(talk("クマ", "m4"), t0 + 3min, true)[0].alert.drill);
  EXPECT_TRUE(alerter.on_message(talk("　[訓練]クマ", "m5"), t0 + 4min).at(0).alert.drill == false);
}

TEST(KeywordAlerter, RestoreAfterRestart) {
  KeywordAlerter before(bear_rules());
  auto raised = before.on_message(talk("クマ"), t0)[0].alert;
  KeywordAlerter after(bear_rules());
  after.restore(raised, t0);
  auto d = after.on_message(talk("クマまだいる", "m2"), t0 + 1min);
  EXPECT_EQ(d[0].disposition, Disposition::update);
  EXPECT_EQ(d[0].alert.alert, raised.alert);
}

TEST(KeywordRules, ConfigErrorsNameThePointer) {
  auto err = [](const char* json) -> std::string {
    try {
      parse_keyword_rules(nlohmann::json::parse(json));
    } catch (const AlertParseError& e) {
      return e.what();
    }
    return "(accepted)";
  };
  EXPECT_EQ(
      err(R"([{"id":"b","keywords":["熊"],"kind":"bears","severity":"warning","title":"t"}])"),
      "rules: /0/kind: unknown value \"bears\"");
  EXPECT_EQ(err(R"([{"id":"b","keywords":[],"kind":"bear","severity":"warning","title":"t"}])"),
            "rules: /0/keywords: must not be empty");
  EXPECT_EQ(
      err(R"({"rules":[{"id":"b","keywords":["x"],"kind":"bear","severity":"warning","title":"t","debounce_seconds":-1}]})"),
      "rules: /rules/0/debounce_seconds: must be an integer from 0 to 604800");
  EXPECT_EQ(err(R"({"rulez":[]})"), "rules: /rulez: unknown field");
  EXPECT_EQ(err(R"([{"id":"b","keywords":["x"],"kind":"bear","severity":"warning","title":"t"},
                    {"id":"b","keywords":["y"],"kind":"bear","severity":"warning","title":"t"}])"),
            "rules: /1/id: duplicate id \"b\"");
  KeywordRuleSet plain = parse_keyword_rules(nlohmann::json::parse(
      R"([{"id":"b","keywords":["x"],"kind":"bear","severity":"info","title":"t"}])"));
  EXPECT_EQ(plain.rules.at(0).debounce, std::chrono::seconds{600});
  EXPECT_EQ(plain.drill_prefix, "【訓練】");
}

}  // namespace
}  // namespace bcp::alerts
