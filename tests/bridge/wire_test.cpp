// The parts of the bridge that need no server: names, the STREAM.MSG.GET reply, the hand-off
// and the "bridged up to" mark.
#include <gtest/gtest.h>

#include <fstream>

#include "bcp/bridge/stream.hpp"
#include "bridge_mark.hpp"
#include "bridge_test_support.hpp"
#include "handoff.hpp"
#include "wire.hpp"

namespace bcp::bridge {
namespace {

TEST(BridgeNames, SubjectsAndMsgIdsFollowTheContract) {
  EXPECT_EQ(events_subject("kita"), "bcp.town.kita.events");
  EXPECT_EQ(heartbeat_subject("kita"), "bcp.town.kita.heartbeat");
  EXPECT_EQ(msg_id("kita", 42), "kita:42");
  EXPECT_EQ(town_of_subject("bcp.town.kita.events"), "kita");
  EXPECT_EQ(town_of_subject("bcp.town.kita.heartbeat", "heartbeat"), "kita");
  EXPECT_FALSE(town_of_subject("bcp.town.kita.heartbeat"));
  EXPECT_FALSE(town_of_subject("bcp.town.kita.x.events"));
  EXPECT_FALSE(town_of_subject("other.town.kita.events"));
  EXPECT_EQ(seq_of_msg_id("kita:42", "kita"), 42u);
  EXPECT_FALSE(seq_of_msg_id("minami:42", "kita"));
  EXPECT_FALSE(seq_of_msg_id("kita:", "kita"));
  EXPECT_FALSE(seq_of_msg_id("kita:0", "kita"));
  EXPECT_FALSE(seq_of_msg_id("kita:12x", "kita"));
  EXPECT_FALSE(seq_of_msg_id("kita:99999999999999999999999", "kita"));
  EXPECT_FALSE(seq_of_msg_id("kitaa:1", "kita"));
}

TEST(BridgeNames, TownIdsAreOneSubjectToken) {
  EXPECT_TRUE(valid_town_id("kita-machi_2"));
  for (const char* bad : {"", "a.b", "a*", ">", "a b", "a:b", "町"}) {
    EXPECT_FALSE(valid_town_id(bad)) << bad;
  }
  EXPECT_FALSE(valid_town_id(std::string(65, 'a')));
}

TEST(MsgGetReply, DecodesMessageHeadersAndData) {
  // As nats-server 2.9.10 answered (observed): headers and data in base64.
  const auto m = detail::parse_msg_get_reply(
      R"({"type":"io.nats.jetstream.api.v1.stream_msg_get_response","message":{"subject":"p.a.e","seq":3,)"
      R"("hdrs":"TkFUUy8xLjANCk5hdHMtTXNnLUlkOiBhOjINCg0K","data":"eA==","time":"2026-12-01T22:50:53Z"}})");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->stream_seq, 3u);
  EXPECT_EQ(m->subject, "p.a.e");
  EXPECT_EQ(m->msg_id, "a:2");
  EXPECT_EQ(m->data, "x");
}

TEST(MsgGetReply, NoMessageIsNulloptOtherErrorsThrow) {
  EXPECT_FALSE(detail::parse_msg_get_reply(
      R"({"error":{"code":404,"err_code":10037,"description":"no message found"}})"));
  try {
    detail::parse_msg_get_reply(
        R"({"error":{"code":503,"err_code":10008,"description":"unavailable"}})");
    FAIL() << "no throw";
  } catch (const NatsError& e) {
    EXPECT_EQ(e.js_code(), 10008);
    EXPECT_NE(std::string(e.what()).find("unavailable"), std::string::npos);
  }
  EXPECT_THROW(detail::parse_msg_get_reply("not json"), BridgeError);
  EXPECT_THROW(detail::parse_msg_get_reply(R"({"message":{"subject":"x"}})"), BridgeError);
  EXPECT_THROW(detail::parse_msg_get_reply(R"({"message":{"seq":1,"data":"!!"}})"), BridgeError);
}

TEST(Base64, DecodesWithAndWithoutPaddingAndRefusesJunk) {
  EXPECT_EQ(detail::base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(detail::base64_decode("aGVsbG8"), "hello");
  EXPECT_EQ(detail::base64_decode(""), "");
  EXPECT_FALSE(detail::base64_decode("aGVsb*8="));
  EXPECT_FALSE(detail::base64_decode("a"));
}

TEST(HeaderBlock, FindsKeysCaseInsensitively) {
  const std::string block = "NATS/1.0\r\nNats-Msg-Id: kita:7\r\nX-Other: y\r\n\r\n";
  EXPECT_EQ(detail::header_value(block, "nats-msg-id"), "kita:7");
  EXPECT_EQ(detail::header_value(block, "X-Other"), "y");
  EXPECT_EQ(detail::header_value(block, "Missing"), "");
  EXPECT_EQ(detail::header_value("NATS/1.0 503\r\n\r\n", "Nats-Msg-Id"), "");
}

TEST(Handoff, KeepsConsecutiveEventsWithinItsBoundsAndDropsTheRest) {
  detail::Handoff h(/*max_events=*/3, /*max_bytes=*/1000);
  for (std::uint64_t s = 1; s <= 5; ++s) h.offer(s, "e" + std::to_string(s));
  EXPECT_EQ(h.committed(), 5u);
  EXPECT_EQ(h.held_events(), 3u);  // 4 and 5 did not fit: they are read from the journal
  auto got = h.take(0, 10);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].seq, 1u);
  EXPECT_EQ(got[2].json, "e3");
  EXPECT_TRUE(h.take(3, 10).empty());  // 4 is not at hand
  h.offer(6, "e6");
  EXPECT_TRUE(h.take(3, 10).empty());   // still not 4: the caller reads 4.. from the journal
  EXPECT_EQ(h.take(5, 10).size(), 1u);  // after the journal read up to 5, 6 is at hand
  EXPECT_EQ(h.held_events(), 0u);
}

TEST(Handoff, BoundsBytesToo) {
  detail::Handoff h(100, 10);
  h.offer(1, std::string(8, 'x'));
  h.offer(2, std::string(8, 'y'));
  EXPECT_EQ(h.held_events(), 1u);
  EXPECT_EQ(h.committed(), 2u);
}

TEST(Handoff, IgnoresOutOfOrderOffers) {
  detail::Handoff h(10, 1000);
  h.offer(5, "e5");
  h.offer(4, "e4");
  h.mark(3);
  EXPECT_EQ(h.committed(), 5u);
  EXPECT_EQ(h.take(4, 10).size(), 1u);
}

TEST(BridgeMark, RoundTripsAndRefusesAnotherTownsOrGarbage) {
  const auto dir = testing::temp_dir("mark");
  const auto file = dir / "bridge.mark";
  std::string problem;
  EXPECT_FALSE(detail::load_mark(file, "kita", problem));
  EXPECT_TRUE(problem.empty());
  detail::store_mark(file, "kita", 1234);
  EXPECT_EQ(detail::load_mark(file, "kita", problem), 1234u);
  EXPECT_FALSE(detail::load_mark(file, "minami", problem));
  EXPECT_NE(problem.find("kita"), std::string::npos);
  std::ofstream(file) << "{\"town\":";
  EXPECT_FALSE(detail::load_mark(file, "kita", problem));
  EXPECT_EQ(problem, "is not a bridge mark");
  std::filesystem::remove_all(dir);
}

TEST(TownPublisher, RefusesOptionsThatCouldNeverWork) {
  TownPublisherOptions o;
  o.town = "kita";
  o.read = [](std::uint64_t, std::size_t) { return std::vector<JournalEvent>{}; };
  EXPECT_THROW(TownPublisher{o}, std::invalid_argument);  // no servers
  o.nats.servers = {"nats://127.0.0.1:1"};
  o.town = "bad.town";
  EXPECT_THROW(TownPublisher{o}, std::invalid_argument);
}

}  // namespace
}  // namespace bcp::bridge
