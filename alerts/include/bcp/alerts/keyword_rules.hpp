// Keyword rules on talk messages: a level-C message that mentions a configured keyword raises
// an alert (e.g. a bear sighting); repeated mentions within the debounce window update it.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/alerts/outcome.hpp"

namespace bcp::alerts {

struct KeywordRule {
  std::string id;
  std::vector<std::string> keywords;
  std::vector<std::string> exclude;  // phrases that hide a keyword inside them (熊本 for 熊)
  model::AlertKind kind = model::AlertKind::other;
  model::Severity severity = model::Severity::warning;
  std::string title;
  std::chrono::seconds debounce{600};
};

struct KeywordRuleSet {
  std::vector<KeywordRule> rules;
  std::string drill_prefix = "【訓練】";  // a message starting with it raises drill alerts
  std::vector<std::string> drill_groups;  // group ids whose messages are all drills
};

// Reads the config's `rules` section: either an array of rules or an object
// {"rules": [...], "drill_prefix": "【訓練】", "drill_groups": ["kunren"]}. A rule is
// {"id", "keywords": [...], "exclude"?: [...], "kind", "severity", "title", "debounce_seconds"?}.
// Throws AlertParseError naming the JSON pointer, e.g. `rules: /0/kind: unknown value "bears"`.
KeywordRuleSet parse_keyword_rules(const nlohmann::json& section);

// One problem in the `rules` section; `where` is the JSON pointer inside the section.
struct RuleConfigProblem {
  std::string where;
  std::string message;
  bool operator==(const RuleConfigProblem&) const = default;
};

// The same, but collects every problem instead of throwing at the first (for
// `bcp-feedd --check-config`). Rules with a problem are left out of the returned set.
KeywordRuleSet parse_keyword_rules(const nlohmann::json& section,
                                   std::vector<RuleConfigProblem>& problems);

// Text normalised for matching: NFKC + case fold (utf8proc) + hiragana folded to katakana, so
// "くま", "クマ", "ｸﾏ" and "ＫＵＭＡ"/"kuma" compare equal to their own forms.
std::string normalize_for_match(std::string_view text);

// Byte range [begin, end) in the ORIGINAL text, for highlighting on the wall.
struct MatchSpan {
  size_t begin = 0;
  size_t end = 0;
  std::string keyword;  // as configured
  bool operator==(const MatchSpan&) const = default;
};

class KeywordMatcher {
 public:
  KeywordMatcher(std::vector<std::string> keywords, std::vector<std::string> exclude = {});
  // Keyword occurrences that are not inside an excluded phrase, in text order, not
  // overlapping. Invalid UTF-8 is matched byte-for-byte as far as it goes, never thrown on.
  std::vector<MatchSpan> find(std::string_view text) const;
  bool matches(std::string_view text) const { return !find(text).empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> keywords_;  // (normalised, as configured)
  std::vector<std::string> exclude_;                           // normalised
};

// One rule's verdict on a message.
struct KeywordDecision : Outcome {
  std::string rule_id;
  std::vector<MatchSpan> spans;
};

// Stateful: remembers per rule (and drill or not) the alert it raised and when it last matched,
// so repeated matches within the rule's debounce window become updates. Not thread-safe; the
// daemon calls it from the one place that journals talk messages.
class KeywordAlerter {
 public:
  explicit KeywordAlerter(KeywordRuleSet rules);

  // `group_label`: the group's display name for the body (its id when empty). `drill_group`:
  // the config flags the group as a drill group (also true when listed in drill_groups).
  std::vector<KeywordDecision> on_message(const model::TalkMessage& msg, model::TimePoint at,
                                          bool drill_group = false,
                                          std::string_view group_label = {});

  // The alert was cancelled or expired: the next match raises a new one.
  void forget(std::string_view alert_id);
  // Rebuilds the debounce state after a restart from a journaled rule alert.
  void restore(const model::AlertRaised& raised, model::TimePoint at);

  const KeywordRuleSet& rules() const { return rules_; }

 private:
  struct Open {
    std::string alert_id;
    model::TimePoint last_match;
  };
  KeywordRuleSet rules_;
  std::vector<KeywordMatcher> matchers_;
  std::map<std::pair<std::string, bool>, Open> open_;  // (rule id, drill) -> open alert
};

}  // namespace bcp::alerts
