#include "bcp/display/chime_policy.hpp"

#include <algorithm>
#include <cmath>

namespace bcp::display {

std::vector<std::string> alerts_wanting_chime(const model::Situation& s,
                                              const std::set<std::string>& acked_locally,
                                              model::TimePoint now) {
  std::vector<std::string> out;
  const bool actual_mode = s.shows_actual(now);
  for (const auto* a : s.active_alerts(now)) {
    if (a->alert.severity < model::Severity::warning) continue;
    if (actual_mode && a->alert.drill) continue;
    if (a->acknowledged_by || acked_locally.count(a->alert.alert)) continue;
    out.push_back(a->alert.alert);
  }
  return out;
}

ChimeSound chime_sound(const model::Situation& s, const std::vector<std::string>& wanting) {
  for (const auto& id : wanting) {
    auto it = s.alerts.find(id);
    if (it != s.alerts.end() && !it->second.alert.drill) return ChimeSound::actual;
  }
  return ChimeSound::drill;
}

std::vector<std::int16_t> chime_samples(ChimeSound sound, int rate) {
  struct Tone {
    double freq, seconds, decay, gain;
  };
  // Each tone: quick attack, exponential decay; a short rest between the actual's rounds.
  static const std::vector<Tone> kDrill = {{1318.5, 0.45, 6.0, 0.35}, {1046.5, 0.45, 6.0, 0.35}};
  static const std::vector<Tone> kActual = {
      {880.0, 0.22, 4.0, 0.6}, {1108.7, 0.22, 4.0, 0.6}, {1318.5, 0.36, 4.0, 0.6}, {0, 0.18, 0, 0},
      {880.0, 0.22, 4.0, 0.6}, {1108.7, 0.22, 4.0, 0.6}, {1318.5, 0.36, 4.0, 0.6}};
  const double pi = 3.14159265358979;
  std::vector<std::int16_t> out;
  for (const Tone& tone : sound == ChimeSound::actual ? kActual : kDrill) {
    const int n = static_cast<int>(rate * tone.seconds);
    for (int i = 0; i < n; ++i) {
      double t = static_cast<double>(i) / rate;
      double env = std::min(1.0, t / 0.005) * std::exp(-t * tone.decay);
      double v = std::sin(2 * pi * tone.freq * t) * env * tone.gain;
      out.push_back(static_cast<std::int16_t>(v * 32767));
    }
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
