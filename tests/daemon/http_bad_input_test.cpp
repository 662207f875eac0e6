// Bad input of issue 3 on the HTTP API: each gets its documented answer, nothing refused is
// stored, and the daemon keeps serving everyone else.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <cstring>

#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json good_talk(const std::string& text = "通常の投稿") {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

json with(json j, const json& patch) {
  j.update(patch);
  return j;
}

std::string raw_post(const std::string& target, const std::string& body,
                     const std::string& type = "application/json") {
  return "POST " + target +
         " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ingest-sample\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// After a refusal: the journal did not move, and a well-formed post is still taken next.
void expect_nothing_stored_and_serving(const TestDaemon& d, std::int64_t seq_before) {
  EXPECT_EQ(d.seq(), seq_before);
  EXPECT_TRUE(d.events(seq_before).empty());
  HttpResult ok = d.post_json("/v1/talk", good_talk(), kIngest);
  EXPECT_EQ(ok.status, 200) << ok.body << ok.error;
  EXPECT_EQ(ok.json()["seq"], seq_before + 1);
}

TEST(HttpBadInput, MalformedJsonIs400NamingTheProblem) {
  TestDaemon d;
  HttpResult r = d.post("/v1/talk", R"({"group": "hq", "text": )", bearer(kIngest));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json()["error"].get<std::string>().find("malformed JSON"), std::string::npos)
      << r.body;
  r = d.post("/v1/talk", "[1, 2]", bearer(kIngest));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("object"), std::string::npos) << r.body;
  r = d.post("/v1/talk", "", bearer(kIngest));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(d.refused("malformed"), 3);
  expect_nothing_stored_and_serving(d, 0);
}

TEST(HttpBadInput, WrongTypesAre400NamingTheField) {
  TestDaemon d;
  struct Case {
    json body;
    std::string pointer;
  };
  json text_number = good_talk();
  text_number["text"] = 42;
  json sender_string = good_talk();
  sender_string["sender"] = "s001";
  json attachments_object = good_talk();
  attachments_object["attachments"] = json::object();
  json group_array = good_talk();
  group_array["group"] = json::array({"hq"});
  for (const Case& c : {Case{text_number, "/text"}, Case{sender_string, "/sender"},
                        Case{attachments_object, "/attachments"}, Case{group_array, "/group"}}) {
    HttpResult r = d.post_json("/v1/talk", c.body, kIngest);
    EXPECT_EQ(r.status, 400) << c.pointer;
    EXPECT_NE(r.body.find(c.pointer), std::string::npos) << c.pointer << ": " << r.body;
  }
  HttpResult r = d.post_json("/v1/availability", {{"staff", "s001"}, {"status", true}}, kIngest);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("/status"), std::string::npos) << r.body;
  expect_nothing_stored_and_serving(d, 0);
}

TEST(HttpBadInput, MissingFieldsAre400NamingTheField) {
  TestDaemon d;
  for (const char* field : {"group", "sender", "text"}) {
    json body = good_talk();
    body.erase(field);
    HttpResult r = d.post_json("/v1/talk", body, kIngest);
    EXPECT_EQ(r.status, 400) << field;
    EXPECT_NE(r.body.find(std::string("/") + field), std::string::npos) << field << ": " << r.body;
  }
  HttpResult r = d.post_json("/v1/availability", {{"staff", "s001"}}, kIngest);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("/status"), std::string::npos) << r.body;
  ASSERT_EQ(d.post_json("/v1/rollcalls", {{"title", "t"}}, kOperator).status, 201);
  r = d.post_json("/v1/rollcalls/current/checkins", {{"staff", "s001"}, {"can_work", "yes"}},
                  kIngest);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("/safety"), std::string::npos) << r.body;
  r = d.post_json("/v1/alerts", {{"kind", "bear"}, {"severity", "warning"}}, kOperator);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("/title"), std::string::npos) << r.body;
  expect_nothing_stored_and_serving(d, 1);
}

TEST(HttpBadInput, TenMegabyteBodyIs413) {
  TestDaemon d;
  int fd = connect_raw(d.port());
  ASSERT_GE(fd, 0);
  const std::string body(10 * 1024 * 1024, 'x');
  // The daemon answers as soon as it sees the length and then closes: write from a thread
  // so the answer is read while the writer is still pushing (and gets cut).
  std::thread writer([&] { send_all(fd, raw_post("/v1/talk", body)); });
  HttpResult r = read_response(fd, 10s);
  ::shutdown(fd, SHUT_RDWR);
  writer.join();
  ::close(fd);
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_NE(r.body.find("limit"), std::string::npos) << r.body;
  EXPECT_EQ(d.refused("too_large"), 1);
  expect_nothing_stored_and_serving(d, 0);
}

// The limit to the byte, with a Content-Length and chunked: Boost 1.74 holds a *response* with
// a Content-Length to no body_limit at all, so the request side is pinned down here too.
TEST(HttpBadInput, ABodyAtTheLimitIsReadAndOneByteOverIs413) {
  TestDaemon d;  // max_body_bytes 1 MiB
  constexpr std::size_t kLimit = 1024 * 1024;
  auto padded = [](std::size_t size) {
    std::string body = good_talk().dump();
    return body + std::string(size - body.size(), ' ');  // JSON allows trailing whitespace
  };
  auto chunked = [](const std::string& body) {
    std::string out =
        "POST /v1/talk HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer ingest-sample\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < body.size(); at += 65536) {
      const std::string part = body.substr(at, 65536);
      char size[16];
      std::snprintf(size, sizeof size, "%zx\r\n", part.size());
      out += size + part + "\r\n";
    }
    return out + "0\r\n\r\n";
  };
  auto exchange = [&](const std::string& request) {
    int fd = connect_raw(d.port());
    std::thread writer([&] { send_all(fd, request); });
    HttpResult r = read_response(fd, 10s);
    ::shutdown(fd, SHUT_RDWR);
    writer.join();
    ::close(fd);
    return r;
  };
  EXPECT_EQ(exchange(raw_post("/v1/talk", padded(kLimit))).status, 200);
  EXPECT_EQ(exchange(chunked(padded(kLimit))).status, 200);
  EXPECT_EQ(exchange(raw_post("/v1/talk", padded(kLimit + 1))).status, 413);
  EXPECT_EQ(exchange(chunked(padded(kLimit + 1))).status, 413);
  EXPECT_EQ(d.refused("too_large"), 2);
  EXPECT_EQ(d.seq(), 2);
}

TEST(HttpBadInput, SlowLorisIsCutWhileOthersAreServed) {
  TestDaemon d;  // read_timeout 1 s in the fixture
  const auto start = std::chrono::steady_clock::now();
  int slow_header = connect_raw(d.port());
  int slow_body = connect_raw(d.port());
  ASSERT_GE(slow_header, 0);
  ASSERT_GE(slow_body, 0);
  ASSERT_TRUE(send_all(slow_header, "POST /v1/talk HTTP/1.1\r\nHost: t\r\n"));
  ASSERT_TRUE(send_all(slow_body, raw_post("/v1/talk", std::string(100, ' ')).substr(0, 150)));
  std::atomic<bool> done{false};
  // One byte every 100 ms: each read makes progress, so only a whole-request deadline cuts it.
  std::thread dribbler([&] {
    while (!done) {
      bool a = send_all(slow_header, "X");
      bool b = send_all(slow_body, " ");
      if (!a && !b) break;
      std::this_thread::sleep_for(100ms);
    }
  });
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(healthz_seq(d.port()), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms)
        << "a normal client waited on the slow one";
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(wait_closed(slow_header, 4s)) << "slow header was not cut";
  EXPECT_TRUE(wait_closed(slow_body, 4s)) << "slow body was not cut";
  const auto elapsed = std::chrono::steady_clock::now() - start;
  done = true;
  dribbler.join();
  ::close(slow_header);
  ::close(slow_body);
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LT(elapsed, 4s);
  expect_nothing_stored_and_serving(d, 0);
}

TEST(HttpBadInput, InvalidUtf8Is400AndNeverStoredHalfDecoded) {
  TestDaemon d;
  const std::string prefix = R"({"group":"hq","sender":{"id":"s001","name":"村田"},"text":")";
  for (const std::string& bad : {std::string("\xff\xfe"), std::string("abc\xc0\xaf"),
                                 std::string("\xe3\x81"), std::string("\\ud800")}) {
    HttpResult r = d.post("/v1/talk", prefix + bad + "\"}", bearer(kIngest));
    EXPECT_EQ(r.status, 400) << r.body;
  }
  EXPECT_EQ(d.refused("malformed"), 4);
  expect_nothing_stored_and_serving(d, 0);
}

TEST(HttpBadInput, WrongContentTypeIs415) {
  TestDaemon d;
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "application/jsonx"}) {
    Headers h = bearer(kIngest);
    h.emplace_back("Content-Type", type);
    HttpResult r = d.post("/v1/talk", good_talk().dump(), h);
    EXPECT_EQ(r.status, 415) << type;
  }
  Headers charset = bearer(kIngest);
  charset.emplace_back("Content-Type", "application/json; charset=utf-8");
  EXPECT_EQ(d.post("/v1/talk", good_talk().dump(), charset).status, 200);
  EXPECT_EQ(d.refused("content_type"), 3);
  expect_nothing_stored_and_serving(d, 1);
}

TEST(HttpBadInput, MissingOrUnknownTokenIs401) {
  TestDaemon d;
  EXPECT_EQ(d.post("/v1/talk", good_talk().dump()).status, 401);
  EXPECT_EQ(d.post("/v1/talk", good_talk().dump(), {{"Authorization", "Basic aW5nZXN0"}}).status,
            401);
  EXPECT_EQ(d.post_json("/v1/talk", good_talk(), "ingest-sample-x").status, 401);
  EXPECT_EQ(d.refused("unauthorized"), 3);
  expect_nothing_stored_and_serving(d, 0);
}

// The body of POST /v1/talk, /v1/availability and check-ins is parsed ahead on its HTTP thread
// (http/routes.hpp, read_ahead) when its token is known: what it found is answered only after
// the token and the content type, as when the route read the body itself, and counted once.
TEST(HttpBadInput, ABodyReadAheadIsJudgedAfterTheTokenAndTheContentType) {
  TestDaemon d;
  Headers json_only = {{"Content-Type", "application/json"}};
  const std::string level_b = with(good_talk("x"), {{"level", "B"}}).dump();
  for (const char* target : {"/v1/talk", "/v1/availability", "/v1/rollcalls/current/checkins"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(d.post(target, "{\"text\": ", json_only).status, 401);
    EXPECT_EQ(d.post(target, level_b, json_only).status, 401);
    EXPECT_EQ(d.post(target, "{\"text\": ", bearer("ingest-sample-x")).status, 401);
    Headers text = bearer(kIngest);
    text.emplace_back("Content-Type", "text/plain");
    EXPECT_EQ(d.post(target, "{\"text\": ", text).status, 415);
  }
  Headers token = bearer(kIngest);
  token.emplace_back("Content-Type", "application/json");
  HttpResult r = d.post("/v1/talk", "{\"text\": ", token);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(d.post("/v1/talk", level_b, token).status, 403);
  EXPECT_EQ(d.refused("unauthorized"), 9);
  EXPECT_EQ(d.refused("content_type"), 3);
  EXPECT_EQ(d.refused("malformed"), 1);
  EXPECT_EQ(d.refused("classification"), 1);
  expect_nothing_stored_and_serving(d, 0);
}

TEST(HttpBadInput, LevelAAndBItemsAre403AndNeverStored) {
  TestDaemon d;
  json b = good_talk("人事の内容");
  b["level"] = "B";
  HttpResult r = d.post_json("/v1/talk", b, kIngest);
  EXPECT_EQ(r.status, 403);
  // The refusal names the level, never the content.
  EXPECT_EQ(r.body.find("人事の内容"), std::string::npos) << r.body;
  EXPECT_EQ(d.post_json("/v1/availability", {{"staff", "s001"}, {"status", "out"}, {"level", "A"}},
                        kIngest)
                .status,
            403);
  EXPECT_EQ(d.post_json("/v1/talk", with(good_talk("x"), {{"level", 3}}), kIngest).status, 403);
  r = d.post_json("/v1/talk", with(good_talk("人事異動"), {{"group", "jinji"}}), kIngest);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("jinji"), std::string::npos);
  EXPECT_EQ(r.body.find("人事異動"), std::string::npos) << r.body;
  EXPECT_EQ(d.refused("classification"), 4);
  r = d.post_json("/v1/talk", with(good_talk(), {{"group", "nowhere"}}), kIngest);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(d.refused("unknown_group"), 1);
  // "C" is the one level that passes.
  EXPECT_EQ(d.post_json("/v1/talk", with(good_talk(), {{"level", "C"}}), kIngest).status, 200);
  expect_nothing_stored_and_serving(d, 1);
}

TEST(HttpBadInput, ThousandConcurrentConnectionsAreAllServed) {
  constexpr int kConnections = 1000;
  rlimit rl{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  // Both ends live in this process: 2 descriptors per connection plus the daemon's own.
  if (rl.rlim_cur < 2 * kConnections + 200) {
    rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 2 * kConnections + 200);
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur < 2 * kConnections + 200)
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit " << rl.rlim_max << " too low";
  TestDaemon d([](DaemonOptions& o) { o.read_timeout = 30s; });
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    int fd = connect_raw(d.port());
    ASSERT_GE(fd, 0) << "connect " << i << ": " << std::strerror(errno);
    fds.push_back(fd);
  }
  // All of them open at once on the daemon's side (+1: the /metrics request itself).
  EXPECT_TRUE(wait_until([&] { return d.metric("bcp_connections") >= kConnections + 1; }, 10s))
      << d.metric("bcp_connections");
  for (int fd : fds)
    ASSERT_TRUE(send_all(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  int ok = 0;
  for (int fd : fds) {
    HttpResult r = read_response(fd, 10s);
    if (r.status == 200 && r.json()["status"] == "ok") ++ok;
    ::close(fd);
  }
  EXPECT_EQ(ok, kConnections);
  expect_nothing_stored_and_serving(d, 0);
}

}  // namespace
}  // namespace bcp::daemon::test
