// The stand-in tenant is only worth testing against if it refuses what LINE WORKS refuses:
// its token endpoint (grant type, client, scope, and a JWT checked with the PUBLIC key for
// signature, issuer, subject and expiry) and its message endpoints (token, bot, body shape).
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

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class TenantTest : public ::testing::Test {
 protected:
  LineWorksTenant tenant{tenant_settings()};
  HttpClient http{tools::parse_server_url("http://127.0.0.1:" + std::to_string(tenant.port()))};
  RsaKey key = *RsaKey::private_from_pem(sample_private_key());

  std::string jwt(JwtClaims c) { return sign_jwt(c, key); }
  JwtClaims good_claims() {
    return {"test-client", "test.serviceaccount@example-town", unix_now(), unix_now() + 3600};
  }
  tools::HttpResponse token(
      const std::string& assertion, std::string secret = "test-secret",
      std::string scope = "bot%20user.read",
      std::string grant = "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer") {
    return http.request("POST", "/oauth2/v2.0/token",
                        "assertion=" + assertion + "&grant_type=" + grant +
                            "&client_id=test-client&client_secret=" + secret + "&scope=" + scope,
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  std::string refusal(const tools::HttpResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    return std::to_string(r.status) + " " + j.value("error", "") + ": " +
           j.value("error_description", "");
  }
  std::string access_token() {
    const auto r = token(jwt(good_claims()));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["access_token"].get<std::string>();
  }
  tools::HttpResponse post(const std::string& target, const std::string& bearer,
                           const std::string& body) {
    return http.post_json(target, bearer, body);
  }
};

TEST_F(TenantTest, AValidJwtGetsATokenWhoseExpiresInIsAString) {
  const auto r = token(jwt(good_claims()));
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_TRUE(j["access_token"].is_string());
  EXPECT_TRUE(j["refresh_token"].is_string());
  EXPECT_EQ(j["token_type"], "Bearer");
  EXPECT_EQ(j["expires_in"], "86400");
  EXPECT_EQ(j["scope"], "bot user.read");
}

TEST_F(TenantTest, TheTokenEndpointRefusesEveryBadRequestNamingWhy) {
  const std::string good = jwt(good_claims());
  EXPECT_EQ(refusal(token(good, "wrong")),
            "401 invalid_client: unknown client_id or wrong client_secret");
  EXPECT_EQ(refusal(token(good, "test-secret", "user.read")),
            "400 invalid_scope: Request scope is not valid.");
  EXPECT_EQ(
      refusal(token(good, "test-secret", "bot", "client_credentials")),
      "400 unsupported_grant_type: grant_type must be urn:ietf:params:oauth:grant-type:jwt-bearer");

  const RsaKey other = *RsaKey::private_from_pem(test::generate_key_pair().first);
  EXPECT_EQ(refusal(token(sign_jwt(good_claims(), other))),
            "400 invalid_grant: JWT: signature does not verify with the public key");
  JwtClaims c = good_claims();
  c.iss = "someone-else";
  EXPECT_EQ(refusal(token(jwt(c))), "400 invalid_grant: JWT: iss is not the client id");
  c = good_claims();
  c.sub = "other@example-town";
  EXPECT_EQ(refusal(token(jwt(c))), "400 invalid_grant: JWT: sub is not the service account");
  c = good_claims();
  c.iat = unix_now() - 7200;
  c.exp = unix_now() - 3600;
  EXPECT_EQ(refusal(token(jwt(c))), "400 invalid_grant: JWT: expired");
  c = good_claims();
  c.exp = c.iat + 3601;
  EXPECT_EQ(refusal(token(jwt(c))), "400 invalid_grant: JWT: exp is more than 60 min after iat");
  c = good_claims();
  c.iat = unix_now() + 600;
  EXPECT_EQ(refusal(token(jwt(c))), "400 invalid_grant: JWT: iat is in the future");
  // Padding (plain base64) is not base64url.
  EXPECT_EQ(refusal(token(good + "%3D")),
            "400 invalid_grant: JWT: a part is not base64url without padding");
  ASSERT_EQ(tenant.token_requests().size(), 10u);
  EXPECT_EQ(tenant.token_requests()[3].status, 400);
}

TEST_F(TenantTest, MessagesNeedAnIssuedUnexpiredTokenAndTheRightBot) {
  const std::string body = R"({"content":{"type":"text","text":"hi"}})";
  EXPECT_EQ(post("/v1.0/bots/2000001/users/lw-s001/messages", "", body).status, 401);
  EXPECT_EQ(post("/v1.0/bots/2000001/users/lw-s001/messages", "made-up", body).status, 401);
  const std::string t = access_token();
  EXPECT_EQ(post("/v1.0/bots/9999/users/lw-s001/messages", t, body).status, 404);
  EXPECT_EQ(post("/v1.0/bots/2000001/groups/x/messages", t, body).status, 404);
  auto ok = post("/v1.0/bots/2000001/users/lw-s001/messages", t, body);
  EXPECT_EQ(ok.status, 201) << ok.body;
  tenant.expire_tokens();
  auto expired = post("/v1.0/bots/2000001/users/lw-s001/messages", t, body);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(json::parse(expired.body)["code"], "UNAUTHORIZED");
  ASSERT_EQ(tenant.delivered().size(), 1u);
  EXPECT_EQ(tenant.delivered()[0].content, json::parse(R"({"type":"text","text":"hi"})"));
}

TEST_F(TenantTest, BodiesAreJudgedLikeTheRealApi) {
  using tools::check_message_body;
  auto check = [](const char* text) { return check_message_body(json::parse(text)); };
  EXPECT_EQ(check(R"({"content":{"type":"text","text":"ok"}})"), "");
  EXPECT_EQ(check(R"({"content":{"type":"text","text":""}})"), "/content/text: empty");
  EXPECT_EQ(check(R"({"content":{"type":"text","text":"x","color":"red"}})"),
            "/content/color: unknown property");
  EXPECT_EQ(check(R"({"to":"x","content":{"type":"text","text":"x"}})"), "/to: unknown property");
  EXPECT_EQ(check(R"({"content":{"type":"button_template","contentText":"q","actions":[]}})"),
            "/content/actions: expected 1 to 10 actions");
  EXPECT_EQ(check(R"({"content":{"type":"button_template","contentText":"q","actions":[
                   {"type":"message","label":"あいうえおかきくけこさしすせそたちつてとな"}]}})"),
            "/content/actions/0/label: longer than 20 characters");
  EXPECT_EQ(check(R"({"content":{"type":"text","text":"q","quickReply":{"items":[
                   {"action":{"type":"postback","label":"a","data":"x"}}]}}})"),
            "/content/quickReply/items/0/action/displayText: required");
  EXPECT_EQ(
      check(R"({"content":{"type":"sticker","packageId":"1","stickerId":"2"}})"),
      "/content/type: \"sticker\" is not a type this stand-in checks (text, button_template)");
  // A data string over 300 characters (built here: braces would split the macro's arguments).
  json long_data = json::parse(R"({"content":{"type":"text","text":"q","quickReply":{"items":[
                   {"action":{"type":"postback","label":"a","displayText":"a"}}]}}})");
  long_data["content"]["quickReply"]["items"][0]["action"]["data"] = std::string(301, 'x');
  EXPECT_EQ(check_message_body(long_data),
            "/content/quickReply/items/0/action/data: longer than 300 characters");

  const std::string t = access_token();
  auto r = post("/v1.0/bots/2000001/users/lw-s001/messages", t, R"({"content":{"type":"text"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["description"], "/content/text: required");
  EXPECT_EQ(post("/v1.0/bots/2000001/users/lw-s001/messages", t, "{not json").status, 400);
}

TEST_F(TenantTest, ItsOwnRateLimitAnswers429WithTheResetHeader) {
  tenant.set_rate_limit(2, std::chrono::seconds(30));
  const std::string t = access_token();
  const std::string body = R"({"content":{"type":"text","text":"hi"}})";
  EXPECT_EQ(post("/v1.0/bots/2000001/users/a/messages", t, body).status, 201);
  EXPECT_EQ(post("/v1.0/bots/2000001/users/b/messages", t, body).status, 201);
  const auto r =
      http.request("POST", "/v1.0/bots/2000001/users/c/messages", body,
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + t}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json::parse(r.body)["code"], "TOO_MANY_REQUESTS");
  EXPECT_EQ(tenant.message_requests().back().error, "over the rate limit");
}

}  // namespace
}  // namespace bcp::lineworks
