// The alert chimes generated in code (chime_samples: one sound for a drill, another for an
// actual alert), played through SDL audio. Without an audio device (headless servers, muted
// PCs) it stays silent instead of failing the wall.
#pragma once

#include <cstdint>
#include <vector>

#include "bcp/display/chime_policy.hpp"

namespace bcp::display {

class Chime {
 public:
  Chime() = default;
  ~Chime();
  Chime(const Chime&) = delete;
  Chime& operator=(const Chime&) = delete;
  bool open();  // false when no audio device; play() is then a no-op
  void play(ChimeSound sound);

 private:
  std::uint32_t device_ = 0;
  std::vector<std::int16_t> drill_;
  std::vector<std::int16_t> actual_;
};

}  // namespace bcp::display
