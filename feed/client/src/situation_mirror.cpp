#include <chrono>

#include "bcp/client/stream_client.hpp"
#include "bcp/model/reducer.hpp"

namespace bcp::client {

void SituationMirror::take(const Update& u, std::chrono::steady_clock::time_point now) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SnapshotUpdate>) {
          situation_ = v.situation;
          has_data_ = true;
          last_frame_ = now;
          data_as_of_ = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
          ++revision_;
        } else if constexpr (std::is_same_v<T, model::Event>) {
          if (model::apply(situation_, v)) ++revision_;
          last_frame_ = now;
          data_as_of_ = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
        } else if constexpr (std::is_same_v<T, HeartbeatUpdate>) {
          last_frame_ = now;
          data_as_of_ = v.server_time;
        } else if constexpr (std::is_same_v<T, StateUpdate>) {
          if (state_ != v.state || detail_ != v.detail) ++revision_;
          state_ = v.state;
          detail_ = v.detail;
        }
      },
      u);
}

std::optional<double> SituationMirror::silence_seconds(std::chrono::steady_clock::time_point now) const {
  if (!last_frame_) return std::nullopt;
  return std::chrono::duration<double>(now - *last_frame_).count();
}

}  // namespace bcp::client
