// The gate's last check before the journal: an event must read back through the codec, or a
// journaled event would stop every later start-up.
#include "bcp/daemon/gate/gate.hpp"

#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"

namespace bcp::daemon {
namespace {

model::Event talk_with_location(double lat, double lon) {
  model::TalkMessage talk;
  talk.group = "hq";
  talk.message_id = "m-1";
  talk.sender = {"s001", "本部", std::nullopt};
  talk.text = "現在地";
  talk.source = model::TalkSource::lineworks;
  model::Attachment where;
  where.kind = model::AttachmentKind::location;
  where.lat = lat;
  where.lon = lon;
  talk.attachments.push_back(where);
  model::Event event;
  event.at = model::parse_time("2026-11-25T03:00:00.000Z");
  event.body = talk;
  return event;
}

TEST(GateReadable, AnEventTheCodecReadsBackPasses) {
  EXPECT_FALSE(check_readable(talk_with_location(43.06, 141.35)).has_value());
}

TEST(GateReadable, AnEventTheCodecWouldRefuseIsRefusedNamingTypeAndField) {
  // The fuzzer's finding: LINE WORKS sent a longitude outside ±180 and it was journaled.
  auto refusal = check_readable(talk_with_location(43.06, 1041.0));
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->status, 400);
  EXPECT_EQ(refusal->reason, RefusalReason::malformed);
  EXPECT_NE(refusal->message.find("talk.message"), std::string::npos) << refusal->message;
  EXPECT_NE(refusal->message.find("lon"), std::string::npos) << refusal->message;
  // Never the content itself.
  EXPECT_EQ(refusal->message.find("現在地"), std::string::npos) << refusal->message;
}

}  // namespace
}  // namespace bcp::daemon
