#include "chime.hpp"

#include <SDL.h>

#include <cmath>

namespace bcp::display {

bool Chime::open() {
  if (!SDL_WasInit(SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) return false;
  SDL_AudioSpec want{}, have{};
  want.freq = 48000;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 1024;
  device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
  if (device_ == 0) return false;
  // Ding-dong (E6 then C6), each with a quick attack and exponential decay: audible across
  // a room without being an alarm siren, which the real alerts already are.
  const int rate = want.freq;
  const double pi = 3.14159265358979;
  for (double freq : {1318.5, 1046.5}) {
    int n = rate * 45 / 100;
    for (int i = 0; i < n; ++i) {
      double t = static_cast<double>(i) / rate;
      double env = std::min(1.0, t / 0.005) * std::exp(-t * 6.0);
      double v = std::sin(2 * pi * freq * t) * env * 0.35;
      samples_.push_back(static_cast<std::int16_t>(v * 32767));
    }
  }
  SDL_PauseAudioDevice(device_, 0);
  return true;
}

void Chime::play() {
  if (device_ == 0) return;
  SDL_ClearQueuedAudio(device_);
  SDL_QueueAudio(device_, samples_.data(),
                 static_cast<Uint32>(samples_.size() * sizeof(std::int16_t)));
}

Chime::~Chime() {
  if (device_ != 0) SDL_CloseAudioDevice(device_);
}

}  // namespace bcp::display
