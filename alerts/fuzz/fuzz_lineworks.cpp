// libFuzzer target for the LINE WORKS bot callback body: the translation of one (already
// signature-checked) body into our events with the sample town's config, without the HTTP
// layer. Each accepted item is turned into the event the daemon would journal, which must
// survive the JSON codec unchanged and fold into a Situation; talk also meets the town's
// keyword rules, as alerts_for_talk does. Seeds: tests/daemon/fixtures/lineworks/.
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

  bcp::model::Event event;
  event.seq = 1;
  event.at = item.at;
  event.received = received;
  event.origin = "lw-" + digest.substr(0, 20);
  switch (item.kind) {
    case LineworksItem::Kind::dropped:
      if (!item.refusal || item.refusal->message.empty()) finding("a drop without a reason");
      return 0;
    case LineworksItem::Kind::talk: {
      if (!town().find_group(item.talk.group)) finding("talk in a group not in the config");
      event.body = item.talk;
      static bcp::alerts::KeywordAlerter alerter(bcp::alerts::parse_keyword_rules(town().rules));
      for (const auto& d : alerter.on_message(item.talk, item.at)) {
        for (const auto& span : d.spans) {
          if (span.begin >= span.end || span.end > item.talk.text.size()) finding("span out of text");
        }
      }
      break;
    }
    case LineworksItem::Kind::notice:
      event.body = item.notice;
      break;
    case LineworksItem::Kind::checkin: {
      if (!town().find_staff(item.staff)) finding("check-in of staff not in the roster");
      bcp::model::RollcallCheckin c;
      c.rollcall = item.answer.rollcall.value_or("rc-fuzz");
      c.staff = item.staff;
      c.safety = item.answer.safety;
      c.can_work = item.answer.can_work;
      c.source = "lineworks";
      event.body = std::move(c);
      break;
    }
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
  bcp::model::Situation situation;
  situation.directory = town().directory();
  bcp::model::apply(situation, decoded);
  return 0;
}
