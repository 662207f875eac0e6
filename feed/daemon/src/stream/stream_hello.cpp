#include "bcp/daemon/stream/stream_hello.hpp"

namespace bcp::daemon {

// The rules live with the other frames (bcp/model/frames.hpp); this file stays the fuzz
// target's entry (alerts/fuzz/fuzz_stream_hello.cpp).
std::variant<StreamHello, HelloRefusal> parse_stream_hello(std::string_view frame) {
  return model::decode_hello(frame);
}

}  // namespace bcp::daemon
