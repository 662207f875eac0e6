// Issue 12, class 7: nothing one client sends is multiplied into megabytes on every wall.
// Text fields have byte limits (API: 400 naming the field; LINE WORKS and CAP: stored cut),
// a snapshot is serialised once per journal position and a replay comes from the frames
// already made, each subscriber's queue is bounded in bytes, and ended alerts leave the live
// situation while the journal keeps them.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket.hpp>

#include "bcp/daemon/gate/gate.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田　達也"}}}, {"text", text}};
}

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

bool valid_utf8(const std::string& s) {
  return !json::parse("\"" + s + "\"", nullptr, false).is_discarded();
}

struct TooLong {
  std::string route;
  json body;
  std::string field;  // the pointer the 400 must name
};

TEST(Amplification, ApiFieldsOverTheirLimitAre400NamingTheField) {
  TestDaemon d;
  HttpResult start =
      d.post_json("/v1/rollcalls", {{"title", "訓練点呼"}, {"drill", true}}, kOperator);
  ASSERT_EQ(start.status, 201) << start.body;
  const std::int64_t before = d.seq();
  const std::string kanji_over = repeat("あ", FieldLimits::kTalkText / 3 + 1);  // 8193 bytes
  // Not a roster id: for one, the roster's name replaces whatever name was sent (issue 20).
  json sender_long = talk("x");
  sender_long["sender"]["id"] = "guest-outside-the-roster";
  sender_long["sender"]["name"] = std::string(FieldLimits::kName + 1, 'n');
  json many_attachments = talk("x");
  many_attachments["attachments"] = json::array();
  for (std::size_t i = 0; i <= FieldLimits::kAttachments; ++i) {
    many_attachments["attachments"].push_back({{"kind", "sticker"}});
  }
  json long_address = talk("x");
  long_address["attachments"] = {
      {{"kind", "location"}, {"address", std::string(FieldLimits::kAddress + 1, 'a')}}};
  const std::string note_over(FieldLimits::kNote + 1, 'n');
  for (const TooLong& c : {
           TooLong{"/v1/talk", talk(std::string(FieldLimits::kTalkText + 1, 'a')), "/text"},
           TooLong{"/v1/talk", talk(kanji_over), "/text"},
           TooLong{"/v1/talk", talk(repeat("熊", 20'000)), "/text"},
           TooLong{"/v1/talk", sender_long, "/sender/name"},
           TooLong{"/v1/talk", many_attachments, "/attachments"},
           TooLong{"/v1/talk", long_address, "/attachments/0/address"},
           TooLong{"/v1/availability",
                   {{"staff", "s001"}, {"status", "out"}, {"note", note_over}},
                   "/note"},
           TooLong{"/v1/rollcalls/current/checkins",
                   {{"staff", "s001"},
                    {"safety", "safe"},
                    {"can_work", "yes"},
                    {"location", note_over}},
                   "/location"},
           TooLong{
               "/v1/rollcalls/current/checkins",
               {{"staff", "s001"}, {"safety", "safe"}, {"can_work", "yes"}, {"note", note_over}},
               "/note"},
           TooLong{"/v1/alerts",
                   {{"kind", "bear"},
                    {"severity", "warning"},
                    {"title", std::string(FieldLimits::kAlertTitle + 1, 't')}},
                   "/title"},
           TooLong{"/v1/alerts",
                   {{"kind", "bear"},
                    {"severity", "warning"},
                    {"title", "クマ"},
                    {"body", std::string(FieldLimits::kAlertBody + 1, 'b')}},
                   "/body"},
       }) {
    SCOPED_TRACE(c.route + " " + c.field);
    HttpResult r = d.post_json(c.route, c.body, kOperator);
    EXPECT_EQ(r.status, 400) << r.body.substr(0, 300);
    const std::string error = r.json().value("error", "");
    EXPECT_EQ(error.rfind(c.field + ": ", 0), 0u) << error;
    EXPECT_NE(error.find("over the limit of"), std::string::npos) << error;
  }
  EXPECT_EQ(d.seq(), before) << "a refused field was stored";

  // At the limit is fine, also when it ends in a multi-byte character.
  const std::string at_limit = repeat("あ", FieldLimits::kTalkText / 3) + "ab";  // 8192 bytes
  ASSERT_EQ(at_limit.size(), FieldLimits::kTalkText);
  HttpResult ok = d.post_json("/v1/talk", talk(at_limit), kIngest);
  ASSERT_EQ(ok.status, 200) << ok.body.substr(0, 300);
  EXPECT_EQ(d.events(before).at(0)["text"], at_limit);
}

TEST(Amplification, LongLineWorksTextIsStoredCutNotLost) {
  TestDaemon d;
  const std::string text = repeat("長文", 10'000);  // 60,000 bytes
  HttpResult r = post_lineworks(d.port(), lw_text("lw-s001", "ch-hq", text).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(wait_until([&] { return d.seq() == 1; }, 5s));
  const std::string stored = d.events().at(0)["text"];
  EXPECT_LE(stored.size(), FieldLimits::kTalkText);
  EXPECT_GT(stored.size(), FieldLimits::kTalkText - 8);
  EXPECT_TRUE(valid_utf8(stored));
  const std::string ellipsis = "…";
  ASSERT_GE(stored.size(), ellipsis.size());
  EXPECT_EQ(stored.substr(stored.size() - ellipsis.size()), ellipsis);
  EXPECT_EQ(text.rfind(stored.substr(0, stored.size() - ellipsis.size()), 0), 0u)
      << "the stored text must be the message's beginning";
}

TEST(Amplification, LongCapDescriptionIsStoredCut) {
  TestDaemon d;
  const std::string description = repeat("津波に警戒してください。", 3000);  // ~108 KB
  const std::string cap =
      R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>long-1</identifier>)"
      R"(<sender>s@example.jp</sender><sent>2026-11-24T10:00:00+09:00</sent>)"
      R"(<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>)"
      R"(<info><category>Geo</category><event>津波</event><urgency>Immediate</urgency>)"
      R"(<severity>Severe</severity><certainty>Observed</certainty><headline>津波警報</headline>)"
      "<description>" +
      description + "</description></info></alert>";
  HttpResult r = http_request(
      d.port(), "POST", "/v1/cap", cap,
      {{"Authorization", "Bearer ingest-sample"}, {"Content-Type", "application/cap+xml"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto events = d.events();
  ASSERT_EQ(events.size(), 1u);
  const std::string body = events[0]["body"];
  EXPECT_LE(body.size(), FieldLimits::kAlertBody);
  EXPECT_EQ(body.rfind("津波に警戒してください。", 0), 0u);
  EXPECT_TRUE(valid_utf8(body));
}

TEST(Amplification, SnapshotIsSerialisedOncePerJournalPosition) {
  TestDaemon d;
  ASSERT_EQ(d.post_json("/v1/talk", talk("one"), kIngest).status, 200);
  const double built = d.metric("bcp_stream_snapshots_built_total");
  std::vector<std::unique_ptr<Subscriber>> walls;
  std::string first;
  for (int i = 0; i < 10; ++i) {
    walls.push_back(std::make_unique<Subscriber>(d.port(), std::nullopt));
    auto hello = walls.back()->next_non_heartbeat();
    auto snapshot = walls.back()->next_non_heartbeat();
    ASSERT_TRUE(hello && snapshot) << walls.back()->error();
    EXPECT_EQ((*snapshot)["type"], "snapshot");
    if (i == 0) first = snapshot->dump();
    EXPECT_EQ(snapshot->dump(), first) << "walls joining at one seq see one snapshot";
  }
  EXPECT_EQ(d.metric("bcp_stream_snapshots_built_total"), built + 1);
  // A new event: the next wall gets a new one, built once more.
  ASSERT_EQ(d.post_json("/v1/talk", talk("two"), kIngest).status, 200);
  Subscriber late(d.port(), std::nullopt);
  late.next_non_heartbeat();
  auto snapshot = late.next_non_heartbeat();
  ASSERT_TRUE(snapshot) << late.error();
  EXPECT_EQ((*snapshot)["seq"], 2);
  EXPECT_EQ(d.metric("bcp_stream_snapshots_built_total"), built + 2);
}

TEST(Amplification, ReplaysComeFromSharedFramesWithinHalfTheQueueBound) {
  TestDaemon d([](DaemonOptions& o) { o.max_subscriber_queue_bytes = 64 * 1024; });
  const std::string text(6 * 1024, 'r');
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(d.post_json("/v1/talk", talk(text), kIngest).status, 200);
  }
  // 20 frames of 6 KiB are more than half of 64 KiB: from seq 0 the wall gets the snapshot.
  Subscriber far(d.port(), 0);
  auto hello = far.next_non_heartbeat();
  ASSERT_TRUE(hello) << far.error();
  EXPECT_EQ((*hello)["mode"], "snapshot");
  // Two events behind is a replay of exactly those two.
  Subscriber near(d.port(), 18);
  hello = near.next_non_heartbeat();
  ASSERT_TRUE(hello) << near.error();
  EXPECT_EQ((*hello)["mode"], "replay");
  auto events = near.events_until(20);
  ASSERT_EQ(events.size(), 2u) << near.error();
  EXPECT_EQ(events[0]["seq"], 19);
  EXPECT_EQ(events[1]["seq"], 20);
  // Up to date: an empty replay.
  Subscriber current(d.port(), 20);
  hello = current.next_non_heartbeat();
  ASSERT_TRUE(hello) << current.error();
  EXPECT_EQ((*hello)["mode"], "replay");
  ASSERT_EQ(d.post_json("/v1/talk", talk("live"), kIngest).status, 200);
  events = current.events_until(21);
  ASSERT_EQ(events.size(), 1u) << current.error();
  EXPECT_EQ(events[0]["text"], "live");
}

TEST(Amplification, SlowSubscriberIsDroppedByBytesWhileOthersGetEverything) {
  TestDaemon d([](DaemonOptions& o) {
    o.socket_send_buffer = 4096;
    o.max_subscriber_queue = 1'000'000;  // frames: no bound to speak of; bytes decide
    o.max_subscriber_queue_bytes = 128 * 1024;
  });
  // A snapshot bigger than the whole bound still goes to a wall that reads.
  const std::string text(4 * 1024, 's');
  constexpr int kBefore = 40;  // 160 KiB of talk in the snapshot
  constexpr int kLive = 80;    // 320 KiB: far past the bound and the kernel's buffers
  for (int i = 0; i < kBefore; ++i) {
    ASSERT_EQ(d.post_json("/v1/talk", talk(text), kIngest).status, 200);
  }
  Subscriber reader(d.port(), std::nullopt);
  ASSERT_TRUE(reader.next_non_heartbeat()) << reader.error();
  auto snapshot = reader.next_non_heartbeat();
  ASSERT_TRUE(snapshot) << reader.error();
  EXPECT_GT(snapshot->dump().size(), 128u * 1024);

  StalledSubscriber slow(d.port(), kBefore);
  ASSERT_TRUE(wait_until([&] { return d.metric("bcp_stream_subscribers") == 2; }, 5s));
  // The reader takes each event before the next is posted: it is never more than one behind,
  // whatever else the machine is doing, while the stalled one's queue grows past the bound.
  std::vector<json> received;
  for (int i = 0; i < kLive; ++i) {
    EXPECT_EQ(d.post_json("/v1/talk", talk(text), kIngest).status, 200) << i;
    for (json& e : reader.events_until(kBefore + i + 1, 10s)) received.push_back(std::move(e));
  }
  EXPECT_EQ(received.size(), static_cast<std::size_t>(kLive)) << reader.error();
  EXPECT_TRUE(
      wait_until([&] { return d.metric("bcp_stream_subscribers_dropped_total") == 1; }, 5s));
  EXPECT_EQ(d.metric("bcp_stream_subscribers"), 1);
}

// Alerts that ended stay only a while; the journal keeps every one.
TEST(Amplification, EndedAlertsLeaveTheLiveSituationButNotTheJournal) {
  TestDaemon d;
  constexpr int kAlerts = 70;
  for (int i = 0; i < kAlerts; ++i) {
    // Zero-padded, so that ids sort as they were made (ties of the end time go by id).
    const std::string id = (i < 10 ? "a0" : "a") + std::to_string(i);
    HttpResult r = d.post_json(
        "/v1/alerts", {{"alert", id}, {"kind", "other"}, {"severity", "info"}, {"title", "t"}},
        kOperator);
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(d.post("/v1/alerts/" + id + "/cancel", "", bearer(kOperator)).status, 200);
  }
  HttpResult active = d.post_json(
      "/v1/alerts",
      {{"alert", "still"}, {"kind", "bear"}, {"severity", "warning"}, {"title", "クマ"}},
      kOperator);
  ASSERT_EQ(active.status, 201);
  model::Situation s = d.snapshot();
  // The active one and the 50 most recently ended.
  EXPECT_EQ(s.alerts.size(), model::Situation::kEndedAlertLimit + 1);
  EXPECT_TRUE(s.alerts.contains("still"));
  EXPECT_FALSE(s.alerts.contains("a00"));
  EXPECT_FALSE(s.alerts.contains("a19"));
  EXPECT_TRUE(s.alerts.contains("a20"));
  EXPECT_TRUE(s.alerts.contains("a69"));
  EXPECT_TRUE(s.alerts.at("a69").cancelled);
  int raised = 0, cancelled = 0;
  for (const json& e : d.events()) {
    raised += e["type"] == "alert.raised";
    cancelled += e["type"] == "alert.cancelled";
  }
  EXPECT_EQ(raised, kAlerts + 1);
  EXPECT_EQ(cancelled, kAlerts);
  // A wall folding the stream from the start agrees with the daemon's snapshot.
  Subscriber wall(d.port(), 0);
  model::Situation folded;
  folded.directory = s.directory;
  ASSERT_TRUE(wall.next_non_heartbeat());
  for (const json& e : wall.events_until(d.seq())) {
    model::apply(folded, model::event_from_json(e));
  }
  EXPECT_EQ(folded.alerts, s.alerts);
}

}  // namespace
}  // namespace bcp::daemon::test
