// The WebSocket framing (RFC 6455 §5) that /v1/stream speaks once the upgrade is answered.
// The daemon frames every server message itself: a server frame is not masked, so one event's
// frame (header and payload in one string) is built once and the same bytes are written to
// every subscriber, several queued frames in one gathered write. It reads the few frames a
// wall sends (its hello, pongs, pings, the close) with FrameReader, so that everything written
// to a subscriber's socket goes through that subscriber's one queue.
//
// No Asio and no threads: FrameReader is fed whatever bytes arrived, as they arrived (it is
// fuzzed that way, alerts/fuzz/fuzz_ws_frames.cpp). Everything it reads is untrusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace bcp::daemon::ws {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes (RFC 6455 §7.4.1) the daemon sends.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseProtocolError = 1002;
inline constexpr std::uint16_t kCloseInvalidPayload = 1007;  // a text message not in UTF-8
inline constexpr std::uint16_t kClosePolicyViolation = 1008;
inline constexpr std::uint16_t kCloseMessageTooBig = 1009;

// A control frame's payload is at most 125 bytes (§5.5).
inline constexpr std::size_t kMaxControlPayload = 125;

// One unfragmented, unmasked server frame: FIN, the opcode, the shortest length encoding.
std::string encode_frame(Opcode opcode, std::string_view payload);
// A close frame with its code and as much of `reason` as fits in a control frame (cut on a
// UTF-8 character boundary).
std::string encode_close(std::uint16_t code, std::string_view reason);

// A whole message from the peer: a data message (text/binary, reassembled from its fragments)
// or one control frame. For a close, `payload` is what followed the opcode (code and reason).
struct Message {
  Opcode opcode;
  std::string payload;
};
// Not enough bytes yet for the next message.
struct NeedMore {};
// What the peer did wrong, and the close code to answer with. The reader stays failed.
struct ProtocolError {
  std::uint16_t close_code;
  std::string why;
};
using ReadStep = std::variant<NeedMore, Message, ProtocolError>;

// Reads a client's frames (§5.2-5.4): masked, no extension bits, known opcodes, control frames
// unfragmented and ≤ 125 bytes, fragments continuing a data message that was begun, lengths in
// their shortest form, text messages in UTF-8 (§8.1). A data message longer than `max_message_bytes` fails before its bytes
// are held; what waits unparsed is at most one frame's header and payload.
class FrameReader {
 public:
  explicit FrameReader(std::size_t max_message_bytes);

  // Takes bytes as they came off the socket.
  void feed(std::string_view bytes);
  // The next whole message, NeedMore, or the protocol error (then always that error).
  ReadStep next();
  // Bytes taken in but not yet returned as a message (for the bound's tests).
  std::size_t buffered() const { return pending_.size() - consumed_ + message_.size(); }

 private:
  ReadStep fail(std::uint16_t code, std::string why);
  void compact();

  std::size_t max_message_bytes_;
  std::string pending_;        // raw bytes; pending_[consumed_..] not parsed yet
  std::size_t consumed_ = 0;
  std::string message_;        // the fragments of the data message under way
  bool in_message_ = false;
  Opcode message_opcode_ = Opcode::text;
  bool failed_ = false;
  ProtocolError error_{0, {}};
};

}  // namespace bcp::daemon::ws
