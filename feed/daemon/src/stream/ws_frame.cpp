#include "bcp/daemon/stream/ws_frame.hpp"

#include <array>

#include "bcp/common/utf8.hpp"

namespace bcp::daemon::ws {

namespace {
constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kReservedBits = 0x70;
constexpr std::uint8_t kMaskBit = 0x80;

bool is_control(std::uint8_t opcode) { return (opcode & 0x8) != 0; }
bool is_known(std::uint8_t opcode) {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

// The length of a UTF-8 prefix of `s` at most `limit` bytes long that ends on a character.
std::size_t utf8_cut(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return s.size();
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}
}  // namespace

std::string encode_frame(Opcode opcode, std::string_view payload) {
  std::string out;
  const std::size_t n = payload.size();
  out.reserve(n + 10);
  out.push_back(static_cast<char>(kFin | static_cast<std::uint8_t>(opcode)));
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>((n >> 8) & 0xFF));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
    }
  }
  out.append(payload);
  return out;
}

std::string encode_close(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, utf8_cut(reason, kMaxControlPayload - 2)));
  return encode_frame(Opcode::close, payload);
}

FrameReader::FrameReader(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

void FrameReader::feed(std::string_view bytes) {
  if (failed_) return;
  compact();
  pending_.append(bytes);
}

void FrameReader::compact() {
  // Parsed bytes go once they are more than what is left: each byte is moved a bounded
  // number of times, and the buffer never holds more than one frame and one read behind it.
  if (consumed_ > 0 && consumed_ >= pending_.size() - consumed_) {
    pending_.erase(0, consumed_);
    consumed_ = 0;
  }
}

ReadStep FrameReader::fail(std::uint16_t code, std::string why) {
  failed_ = true;
  error_ = ProtocolError{code, std::move(why)};
  pending_.clear();
  message_.clear();
  consumed_ = 0;
  return error_;
}

ReadStep FrameReader::next() {
  if (failed_) return error_;
  for (;;) {
    const std::string_view in = std::string_view(pending_).substr(consumed_);
    if (in.size() < 2) return NeedMore{};
    const auto b0 = static_cast<std::uint8_t>(in[0]);
    const auto b1 = static_cast<std::uint8_t>(in[1]);
    const bool fin = (b0 & kFin) != 0;
    const std::uint8_t opcode = b0 & 0x0F;
    if ((b0 & kReservedBits) != 0) return fail(kCloseProtocolError, "reserved bits set (no extension was agreed)");
    if (!is_known(opcode)) return fail(kCloseProtocolError, "unknown opcode " + std::to_string(opcode));
    if ((b1 & kMaskBit) == 0) return fail(kCloseProtocolError, "a client frame was not masked");

    // The length, in the shortest of its three forms (§5.2).
    std::uint64_t length = b1 & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (in.size() < 4) return NeedMore{};
      length = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(in[2])) << 8) |
               static_cast<std::uint8_t>(in[3]);
      if (length < 126) return fail(kCloseProtocolError, "length not in its shortest form");
      header = 4;
    } else if (length == 127) {
      if (in.size() < 10) return NeedMore{};
      length = 0;
      for (int i = 2; i < 10; ++i) length = (length << 8) | static_cast<std::uint8_t>(in[i]);
      if (length >> 63) return fail(kCloseProtocolError, "length with its top bit set");
      if (length <= 0xFFFF) return fail(kCloseProtocolError, "length not in its shortest form");
      header = 10;
    }

    if (is_control(opcode)) {
      if (!fin) return fail(kCloseProtocolError, "a fragmented control frame");
      if (length > kMaxControlPayload) return fail(kCloseProtocolError, "a control frame over 125 bytes");
    } else {
      if (opcode == 0 && !in_message_) return fail(kCloseProtocolError, "a continuation with no message begun");
      if (opcode != 0 && in_message_) return fail(kCloseProtocolError, "a new message before the last one ended");
      // Refused before its bytes are held: the declared length is enough.
      if (length > max_message_bytes_ - message_.size()) {
        return fail(kCloseMessageTooBig, "a message over " + std::to_string(max_message_bytes_) + " bytes");
      }
    }

    if (in.size() < header + 4 + length) return NeedMore{};
    std::array<char, 4> mask{in[header], in[header + 1], in[header + 2], in[header + 3]};
    std::string payload(in.substr(header + 4, length));
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] ^= mask[i % 4];
    consumed_ += header + 4 + length;

    if (is_control(opcode)) {
      if (opcode == static_cast<std::uint8_t>(Opcode::close) && payload.size() == 1) {
        return fail(kCloseProtocolError, "a close frame with a 1-byte payload");
      }
      return Message{static_cast<Opcode>(opcode), std::move(payload)};
    }
    if (opcode != 0) {
      in_message_ = true;
      message_opcode_ = static_cast<Opcode>(opcode);
    }
    message_.append(payload);
    if (fin) {
      in_message_ = false;
      if (message_opcode_ == Opcode::text && !common::valid_utf8(message_)) {
        return fail(kCloseInvalidPayload, "a text message that is not UTF-8");
      }
      Message whole{message_opcode_, std::move(message_)};
      message_.clear();
      return whole;
    }
    // A fragment: keep going, the message ends in a later frame.
  }
}

}  // namespace bcp::daemon::ws
