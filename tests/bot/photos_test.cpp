// Talk photos end to end (DESIGN.md "LINE WORKS both ways", Photos): a signed image callback to
// a real bcp-feedd is answered at once; the daemon fetches the file from the stand-in tenant
// (302, the Bearer on both hops), re-encodes it without EXIF or GPS, keeps it and journals
// talk.photo; GET /v1/attachments/{ref} serves it to a wall. A level-B room's photo is never
// asked for; failures are retried and a file that is no image is given up; a restart resumes
// what was pending. The tenant checks what LINE WORKS checks; every wait has a deadline.
#include <gtest/gtest.h>

#include "bcp/model/codec.hpp"
#include "bcp/photo/photo.hpp"
#include "bot_test_support.hpp"
#include "test_images.hpp"

namespace bcp::daemon::test {
namespace {

using photo::test::Colour;
using tools::LineWorksTenant;

constexpr const char* kDatum = "GPS-DATUM-RIVERBANK-SECRET";

std::string photo_with_gps() {
  return photo::test::make_jpeg(
      photo::test::quartered_rgba(640, 480, Colour{40, 90, 160}, Colour{230, 200, 30}), 640, 480,
      photo::test::exif_with_gps(1, kDatum));
}

std::string image_callback(const std::string& channel, const std::string& file_id,
                           const std::string& user = "lw-s001") {
  return json{
      {"type", "message"},
      {"source", {{"userId", user}, {"channelId", channel}, {"domainId", 10000001}}},
      {"issuedTime", model::format_time(std::chrono::time_point_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now()))},
      {"content", {{"type", "image"}, {"fileId", file_id}}}}
      .dump();
}

class TalkPhotos : public ::testing::Test {
 protected:
  void start(std::vector<std::chrono::milliseconds> delays = {std::chrono::milliseconds(50)},
             int max_failures = 3) {
    daemon_.emplace(
        [delays, max_failures](DaemonOptions& o) {
          o.lineworks_client = fast_client();
          o.photo_retry_delays = delays;
          o.photo_max_failures = max_failures;
        },
        [&](config::TownConfig& town) { speak_to(town, tenant_); });
  }
  // The ref of the first attachment of the newest talk message in `group`, once it has one.
  std::optional<std::string> ref_in(const std::string& group) const {
    const model::Situation s = daemon_->snapshot();
    auto talk = s.talk.find(group);
    if (talk == s.talk.end()) return std::nullopt;
    for (auto it = talk->second.recent.rbegin(); it != talk->second.recent.rend(); ++it) {
      if (it->message.attachments.empty()) continue;
      return it->message.attachments.front().ref;
    }
    return std::nullopt;
  }
  bool wait_for_ref(const std::string& group) const {
    return wait_until([&] { return ref_in(group).has_value(); }, 20s);
  }

  LineWorksTenant tenant_{sample_tenant_settings()};
  std::optional<TestDaemon> daemon_;
};

TEST_F(TalkPhotos, ALevelCPhotoIsFetchedReencodedWithoutGpsAndServedToWalls) {
  tenant_.add_attachment("kr1.riverbank", photo_with_gps(), "image/jpeg");
  start();
  const HttpResult callback =
      post_lineworks(daemon_->port(), image_callback("ch-soumu", "kr1.riverbank"));
  ASSERT_EQ(callback.status, 200) << callback.body;
  ASSERT_TRUE(wait_for_ref("soumu")) << "no talk.photo journaled";
  const std::string ref = *ref_in("soumu");
  EXPECT_TRUE(model::is_photo_ref(ref)) << ref;

  // Both hops carried the bot's token.
  const auto requests = tenant_.attachment_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path,
            "/v1.0/bots/" + sample_town().lineworks_api->bot_id + "/attachments/kr1.riverbank");
  EXPECT_EQ(requests[0].status, 302);
  EXPECT_EQ(requests[1].status, 200);
  EXPECT_TRUE(requests[0].had_token && requests[1].had_token);

  // The journal holds the ref and the size, never the fileId.
  bool journaled = false;
  for (const json& e : daemon_->events()) {
    EXPECT_EQ(e.dump().find("kr1.riverbank"), std::string::npos) << e.dump();
    if (e.value("type", "") == "talk.photo") {
      journaled = true;
      EXPECT_EQ(e["ref"], ref);
      EXPECT_EQ(e["width"], 640);
      EXPECT_EQ(e["height"], 480);
      EXPECT_EQ(e["attachment"], 0);
    }
  }
  EXPECT_TRUE(journaled);

  const HttpResult served = daemon_->get("/v1/attachments/" + ref, kDisplay);
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.content_type, "image/jpeg");
  EXPECT_EQ(served.cache_control, "private, max-age=31536000, immutable");
  EXPECT_EQ(served.etag, "\"" + ref + "\"");
  EXPECT_EQ(served.body.find(kDatum), std::string::npos);
  EXPECT_EQ(served.body.find("Exif"), std::string::npos);
  std::string error;
  auto pixels = photo::decode_rgba(served.body, 4096, photo::Limits{}, error);
  ASSERT_TRUE(pixels) << error;
  EXPECT_EQ(pixels->width, 640);
  EXPECT_EQ(pixels->height, 480);
  EXPECT_EQ(daemon_->metric("bcp_photos_fetched_total"), 1);
  EXPECT_EQ(daemon_->metric("bcp_photos_pending"), 0);
}

TEST_F(TalkPhotos, TheAttachmentRouteNeedsAWallOrOperatorTokenAndNamesNothingElse) {
  tenant_.add_attachment("kr1.riverbank", photo_with_gps(), "image/jpeg");
  start();
  ASSERT_EQ(post_lineworks(daemon_->port(), image_callback("ch-hq", "kr1.riverbank")).status, 200);
  ASSERT_TRUE(wait_for_ref("hq"));
  const std::string ref = *ref_in("hq");
  EXPECT_EQ(daemon_->get("/v1/attachments/" + ref, kOperator).status, 200);
  EXPECT_EQ(daemon_->get("/v1/attachments/" + ref).status, 401);
  EXPECT_EQ(daemon_->get("/v1/attachments/" + ref, kIngest).status, 403);
  // Unknown, the wrong shape, and ways out of the folder: all just "no such photo".
  for (const std::string& bad :
       {std::string(32, '0'), ref.substr(0, 31), ref + "0", std::string(32, 'A'),
        std::string("..%2F..%2Fjournal.sqlite3"), std::string("%2E%2E"), ref + ".jpg"}) {
    EXPECT_EQ(daemon_->get("/v1/attachments/" + bad, kDisplay).status, 404) << bad;
  }
  // A wall that has it is told so.
  const HttpResult again = http_request(
      daemon_->port(), "GET", "/v1/attachments/" + ref, "",
      {{"Authorization", std::string("Bearer ") + kDisplay}, {"If-None-Match", "\"" + ref + "\""}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  // The IT officer sees the walls' asking in /metrics (401/403 are not answers about photos).
  EXPECT_EQ(daemon_->metric("bcp_photo_answers_total{status=\"200\"}"), 1);
  EXPECT_EQ(daemon_->metric("bcp_photo_answers_total{status=\"304\"}"), 1);
  EXPECT_EQ(daemon_->metric("bcp_photo_answers_total{status=\"404\"}"), 7);
}

TEST_F(TalkPhotos, ALevelBRoomsPhotoIsNeverAskedFor) {
  tenant_.add_attachment("kr1.personnel", photo_with_gps(), "image/jpeg");
  tenant_.add_attachment("kr1.riverbank", photo_with_gps(), "image/jpeg");
  start();
  ASSERT_EQ(post_lineworks(daemon_->port(), image_callback("ch-jinji", "kr1.personnel")).status,
            200);
  // A level-C photo after it: once that one is kept, the B one would have been asked first.
  ASSERT_EQ(post_lineworks(daemon_->port(), image_callback("ch-soumu", "kr1.riverbank")).status,
            200);
  ASSERT_TRUE(wait_for_ref("soumu"));
  for (const auto& r : tenant_.attachment_requests())
    EXPECT_EQ(r.path.find("kr1.personnel"), std::string::npos) << r.path;
  EXPECT_FALSE(ref_in("jinji").has_value());
  EXPECT_EQ(daemon_->metric("bcp_photos_fetched_total"), 1);
}

TEST_F(TalkPhotos, TheCallbackIsAnsweredWhileTheFetchHangs) {
  tenant_.add_attachment("kr1.riverbank", photo_with_gps(), "image/jpeg");
  tenant_.hang_next(1);  // the first attachment request is never answered
  start();
  const HttpResult callback =
      post_lineworks(daemon_->port(), image_callback("ch-soumu", "kr1.riverbank"));
  EXPECT_EQ(callback.status, 200);
  // The talk message is there with its [写真] marker and no ref yet...
  EXPECT_FALSE(ref_in("soumu").value_or(std::string()).size());
  // ...and the photo comes once the client gave up on the hung request and asked again.
  EXPECT_TRUE(wait_for_ref("soumu"));
}

TEST_F(TalkPhotos, FailuresAreRetriedAndAFileThatIsNoImageIsGivenUp) {
  tenant_.add_attachment("kr1.riverbank", photo_with_gps(), "image/jpeg");
  tenant_.add_attachment("kr1.portal", "<html><body>sign in</body></html>", "image/jpeg");
  // More 503s than the client's own four attempts: the fetcher must try again itself.
  tenant_.answer_next(5, 503);
  start();
  ASSERT_EQ(post_lineworks(daemon_->port(), image_callback("ch-soumu", "kr1.riverbank")).status,
            200);
  ASSERT_TRUE(wait_for_ref("soumu"));
  EXPECT_GE(daemon_->metric("bcp_photos_retries_total"), 1);

  ASSERT_EQ(post_lineworks(daemon_->port(), image_callback("ch-hq", "kr1.portal")).status, 200);
  ASSERT_TRUE(wait_until([&] { return daemon_->metric("bcp_photos_failed_total") == 1; }, 20s));
  EXPECT_FALSE(ref_in("hq").value_or(std::string()).size());
  // Given up for good: asked for once (302 + download), never again.
  int portal = 0;
  for (const auto& r : tenant_.attachment_requests())
    if (r.path.find("kr1.portal") != std::string::npos) ++portal;
  EXPECT_EQ(portal, 1);
  EXPECT_EQ(daemon_->metric("bcp_photos_pending"), 0);
  // And the daemon serves on.
  EXPECT_EQ(
      daemon_
          ->post_json(
              "/v1/talk",
              {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村田"}}}, {"text", "ok"}},
              kIngest)
          .status,
      200);
}

TEST_F(TalkPhotos, APendingPhotoIsFetchedAfterARestart) {
  tenant_.add_attachment("kr1.riverbank", photo_with_gps(), "image/jpeg");
  tenant_.answer_next(4, 503);  // exactly the client's four attempts: the first fetch fails
  start({std::chrono::minutes(10)}, 5);  // and its retry would be ten minutes away
  ASSERT_EQ(post_lineworks(daemon_->port(), image_callback("ch-soumu", "kr1.riverbank")).status,
            200);
  ASSERT_TRUE(wait_until([&] { return daemon_->metric("bcp_photos_retries_total") == 1; }, 20s));
  EXPECT_EQ(daemon_->metric("bcp_photos_pending"), 1);
  daemon_->restart();
  ASSERT_TRUE(wait_for_ref("soumu"))
      << "the pending photo was not resumed: pending " << daemon_->metric("bcp_photos_pending")
      << ", asked " << tenant_.attachment_requests().size() << " times, failed "
      << daemon_->metric("bcp_photos_failed_total");
  // Counted by the fetcher's thread once the commit is back, which may be just after the
  // walls had the talk.photo: waited for, not read at once.
  EXPECT_TRUE(wait_until([&] { return daemon_->metric("bcp_photos_fetched_total") == 1; }, 5s))
      << daemon_->metric("bcp_photos_fetched_total");
}

}  // namespace
}  // namespace bcp::daemon::test
