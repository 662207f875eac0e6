// Stream protocol: frames between bcp-feedd and walls/tools (DESIGN.md "Public contracts").
#pragma once

#include <cstdint>

namespace bcp::model {

inline constexpr int kProtocolVersion = 1;
static_assert(kProtocolVersion == 1, "frames below are those of protocol version 1");

// Frame "type" values, all JSON text frames of the form {"v":1,"type":...}.
inline constexpr const char* kFrameHello = "hello";
inline constexpr const char* kFrameSnapshot = "snapshot";
inline constexpr const char* kFrameEvent = "event";
inline constexpr const char* kFrameHeartbeat = "heartbeat";
inline constexpr const char* kFrameError = "error";

}  // namespace bcp::model
