// The stand-in tenant's calendar route refuses what LINE WORKS refuses (notes/lineworks-api.md
// §4): no token, a token without calendar.read, a missing or malformed fromDateTime or
// untilDateTime (a bare `+` arrives as a space), a window over 31 days; it answers what
// set_calendar gave, shares the faults and the rate limit with the message routes, and logs
// every request.
#include <gtest/gtest.h>

#include "bcp/lineworks/jwt.hpp"
#include "bcp/tools/http_client.hpp"
#include "lineworks_test_support.hpp"

namespace bcp::lineworks {
namespace {

using nlohmann::json;
using test::sample_private_key;
using test::tenant_settings;
using tools::HttpClient;
using tools::LineWorksTenant;

constexpr const char* kWindow =
    "fromDateTime=2026-12-02T09:00:00%2B09:00&untilDateTime=2027-01-02T09:00:00%2B09:00";

class TenantCalendars : public ::testing::Test {
 protected:
  LineWorksTenant tenant{tenant_settings()};
  HttpClient http{tools::parse_server_url("http://127.0.0.1:" + std::to_string(tenant.port()))};

  std::string access_token(const std::string& scope) {
    const RsaKey key = *RsaKey::private_from_pem(sample_private_key());
    const auto now = std::chrono::system_clock::now();
    const std::string jwt =
        sign_jwt(service_account_claims("test-client", "test.serviceaccount@example-town", now,
                                        std::chrono::seconds(3600)),
                 key);
    const auto r =
        http.request("POST", "/oauth2/v2.0/token",
                     "assertion=" + jwt +
                         "&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-"
                         "bearer&client_id=test-client&client_secret=test-secret&scope=" +
                         percent_encode(scope),
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["access_token"].get<std::string>();
  }
  tools::HttpResponse events(const std::string& token, const std::string& user = "u1",
                             const std::string& query = kWindow) {
    return http.get("/v1.0/users/" + user + "/calendar/events?" + query, token);
  }
  std::string refusal(const tools::HttpResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    return std::to_string(r.status) + " " + j.value("description", "");
  }
};

TEST_F(TenantCalendars, AnswersTheCalendarSetForTheUserAndLogsTheWindow) {
  const json calendar = {{"events",
                          {{{"eventComponents",
                             {{{"eventId", "e1"},
                               {"start", {{"date", "2026-12-03"}}},
                               {"end", {{"date", "2026-12-04"}}}}}}}}}};
  tenant.set_calendar("u1", calendar);
  const std::string token = access_token("bot user.read calendar.read");
  auto r = events(token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), calendar);
  r = events(token, "u2");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), (json{{"events", json::array()}}));
  const auto log = tenant.calendar_requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].user, "u1");
  EXPECT_EQ(log[0].from, "2026-12-02T09:00:00+09:00");
  EXPECT_EQ(log[0].until, "2027-01-02T09:00:00+09:00");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[0].token, token);
}

TEST_F(TenantCalendars, RefusesWhatLineWorksRefuses) {
  EXPECT_EQ(events("").status, 401);
  EXPECT_EQ(refusal(events(access_token("bot user.read"))),
            "403 the token's scope has no calendar.read");
  const std::string token = access_token("bot user.read calendar.read");
  EXPECT_EQ(refusal(events(token, "u1", "untilDateTime=2027-01-02T09:00:00%2B09:00")),
            "400 fromDateTime: required");
  EXPECT_EQ(
      refusal(events(
          token, "u1",
          "fromDateTime=2026-12-02T09:00:00+09:00&untilDateTime=2027-01-02T09:00:00%2B09:00")),
      "400 fromDateTime: expected YYYY-MM-DDThh:mm:ssTZD (+ sent as %2B), got "
      "\"2026-12-02T09:00:00 09:00\"");
  EXPECT_EQ(
      refusal(events(
          token, "u1",
          "fromDateTime=2026-12-01T09:00:00%2B09:00&untilDateTime=2027-01-02T09:00:00%2B09:00")),
      "400 the window is longer than 31 days");
  EXPECT_EQ(refusal(events(token, "u1",
                           "fromDateTime=2026-12-02T09:00:00Z&untilDateTime=2026-12-02T08:00:00Z")),
            "400 untilDateTime is not after fromDateTime");
  EXPECT_EQ(refusal(events(token, "me")), "400 me cannot be used with a service account");
  EXPECT_EQ(http.get("/v1.0/users/u1/calendar/other?" + std::string(kWindow), token).status, 404);
  for (const auto& r : tenant.calendar_requests()) EXPECT_NE(r.status, 200) << r.user;
}

TEST_F(TenantCalendars, FaultsAndTheRateLimitApplyToCalendarReadsToo) {
  const std::string token = access_token("bot user.read calendar.read");
  tenant.answer_next(1, 503, R"({"code":"SERVICE_UNAVAILABLE"})");
  EXPECT_EQ(events(token).status, 503);
  tenant.rate_limit_next(1, 7);
  const auto limited = events(token);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(events(token).status, 200);

  tenant.set_rate_limit(2, std::chrono::minutes(1));
  EXPECT_EQ(events(token).status, 200);
  // A bot message takes the second request of the window; the third read is over.
  EXPECT_EQ(http.post_json("/v1.0/bots/2000001/users/u1/messages", token,
                           R"({"content":{"type":"text","text":"hi"}})")
                .status,
            201);
  EXPECT_EQ(events(token).status, 429);
}

}  // namespace
}  // namespace bcp::lineworks
