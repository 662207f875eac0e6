// When the alert chime sounds: a pure decision over the alerts that still want attention,
// the mute flag and a monotonic clock, so repeat / acknowledge / mute are unit-tested
// without an audio device. The sound itself is chime.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bcp/model/situation.hpp"

namespace bcp::display {

// Active warning/critical alerts acknowledged neither centrally (alert.acknowledged, from
// anywhere) nor on this wall: the ones the chime is about. While the actual band shows
// (Situation::shows_actual), drill alerts are demoted and do not call for the chime.
std::vector<std::string> alerts_wanting_chime(const model::Situation& s,
                                              const std::set<std::string>& acked_locally,
                                              model::TimePoint now);

// An actual alert sounds different from a drill's, so that the room hears which it is
// before anyone looks up.
enum class ChimeSound { drill, actual };
// Actual as soon as one of the alerts that want the chime is real.
ChimeSound chime_sound(const model::Situation& s, const std::vector<std::string>& wanting);
// What each sounds like, as mono 16-bit samples at `rate` Hz. Drill: the soft two-tone
// ding-dong (E6, C6). Actual: three rising tones (A5, C#6, E6) played twice, louder and
// longer: urgent, but still a chime beside the real alarms, not a siren.
std::vector<std::int16_t> chime_samples(ChimeSound sound, int rate);

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
