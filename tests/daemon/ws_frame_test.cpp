// The stream's own WebSocket framing (bcp/daemon/stream/ws_frame.hpp): server frames as RFC
// 6455 §5 spells them, and the reader of a wall's frames — what it returns, what it refuses,
// and how little it holds while it waits.
#include "bcp/daemon/stream/ws_frame.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bcp::daemon::ws {
namespace {

// A client frame, masked as a client must (§5.3).
std::string client_frame(std::uint8_t first_byte, std::string_view payload,
                         std::string mask = "\x12\x34\x56\x78") {
  std::string out(1, static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  out += mask;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return out;
}

Message message_of(ReadStep step) {
  if (auto* error = std::get_if<ProtocolError>(&step)) ADD_FAILURE() << "error: " << error->why;
  if (std::holds_alternative<NeedMore>(step)) ADD_FAILURE() << "needs more";
  auto* m = std::get_if<Message>(&step);
  return m ? *m : Message{Opcode::close, "none"};
}

ProtocolError error_of(ReadStep step) {
  auto* e = std::get_if<ProtocolError>(&step);
  if (!e) ADD_FAILURE() << "no error";
  return e ? *e : ProtocolError{0, ""};
}

TEST(WsFrame, ServerFramesUseTheShortestLengthAndNoMask) {
  EXPECT_EQ(encode_frame(Opcode::text, "hi"), std::string("\x81\x02hi", 4));
  const std::string at125 = encode_frame(Opcode::text, std::string(125, 'a'));
  EXPECT_EQ(at125.size(), 2u + 125);
  EXPECT_EQ(static_cast<std::uint8_t>(at125[1]), 125);
  const std::string at126 = encode_frame(Opcode::text, std::string(126, 'a'));
  EXPECT_EQ(at126.substr(0, 4), std::string("\x81\x7e\x00\x7e", 4));
  const std::string at65535 = encode_frame(Opcode::binary, std::string(65535, 'a'));
  EXPECT_EQ(at65535.substr(0, 4), std::string("\x82\x7e\xff\xff", 4));
  const std::string at65536 = encode_frame(Opcode::text, std::string(65536, 'a'));
  EXPECT_EQ(at65536.substr(0, 10), std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
  EXPECT_EQ(at65536.size(), 10u + 65536);
  EXPECT_EQ(encode_frame(Opcode::ping, ""), std::string("\x89\x00", 2));
}

TEST(WsFrame, ACloseCarriesItsCodeAndAReasonCutOnACharacter) {
  EXPECT_EQ(encode_close(1008, "bye"), std::string("\x88\x05\x03\xf0" "bye", 7));
  // 60 three-byte characters are 180 bytes: cut to whole characters within 123.
  std::string reason;
  for (int i = 0; i < 60; ++i) reason += "訓";
  const std::string frame = encode_close(1002, reason);
  const std::size_t payload = static_cast<std::uint8_t>(frame[1]);
  EXPECT_LE(payload, kMaxControlPayload);
  EXPECT_EQ((payload - 2) % 3, 0u);
  EXPECT_EQ(frame.substr(4), reason.substr(0, payload - 2));
}

TEST(WsFrame, ReadsMaskedFramesFedOneByteAtATime) {
  const std::string hello = R"({"v":1,"type":"hello"})";
  const std::string bytes = client_frame(0x81, hello) + client_frame(0x89, "ping!") +
                            client_frame(0x82, std::string(300, 'b'));
  FrameReader reader(64 * 1024);
  std::vector<Message> got;
  for (char c : bytes) {
    reader.feed(std::string_view(&c, 1));
    for (ReadStep step = reader.next(); !std::holds_alternative<NeedMore>(step); step = reader.next()) {
      got.push_back(message_of(std::move(step)));
    }
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].opcode, Opcode::text);
  EXPECT_EQ(got[0].payload, hello);
  EXPECT_EQ(got[1].opcode, Opcode::ping);
  EXPECT_EQ(got[1].payload, "ping!");
  EXPECT_EQ(got[2].opcode, Opcode::binary);
  EXPECT_EQ(got[2].payload, std::string(300, 'b'));
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(WsFrame, ReassemblesFragmentsAroundAControlFrame) {
  FrameReader reader(1024);
  reader.feed(client_frame(0x01, "{\"v\":") + client_frame(0x89, "") + client_frame(0x00, "1,") +
              client_frame(0x80, "\"x\":2}"));
  const Message ping = message_of(reader.next());
  EXPECT_EQ(ping.opcode, Opcode::ping);
  const Message whole = message_of(reader.next());
  EXPECT_EQ(whole.opcode, Opcode::text);
  EXPECT_EQ(whole.payload, "{\"v\":1,\"x\":2}");
  EXPECT_TRUE(std::holds_alternative<NeedMore>(reader.next()));
}

TEST(WsFrame, RefusesWhatAClientMustNotSend) {
  struct Case {
    const char* name;
    std::string bytes;
    std::uint16_t code;
  };
  const std::vector<Case> cases = {
      {"unmasked", std::string("\x81\x02hi", 4), kCloseProtocolError},
      {"reserved bit", client_frame(0xC1, "x"), kCloseProtocolError},
      {"unknown opcode", client_frame(0x83, "x"), kCloseProtocolError},
      {"fragmented ping", client_frame(0x09, "x"), kCloseProtocolError},
      {"long ping", client_frame(0x89, std::string(126, 'p')), kCloseProtocolError},
      {"continuation first", client_frame(0x80, "x"), kCloseProtocolError},
      {"message in a message", client_frame(0x01, "a") + client_frame(0x81, "b"), kCloseProtocolError},
      {"close of one byte", client_frame(0x88, "x"), kCloseProtocolError},
      {"long form for a short length", std::string("\x81\xfe\x00\x05", 4) + "abcd" + "hello",
       kCloseProtocolError},
      {"text not in UTF-8", client_frame(0x81, "hel\xFF"), kCloseInvalidPayload},
      {"text cut inside a character", client_frame(0x01, "\xE8\xA8") + client_frame(0x80, "x"),
       kCloseInvalidPayload},
      {"over the bound", client_frame(0x81, std::string(1025, 'a')), kCloseMessageTooBig},
      {"fragments over the bound",
       client_frame(0x01, std::string(600, 'a')) + client_frame(0x80, std::string(600, 'a')),
       kCloseMessageTooBig},
  };
  for (const Case& c : cases) {
    FrameReader reader(1024);
    reader.feed(c.bytes);
    ReadStep step = reader.next();
    while (std::holds_alternative<Message>(step)) step = reader.next();  // what came before
    const ProtocolError error = error_of(std::move(step));
    EXPECT_EQ(error.close_code, c.code) << c.name << ": " << error.why;
    EXPECT_FALSE(error.why.empty()) << c.name;
    // Failed for good: later bytes are not read.
    reader.feed(client_frame(0x81, "ok"));
    EXPECT_TRUE(std::holds_alternative<ProtocolError>(reader.next())) << c.name;
  }
}

TEST(WsFrame, AMessageOverTheBoundIsRefusedFromItsHeaderAlone) {
  FrameReader reader(64 * 1024);
  // The header declares a megabyte; only its first bytes have come.
  const std::string frame = client_frame(0x81, std::string(1 << 20, 'a'));
  reader.feed(std::string_view(frame).substr(0, 14 + 100));
  EXPECT_EQ(error_of(reader.next()).close_code, kCloseMessageTooBig);
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(WsFrame, WhileAFrameArrivesOnlyThatFrameIsHeld) {
  FrameReader reader(64 * 1024);
  const std::string frame = client_frame(0x81, std::string(60'000, 'a'));
  std::size_t fed = 0;
  while (fed + 4096 < frame.size()) {
    reader.feed(std::string_view(frame).substr(fed, 4096));
    fed += 4096;
    ASSERT_TRUE(std::holds_alternative<NeedMore>(reader.next()));
    EXPECT_EQ(reader.buffered(), fed);
  }
  reader.feed(std::string_view(frame).substr(fed));
  EXPECT_EQ(message_of(reader.next()).payload.size(), 60'000u);
  EXPECT_EQ(reader.buffered(), 0u);
}

}  // namespace
}  // namespace bcp::daemon::ws
