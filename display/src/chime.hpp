// A short two-tone chime generated in code, played through SDL audio. Without an audio
// device (headless servers, muted PCs) it stays silent instead of failing the wall.
#pragma once

#include <cstdint>
#include <vector>

namespace bcp::display {

class Chime {
 public:
  Chime() = default;
  ~Chime();
  Chime(const Chime&) = delete;
  Chime& operator=(const Chime&) = delete;
  bool open();  // false when no audio device; play() is then a no-op
  void play();

 private:
  std::uint32_t device_ = 0;
  std::vector<std::int16_t> samples_;
};

}  // namespace bcp::display
