// ApiClient::get on real loopback sockets: the token comes from the stand-in tenant (the JWT
// verified there), the GETs go to a plain test server that plays the API host and the host a
// 302 points at, and records the Authorization of every request. Shown: the body and its
// content type, the redirect followed once to another origin with the Bearer again (and not
// followed unless asked), the body limit enforced while reading and not retried, 5xx retried
// with the backoff, a GET waiting behind queued messages, and stop() ending a queued GET.
#include <gtest/gtest.h>

#include <atomic>

#include "lineworks_test_support.hpp"
#include "plain_server.hpp"

namespace bcp::lineworks {
namespace {

using namespace std::chrono_literals;
using test::fast_options;
using test::PlainServer;
using test::tenant_settings;
using tools::LineWorksTenant;
using Outcome = SendResult::Outcome;
namespace http = boost::beast::http;

// The token endpoint is the tenant's; the API is `api`'s origin.
config::LineWorksApi api_at(const LineWorksTenant& tenant, const PlainServer& api,
                            int per_minute = 60'000) {
  config::LineWorksApi out = test::api_for(tenant, per_minute);
  out.api_url = api.origin() + "/v1.0";
  return out;
}

// The GET callbacks of one test.
class GetResults {
 public:
  ApiClient::GetDone callback() {
    return [this](const GetResult& r) {
      std::lock_guard lock(mutex_);
      results_.push_back(r);
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return results_.size() >= n; });
  }
  GetResult at(std::size_t i) {
    std::lock_guard lock(mutex_);
    return results_.at(i);
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<GetResult> results_;
};

TEST(ApiClientGet, ReturnsTheBodyAndItsContentTypeWithTheBearer) {
  LineWorksTenant tenant(tenant_settings());
  PlainServer api([](const PlainServer::Request& req) {
    if (req.method() != http::verb::get || req[http::field::authorization].empty())
      return PlainServer::answer(401);
    return PlainServer::answer(200, R"({"events":[]})", "application/json;charset=UTF-8");
  });
  ApiClient client(api_at(tenant, api), fast_options());
  GetResults results;
  ASSERT_TRUE(
      client.get({"/users/u1/calendar/events?fromDateTime=a&untilDateTime=b"}, results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  const GetResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::sent) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.body, R"({"events":[]})");
  EXPECT_EQ(r.content_type, "application/json;charset=UTF-8");
  const auto seen = api.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/v1.0/users/u1/calendar/events?fromDateTime=a&untilDateTime=b");
  EXPECT_EQ(seen[0].authorization.rfind("Bearer ", 0), 0u) << seen[0].authorization;
  EXPECT_GT(seen[0].authorization.size(), 7u);
  ASSERT_EQ(tenant.token_requests().size(), 1u);
  EXPECT_EQ(tenant.token_requests()[0].status, 200);
  EXPECT_EQ(client.stats().fetched, 1u);
  EXPECT_EQ(client.stats().sent, 0u);  // messages are counted apart
}

TEST(ApiClientGet, FollowsOneRedirectToAnotherOriginWithTheBearerAgain) {
  LineWorksTenant tenant(tenant_settings());
  PlainServer download([](const PlainServer::Request& req) {
    if (req[http::field::authorization].empty()) return PlainServer::answer(401);
    return PlainServer::answer(200, std::string(5000, 'x'), "image/jpeg");
  });
  const std::string location = download.origin() + "/download/abc?sig=1";
  PlainServer api([&](const PlainServer::Request&) {
    PlainServer::Response res = PlainServer::answer(302);
    res.set(http::field::location, location);
    return res;
  });
  ApiClient client(api_at(tenant, api), fast_options());
  GetResults results;
  ASSERT_TRUE(client.get({"/bots/2000001/attachments/f1", 1u << 20, true}, results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  const GetResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::sent) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 5000u);
  EXPECT_EQ(r.content_type, "image/jpeg");
  EXPECT_EQ(r.attempts, 2);  // the GET and its redirect
  const auto first = api.seen();
  const auto second = download.seen();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(first[0].target, "/v1.0/bots/2000001/attachments/f1");
  EXPECT_EQ(second[0].target, "/download/abc?sig=1");
  EXPECT_FALSE(second[0].authorization.empty());
  EXPECT_EQ(second[0].authorization, first[0].authorization);
}

TEST(ApiClientGet, ARedirectIsNotFollowedUnlessAsked) {
  LineWorksTenant tenant(tenant_settings());
  PlainServer api([](const PlainServer::Request&) {
    PlainServer::Response res = PlainServer::answer(302);
    res.set(http::field::location, "http://127.0.0.1:1/elsewhere");
    return res;
  });
  ApiClient client(api_at(tenant, api), fast_options());
  GetResults results;
  ASSERT_TRUE(client.get({"/users/u1/calendar/events"}, results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  EXPECT_EQ(results.at(0).outcome, Outcome::failed);
  EXPECT_EQ(results.at(0).status, 302);
  EXPECT_EQ(api.seen().size(), 1u);  // failed at once: a 302 will not change
}

TEST(ApiClientGet, ABodyOverTheLimitFailsWhileReadingAndIsNotRetried) {
  LineWorksTenant tenant(tenant_settings());
  PlainServer download([](const PlainServer::Request&) {
    return PlainServer::answer(200, std::string(4097, 'x'), "image/png");
  });
  const std::string location = download.origin() + "/download/big";
  PlainServer api([&](const PlainServer::Request&) {
    PlainServer::Response res = PlainServer::answer(302);
    res.set(http::field::location, location);
    return res;
  });
  ApiClient client(api_at(tenant, api), fast_options());
  GetResults results;
  ASSERT_TRUE(client.get({"/bots/2000001/attachments/big", 4096, true}, results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  const GetResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::failed);
  EXPECT_NE(r.error.find("larger than 4096 bytes"), std::string::npos) << r.error;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(download.seen().size(), 1u);
  EXPECT_EQ(client.stats().fetch_failed, 1u);
}

TEST(ApiClientGet, ServerErrorsAreRetriedWithTheBackoff) {
  LineWorksTenant tenant(tenant_settings());
  std::atomic<int> calls{0};
  PlainServer api([&](const PlainServer::Request&) {
    if (++calls <= 2) return PlainServer::answer(500, R"({"code":"SERVER_ERROR"})");
    return PlainServer::answer(200, "ok", "text/plain");
  });
  ApiClient client(api_at(tenant, api), fast_options());
  GetResults results;
  ASSERT_TRUE(client.get({"/users/u1/calendar/events"}, results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  const GetResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::sent) << r.error;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.body, "ok");
  EXPECT_NE(r.error.find("HTTP 500"), std::string::npos) << r.error;  // what was retried
  EXPECT_EQ(client.stats().retries, 2u);
}

TEST(ApiClientGet, ANotFoundFailsAtOnceWithItsStatus) {
  LineWorksTenant tenant(tenant_settings());
  PlainServer api([](const PlainServer::Request&) {
    return PlainServer::answer(404, R"({"code":"NOT_FOUND","description":"no such file"})");
  });
  ApiClient client(api_at(tenant, api), fast_options());
  GetResults results;
  ASSERT_TRUE(client.get({"/bots/2000001/attachments/gone", 1024, true}, results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  EXPECT_EQ(results.at(0).outcome, Outcome::failed);
  EXPECT_EQ(results.at(0).status, 404);
  EXPECT_NE(results.at(0).error.find("NOT_FOUND"), std::string::npos) << results.at(0).error;
  EXPECT_EQ(api.seen().size(), 1u);
}

TEST(ApiClientGet, AGetWaitsBehindTheMessagesQueuedBeforeIt) {
  LineWorksTenant tenant(tenant_settings());
  PlainServer api([](const PlainServer::Request& req) {
    if (req.method() == http::verb::post) return PlainServer::answer(201);
    return PlainServer::answer(200, "photo", "image/jpeg");
  });
  // 300 a minute: one request every 200 ms, so the order is the client's, not a race.
  ApiClient client(api_at(tenant, api, 300), fast_options());
  test::Results sends;
  GetResults gets;
  ASSERT_TRUE(client.get({"/bots/2000001/attachments/first"}, gets.callback()));
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(client.send(test::text_to("lw-s00" + std::to_string(i), "q"), sends.callback()));
  ASSERT_TRUE(client.get({"/bots/2000001/attachments/last"}, gets.callback()));
  ASSERT_TRUE(sends.wait_for(4));
  ASSERT_TRUE(gets.wait_for(2));
  const auto seen = api.seen();
  ASSERT_EQ(seen.size(), 6u);
  // The first GET may have been taken before the messages arrived; the last one never
  // overtakes a message queued before it.
  EXPECT_EQ(seen.back().target, "/v1.0/bots/2000001/attachments/last");
  for (std::size_t i = 0; i + 1 < seen.size(); ++i)
    EXPECT_NE(seen[i].target, "/v1.0/bots/2000001/attachments/last");
}

TEST(ApiClientGet, StopEndsAQueuedGetAsStopped) {
  LineWorksTenant tenant(tenant_settings());
  PlainServer api([](const PlainServer::Request&) { return PlainServer::answer(200, "x"); });
  // One request a minute: the second GET waits for its slot when stop() comes.
  ApiClient client(api_at(tenant, api, 1), fast_options());
  GetResults results;
  ASSERT_TRUE(client.get({"/a"}, results.callback()));
  ASSERT_TRUE(client.get({"/b"}, results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  client.stop();
  ASSERT_TRUE(results.wait_for(2));
  EXPECT_EQ(results.at(1).outcome, Outcome::stopped);
  EXPECT_FALSE(client.get({"/c"}, results.callback()));
}

}  // namespace
}  // namespace bcp::lineworks
