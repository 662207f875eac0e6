#include "bcp/display/chime_policy.hpp"

namespace bcp::display {

std::vector<std::string> alerts_wanting_chime(const model::Situation& s,
                                              const std::set<std::string>& acked_locally,
                                              model::TimePoint now) {
  std::vector<std::string> out;
  for (const auto* a : s.active_alerts(now)) {
    if (a->alert.severity < model::Severity::warning) continue;
    if (a->acknowledged_by || acked_locally.count(a->alert.alert)) continue;
    out.push_back(a->alert.alert);
  }
  return out;
}

bool ChimePolicy::update(const std::vector<std::string>& wanting, bool muted, double mono) {
  // Forget what no longer wants attention, so the set stays as small as the alert list.
  std::set<std::string> still;
  bool fresh = false;
  for (const auto& id : wanting) {
    if (announced_.count(id)) {
      still.insert(id);
    } else {
      fresh = true;
    }
  }
  announced_ = std::move(still);
  any_wanting_ = !wanting.empty();
  if (wanting.empty() || muted) return false;
  bool repeat_due = last_play_ && mono - *last_play_ >= repeat_seconds_;
  if (!fresh && !repeat_due) return false;
  announced_.insert(wanting.begin(), wanting.end());
  last_play_ = mono;
  return true;
}

std::optional<double> ChimePolicy::next_due(bool muted) const {
  if (!any_wanting_ || muted || !last_play_) return std::nullopt;
  return *last_play_ + repeat_seconds_;
}

}  // namespace bcp::display
