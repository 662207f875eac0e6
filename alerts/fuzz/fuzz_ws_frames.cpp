// libFuzzer target for the WebSocket frames a wall sends on /v1/stream, read before and after
// its hello (bcp/daemon/stream/ws_frame.hpp). The input is fed twice: whole, and cut into
// pieces whose sizes the input's own bytes choose, as reads off a socket would cut it.
// Findings: anything thrown; the two feedings reading different messages or errors; a data
// message over the reader's bound or a control frame over 125 bytes returned; more held back
// than one frame and one read; a failed reader that recovers. Seeds: tests/daemon/fixtures/ws/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/daemon/stream/ws_frame.hpp"

namespace ws = bcp::daemon::ws;

namespace {

constexpr std::size_t kMaxMessage = 4096;  // small, so that the bound is reached often

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_ws_frames: %s\n", what.c_str());
  std::abort();
}

// What a reader made of the input: one line per message, and the error last.
std::vector<std::string> read_all(std::string_view input, bool in_pieces) {
  ws::FrameReader reader(kMaxMessage);
  std::vector<std::string> out;
  std::size_t at = 0;
  std::size_t largest_piece = 0;
  while (at < input.size()) {
    std::size_t piece = input.size() - at;
    if (in_pieces) piece = std::min<std::size_t>(piece, 1 + static_cast<std::uint8_t>(input[at]) % 64);
    largest_piece = std::max(largest_piece, piece);
    reader.feed(input.substr(at, piece));
    at += piece;
    for (;;) {
      ws::ReadStep step = reader.next();
      if (std::holds_alternative<ws::NeedMore>(step)) break;
      if (auto* error = std::get_if<ws::ProtocolError>(&step)) {
        if (error->close_code != ws::kCloseProtocolError && error->close_code != ws::kCloseMessageTooBig &&
            error->close_code != ws::kCloseInvalidPayload)
          finding("close code " + std::to_string(error->close_code));
        if (error->why.empty()) finding("an error without a reason");
        auto again = reader.next();
        auto* same = std::get_if<ws::ProtocolError>(&again);
        if (!same || same->why != error->why) finding("a failed reader read on");
        out.push_back("error " + std::to_string(error->close_code) + " " + error->why);
        return out;
      }
      const auto& message = std::get<ws::Message>(step);
      const auto op = static_cast<unsigned>(message.opcode);
      if (op >= 0x8 && message.payload.size() > ws::kMaxControlPayload) finding("a control frame over 125 bytes");
      if (op < 0x8 && message.payload.size() > kMaxMessage) finding("a message over the bound");
      out.push_back(std::to_string(op) + ":" + message.payload);
    }
    // Held back: at most one frame's header, mask and payload, the message so far, one read.
    if (reader.buffered() > 2 * kMaxMessage + 14 + largest_piece)
      finding("holds " + std::to_string(reader.buffered()) + " bytes");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    if (read_all(input, false) != read_all(input, true)) finding("the pieces read differently");
  } catch (const std::exception& e) {
    finding(std::string("threw: ") + e.what());
  }
  return 0;
}
