// Issue 12, the JSON classes, over real sockets on 127.0.0.1: a stream hello of the wrong
// types (1), numbers out of range (2), nesting tens of thousands deep (3), duplicate keys
// (9), LINE WORKS callback fields of the wrong type (10), and the parse parts of 16 (two
// signature headers, "v" that is not exactly 1, the bearer scheme's case). Each answer is the
// documented one, nothing refused is stored, and the daemon goes on serving everyone else.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <stdexcept>

#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;

json good_talk(const std::string& text = "通常の投稿") {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

std::string error_text(const HttpResult& r) {
  const json j = r.json();
  return j.is_object() && j.contains("error") && j["error"].is_string()
             ? j["error"].get<std::string>()
             : "(no error) " + r.body;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string nested_arrays(std::size_t depth, std::string_view inner) {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

std::string nested_objects(std::size_t depth, std::string_view inner) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += R"({"a":)";
  return text + std::string(inner) + std::string(depth, '}');
}

// What the daemon answers to `first` sent as the first frame on /v1/stream: the frame it
// sends back, and whether it then closed the stream (nothing more within a second).
struct HelloAnswer {
  std::optional<json> frame;
  bool closed = false;
  std::string error;
};

HelloAnswer answer_to_first_frame(std::uint16_t port, const std::string& first,
                                  bool binary = false) {
  HelloAnswer out;
  net::io_context ioc;
  beast::websocket::stream<beast::tcp_stream> ws(ioc);
  try {
    beast::get_lowest_layer(ws).expires_after(5s);
    beast::get_lowest_layer(ws).connect({net::ip::make_address("127.0.0.1"), port});
    ws.handshake("127.0.0.1", "/v1/stream");
    ws.read_message_max(64 * 1024 * 1024);
    ws.binary(binary);
    ws.write(net::buffer(first));
    beast::flat_buffer buffer;
    ws.read(buffer);
    out.frame = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    buffer.consume(buffer.size());
    beast::get_lowest_layer(ws).expires_after(1s);
    beast::error_code ec;
    ws.read(buffer, ec);
    out.closed = ec == beast::websocket::error::closed || ec == net::error::eof ||
                 ec == net::error::connection_reset;
    if (!out.closed) out.error = "after the error frame: " + (ec ? ec.message() : "another frame");
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

// A hello whose fields are filled in from `patch` (null members removed).
std::string hello_with(const json& patch) {
  json hello = {
      {"v", 1}, {"type", "hello"}, {"display", "main"}, {"token", kDisplay}, {"since", nullptr}};
  for (const auto& [key, value] : patch.items()) hello[key] = value;
  return hello.dump();
}

// A signed callback that must be a `malformed` drop: 200, counted, nothing stored.
void expect_malformed_drop(const TestDaemon& d, const std::string& body, const std::string& what) {
  const std::int64_t seq = d.seq();
  const double before = d.refused("malformed");
  HttpResult r = post_lineworks(d.port(), body);
  EXPECT_EQ(r.status, 200) << what << ": " << r.body << r.error;
  EXPECT_EQ(d.refused("malformed"), before + 1) << what;
  EXPECT_EQ(d.seq(), seq) << what;
}

// ---- class 1: the unauthenticated stream hello --------------------------------------------------

TEST(UntrustedJson, StreamHellosOfWrongTypesGetAnErrorFrameAndOthersKeepStreaming) {
  TestDaemon d;
  Subscriber watcher(d.port(), std::nullopt);
  ASSERT_EQ((*watcher.next_non_heartbeat())["mode"], "snapshot");
  ASSERT_EQ((*watcher.next_non_heartbeat())["type"], "snapshot");

  struct Case {
    std::string frame;
    std::string code;
  };
  const std::vector<Case> cases = {
      {R"({"v":1,"type":1})", "bad_hello"},
      {R"({"v":1,"type":null,"token":"display-sample"})", "bad_hello"},
      {R"({"v":1,"type":["hello"],"token":"display-sample"})", "bad_hello"},
      {R"({"v":1,"type":{"x":"hello"},"token":"display-sample"})", "bad_hello"},
      {R"({"v":"1","type":"hello","token":"display-sample"})", "bad_hello"},
      {R"({"v":null,"type":"hello","token":"display-sample"})", "bad_hello"},
      {R"({"v":[1],"type":"hello","token":"display-sample"})", "bad_hello"},
      {R"({"v":true,"type":"hello","token":"display-sample"})", "bad_hello"},
      {R"({"v":1.0,"type":"hello","token":"display-sample"})", "bad_hello"},
      {R"({"v":1e400,"type":"hello","token":"display-sample"})", "bad_hello"},
      {hello_with({{"token", 12345}}), "bad_hello"},
      {hello_with({{"token", {{"secret", "display-sample"}}}}), "bad_hello"},
      {hello_with({{"token", json::array({kDisplay})}}), "bad_hello"},
      {hello_with({{"display", 7}}), "bad_hello"},
      {hello_with({{"display", {{"name", "main"}}}}), "bad_hello"},
      {hello_with({{"display", std::string(10'000, 'x')}}), "bad_hello"},
      {hello_with({{"since", "5"}}), "bad_hello"},
      {hello_with({{"since", -1}}), "bad_hello"},
      {hello_with({{"since", 1.5}}), "bad_hello"},
      {hello_with({{"since", json::object()}}), "bad_hello"},
      {hello_with({{"since", 18446744073709551615u}}), "bad_hello"},
      {R"({"v":1,"type":"hello","token":"display-sample","since":1e400})", "bad_hello"},
      {R"({"v":1,"type":"hello","token":"display-sample","since":123456789012345678901234567890})",
       "bad_hello"},
      {R"({"v":1,"type":"hello","token":"nope","token":"display-sample"})", "bad_hello"},
      {R"({"v":1,"type":"hello","v":2,"token":"display-sample"})", "bad_hello"},
      // As deep as fits the 64 KiB frame limit.
      {R"({"v":1,"type":"hello","token":)" + nested_objects(10'000, "1") + "}", "bad_hello"},
      {nested_arrays(30'000, "1"), "bad_hello"},
      {"[]", "bad_hello"},
      {"null", "bad_hello"},
      {"\"hello\"", "bad_hello"},
      {"42", "bad_hello"},
      {"", "bad_hello"},
      {"not json at all", "bad_hello"},
      {hello_with({{"token", nullptr}}), "bad_hello"},
      {hello_with({{"token", "wrong"}}), "unauthorized"},
  };
  for (const Case& c : cases) {
    const std::string label = c.frame.substr(0, 80);
    HelloAnswer a = answer_to_first_frame(d.port(), c.frame);
    ASSERT_TRUE(a.frame) << label << ": " << a.error;
    ASSERT_TRUE(a.frame->is_object()) << label;
    EXPECT_EQ((*a.frame)["type"], "error") << label << " -> " << a.frame->dump();
    EXPECT_EQ((*a.frame)["code"], c.code) << label << " -> " << a.frame->dump();
    EXPECT_TRUE((*a.frame)["message"].is_string()) << label;
    EXPECT_LT(a.frame->dump().size(), 600u) << label;
    EXPECT_TRUE(a.closed) << label << ": " << a.error;
    ASSERT_EQ(d.seq(), 0) << "daemon stopped answering after " << label;
  }
  // The same garbage as binary frames, where the WebSocket layer does not check UTF-8 first.
  for (const std::string frame : {R"({"v":1,"type":1})", "{\"v\":1,\"type\":\"hel\xFF\"}",
                                  "{\"v\":1,\"type\":\"hello\",\"token\":\"\xC0\xAF\"}"}) {
    HelloAnswer binary = answer_to_first_frame(d.port(), frame, true);
    ASSERT_TRUE(binary.frame) << binary.error;
    EXPECT_EQ((*binary.frame)["code"], "bad_hello") << binary.frame->dump();
    EXPECT_TRUE(binary.closed);
  }
  // Invalid UTF-8 in a text frame is refused by the WebSocket layer itself (close 1007).
  HelloAnswer text = answer_to_first_frame(d.port(), "{\"v\":1,\"type\":\"hel\xFF\"}");
  EXPECT_FALSE(text.frame);
  EXPECT_EQ(d.seq(), 0);

  // The subscriber that joined first saw none of it and still gets what is stored.
  ASSERT_EQ(d.post_json("/v1/talk", good_talk(), kIngest).status, 200);
  auto events = watcher.events_until(1);
  ASSERT_EQ(events.size(), 1u) << watcher.error();
  EXPECT_EQ(events[0]["text"], "通常の投稿");
  EXPECT_EQ(d.metric("bcp_stream_subscribers"), 1);
}

TEST(UntrustedJson, OnlyTheIntegerOneIsProtocolVersionOne) {
  TestDaemon d;
  // Integers other than 1 are a version this daemon does not speak, named as sent (never
  // narrowed: 4294967297 read as an int is 1).
  for (const char* v :
       {"4294967297", "-1", "0", "2", "18446744073709551615", "-9223372036854775808"}) {
    HelloAnswer a = answer_to_first_frame(
        d.port(),
        std::string(R"({"v":)") + v + R"(,"type":"hello","token":"display-sample","since":null})");
    ASSERT_TRUE(a.frame) << v << ": " << a.error;
    EXPECT_EQ((*a.frame)["code"], "version_mismatch") << v << " -> " << a.frame->dump();
    EXPECT_EQ((*a.frame)["daemon_version"], 1) << v;
    EXPECT_EQ((*a.frame)["client_version"].dump(), v) << v;
    EXPECT_TRUE(contains((*a.frame)["message"].get<std::string>(), v)) << a.frame->dump();
    EXPECT_TRUE(a.closed) << v;
  }
  // Anything not an integer is not a version at all.
  for (const char* v : {"1.0", "1e0", "\"1\"", "true", "[1]", "{\"v\":1}", "0.99999999999999999"}) {
    HelloAnswer a = answer_to_first_frame(
        d.port(), std::string(R"({"v":)") + v + R"(,"type":"hello","token":"display-sample"})");
    ASSERT_TRUE(a.frame) << v << ": " << a.error;
    EXPECT_EQ((*a.frame)["code"], "bad_hello") << v << " -> " << a.frame->dump();
    EXPECT_TRUE(contains((*a.frame)["message"].get<std::string>(), "/v")) << a.frame->dump();
  }
  EXPECT_EQ(d.metric("bcp_stream_subscribers"), 0);
  // And the exact hello still joins.
  Subscriber ok(d.port(), std::nullopt);
  auto hello = ok.next_non_heartbeat();
  ASSERT_TRUE(hello) << ok.error();
  EXPECT_EQ((*hello)["type"], "hello");
}

// Nothing thrown on the I/O thread ends the process. The daemon's clock is the seam: routes,
// the heartbeat and the calendar tick all read it, so a clock that throws makes each of those
// handlers throw (a std::exception, then something that is not one).
TEST(UntrustedJson, AHandlerThatThrowsCostsOneAnswerNotTheDaemon) {
  static std::atomic<int> mode{0};  // 0 normal, 1 throw std::runtime_error, 2 throw an int
  mode = 0;
  TestDaemon d([](DaemonOptions& o) {
    o.clock = [] {
      if (mode == 1) throw std::runtime_error("clock exploded");
      if (mode == 2) throw 42;
      return std::chrono::system_clock::now();
    };
  });
  Subscriber watcher(d.port(), std::nullopt);
  ASSERT_EQ((*watcher.next_non_heartbeat())["type"], "hello");
  ASSERT_EQ((*watcher.next_non_heartbeat())["type"], "snapshot");

  for (int m : {1, 2}) {
    mode = m;
    HttpResult r = d.post_json("/v1/talk", good_talk(), kIngest);
    EXPECT_EQ(r.status, 500) << m << ": " << r.body << r.error;
    // Heartbeats throw too meanwhile (every 200 ms); the daemon answers throughout.
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(d.seq(), 0) << m;
  }
  mode = 0;
  HttpResult r = d.post_json("/v1/talk", good_talk("戻りました"), kIngest);
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  auto events = watcher.events_until(1);
  ASSERT_EQ(events.size(), 1u) << watcher.error();
  EXPECT_EQ(events[0]["text"], "戻りました");
  // Heartbeats resumed: the timer was rescheduled before the beat that threw.
  bool heartbeat = false;
  for (int i = 0; i < 10 && !heartbeat; ++i) {
    auto frame = watcher.next(2s);
    heartbeat = frame && (*frame)["type"] == "heartbeat";
  }
  EXPECT_TRUE(heartbeat) << watcher.error();
}

// ---- class 2: numbers out of range, on every route ----------------------------------------------

TEST(UntrustedJson, NumbersOutOfRangeAre400OnEveryRoute) {
  TestDaemon d;
  HttpResult alert = d.post_json(
      "/v1/alerts", {{"kind", "bear"}, {"severity", "warning"}, {"title", "クマ"}}, kOperator);
  ASSERT_EQ(alert.status, 201) << alert.body;
  const std::string id = alert.json()["alert"];
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "訓練"}, {"drill", true}}, kOperator).status,
            201);
  const std::int64_t seq = d.seq();

  struct Route {
    std::string target;
    std::string token;
  };
  const std::vector<Route> routes = {
      {"/v1/talk", kIngest},
      {"/v1/availability", kIngest},
      {"/v1/rollcalls/current/checkins", kIngest},
      {"/v1/rollcalls", kOperator},
      {"/v1/alerts", kOperator},
      {"/v1/alerts/" + id + "/ack", kOperator},
      {"/v1/alerts/" + id + "/cancel", kOperator},
  };
  const std::vector<std::string> bodies = {
      R"({"x":1e400})",
      R"({"x":-1e400})",
      R"({"group":"hq","sender":{"id":"s001","name":"n","weight":1e309},"text":"t"})",
      R"({"group":"hq","sender":{"id":"s001","name":"n"},"text":"t","attachments":[{"kind":"location","lat":-1e309,"lon":1}]})",
      R"({"staff":"s001","status":"out","until":[[[[1E+99999]]]]})",
      R"({"level":1e400})",
  };
  for (const Route& route : routes) {
    for (const std::string& body : bodies) {
      HttpResult r = d.post(route.target, body, bearer(route.token));
      EXPECT_EQ(r.status, 400) << route.target << " " << body << " -> " << r.body << r.error;
      EXPECT_TRUE(contains(error_text(r), "number out of range")) << route.target << ": " << r.body;
    }
  }
  EXPECT_EQ(d.seq(), seq);
  EXPECT_EQ(d.post_json("/v1/talk", good_talk(), kIngest).status, 200);
}

// ---- class 3: nesting -------------------------------------------------------------------------

TEST(UntrustedJson, DeepNestingIs400NestedTooDeeplyAnywhere) {
  TestDaemon d;
  struct Case {
    std::string target;
    std::string token;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"/v1/talk", kIngest, R"({"level":)" + nested_arrays(50'000, R"("B")") + "}"},
      {"/v1/talk", kIngest, R"({"level":)" + nested_objects(50'000, R"("B")") + "}"},
      {"/v1/talk", kIngest, R"({"group":"hq","text":)" + nested_arrays(100'000, "1") + "}"},
      {"/v1/availability", kIngest,
       R"({"staff":"s001","note":)" + nested_objects(30'000, "1") + "}"},
      {"/v1/rollcalls", kOperator, R"({"departments":)" + nested_arrays(65, "") + "}"},
      {"/v1/alerts", kOperator, nested_arrays(200'000, "")},
  };
  for (const Case& c : cases) {
    HttpResult r = d.post(c.target, c.body, bearer(c.token));
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body.substr(0, 300) << r.error;
    EXPECT_TRUE(contains(error_text(r), "nested too deeply")) << r.body.substr(0, 300);
    EXPECT_LT(r.body.size(), 400u) << c.target;
  }
  // Within the bound a nested level is still a classification refusal, described without
  // walking or echoing the structure.
  HttpResult shallow =
      d.post("/v1/talk",
             R"({"group":"hq","sender":{"id":"s001","name":"n"},"text":"t","level":)" +
                 nested_arrays(60, R"("B")") + "}",
             bearer(kIngest));
  EXPECT_EQ(shallow.status, 403) << shallow.body;
  EXPECT_EQ(error_text(shallow),
            "/level: classification an array may not be shown on the wall (only \"C\")");
  // A signed LINE WORKS body nested deep is a malformed drop; so is a deep hello (above).
  expect_malformed_drop(d, R"({"type":"message","source":)" + nested_objects(40'000, "1") + "}",
                        "deep callback");
  EXPECT_EQ(d.seq(), 0);
  EXPECT_EQ(d.post_json("/v1/talk", good_talk(), kIngest).status, 200);
}

// ---- class 9: duplicate keys ------------------------------------------------------------------

TEST(UntrustedJson, DuplicateKeysAre400EverywhereAndNeverStored) {
  TestDaemon d;
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "訓練"}, {"drill", true}}, kOperator).status,
            201);
  const std::int64_t seq = d.seq();
  struct Case {
    std::string target;
    std::string token;
    std::string body;
  };
  const std::string sender = R"("sender":{"id":"s001","name":"村田　達也"})";
  const std::vector<Case> cases = {
      {"/v1/talk", kIngest,
       R"({"group":"hq",)" + sender + R"(,"text":"x","level":"B","level":"C"})"},
      {"/v1/talk", kIngest,
       R"({"group":"hq",)" + sender + R"(,"text":"x","level":"C","level":"B"})"},
      {"/v1/talk", kIngest,
       R"({"group":"hq",)" + sender + R"(,"text":"x","lev\u0065l":"B","level":"C"})"},
      {"/v1/talk", kIngest, R"({"group":"jinji","group":"hq",)" + sender + R"(,"text":"x"})"},
      {"/v1/talk", kIngest, R"({"group":"hq","gr\u006fup":"jinji",)" + sender + R"(,"text":"x"})"},
      {"/v1/talk", kIngest,
       R"({"group":"hq","sender":{"id":"s001","id":"s002","name":"n"},"text":"x"})"},
      {"/v1/talk", kIngest, R"({"group":"hq",)" + sender + R"(,"text":"x","text":"y"})"},
      {"/v1/talk", kIngest,
       R"({"group":"hq",)" + sender +
           R"(,"text":"x","attachments":[{"kind":"file","kind":"image"}]})"},
      {"/v1/availability", kIngest, R"({"staff":"s001","status":"out","status":"in_office"})"},
      {"/v1/availability", kIngest, R"({"staff":"s001","status":"out","level":"B","level":"C"})"},
      {"/v1/rollcalls/current/checkins", kIngest,
       R"({"staff":"s001","safety":"safe","can_work":"yes","location":"庁舎","location":"自宅"})"},
      {"/v1/rollcalls/current/checkins", kIngest,
       R"({"staff":"s001","staff":"s002","safety":"safe","can_work":"yes"})"},
      {"/v1/rollcalls", kOperator, R"({"title":"a","drill":false,"drill":true})"},
      {"/v1/alerts", kOperator, R"({"kind":"bear","severity":"warning","title":"a","title":"b"})"},
      {"/v1/alerts", kOperator,
       R"({"kind":"bear","severity":"info","severity":"critical","title":"a"})"},
  };
  for (const Case& c : cases) {
    HttpResult r = d.post(c.target, c.body, bearer(c.token));
    EXPECT_EQ(r.status, 400) << c.target << " " << c.body << " -> " << r.body;
    EXPECT_TRUE(contains(error_text(r), "duplicate key")) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(d.seq(), seq);
  EXPECT_TRUE(d.events(seq).empty());

  // A correctly signed LINE WORKS callback with duplicates: 200, a malformed drop.
  const std::string source = R"("source":{"userId":"lw-s001","channelId":"ch-hq","domainId":1})";
  const std::string content = R"("content":{"type":"text","text":"x"})";
  for (
      const std::string& body : {
          R"({"type":"message","source":{"userId":"lw-s001","channelId":"ch-jinji","channelId":"ch-hq"},)" +
              content + "}",
          R"({"type":"message","source":{"userId":"lw-s001","channelId":"ch-hq","channelI\u0064":"ch-jinji"},)" +
              content + "}",
          R"({"type":"message","type":"postback",)" + source + "," + content + "}",
          R"({"type":"message",)" + source + R"(,"content":{"type":"text","text":"x","text":"y"}})",
          R"({"type":"message",)" + source + "," + source + "," + content + "}",
          R"({"type":"postback",)" + source +
              R"(,"data":"anpi=safe","data":"anpi=serious_injury"})",
      }) {
    expect_malformed_drop(d, body, body);
  }
  EXPECT_EQ(d.seq(), seq);
  // Well-formed, the same bodies are taken.
  EXPECT_EQ(post_lineworks(d.port(), lw_text("lw-s001", "ch-hq", "x").dump()).status, 200);
  EXPECT_EQ(d.seq(), seq + 1);
}

// ---- class 10: LINE WORKS fields of the wrong type ---------------------------------------------

TEST(UntrustedJson, LineworksFieldsOfTheWrongTypeAreMalformedDrops) {
  TestDaemon d;
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "訓練"}, {"drill", true}}, kOperator).status,
            201);
  const std::int64_t seq = d.seq();
  auto text = [](const std::function<void(json&)>& change) {
    json body = lw_text("lw-s001", "ch-hq", "庁舎点検完了");
    change(body);
    return body.dump();
  };
  auto postback = [](const std::function<void(json&)>& change) {
    json body = {{"type", "postback"},
                 {"source", {{"userId", "lw-s001"}, {"channelId", "ch-hq"}, {"domainId", 1}}},
                 {"data", "anpi=safe&work=yes"}};
    change(body);
    return body.dump();
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"channelId number", text([](json& b) { b["source"]["channelId"] = 12345; })},
      {"channelId object", text([](json& b) {
         b["source"]["channelId"] = {{"id", "ch-hq"}};
       })},
      {"channelId null", text([](json& b) { b["source"]["channelId"] = nullptr; })},
      {"channelId array",
       text([](json& b) { b["source"]["channelId"] = json::array({"ch-jinji"}); })},
      {"channelId bool", text([](json& b) { b["source"]["channelId"] = false; })},
      {"channelId null on a postback",
       postback([](json& b) { b["source"]["channelId"] = nullptr; })},
      {"channelId number on joined",
       R"({"type":"joined","source":{"channelId":7},"members":["lw-s001"]})"},
      {"userId number", text([](json& b) { b["source"]["userId"] = 1; })},
      {"userId object on a postback", postback([](json& b) {
         b["source"]["userId"] = {{"id", "lw-s001"}};
       })},
      {"domainId string", text([](json& b) { b["source"]["domainId"] = "1"; })},
      {"source string", text([](json& b) { b["source"] = "ch-hq"; })},
      {"source array", text([](json& b) { b["source"] = json::array(); })},
      {"type number", text([](json& b) { b["type"] = 1; })},
      {"type null", text([](json& b) { b["type"] = nullptr; })},
      {"issuedTime number", text([](json& b) { b["issuedTime"] = 1764000000; })},
      {"content string", text([](json& b) { b["content"] = "役場前にクマ"; })},
      {"content.type number", text([](json& b) { b["content"]["type"] = 0; })},
      {"content.text number", text([](json& b) { b["content"]["text"] = 42; })},
      {"content.text array", text([](json& b) { b["content"]["text"] = json::array({"x"}); })},
      {"content.postback object", text([](json& b) {
         b["content"]["postback"] = {{"anpi", "safe"}};
       })},
      {"content.postback number", text([](json& b) { b["content"]["postback"] = 1; })},
      {"content.fileId number", text([](json& b) {
         b["content"] = {{"type", "file"}, {"fileId", 3}};
       })},
      {"content.latitude string", text([](json& b) {
         b["content"] = {{"type", "location"}, {"latitude", "43.0"}, {"longitude", 141.0}};
       })},
      {"content.address object", text([](json& b) {
         b["content"] = {{"type", "location"}, {"address", json::object()}};
       })},
      {"content.stickerId array", text([](json& b) {
         b["content"] = {{"type", "sticker"}, {"packageId", "1"}, {"stickerId", json::array()}};
       })},
      {"data number", postback([](json& b) { b["data"] = 1; })},
      {"data object", postback([](json& b) {
         b["data"] = {{"anpi", "safe"}};
       })},
      {"members of numbers", R"({"type":"joined","source":{"channelId":"ch-hq"},"members":[1,2]})"},
      {"members string", R"({"type":"left","source":{"channelId":"ch-hq"},"members":"lw-s001"})"},
  };
  const model::Situation before = d.snapshot();
  for (const auto& [what, body] : cases) expect_malformed_drop(d, body, what);
  EXPECT_EQ(d.seq(), seq);
  // Nothing reached the wall: no talk, no check-in, no notice.
  EXPECT_TRUE(d.snapshot() == before);
  // The same callbacks with the right types are taken.
  EXPECT_EQ(post_lineworks(d.port(), text([](json&) {})).status, 200);
  EXPECT_EQ(post_lineworks(d.port(), postback([](json&) {})).status, 200);
  EXPECT_EQ(d.seq(), seq + 2);
}

// ---- class 16: headers ------------------------------------------------------------------------

std::string raw_callback(const std::string& body, const std::vector<std::string>& extra_headers) {
  std::string req =
      "POST /callback/lineworks HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n";
  for (const std::string& h : extra_headers) req += h + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  return req;
}

HttpResult send_raw(std::uint16_t port, const std::string& request) {
  const int fd = connect_raw(port);
  if (fd < 0) return HttpResult{0, "", "", "connect failed"};
  send_all(fd, request);
  HttpResult r = read_response(fd, 5s);
  ::close(fd);
  return r;
}

TEST(UntrustedJson, TwoSignatureOrBotHeadersAre401AndNothingIsStored) {
  TestDaemon d;
  const std::string body = lw_text("lw-s001", "ch-hq", "二重署名").dump();
  const std::string good = "X-WORKS-Signature: " + lineworks_signature(kBotSecret, body);
  const std::string bot = std::string("X-WORKS-BotId: ") + kBotId;
  for (const std::vector<std::string>& headers : std::vector<std::vector<std::string>>{
           {bot, good, good},
           {bot, good, "X-WORKS-Signature: AAAA"},
           {bot, "X-WORKS-Signature: AAAA", good},
           {bot, good, "x-works-signature: " + lineworks_signature(kBotSecret, body)},
           {bot, bot, good},
           {bot, "X-WORKS-BotId: 999", good},
       }) {
    HttpResult r = send_raw(d.port(), raw_callback(body, headers));
    EXPECT_EQ(r.status, 401) << headers.size() << ": " << r.body << r.error;
    EXPECT_TRUE(contains(r.body, "more than one")) << r.body;
  }
  EXPECT_EQ(d.seq(), 0);
  HttpResult once = send_raw(d.port(), raw_callback(body, {bot, good}));
  EXPECT_EQ(once.status, 200) << once.body << once.error;
  EXPECT_EQ(d.seq(), 1);
}

TEST(UntrustedJson, TheBearerSchemeIsCaseInsensitive) {
  TestDaemon d;
  int stored = 0;
  for (const char* scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    for (const char* gap : {" ", "  "}) {
      HttpResult r = d.post("/v1/talk", good_talk().dump(),
                            {{"Authorization", std::string(scheme) + gap + kIngest}});
      EXPECT_EQ(r.status, 200) << scheme << "|" << gap << ": " << r.body;
      if (r.status == 200) ++stored;
    }
  }
  EXPECT_EQ(d.seq(), stored);
  for (const std::string& auth : {std::string("Bearer") + kIngest, std::string("Basic ") + kIngest,
                                  std::string("Bearerx ") + kIngest, std::string("Bearer "),
                                  std::string(kIngest), std::string("Bear ") + kIngest}) {
    HttpResult r = d.post("/v1/talk", good_talk().dump(), {{"Authorization", auth}});
    EXPECT_EQ(r.status, 401) << auth << ": " << r.body;
  }
  // Two Authorization headers: which one counts would be a guess.
  const std::string body = good_talk().dump();
  HttpResult two =
      send_raw(d.port(),
               "POST /v1/talk HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
               "Authorization: Bearer nope\r\nAuthorization: Bearer ingest-sample\r\n"
               "Content-Length: " +
                   std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_EQ(two.status, 401) << two.body << two.error;
  EXPECT_EQ(d.seq(), stored);
}

}  // namespace
}  // namespace bcp::daemon::test
