// libFuzzer target for the LINE WORKS bot callback body: the translation of one (already
// signature-checked) body into our events with the sample town's config, without the HTTP
// layer. Each item goes through the daemon's own gate (admit_lineworks) into the event the
// daemon would journal, which must survive the JSON codec unchanged and fold into a
// Situation; talk also meets the town's keyword rules, as alerts_for_talk does. Seeds: tests/daemon/fixtures/lineworks/.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "bcp/alerts/keyword_rules.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/adapters/lineworks.hpp"
#include "bcp/daemon/gate/admit.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "bcp/model/situation.hpp"

namespace {

const bcp::config::TownConfig& town() {
  static const bcp::config::TownConfig loaded = [] {
    auto result = bcp::config::load_town(BCP_SAMPLE_TOWN);
    if (!result.config) std::abort();  // the harness is broken, not the code under test
    return std::move(*result.config);
  }();
  return loaded;
}

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_lineworks: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bcp::daemon::LineworksItem;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string digest = bcp::daemon::sha256_hex(body);
  const auto received = bcp::model::parse_time("2026-11-24T05:12:00.000Z");
  LineworksItem item = bcp::daemon::map_lineworks_callback(town(), body, digest, received);

  // The daemon's own gate decides what this callback becomes, against a situation with an
  // open drill roll call of the whole town (so that answers reach the check-in path).
  static const bcp::model::Situation before = [] {
    bcp::model::Situation s;
    s.directory = town().directory();
    bcp::model::Event start;
    start.seq = 1;
    start.at = bcp::model::parse_time("2026-11-24T05:00:00.000Z");
    start.body = bcp::model::RollcallStarted{"rc-fuzz", "fuzz", true, {}, {}};
    bcp::model::apply(s, start);
    return s;
  }();
  static const bcp::daemon::ReplayGuard no_replays;
  const std::string origin = "lw-" + digest.substr(0, 20);
  bcp::daemon::LineworksAdmission admitted = bcp::daemon::admit_lineworks(
      bcp::daemon::GateView{town(), before, no_replays}, item, origin, received);
  if (const auto* refusal = std::get_if<bcp::daemon::Refusal>(&admitted.admission)) {
    if (refusal->message.empty()) finding("a refusal without a reason");
    return 0;  // counted and logged by the daemon, never stored
  }
  if (item.kind == LineworksItem::Kind::dropped) finding("a dropped item was admitted");
  const auto& admitted_events = std::get<std::vector<bcp::model::Event>>(admitted.admission);
  if (item.kind == LineworksItem::Kind::silent) {
    if (!admitted_events.empty()) finding("a silent callback (begin/end) became an event");
    return 0;
  }
  if (admitted_events.size() != 1) finding("a callback became other than one event");
  bcp::model::Event event = admitted_events.front();
  event.seq = 2;
  event.received = received;
  if (event.origin != origin) finding("the admitted event lost its origin");
  if (event.at > received + bcp::daemon::kMaxClockAhead) finding("an event ahead of the clock");
  if (const auto* talk = std::get_if<bcp::model::TalkMessage>(&event.body)) {
    const bcp::config::Group* group = town().find_group(talk->group);
    if (!group) finding("talk in a group not in the config");
    if (group->level != 'C') finding("talk of a group not of level C");
    static bcp::alerts::KeywordAlerter alerter(bcp::alerts::parse_keyword_rules(town().rules));
    for (const auto& d : alerter.on_message(*talk, event.at)) {
      for (const auto& span : d.spans) {
        if (span.begin >= span.end || span.end > talk->text.size()) finding("span out of text");
      }
    }
  }
  if (const auto* c = std::get_if<bcp::model::RollcallCheckin>(&event.body)) {
    if (!town().find_staff(c->staff)) finding("check-in of staff not in the roster");
    if (!admitted.fallback) finding("a check-in without its notice for a closed roll call");
    if (admitted.not_counted) finding("a counted check-in whose person is told it was not");
  }
  if (admitted.not_counted && admitted.not_counted->lineworks_user.empty()) {
    finding("an uncounted answer with nobody to tell");
  }
  // What the journal stores and the walls receive must read back as the same event.
  std::string encoded;
  bcp::model::Event decoded;
  try {
    encoded = bcp::model::to_json(event).dump();
    decoded = bcp::model::event_from_json(nlohmann::json::parse(encoded));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_lineworks: the event does not encode and decode: %s\n%s\n", e.what(),
                 encoded.c_str());
    std::abort();
  }
  if (!(decoded == event)) finding("the event changed through the codec");
  bcp::model::Situation situation = before;
  bcp::model::apply(situation, decoded);
  return 0;
}
