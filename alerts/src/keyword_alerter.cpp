#include <algorithm>

#include "bcp/alerts/keyword_rules.hpp"
#include "time_util.hpp"

namespace bcp::alerts {
namespace {

std::string_view trim_front(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  if (s.starts_with("\u3000")) return trim_front(s.substr(3));  // ideographic space
  return s;
}

std::string body_of(const model::TalkMessage& msg, std::string_view group_label) {
  std::string group = group_label.empty() ? msg.group : std::string(group_label);
  std::string sender = msg.sender.name.empty() ? msg.sender.id : msg.sender.name;
  return "[" + group + "] " + sender + ": " + msg.text;
}

}  // namespace

KeywordAlerter::KeywordAlerter(KeywordRuleSet rules) : rules_(std::move(rules)) {
  for (const auto& r : rules_.rules) matchers_.emplace_back(r.keywords, r.exclude);
}

std::vector<KeywordDecision> KeywordAlerter::on_message(const model::TalkMessage& msg,
                                                        model::TimePoint at, bool drill_group,
                                                        std::string_view group_label) {
  std::vector<KeywordDecision> out;
  bool drill = drill_group || std::find(rules_.drill_groups.begin(), rules_.drill_groups.end(),
                                        msg.group) != rules_.drill_groups.end();
  if (!drill && !rules_.drill_prefix.empty()) {
    // Normalised, so width variants of the prefix (e.g. ＡＢＣ vs ABC) still count.
    drill = normalize_for_match(trim_front(msg.text))
                .starts_with(normalize_for_match(rules_.drill_prefix));
  }
  for (size_t i = 0; i < rules_.rules.size(); ++i) {
    const KeywordRule& rule = rules_.rules[i];
    std::vector<MatchSpan> spans = matchers_[i].find(msg.text);
    if (spans.empty()) continue;

    KeywordDecision d;
    d.rule_id = rule.id;
    d.spans = std::move(spans);
    model::AlertRaised& a = d.alert;
    a.kind = rule.kind;
    a.severity = rule.severity;
    a.drill = drill;
    a.title = rule.title;
    a.body = body_of(msg, group_label);
    a.source = model::AlertSource{model::AlertSourceKind::rule, rule.id};

    auto key = std::make_pair(rule.id, drill);
    auto it = open_.find(key);
    auto since = it == open_.end() ? std::chrono::milliseconds::max()
                                   : std::chrono::abs(at - it->second.last_match);
    if (it != open_.end() && since <= rule.debounce) {
      d.disposition = Disposition::update;
      a.alert = it->second.alert_id;
      it->second.last_match = std::max(it->second.last_match, at);
      // The newest message replaces the body; title and severity stay as raised.
      model::AlertUpdated u;
      u.alert = a.alert;
      u.body = a.body;
      d.partial = std::move(u);
    } else {
      d.disposition = Disposition::raise;
      a.alert = "rule-" + rule.id + "-" + detail::compact_utc(at) + "-" +
                detail::stable_hash(msg.group, msg.message_id).substr(0, 8);
      open_[key] = Open{a.alert, at};
    }
    out.push_back(std::move(d));
  }
  return out;
}

void KeywordAlerter::forget(std::string_view alert_id) {
  std::erase_if(open_, [&](const auto& kv) { return kv.second.alert_id == alert_id; });
}

void KeywordAlerter::restore(const model::AlertRaised& raised, model::TimePoint at) {
  if (raised.source.kind != model::AlertSourceKind::rule || !raised.source.ref) return;
  auto key = std::make_pair(*raised.source.ref, raised.drill);
  auto it = open_.find(key);
  if (it == open_.end() || it->second.last_match <= at) open_[key] = Open{raised.alert, at};
}

}  // namespace bcp::alerts
