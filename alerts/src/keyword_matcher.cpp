#include <algorithm>

#include "bcp/alerts/keyword_rules.hpp"
#include "normalize.hpp"

namespace bcp::alerts {

KeywordMatcher::KeywordMatcher(std::vector<std::string> keywords,
                               std::vector<std::string> exclude) {
  for (auto& k : keywords) {
    std::string n = normalize_for_match(k);
    if (!n.empty()) keywords_.emplace_back(std::move(n), std::move(k));
  }
  for (const auto& e : exclude) {
    std::string n = normalize_for_match(e);
    if (!n.empty()) exclude_.push_back(std::move(n));
  }
}

std::vector<MatchSpan> KeywordMatcher::find(std::string_view text) const {
  if (keywords_.empty() || text.empty()) return {};
  detail::NormalizedText norm = detail::normalize_with_map(text);
  const std::string& hay = norm.text;

  std::vector<std::pair<size_t, size_t>> excluded;  // normalised byte ranges
  for (const auto& e : exclude_) {
    for (size_t p = hay.find(e); p != std::string::npos; p = hay.find(e, p + 1))
      excluded.emplace_back(p, p + e.size());
  }
  struct Hit {
    size_t begin, end;
    const std::string* keyword;
  };
  std::vector<Hit> hits;
  for (const auto& [k, original] : keywords_) {
    for (size_t p = hay.find(k); p != std::string::npos; p = hay.find(k, p + 1)) {
      size_t e = p + k.size();
      bool hidden = std::any_of(excluded.begin(), excluded.end(),
                                [&](const auto& x) { return p < x.second && x.first < e; });
      if (!hidden) hits.push_back({p, e, &original});
    }
  }
  // Earliest first, the longest keyword at one position wins; overlapping hits are dropped.
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<MatchSpan> spans;
  size_t covered = 0;
  for (const Hit& h : hits) {
    if (!spans.empty() && h.begin < covered) continue;
    covered = h.end;
    MatchSpan s{norm.origin[h.begin].first, norm.origin[h.end - 1].second, *h.keyword};
    // Two hits inside one original cluster map to the same span; keep it once.
    if (!spans.empty() && s.begin < spans.back().end) continue;
    spans.push_back(std::move(s));
  }
  return spans;
}

}  // namespace bcp::alerts
