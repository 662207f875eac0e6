// libFuzzer target for the body of the HTTP API's JSON routes: the function the routes run to
// turn a body into an event (api_body.hpp: the strict parser, the declared level, the fields
// the server assigns, the model codec) for every route, and the small bodies of ack/cancel.
// Findings: anything thrown, a refusal without a reason or with an unbounded message, an
// accepted level other than "C", and an accepted event the journal could not read back or
// the reducer could not fold. Seeds: tests/daemon/fixtures/api/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "bcp/daemon/adapters/api_body.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "bcp/model/situation.hpp"
#include "bcp/model/strict_json.hpp"

namespace {

using bcp::daemon::ApiBody;
using bcp::daemon::Refusal;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_api_body: %s\n", what.c_str());
  std::abort();
}

void check_refusal(const Refusal& r) {
  if (r.message.empty()) finding("a refusal without a reason");
  if (r.status != 400 && r.status != 403)
    finding("refused with status " + std::to_string(r.status));
  // A refusal names the problem; it never echoes a body (up to 1 MiB) back.
  if (r.message.size() > 2048)
    finding("a refusal message of " + std::to_string(r.message.size()) + " bytes");
}

void check_event(ApiBody kind, std::string_view text, const bcp::model::Event& event) {
  static constexpr std::string_view kTypes[] = {
      "talk.message", "staff.availability", "rollcall.checkin", "rollcall.started", "alert.raised"};
  if (bcp::model::type_name(event.body) != kTypes[static_cast<int>(kind)])
    finding("an event of another type");
  // Accepted means the strict parser took it, so the body has one `level` at most: it must be "C".
  auto parsed = bcp::model::parse_strict_json(text);
  if (!parsed.value) finding("accepted a body the strict parser refuses");
  if (auto level = parsed.value->find("level"); level != parsed.value->end() && *level != "C") {
    finding("accepted a level other than C");
  }
  bcp::model::Event stored = event;
  stored.seq = 1;
  stored.received = bcp::model::parse_time("2026-11-24T05:12:00.000Z");
  bcp::model::Event decoded;
  try {
    decoded =
        bcp::model::event_from_json(nlohmann::json::parse(bcp::model::to_json(stored).dump()));
  } catch (const std::exception& e) {
    finding(std::string("an accepted event the journal cannot read back: ") + e.what());
  }
  if (!(decoded == stored)) finding("the event changed through the codec");
  bcp::model::Situation situation;
  bcp::model::apply(situation, decoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bcp::daemon::ApiDefaults defaults;
  defaults.now = bcp::model::parse_time("2026-11-24T05:12:00.000Z");
  defaults.new_id = "fuzz-1";
  defaults.rollcall = "rc-fuzz";
  defaults.token_name = "operator-sample";
  try {
    for (ApiBody kind : {ApiBody::talk, ApiBody::availability, ApiBody::checkin,
                         ApiBody::rollcall_start, ApiBody::alert_raise}) {
      auto result = bcp::daemon::event_from_api_body(kind, text, defaults);
      if (auto* r = std::get_if<Refusal>(&result)) {
        check_refusal(*r);
      } else {
        check_event(kind, text, std::get<bcp::model::Event>(result));
      }
    }
    // The ack and cancel bodies: an object whose `by`/`reason` is a string when present.
    auto body = bcp::daemon::parse_body_object(text);
    if (auto* r = std::get_if<Refusal>(&body)) {
      check_refusal(*r);
    } else {
      for (const char* key : {"by", "reason"}) {
        auto field = bcp::daemon::optional_string_field(std::get<nlohmann::json>(body), key);
        if (auto* r = std::get_if<Refusal>(&field)) check_refusal(*r);
      }
    }
  } catch (const std::exception& e) {
    finding(std::string("threw: ") + e.what());
  }
  return 0;
}
