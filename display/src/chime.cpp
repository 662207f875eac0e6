#include "chime.hpp"

#include <SDL.h>

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
  drill_ = chime_samples(ChimeSound::drill, have.freq);
  actual_ = chime_samples(ChimeSound::actual, have.freq);
  SDL_PauseAudioDevice(device_, 0);
  return true;
}

void Chime::play(ChimeSound sound) {
  if (device_ == 0) return;
  const auto& samples = sound == ChimeSound::actual ? actual_ : drill_;
  SDL_ClearQueuedAudio(device_);
  SDL_QueueAudio(device_, samples.data(),
                 static_cast<Uint32>(samples.size() * sizeof(std::int16_t)));
}

Chime::~Chime() {
  if (device_ != 0) SDL_CloseAudioDevice(device_);
}

}  // namespace bcp::display
