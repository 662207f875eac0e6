// The API client against the stand-in tenant on 127.0.0.1 (real sockets): the JWT it signs
// is verified there with the public key; the token is cached and renewed on a 401 once; the
// pace holds messages_per_minute; a 429 is waited out by rateLimit-reset; 500s, hangs and a
// dead tenant are retried with a capped backoff; answers that will not change fail at once.
// Every wait is on a condition with a deadline; timing checks are lower bounds only.
#include <gtest/gtest.h>

#include <thread>

#include "lineworks_test_support.hpp"

namespace bcp::lineworks {
namespace {

using namespace std::chrono_literals;
using test::api_for;
using test::fast_options;
using test::Results;
using test::tenant_settings;
using test::text_to;
using tools::LineWorksTenant;
using Outcome = SendResult::Outcome;
using Clock = std::chrono::steady_clock;

std::size_t count_status(const std::vector<LineWorksTenant::MessageRequest>& log, int status) {
  std::size_t n = 0;
  for (const auto& r : log) n += r.status == status;
  return n;
}

TEST(ApiClient, SignsAJwtTheTenantVerifiesAndDeliversWithTheIssuedToken) {
  LineWorksTenant tenant(tenant_settings());
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  ASSERT_TRUE(client.send(text_to("lw-s001", "【訓練】安否確認です"), results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  const SendResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::sent) << r.error;
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.attempts, 1);

  const auto tokens = tenant.token_requests();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].status, 200) << tokens[0].error;  // signature, iss, sub, exp all checked
  const auto sent = tenant.delivered();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "users");
  EXPECT_EQ(sent[0].to, "lw-s001");
  EXPECT_EQ(sent[0].content, text_content("【訓練】安否確認です"));
  EXPECT_FALSE(sent[0].token.empty());
  EXPECT_EQ(client.stats().sent, 1u);
}

TEST(ApiClient, SendsToAChannelToo) {
  LineWorksTenant tenant(tenant_settings());
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  ASSERT_TRUE(client.send({Recipient::channel("ch-hq"), text_content("安否確認を始めました")},
                          results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  EXPECT_EQ(results.at(0).outcome, Outcome::sent) << results.at(0).error;
  const auto sent = tenant.delivered();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "channels");
  EXPECT_EQ(sent[0].to, "ch-hq");
}

TEST(ApiClient, AJwtSignedWithAnotherKeyIsRefusedAndNothingIsSent) {
  LineWorksTenant tenant(tenant_settings());
  config::LineWorksApi api = api_for(tenant);
  api.private_key_pem = test::generate_key_pair().first;  // not the key the tenant knows
  ApiClient client(api, fast_options());
  Results results;
  ASSERT_TRUE(client.send(text_to("lw-s001", "hello"), results.callback()));
  ASSERT_TRUE(results.wait_for(1));
  const SendResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::failed);
  EXPECT_NE(r.error.find("HTTP 400: invalid_grant: JWT: signature does not verify"),
            std::string::npos)
      << r.error;
  EXPECT_NE(r.error.find("given up after 4 attempts"), std::string::npos) << r.error;
  EXPECT_EQ(tenant.message_requests().size(), 0u);
  EXPECT_EQ(tenant.token_requests().size(), 4u);
  EXPECT_EQ(client.stats().token_failures, 4u);
}

TEST(ApiClient, WrongSecretAndAStaleClockAreRefusedByTheTokenEndpoint) {
  LineWorksTenant tenant(tenant_settings());
  {
    config::LineWorksApi api = api_for(tenant);
    api.client_secret = "not-the-secret";
    ClientOptions o = fast_options();
    o.max_attempts = 1;
    ApiClient client(api, o);
    Results results;
    client.send(text_to("lw-s001", "x"), results.callback());
    ASSERT_TRUE(results.wait_for(1));
    EXPECT_NE(results.at(0).error.find("HTTP 401: invalid_client"), std::string::npos)
        << results.at(0).error;
  }
  {
    ClientOptions o = fast_options();
    o.max_attempts = 1;
    o.clock = [] { return std::chrono::system_clock::now() - 2h; };  // the JWT expired an hour ago
    ApiClient client(api_for(tenant), o);
    Results results;
    client.send(text_to("lw-s001", "x"), results.callback());
    ASSERT_TRUE(results.wait_for(1));
    EXPECT_NE(results.at(0).error.find("invalid_grant: JWT: expired"), std::string::npos)
        << results.at(0).error;
  }
  EXPECT_EQ(tenant.message_requests().size(), 0u);
}

TEST(ApiClient, TheTokenIsCachedAcrossMessages) {
  LineWorksTenant tenant(tenant_settings());
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(client.send(text_to("lw-s00" + std::to_string(i), "m"), results.callback()));
  ASSERT_TRUE(results.wait_for(6));
  EXPECT_EQ(tenant.delivered().size(), 6u);
  EXPECT_EQ(tenant.token_requests().size(), 1u);
  EXPECT_EQ(client.stats().token_requests, 1u);
}

TEST(ApiClient, ATokenIsRenewedBeforeItsExpiresInRunsOut) {
  LineWorksTenant tenant(tenant_settings());
  tenant.set_expires_in("1");  // a string, as LINE WORKS sends it
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-s001", "first"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  std::this_thread::sleep_for(1100ms);  // past expires_in: the cached token is stale for sure
  client.send(text_to("lw-s001", "second"), results.callback());
  ASSERT_TRUE(results.wait_for(2));
  EXPECT_EQ(results.at(1).outcome, Outcome::sent) << results.at(1).error;
  EXPECT_EQ(tenant.token_requests().size(), 2u);
  EXPECT_EQ(count_status(tenant.message_requests(), 401), 0u);  // renewed before, not after, a 401
}

TEST(ApiClient, A401RenewsTheTokenOnceAndTheMessageGoesThrough) {
  LineWorksTenant tenant(tenant_settings());
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-s001", "first"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  tenant.expire_tokens();  // as if the token had been revoked early
  client.send(text_to("lw-s002", "second"), results.callback());
  ASSERT_TRUE(results.wait_for(2));
  const SendResult r = results.at(1);
  EXPECT_EQ(r.outcome, Outcome::sent) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.error, "HTTP 401: token renewed");
  const auto log = tenant.message_requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1].status, 401);
  EXPECT_EQ(log[2].status, 201);
  EXPECT_NE(log[1].token, log[2].token);
  EXPECT_EQ(tenant.token_requests().size(), 2u);
}

TEST(ApiClient, A401AfterTheRenewalFailsTheMessageInsteadOfLooping) {
  LineWorksTenant tenant(tenant_settings());
  tenant.answer_next(5, 401, R"({"code":"UNAUTHORIZED","description":"Authentication failed"})");
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-s001", "x"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  const SendResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::failed);
  EXPECT_EQ(r.error, "HTTP 401 UNAUTHORIZED: Authentication failed after renewing the token");
  EXPECT_EQ(tenant.message_requests().size(), 2u);  // once, renewed once, no more
  EXPECT_EQ(tenant.token_requests().size(), 2u);
}

TEST(ApiClient, ThePaceHoldsMessagesPerMinute) {
  LineWorksTenant tenant(tenant_settings());
  ApiClient client(api_for(tenant, /*per_minute=*/600), fast_options());  // one per 100 ms
  Results results;
  const auto submitted = Clock::now();
  for (int i = 0; i < 6; ++i)
    client.send(text_to("lw-s10" + std::to_string(i), "m"), results.callback());
  ASSERT_TRUE(results.wait_for(6));
  const auto log = tenant.delivered();
  ASSERT_EQ(log.size(), 6u);
  // The sixth request may not start before five intervals have passed, whatever the lanes do.
  EXPECT_GE(log.back().at - submitted, 500ms);
}

TEST(ApiClient, A429IsWaitedOutByRateLimitResetAndNothingIsDropped) {
  LineWorksTenant tenant(tenant_settings());
  tenant.rate_limit_next(2, /*reset_seconds=*/1);
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-s001", "x"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  const SendResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::sent) << r.error;
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.error, "HTTP 429: waited 1000 ms for rateLimit-reset");
  const auto log = tenant.message_requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].status, 429);
  EXPECT_EQ(log[1].status, 429);
  EXPECT_EQ(log[2].status, 201);
  EXPECT_GE(log[1].at - log[0].at, 1s);
  EXPECT_GE(log[2].at - log[1].at, 1s);
  EXPECT_EQ(client.stats().rate_limited, 2u);
}

TEST(ApiClient, A429HoldsBackEveryLaneNotOnlyTheOneThatGotIt) {
  LineWorksTenant tenant(tenant_settings());
  tenant.rate_limit_next(1, 1);
  ApiClient client(api_for(tenant), fast_options());  // two lanes
  Results results;
  client.send(text_to("lw-s001", "a"), results.callback());
  // Once the client has taken the 429 in, a message for someone else on the idle lane waits too.
  const auto deadline = Clock::now() + 10s;
  while (client.stats().rate_limited == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(2ms);
  ASSERT_EQ(client.stats().rate_limited, 1u);
  client.send(text_to("lw-s002", "b"), results.callback());
  ASSERT_TRUE(results.wait_for(2));
  const auto log = tenant.message_requests();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].status, 429);
  for (std::size_t i = 1; i < 3; ++i) EXPECT_GE(log[i].at - log[0].at, 1s) << log[i].to;
}

TEST(ApiClient, A429WithoutResetHeaderBacksOff) {
  LineWorksTenant tenant(tenant_settings());
  tenant.answer_next(1, 429, R"({"code":"TOO_MANY_REQUESTS"})");
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-s001", "x"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  EXPECT_EQ(results.at(0).outcome, Outcome::sent);
  const auto log = tenant.message_requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_GE(log[1].at - log[0].at, 20ms);  // backoff_base
}

TEST(ApiClient, ServerErrorsAreRetriedWithACappedBackoffThenGivenUp) {
  LineWorksTenant tenant(tenant_settings());
  tenant.answer_next(10, 500, R"({"code":"SERVER_ERROR","description":"temporary"})");
  ApiClient client(api_for(tenant), fast_options());  // 20 ms doubling, capped at 80, 4 attempts
  Results results;
  client.send(text_to("lw-s001", "x"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  const SendResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::failed);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(r.error, "HTTP 500 SERVER_ERROR: temporary (given up after 4 attempts)");
  const auto log = tenant.message_requests();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_GE(log[1].at - log[0].at, 20ms);
  EXPECT_GE(log[2].at - log[1].at, 40ms);
  EXPECT_GE(log[3].at - log[2].at, 80ms);
}

TEST(ApiClient, AServerErrorThatPassesEndsInASend) {
  LineWorksTenant tenant(tenant_settings());
  tenant.answer_next(2, 503, "");
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-s001", "x"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  EXPECT_EQ(results.at(0).outcome, Outcome::sent);
  EXPECT_EQ(results.at(0).attempts, 3);
  EXPECT_EQ(results.at(0).error, "HTTP 503");  // what was retried, for the report
  EXPECT_EQ(client.stats().retries, 2u);
}

TEST(ApiClient, AHangingRequestTimesOutAndIsRetried) {
  LineWorksTenant tenant(tenant_settings());
  tenant.hang_next(1);
  ClientOptions o = fast_options();
  o.timeout = 300ms;
  ApiClient client(api_for(tenant), o);
  Results results;
  client.send(text_to("lw-s001", "x"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  const SendResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::sent) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.error.find("within 300 ms"), std::string::npos) << r.error;
  const auto log = tenant.message_requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 0);  // it never answered
  EXPECT_GE(log[1].at - log[0].at, 300ms);
  EXPECT_GE(tenant.connections(), 2);  // the hung connection was given up
}

TEST(ApiClient, ADeadTenantIsRetriedThenFailedWithTheReason) {
  std::string auth, api_url;
  {
    LineWorksTenant gone(tenant_settings());
    auth = gone.auth_url();
    api_url = gone.api_url();
  }  // nothing listens there any more
  LineWorksTenant tenant(tenant_settings());
  config::LineWorksApi api = api_for(tenant);
  api.auth_url = auth;
  api.api_url = api_url;
  ApiClient client(api, fast_options());
  Results results;
  client.send(text_to("lw-s001", "x"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  const SendResult r = results.at(0);
  EXPECT_EQ(r.outcome, Outcome::failed);
  EXPECT_NE(r.error.find("token endpoint: http://127.0.0.1:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("given up after 4 attempts"), std::string::npos) << r.error;
  EXPECT_FALSE(client.stats().last_error.empty());
}

TEST(ApiClient, AnswersThatWillNotChangeFailAtOnce) {
  tools::TenantSettings s = tenant_settings();
  s.users = {"lw-s001"};
  LineWorksTenant tenant(s);
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-nobody", "x"), results.callback("unknown user"));
  // A postback action inside a button template: LINE WORKS refuses the body.
  nlohmann::json bad = safety_question("rc-1", "安否", false);
  bad["actions"][0] = {{"type", "postback"}, {"label", "無事"}, {"data", "rc=rc-1&anpi=safe"}};
  client.send({Recipient::user("lw-s001"), bad}, results.callback("bad body"));
  ASSERT_TRUE(results.wait_for(2));
  for (const auto& [tag, r] : results.all()) {
    EXPECT_EQ(r.outcome, Outcome::failed) << tag;
    EXPECT_EQ(r.attempts, 1) << tag;
    if (tag == "unknown user") {
      EXPECT_EQ(r.error, "HTTP 404 NOT_FOUND: user not found");
    } else {
      EXPECT_EQ(r.error,
                "HTTP 400 INVALID_PARAMETER: /content/actions/0: a postback action is not allowed "
                "in a button template (use a message action with postback)");
    }
  }
  EXPECT_EQ(client.stats().failed, 2u);
}

TEST(ApiClient, MessagesToOnePersonArriveInTheOrderTheyWereSent) {
  LineWorksTenant tenant(tenant_settings());
  ClientOptions o = fast_options();
  o.lanes = 4;
  ApiClient client(api_for(tenant), o);
  Results results;
  for (int i = 0; i < 8; ++i)
    client.send(text_to("lw-s001", "step " + std::to_string(i)), results.callback());
  ASSERT_TRUE(results.wait_for(8));
  const auto log = tenant.delivered();
  ASSERT_EQ(log.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(log[i].content["text"], "step " + std::to_string(i));
}

TEST(ApiClient, StopEndsEveryMessageAsStoppedAndRefusesNewOnes) {
  LineWorksTenant tenant(tenant_settings());
  tenant.hang_next(100);
  ClientOptions o = fast_options();
  o.timeout = 60s;  // the hung request would take a minute: stop() must not wait for it
  o.lanes = 1;
  auto client = std::make_unique<ApiClient>(api_for(tenant), o);
  Results results;
  client->send(text_to("lw-s001", "in flight"), results.callback("in flight"));
  client->send(text_to("lw-s002", "queued"), results.callback("queued"));
  ASSERT_TRUE(tenant.wait_for([](const auto& log) { return log.size() == 1; }, 10s));
  client->stop();
  const auto all = results.all();
  ASSERT_EQ(all.size(), 2u);  // both answered by the time stop() returns
  for (const auto& [tag, r] : all) EXPECT_EQ(r.outcome, Outcome::stopped) << tag;
  EXPECT_FALSE(client->send(text_to("lw-s003", "late"), results.callback()));
  client.reset();
  EXPECT_EQ(results.all().size(), 2u);  // done ran exactly once each
}

TEST(ApiClient, AFullQueueRefusesInsteadOfGrowing) {
  LineWorksTenant tenant(tenant_settings());
  tenant.hang_next(100);
  ClientOptions o = fast_options();
  o.timeout = 60s;
  o.max_queue = 3;
  ApiClient client(api_for(tenant), o);
  Results results;
  int accepted = 0;
  for (int i = 0; i < 5; ++i)
    accepted += client.send(text_to("lw-s00" + std::to_string(i), "m"), results.callback());
  EXPECT_EQ(accepted, 3);
  client.stop();
  EXPECT_EQ(results.all().size(), 3u);
}

TEST(ApiClient, ADoneCallbackThatThrowsDoesNotEndTheClient) {
  LineWorksTenant tenant(tenant_settings());
  ApiClient client(api_for(tenant), fast_options());
  Results results;
  client.send(text_to("lw-s001", "a"), [](const SendResult&) { throw std::runtime_error("boom"); });
  client.send(text_to("lw-s002", "b"), results.callback());
  ASSERT_TRUE(results.wait_for(1));
  EXPECT_EQ(results.at(0).outcome, Outcome::sent);
  EXPECT_EQ(tenant.delivered().size(), 2u);
}

TEST(ApiClient, UnusableSettingsAreRefusedAtConstruction) {
  LineWorksTenant tenant(tenant_settings());
  config::LineWorksApi api = api_for(tenant);
  api.private_key_pem = "garbage";
  EXPECT_THROW({ ApiClient c(api, fast_options()); }, std::invalid_argument);
  api = api_for(tenant);
  api.api_url = "ftp://example";
  EXPECT_THROW({ ApiClient c(api, fast_options()); }, std::invalid_argument);
}

}  // namespace
}  // namespace bcp::lineworks
