// When the alert chime sounds: a pure decision over the alerts that still want attention,
// the mute flag and a monotonic clock, so repeat / acknowledge / mute are unit-tested
// without an audio device. The sound itself is chime.hpp.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bcp/model/situation.hpp"

namespace bcp::display {

// Active warning/critical alerts acknowledged neither centrally (alert.acknowledged, from
// anywhere) nor on this wall: the ones the chime is about.
std::vector<std::string> alerts_wanting_chime(const model::Situation& s,
                                              const std::set<std::string>& acked_locally,
                                              model::TimePoint now);

class ChimePolicy {
 public:
  explicit ChimePolicy(double repeat_seconds = 20) : repeat_seconds_(repeat_seconds) {}

  // Called every loop turn with the alerts that want attention now; true when the chime
  // should sound now. A new alert sounds at once; while any stays unacknowledged the chime
  // repeats every repeat_seconds; muting silences it and unmuting resumes it (at once when
  // an alert arrived meanwhile). Acknowledged or cancelled alerts simply drop out.
  bool update(const std::vector<std::string>& wanting, bool muted, double mono_seconds);

  // When update() would next return true if nothing changes, for the loop's sleep.
  std::optional<double> next_due(bool muted) const;

 private:
  double repeat_seconds_;
  std::set<std::string> announced_;  // chimed for at least once, still wanting
  std::optional<double> last_play_;
  bool any_wanting_ = false;
};

}  // namespace bcp::display
