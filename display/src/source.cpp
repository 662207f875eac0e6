#include "source.hpp"

#include <thread>

namespace bcp::display {

Source::Source(client::ClientOptions options) {
  client_ = std::make_unique<client::StreamClient>(std::move(options), queue_);
  client_->start();
}

Source::Source(model::Situation fixed) : fixed_(std::move(fixed)) {}

Source::~Source() {
  if (client_) client_->stop();
}

void Source::poll(GlyphAtlas& atlas, Clock::time_point now) {
  if (fixed_) {
    atlas.add_situation(*fixed_);
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

const model::Situation& Source::situation() const { return fixed_ ? *fixed_ : mirror_.situation(); }

bool Source::has_data() const { return fixed_ || mirror_.has_data(); }

FeedHealth Source::health(const StalenessThresholds& t, Clock::time_point now) const {
  if (fixed_) return FeedHealth::offline_file;
  return classify_feed(mirror_.state(), mirror_.has_data(), mirror_.silence_seconds(now), t);
}

std::optional<double> Source::silence(Clock::time_point now) const {
  if (fixed_) return std::nullopt;
  return mirror_.silence_seconds(now);
}

std::optional<model::TimePoint> Source::data_as_of() const {
  if (fixed_) return std::nullopt;
  return mirror_.data_as_of();
}

const std::string& Source::detail() const { return fixed_ ? empty_ : mirror_.state_detail(); }

std::uint64_t Source::revision() const { return fixed_ ? 0 : mirror_.revision(); }

}  // namespace bcp::display
