// Where the wall's situation comes from: the live stream (client thread + queue + mirror)
// or a fixed snapshot (--situation / --demo), or a replayed journal (--replay). The UI thread
// only ever drains the queue.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "bcp/client/stream_client.hpp"
#include "bcp/display/fonts.hpp"
#include "bcp/display/replay_session.hpp"
#include "bcp/display/staleness.hpp"

namespace bcp::display {

class Source {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Source(client::ClientOptions options);  // live; starts the client thread
  explicit Source(model::Situation fixed);         // fixed snapshot
  explicit Source(std::unique_ptr<ReplaySession> replay);  // replay (replay_source.hpp)
  ~Source();

  // Applies everything queued; registers new characters with the atlas first so the
  // frame that shows them can have them baked.
  void poll(GlyphAtlas& atlas, Clock::time_point now);
  // Blocks until an update is queued or `deadline` (live); sleeps until deadline (fixed).
  void wait(Clock::time_point deadline);

  const model::Situation& situation() const;
  bool live() const { return client_ != nullptr; }
  ReplaySession* replay() const { return replay_.get(); }
  bool has_data() const;
  FeedHealth health(const StalenessThresholds& t, Clock::time_point now) const;
  std::optional<double> silence(Clock::time_point now) const;
  std::optional<model::TimePoint> data_as_of() const;
  const std::string& detail() const;
  std::uint64_t revision() const;

 private:
  client::UpdateQueue queue_;
  std::unique_ptr<client::StreamClient> client_;
  client::SituationMirror mirror_;
  std::optional<model::Situation> fixed_;
  std::unique_ptr<ReplaySession> replay_;
  bool replay_text_added_ = false;
  std::vector<client::Update> batch_;  // reused: an idle poll allocates nothing
  std::string empty_;
};

}  // namespace bcp::display
