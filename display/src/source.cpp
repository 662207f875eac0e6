#include "source.hpp"

#include <thread>

namespace bcp::display {

Source::Source(client::ClientOptions options) {
  client_ = std::make_unique<client::StreamClient>(std::move(options), queue_);
  client_->start();
}

Source::Source(model::Situation fixed) : fixed_(std::move(fixed)) {}

Source::Source(std::unique_ptr<ReplaySession> replay) : replay_(std::move(replay)) {}

Source::~Source() {
  if (client_) client_->stop();
}

void Source::poll(GlyphAtlas& atlas, Clock::time_point now) {
  if (fixed_) {
    atlas.add_situation(*fixed_);
    return;
  }
  if (replay_) {
    if (!replay_text_added_) {
      // Every character the whole journal can show, once: no rebuild while it plays.
      replay_text_added_ = true;
      atlas.add_situation(replay_->situation());
      for (const auto& e : replay_->timeline().events()) atlas.add_event(e);
    }
    replay_->update(now);
    return;
  }
  batch_.clear();
  queue_.drain(batch_);
  for (const auto& u : batch_) {
    if (const auto* snap = std::get_if<client::SnapshotUpdate>(&u)) {
      atlas.add_situation(snap->situation);
    } else if (const auto* ev = std::get_if<model::Event>(&u)) {
      atlas.add_event(*ev);
    }
    mirror_.take(u, now);
  }
  if (!batch_.empty()) {
    // Directory names arrive with the snapshot; the large font needs the town name too.
    atlas.add_large_text(mirror_.situation().directory.town_name);
  }
  batch_.clear();
}

void Source::wait(Clock::time_point deadline) {
  if (client_) {
    queue_.wait_until(deadline);
  } else {
    std::this_thread::sleep_until(deadline);
  }
}

const model::Situation& Source::situation() const {
  if (replay_) return replay_->situation();
  return fixed_ ? *fixed_ : mirror_.situation();
}

bool Source::has_data() const { return fixed_ || replay_ || mirror_.has_data(); }

FeedHealth Source::health(const StalenessThresholds& t, Clock::time_point now) const {
  if (fixed_) return FeedHealth::offline_file;
  if (replay_) return FeedHealth::replay;
  return classify_feed(mirror_.state(), mirror_.has_data(), mirror_.silence_seconds(now), t);
}

std::optional<double> Source::silence(Clock::time_point now) const {
  if (fixed_ || replay_) return std::nullopt;
  return mirror_.silence_seconds(now);
}

std::optional<model::TimePoint> Source::data_as_of() const {
  if (fixed_ || replay_) return std::nullopt;
  return mirror_.data_as_of();
}

const std::string& Source::detail() const {
  return fixed_ || replay_ ? empty_ : mirror_.state_detail();
}

std::uint64_t Source::revision() const {
  if (replay_) return replay_->revision();
  return fixed_ ? 0 : mirror_.revision();
}

}  // namespace bcp::display
