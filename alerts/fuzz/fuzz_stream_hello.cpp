// libFuzzer target for the first frame of /v1/stream, read before the peer is authenticated
// (stream_hello.hpp). Findings: anything thrown, an error frame the daemon could not encode
// or that echoes unbounded input, and an accepted hello whose `v` is not exactly the integer
// 1 or whose `since` is negative. Seeds: tests/daemon/fixtures/hello/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "bcp/daemon/stream/stream_hello.hpp"
#include "bcp/model/strict_json.hpp"

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_stream_hello: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto result = bcp::daemon::parse_stream_hello(text);
    if (auto* refusal = std::get_if<bcp::daemon::HelloRefusal>(&result)) {
      if (refusal->code != "bad_hello" && refusal->code != "version_mismatch")
        finding("code " + refusal->code);
      if (refusal->message.empty()) finding("an error frame without a message");
      if (refusal->message.size() > 1024)
        finding("an error message of " + std::to_string(refusal->message.size()) + " bytes");
      if ((refusal->code == "version_mismatch") != refusal->client_version.has_value()) {
        finding("client_version set on a frame that is no version mismatch, or missing");
      }
      // The error frame as ws_session sends it.
      nlohmann::json frame = {
          {"v", 1}, {"type", "error"}, {"code", refusal->code}, {"message", refusal->message}};
      if (refusal->client_version) frame["client_version"] = *refusal->client_version;
      (void)frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return 0;
    }
    const auto& hello = std::get<bcp::daemon::StreamHello>(result);
    auto parsed = bcp::model::parse_strict_json(text);
    if (!parsed.value || !parsed.value->is_object())
      finding("accepted what the strict parser refuses");
    const nlohmann::json& v = (*parsed.value)["v"];
    if (!v.is_number_integer() || v.dump() != "1") finding("accepted v = " + v.dump());
    if (hello.since && *hello.since < 0) finding("accepted a negative since");
    if (hello.display.size() > bcp::daemon::kMaxDisplayName)
      finding("accepted a display name too long");
  } catch (const std::exception& e) {
    finding(std::string("threw: ") + e.what());
  }
  return 0;
}
