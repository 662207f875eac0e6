// A frame as it goes on the wire to a subscriber: the WebSocket header and the payload, built
// once (bcp/daemon/stream/ws_frame.hpp) and shared by every subscriber it is queued to.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "bcp/daemon/stream/ws_frame.hpp"

namespace bcp::daemon {

using Frame = std::shared_ptr<const std::string>;

// A text frame carrying `json`, the only data frame the stream sends.
inline Frame text_frame(std::string_view json) {
  return std::make_shared<const std::string>(ws::encode_frame(ws::Opcode::text, json));
}
inline Frame control_frame(ws::Opcode opcode, std::string_view payload) {
  return std::make_shared<const std::string>(ws::encode_frame(opcode, payload));
}
inline Frame close_frame(std::uint16_t code, std::string_view reason) {
  return std::make_shared<const std::string>(ws::encode_close(code, reason));
}

}  // namespace bcp::daemon
