// The stand-in tenant's files as LINE WORKS serves them (DESIGN.md, Files): the attachment
// route answers 302 to a download URL, both need a token the tenant issued, an unknown fileId
// or another bot is 404; and the bot's ApiClient fetches a photo through both hops.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "bcp/lineworks/jwt.hpp"
#include "bcp/tools/http_client.hpp"
#include "lineworks_test_support.hpp"

namespace bcp::lineworks {
namespace {

using namespace std::chrono_literals;
using test::fast_options;
using test::tenant_settings;
using tools::LineWorksTenant;

constexpr const char* kFilePath = "/v1.0/bots/2000001/attachments/kr1.photo-1";

// Bytes that are not text: the route must pass them through untouched.
std::string photo_bytes() {
  std::string bytes = "\xFF\xD8\xFF\xE0";
  for (int i = 0; i < 5000; ++i) bytes += static_cast<char>(i * 7);
  return bytes;
}

GetResult fetch(ApiClient& client, GetRequest request) {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<GetResult> result;
  EXPECT_TRUE(client.get(std::move(request), [&](const GetResult& r) {
    std::lock_guard lock(mutex);
    result = r;
    cv.notify_all();
  }));
  std::unique_lock lock(mutex);
  EXPECT_TRUE(cv.wait_for(lock, 20s, [&] { return result.has_value(); }));
  return result.value_or(GetResult{});
}

TEST(TenantAttachments, TheBotFetchesAPhotoThroughTheRedirectWithTheBearerOnBothHops) {
  LineWorksTenant tenant(tenant_settings());
  tenant.add_attachment("kr1.photo-1", photo_bytes(), "image/jpeg");
  ApiClient client(test::api_for(tenant), fast_options());
  const GetResult r = fetch(client, {"/bots/2000001/attachments/kr1.photo-1", 1u << 20, true});
  EXPECT_EQ(r.outcome, SendResult::Outcome::sent) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, photo_bytes());
  EXPECT_EQ(r.content_type, "image/jpeg");
  const auto log = tenant.attachment_requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].path, kFilePath);
  EXPECT_EQ(log[0].status, 302);
  EXPECT_TRUE(log[0].had_token);
  EXPECT_EQ(log[1].path.rfind("/download/", 0), 0u) << log[1].path;
  EXPECT_EQ(log[1].status, 200);
  EXPECT_TRUE(log[1].had_token);
}

TEST(TenantAttachments, UnknownFilesAndBotsAre404AndAFailedFetchIsNotRetried) {
  LineWorksTenant tenant(tenant_settings());
  tenant.add_attachment("kr1.photo-1", photo_bytes(), "image/jpeg");
  ApiClient client(test::api_for(tenant), fast_options());
  GetResult r = fetch(client, {"/bots/2000001/attachments/kr1.nobody", 1u << 20, true});
  EXPECT_EQ(r.outcome, SendResult::Outcome::failed);
  EXPECT_EQ(r.status, 404);
  r = fetch(client, {"/bots/9999999/attachments/kr1.photo-1", 1u << 20, true});
  EXPECT_EQ(r.status, 404);
  // Not asked to follow: the 302 is what comes back, and the file was not downloaded.
  r = fetch(client, {"/bots/2000001/attachments/kr1.photo-1", 1u << 20, false});
  EXPECT_EQ(r.status, 302);
  const auto log = tenant.attachment_requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].status, 404);
  EXPECT_EQ(log[1].status, 404);
  EXPECT_EQ(log[2].status, 302);
}

TEST(TenantAttachments, BothHopsRefuseARequestWithoutAToken) {
  LineWorksTenant tenant(tenant_settings());
  tenant.add_attachment("kr1.photo-1", photo_bytes(), "image/jpeg");
  ApiClient client(test::api_for(tenant), fast_options());
  // A real fetch first, to learn the download path.
  ASSERT_EQ(fetch(client, {"/bots/2000001/attachments/kr1.photo-1", 1u << 20, true}).status, 200);
  const std::string download = tenant.attachment_requests().at(1).path;
  tools::HttpClient http(
      tools::parse_server_url("http://127.0.0.1:" + std::to_string(tenant.port())));
  EXPECT_EQ(http.get(kFilePath, "").status, 401);
  EXPECT_EQ(http.get(kFilePath, "not-a-token").status, 401);
  EXPECT_EQ(http.get(download, "").status, 401);
  EXPECT_EQ(http.get(download, "not-a-token").status, 401);
  const auto log = tenant.attachment_requests();
  ASSERT_EQ(log.size(), 6u);
  for (std::size_t i = 2; i < log.size(); ++i) {
    EXPECT_EQ(log[i].status, 401);
    EXPECT_FALSE(log[i].had_token);
  }
}

TEST(TenantAttachments, TheRateLimitAndFaultsApplyToTheFirstHop) {
  LineWorksTenant tenant(tenant_settings());
  tenant.add_attachment("kr1.photo-1", photo_bytes(), "image/jpeg");
  tenant.answer_next(2, 500);
  ApiClient client(test::api_for(tenant), fast_options());
  const GetResult r = fetch(client, {"/bots/2000001/attachments/kr1.photo-1", 1u << 20, true});
  EXPECT_EQ(r.outcome, SendResult::Outcome::sent) << r.error;
  EXPECT_EQ(r.attempts, 4);  // 500, 500, the 302 and its redirect
  EXPECT_EQ(r.body, photo_bytes());
  const auto log = tenant.attachment_requests();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].status, 500);
  EXPECT_EQ(log[1].status, 500);
  EXPECT_EQ(log[2].status, 302);
  EXPECT_EQ(log[3].status, 200);
}

}  // namespace
}  // namespace bcp::lineworks
