// The stream's wire layer (bcp/model/frames.hpp): every frame's exact bytes, as the daemon
// sent them before the layer existed, an encode -> decode round trip of each, and each decode
// error.
#include "bcp/model/frames.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using nlohmann::json;
using testing::T;

Event sample_event() {
  Event e =
      testing::make_event(7, T("2026-11-24T05:12:00.123Z"), testing::talk("hq", "s001", "冠水"));
  e.received = T("2026-11-24T05:12:00.456Z");
  return e;
}

Situation sample_situation() {
  Situation s = testing::small_town_situation();
  apply(s, sample_event());
  return s;
}

// The frames as stream_hub.cpp, ws_session.cpp and stream_client.cpp wrote them by hand
// before frames.hpp, kept verbatim here so the wire can be compared with what it was.
std::string legacy_event(const Event& event) {
  std::string text = R"({"v":1,"type":"event","event":)";
  text += to_json(event).dump();
  text += '}';
  return text;
}
std::string legacy_town_event(const std::string& town, const Event& event) {
  std::string text = R"({"v":1,"type":"event","town":)";
  text += json(town).dump();
  text += R"(,"event":)";
  text += to_json(event).dump();
  text += '}';
  return text;
}
std::string legacy_snapshot(const Situation& s) {
  std::string text = R"({"v":1,"type":"snapshot","seq":)";
  text += std::to_string(s.last_seq);
  text += R"(,"situation":)";
  text += situation_to_json(s).dump();
  text += '}';
  return text;
}

template <class T>
T decode_as(const std::string& text) {
  auto decoded = decode_server_frame(text);
  if (auto* e = std::get_if<FrameError>(&decoded)) ADD_FAILURE() << text << ": " << e->message;
  const auto& frame = std::get<ServerFrame>(decoded);
  EXPECT_TRUE(std::holds_alternative<T>(frame)) << text;
  return std::get<T>(frame);
}

TEST(Frames, EachEncodedFrameIsTheTextTheDaemonSends) {
  const Event event = sample_event();
  const Situation situation = sample_situation();
  struct Case {
    const char* name;
    std::string encoded;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"client hello", encode(HelloFrame{"main", "display-sample", std::nullopt}),
       R"({"display":"main","since":null,"token":"display-sample","type":"hello","v":1})"},
      {"client hello resuming", encode(HelloFrame{"talk", "display-sample", 42}),
       R"({"display":"talk","since":42,"token":"display-sample","type":"hello","v":1})"},
      {"hello answer, replay", encode(HelloAnswerFrame{42, StreamMode::replay}),
       R"({"mode":"replay","seq":42,"type":"hello","v":1})"},
      {"hello answer, snapshot", encode(HelloAnswerFrame{0, StreamMode::snapshot}),
       R"({"mode":"snapshot","seq":0,"type":"hello","v":1})"},
      {"heartbeat", encode(HeartbeatFrame{12, T("2026-11-24T05:12:00.123Z")}),
       R"({"at":"2026-11-24T05:12:00.123Z","seq":12,"type":"heartbeat","v":1})"},
      {"error", encode(ErrorFrame{"unauthorized", "unknown token", std::nullopt, std::nullopt}),
       R"({"code":"unauthorized","message":"unknown token","type":"error","v":1})"},
      {"version mismatch",
       encode(refusal_frame(FrameError{"version_mismatch", "daemon speaks 1", json(2)})),
       R"({"client_version":2,"code":"version_mismatch","daemon_version":1,"message":"daemon speaks 1","type":"error","v":1})"},
      {"error quoting invalid UTF-8",
       encode(ErrorFrame{"bad_hello", std::string("bad \xff byte"), std::nullopt, std::nullopt}),
       "{\"code\":\"bad_hello\",\"message\":\"bad \xEF\xBF\xBD byte\",\"type\":\"error\",\"v\":1}"},
      {"region snapshot", encode(RegionSnapshotFrame{9, json{{"towns", json::array()}}}),
       R"({"region":{"towns":[]},"seq":9,"type":"snapshot","v":1})"},
      {"event", encode(EventFrame{event, std::nullopt}), legacy_event(event)},
      {"event, spliced", encode_event_frame(to_json(event).dump()), legacy_event(event)},
      {"town event", encode(EventFrame{event, "nishi"}), legacy_town_event("nishi", event)},
      {"town event, spliced", encode_town_event_frame("ni\"shi", to_json(event).dump()),
       legacy_town_event("ni\"shi", event)},
      {"snapshot", encode(SnapshotFrame{situation.last_seq, situation}),
       legacy_snapshot(situation)},
      {"snapshot, spliced",
       encode_snapshot_frame(situation.last_seq, situation_to_json(situation).dump()),
       legacy_snapshot(situation)},
  };
  for (const Case& c : cases) EXPECT_EQ(c.encoded, c.expected) << c.name;
  // The splices' member order, spelled out.
  EXPECT_EQ(encode_event_frame("{}"), R"({"v":1,"type":"event","event":{}})");
  EXPECT_EQ(encode_town_event_frame("nishi", "{}"),
            R"({"v":1,"type":"event","town":"nishi","event":{}})");
  EXPECT_EQ(encode_snapshot_frame(3, "{}"), R"({"v":1,"type":"snapshot","seq":3,"situation":{}})");
}

TEST(Frames, EveryFrameDecodesToWhatWasEncoded) {
  const HelloFrame hello{"main", "display-sample", 42};
  auto h = decode_hello(encode(hello));
  ASSERT_TRUE(std::holds_alternative<HelloFrame>(h)) << std::get<FrameError>(h).message;
  EXPECT_EQ(std::get<HelloFrame>(h).display, "main");
  EXPECT_EQ(std::get<HelloFrame>(h).token, "display-sample");
  EXPECT_EQ(std::get<HelloFrame>(h).since, 42);
  auto fresh = decode_hello(encode(HelloFrame{"", std::nullopt, std::nullopt}));
  ASSERT_TRUE(std::holds_alternative<HelloFrame>(fresh));
  EXPECT_FALSE(std::get<HelloFrame>(fresh).token);
  EXPECT_FALSE(std::get<HelloFrame>(fresh).since);

  for (StreamMode mode : {StreamMode::replay, StreamMode::snapshot}) {
    auto a = decode_as<HelloAnswerFrame>(encode(HelloAnswerFrame{42, mode}));
    EXPECT_EQ(a.seq, 42);
    EXPECT_EQ(a.mode, mode);
  }

  const Situation situation = sample_situation();
  auto s = decode_as<SnapshotFrame>(encode(SnapshotFrame{situation.last_seq, situation}));
  EXPECT_EQ(s.seq, situation.last_seq);
  EXPECT_EQ(situation_to_json(s.situation), situation_to_json(situation));

  auto r = decode_as<RegionSnapshotFrame>(encode(RegionSnapshotFrame{9, json{{"towns", {1, 2}}}}));
  EXPECT_EQ(r.seq, 9);
  EXPECT_EQ(r.region, (json{{"towns", {1, 2}}}));

  const Event event = sample_event();
  auto e = decode_as<EventFrame>(encode(EventFrame{event, std::nullopt}));
  EXPECT_EQ(e.event, event);
  EXPECT_FALSE(e.town);
  auto te = decode_as<EventFrame>(encode(EventFrame{event, "nishi"}));
  EXPECT_EQ(te.event, event);
  EXPECT_EQ(te.town, "nishi");

  auto hb = decode_as<HeartbeatFrame>(encode(HeartbeatFrame{12, T("2026-11-24T05:12:00.123Z")}));
  EXPECT_EQ(hb.seq, 12);
  EXPECT_EQ(hb.at, T("2026-11-24T05:12:00.123Z"));

  auto err =
      decode_as<ErrorFrame>(encode(refusal_frame(FrameError{"version_mismatch", "no", json(2)})));
  EXPECT_EQ(err.code, "version_mismatch");
  EXPECT_EQ(err.message, "no");
  EXPECT_EQ(err.client_version, json(2));
  EXPECT_EQ(err.daemon_version, 1);

  // Re-encoding what was decoded gives the same bytes.
  for (const std::string& text :
       {encode(HelloAnswerFrame{5, StreamMode::replay}), encode(EventFrame{event, "nishi"}),
        encode(HeartbeatFrame{3, T("2026-11-24T05:12:00Z")}),
        encode(ErrorFrame{"unauthorized", "x", std::nullopt, std::nullopt})}) {
    auto decoded = decode_server_frame(text);
    ASSERT_TRUE(std::holds_alternative<ServerFrame>(decoded)) << text;
    std::visit(
        [&](const auto& f) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(f)>, UnknownFrame>) {
            EXPECT_EQ(encode(f), text);
          }
        },
        std::get<ServerFrame>(decoded));
  }
}

TEST(Frames, AnUnknownTypeFromTheDaemonIsIgnoredNotAnError) {
  auto u = decode_as<UnknownFrame>(R"({"v":1,"type":"presence","who":[]})");
  EXPECT_EQ(u.type, "presence");
}

TEST(Frames, AnErrorFrameOfAnotherVersionStillDecodes) {
  auto e = decode_as<ErrorFrame>(R"({"v":2,"type":"error","code":"version_mismatch"})");
  EXPECT_EQ(e.code, "version_mismatch");
  EXPECT_EQ(e.message, "version_mismatch");  // the code stands in for a missing message
}

struct BadFrame {
  const char* name;
  std::string text;
  const char* code;
  const char* message;  // a part of the error message
};

TEST(Frames, EachBadHelloIsRefusedNamingWhatIsWrong) {
  const std::vector<BadFrame> cases = {
      {"not JSON", "{", "bad_hello", "hello is not valid JSON: "},
      {"duplicate member", R"({"v":1,"type":"hello","token":"a","token":"b"})", "bad_hello",
       "duplicate key"},
      {"not an object", "[]", "bad_hello", "first frame must be a hello object"},
      {"no type", R"({"v":1})", "bad_hello", "/type: missing (expected \"hello\")"},
      {"other type", R"({"v":1,"type":"event"})", "bad_hello",
       "/type: expected \"hello\", got \"event\""},
      {"no v", R"({"type":"hello"})", "bad_hello", "/v: missing protocol version"},
      {"v a string", R"({"v":"1","type":"hello"})", "bad_hello",
       "/v: expected an integer protocol version, got \"1\""},
      {"v a float", R"({"v":1.0,"type":"hello"})", "bad_hello",
       "/v: expected an integer protocol version"},
      {"v 2", R"({"v":2,"type":"hello"})", "version_mismatch",
       "daemon speaks protocol version 1, the wall sent version 2"},
      {"v wraps", R"({"v":4294967297,"type":"hello"})", "version_mismatch",
       "sent version 4294967297"},
      {"v -1", R"({"v":-1,"type":"hello"})", "version_mismatch", "sent version -1"},
      {"display a number", R"({"v":1,"type":"hello","display":3})", "bad_hello",
       "/display: expected a string, got 3"},
      {"display too long", R"({"v":1,"type":"hello","display":")" + std::string(129, 'a') + "\"}",
       "bad_hello", "/display: longer than 128 bytes"},
      {"token a number", R"({"v":1,"type":"hello","token":1})", "bad_hello",
       "/token: expected a string"},
      {"since negative", R"({"v":1,"type":"hello","since":-1})", "bad_hello",
       "/since: expected null or a non-negative integer, got -1"},
      {"since too big", R"({"v":1,"type":"hello","since":18446744073709551615})", "bad_hello",
       "/since: expected null or a non-negative integer"},
      {"since a string", R"({"v":1,"type":"hello","since":"4"})", "bad_hello", "/since: expected"},
      {"too long", std::string(kMaxHelloBytes + 1, ' '), "bad_hello",
       "hello longer than 65536 bytes"},
  };
  for (const BadFrame& c : cases) {
    auto decoded = decode_hello(c.text);
    ASSERT_TRUE(std::holds_alternative<FrameError>(decoded)) << c.name;
    const FrameError& e = std::get<FrameError>(decoded);
    EXPECT_EQ(e.code, c.code) << c.name;
    EXPECT_NE(e.message.find(c.message), std::string::npos) << c.name << ": " << e.message;
    EXPECT_EQ(e.client_version.has_value(), e.code == "version_mismatch") << c.name;
  }
}

TEST(Frames, EachBadDaemonFrameIsRefusedNamingWhatIsWrong) {
  const std::string event = to_json(sample_event()).dump();
  const std::vector<BadFrame> cases = {
      {"not JSON", "{\"v\":1,", "bad_frame", "frame is not valid JSON: "},
      {"duplicate member", R"({"v":1,"type":"hello","seq":1,"seq":2,"mode":"replay"})", "bad_frame",
       "duplicate key"},
      {"not an object", "3", "bad_frame", "frame is not a JSON object"},
      {"no type", R"({"v":1})", "bad_frame", "/type: missing"},
      {"type a number", R"({"v":1,"type":1})", "bad_frame", "/type: expected a string, got 1"},
      {"no v", R"({"type":"heartbeat"})", "bad_frame", "/v: missing protocol version"},
      {"v a string", R"({"v":"1","type":"heartbeat"})", "bad_frame", "/v: expected an integer"},
      {"v 2", R"({"v":2,"type":"heartbeat","seq":1,"at":"2026-11-24T05:12:00Z"})", "bad_frame",
       "/v: expected 1, got 2"},
      {"hello without seq", R"({"v":1,"type":"hello","mode":"replay"})", "bad_frame",
       "/seq: missing"},
      {"hello, other mode", R"({"v":1,"type":"hello","seq":1,"mode":"live"})", "bad_frame",
       "/mode: expected \"replay\" or \"snapshot\", got \"live\""},
      {"hello without mode", R"({"v":1,"type":"hello","seq":1})", "bad_frame", "/mode: missing"},
      {"snapshot, negative seq", R"({"v":1,"type":"snapshot","seq":-1,"situation":{}})",
       "bad_frame", "/seq: expected a non-negative integer, got -1"},
      {"snapshot without situation", R"({"v":1,"type":"snapshot","seq":1})", "bad_frame",
       "/situation: missing"},
      {"snapshot, situation an array", R"({"v":1,"type":"snapshot","seq":1,"situation":[]})",
       "bad_frame", "/situation: expected an object, got an array"},
      {"snapshot, bad situation",
       R"({"v":1,"type":"snapshot","seq":1,"situation":{"last_seq":"x"}})", "bad_frame",
       "/situation: "},
      {"region snapshot, region a string", R"({"v":1,"type":"snapshot","seq":1,"region":"x"})",
       "bad_frame", "/region: expected an object"},
      {"event without event", R"({"v":1,"type":"event"})", "bad_frame", "/event: missing"},
      {"event a string", R"({"v":1,"type":"event","event":"x"})", "bad_frame",
       "/event: expected an object, got \"x\""},
      {"event of no type", R"({"v":1,"type":"event","event":{"seq":1}})", "bad_frame", "/event: "},
      {"town a number", R"({"v":1,"type":"event","town":1,"event":)" + event + "}", "bad_frame",
       "/town: expected a string, got 1"},
      {"heartbeat without at", R"({"v":1,"type":"heartbeat","seq":1})", "bad_frame",
       "/at: missing"},
      {"heartbeat, at a number", R"({"v":1,"type":"heartbeat","seq":1,"at":5})", "bad_frame",
       "/at: expected a time string, got 5"},
      {"heartbeat, at no time", R"({"v":1,"type":"heartbeat","seq":1,"at":"noon"})", "bad_frame",
       "/at"},
      {"heartbeat, seq a string",
       R"({"v":1,"type":"heartbeat","seq":"1","at":"2026-11-24T05:12:00Z"})", "bad_frame",
       "/seq: expected a non-negative integer, got \"1\""},
      {"error without code", R"({"v":1,"type":"error","message":"m"})", "bad_frame",
       "/code: missing"},
      {"error, message a number", R"({"v":1,"type":"error","code":"c","message":1})", "bad_frame",
       "/message: expected a string, got 1"},
      {"error, daemon_version a string",
       R"({"v":1,"type":"error","code":"c","daemon_version":"1"})", "bad_frame",
       "/daemon_version: expected a non-negative integer"},
  };
  for (const BadFrame& c : cases) {
    auto decoded = decode_server_frame(c.text);
    ASSERT_TRUE(std::holds_alternative<FrameError>(decoded)) << c.name;
    const FrameError& e = std::get<FrameError>(decoded);
    EXPECT_EQ(e.code, c.code) << c.name;
    EXPECT_NE(e.message.find(c.message), std::string::npos) << c.name << ": " << e.message;
  }
}

}  // namespace
}  // namespace bcp::model
