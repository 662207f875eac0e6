// The staff simulator (tools/bot_staff) answering what the stand-in tenant delivered, as LINE
// WORKS would relay it: the test plays the daemon's outbox (posting the bot's questions to the
// tenant with a real token) and a loopback callback receiver that checks every X-WORKS-Signature
// with the bot secret, and looks at the raw callbacks. Waits are on conditions with deadlines.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <regex>
#include <thread>

#include "bcp/common/hmac.hpp"
#include "bcp/lineworks/jwt.hpp"
#include "bcp/lineworks/messages.hpp"
#include "bcp/tools/bot_staff.hpp"
#include "bcp/tools/http_client.hpp"
#include "bcp/tools/sim_tenant.hpp"
#include "lineworks_test_support.hpp"

namespace bcp::lineworks {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using nlohmann::json;
using tools::BotStaff;
using tools::BotStaffPlan;
using tools::LineWorksTenant;
using Clock = std::chrono::steady_clock;

constexpr const char* kBotSecret = "test-bot-secret";
const std::string kRollcall = "rc-20261203-drill";

// The daemon's /callback/lineworks as far as signatures go: 200 when X-WORKS-Signature is
// base64(HMAC-SHA256(secret, raw body)) and X-WORKS-BotId is the bot, 401 otherwise. Its own
// thread; every accessor is thread-safe.
class CallbackReceiver {
 public:
  struct Callback {
    Clock::time_point at;
    std::string target;
    std::string content_type;
    bool signed_ok = false;
    json body;
  };

  explicit CallbackReceiver(std::string secret = kBotSecret) : secret_(std::move(secret)) {
    net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    net::co_spawn(ioc_, accept(), net::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~CallbackReceiver() {
    net::post(ioc_, [this] { ioc_.stop(); });
    thread_.join();
  }
  tools::ServerUrl url() const { return {"127.0.0.1", acceptor_.local_endpoint().port()}; }

  std::vector<Callback> all() const {
    std::lock_guard lock(mutex_);
    return callbacks_;
  }
  std::vector<Callback> of_type(const std::string& type) const {
    std::vector<Callback> out;
    for (auto& c : all())
      if (c.body.value("type", "") == type) out.push_back(c);
    return out;
  }
  bool wait_for(const std::function<bool(const std::vector<Callback>&)>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return done(callbacks_); });
  }

 private:
  net::awaitable<void> accept() {
    for (;;) {
      boost::system::error_code ec;
      auto socket = co_await acceptor_.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      net::co_spawn(ioc_, session(std::move(socket)), net::detached);
    }
  }
  net::awaitable<void> session(net::ip::tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      co_await bhttp::async_read(stream, buffer, req, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      Callback c{Clock::now(), std::string(req.target()),
                 std::string(req[bhttp::field::content_type]), false, nullptr};
      c.signed_ok = req["X-WORKS-BotId"] == "2000001" &&
                    req["X-WORKS-Signature"] == common::hmac_sha256_base64(secret_, req.body());
      c.body = json::parse(req.body(), nullptr, false);
      bhttp::response<bhttp::string_body> res{
          c.signed_ok ? bhttp::status::ok : bhttp::status::unauthorized, req.version()};
      res.body() = "{}";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      {
        std::lock_guard lock(mutex_);
        callbacks_.push_back(std::move(c));
      }
      cv_.notify_all();
      co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      if (ec || !res.keep_alive()) co_return;
    }
  }

  const std::string secret_;
  net::io_context ioc_;
  net::ip::tcp::acceptor acceptor_{ioc_};
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<Callback> callbacks_;
  std::thread thread_;
};

std::string user(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "lw-s%03d", i);
  return buf;
}

// Fast and sure: everyone who answers does so within 0.3 s at this speed.
BotStaffPlan quick_plan(double never = 0.25) {
  BotStaffPlan p;
  p.seed = 7;
  p.never = never;
  p.quick = 1;
  p.quick_within = {0, 3};
  p.work_within = {0, 3};
  return p;
}

class BotStaffTest : public ::testing::Test {
 protected:
  void start(BotStaffPlan plan) {
    tools::BotStaffOptions o;
    o.daemon = receiver.url();
    o.bot = {"2000001", kBotSecret};
    o.speed = 10;
    plan_ = plan;
    staff = std::make_unique<BotStaff>(plan, o);
    tenant = std::make_unique<LineWorksTenant>(test::tenant_settings());
    tenant->on_delivered([s = staff.get()](const auto& m) { s->deliver(m); });
    http = std::make_unique<tools::HttpClient>(tools::ServerUrl{"127.0.0.1", tenant->port()});
  }
  void TearDown() override {
    http.reset();
    tenant.reset();  // first: its thread calls the staff
    staff.reset();
  }

  std::string token() {
    if (!token_.empty()) return token_;
    const auto key = *RsaKey::private_from_pem(test::sample_private_key());
    const auto now = std::chrono::system_clock::now();
    const auto jwt = sign_jwt(
        service_account_claims("test-client", "test.serviceaccount@example-town", now), key);
    const auto r =
        http->request("POST", "/oauth2/v2.0/token",
                      "assertion=" + jwt +
                          "&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
                          "&client_id=test-client&client_secret=test-secret&scope=bot",
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(r.status, 200) << r.body;
    token_ = json::parse(r.body)["access_token"].get<std::string>();
    return token_;
  }
  // What the daemon's outbox does: one POST per person, 201 expected.
  void send(const std::string& to, const json& content) {
    const auto r = http->post_json("/v1.0/bots/2000001/users/" + to + "/messages", token(),
                                   json{{"content", content}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  json safety_q() { return safety_question(kRollcall, "【訓練】安否を回答してください", true); }

  std::vector<int> answering(int n) {
    std::vector<int> out;
    for (int i = 1; i <= n; ++i)
      if (tools::decide(plan_, user(i)).answers) out.push_back(i);
    return out;
  }

  CallbackReceiver receiver;
  BotStaffPlan plan_;
  std::unique_ptr<BotStaff> staff;
  std::unique_ptr<LineWorksTenant> tenant;
  std::unique_ptr<tools::HttpClient> http;
  std::string token_;
};

bool keys_are(const json& j, std::set<std::string> want) {
  std::set<std::string> have;
  for (const auto& [k, _] : j.items()) have.insert(k);
  return have == want;
}

TEST(BotStaffDecision, TheSameSeedGivesTheSamePeopleTheSameAnswersAtTheSameDelays) {
  BotStaffPlan plan;
  plan.seed = 2026;
  BotStaffPlan other = plan;
  other.seed = 2027;
  int differs = 0, silent = 0;
  for (int i = 1; i <= 120; ++i) {
    const auto a = tools::decide(plan, user(i)), b = tools::decide(plan, user(i));
    EXPECT_EQ(a.answers, b.answers);
    EXPECT_EQ(a.safety_after, b.safety_after);
    EXPECT_EQ(a.work_after, b.work_after);
    EXPECT_EQ(a.safety, b.safety);
    EXPECT_EQ(a.work, b.work);
    const auto c = tools::decide(other, user(i));
    differs += c.safety_after != a.safety_after;
    silent += !a.answers;
    EXPECT_GE(a.safety_after, plan.quick_within.first);
    EXPECT_LE(a.safety_after, plan.late_within.second);
  }
  EXPECT_GT(differs, 100) << "another seed should move nearly everyone";
  EXPECT_GT(silent, 2) << "never = 0.1 of 120";
  EXPECT_LT(silent, 25);
}

TEST(BotStaffDecision, MostlySafeAndWeightsOfZeroNeverChosen) {
  BotStaffPlan plan;
  plan.safety = {{"safe", 0.9}, {"needs_help", 0.1}};
  plan.can_work = {{"later", 1}};
  int safe = 0;
  for (int i = 1; i <= 500; ++i) {
    const auto d = tools::decide(plan, user(i));
    EXPECT_TRUE(d.safety == model::Safety::safe || d.safety == model::Safety::needs_help);
    EXPECT_EQ(d.work, model::CanWork::later);
    safe += d.safety == model::Safety::safe;
  }
  EXPECT_GT(safe, 400);
  EXPECT_LT(safe, 490);
}

TEST(BotStaffPlanSection, IsReadStrictlyNamingTheField) {
  auto why = [](const json& section) {
    try {
      tools::parse_bot_staff(section);
      return std::string("accepted");
    } catch (const tools::ScenarioError& e) {
      return std::string(e.what());
    }
  };
  EXPECT_EQ(why(json{{"nevr", 0.1}}), "/bot_staff/nevr: unknown key");
  EXPECT_EQ(why(json{{"never", 1.5}}), "/bot_staff/never: a fraction from 0 to 1");
  EXPECT_EQ(why(json{{"quick_within", {30, 10}}}),
            "/bot_staff/quick_within: 0 <= from <= to <= 604800 seconds");
  EXPECT_EQ(why(json{{"late_within", "soon"}}), "/bot_staff/late_within: [from, to] in seconds");
  EXPECT_EQ(why(json{{"safety", {{"fine", 1}}}}), "/bot_staff/safety: unknown answer \"fine\"");
  EXPECT_EQ(why(json{{"can_work", {{"yes", 0}}}}),
            "/bot_staff/can_work: weights must add up to more than 0");
  EXPECT_EQ(why(json{{"seed", -1}}), "/bot_staff/seed: a whole number from 0 to 4294967295");
  EXPECT_EQ(why(json::array()), "/bot_staff: expected an object");
  const auto plan =
      tools::parse_bot_staff(json{{"seed", 3}, {"never", 0}, {"late_within", {1, 2}}});
  EXPECT_EQ(plan.seed, 3u);
  EXPECT_EQ(plan.never, 0);
  EXPECT_EQ(plan.late_within, (std::pair<double, double>{1, 2}));
}

TEST(OneToOneChannel, StablePerUserAndShapedLikeARoomId) {
  const auto a = tools::one_to_one_channel("2000001", "lw-s001");
  EXPECT_EQ(a, tools::one_to_one_channel("2000001", "lw-s001"));
  EXPECT_NE(a, tools::one_to_one_channel("2000001", "lw-s002"));
  EXPECT_NE(a, tools::one_to_one_channel("2000002", "lw-s001"));
  EXPECT_TRUE(std::regex_match(
      a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")))
      << a;
}

TEST_F(BotStaffTest, AButtonPressArrivesSignedAsAOneToOneMessageCallback) {
  start(quick_plan());
  const auto who = answering(20);
  ASSERT_GE(who.size(), 10u);
  ASSERT_LT(who.size(), 20u) << "some of 20 should never answer at never = 0.25";
  for (int i = 1; i <= 20; ++i) send(user(i), safety_q());
  ASSERT_TRUE(receiver.wait_for([&](const auto& cbs) {
    std::size_t n = 0;
    for (const auto& c : cbs) n += c.body.value("type", "") == "message";
    return n >= who.size();
  })) << receiver.all().size()
      << " callbacks";
  ASSERT_TRUE(staff->wait_idle(Clock::now() + std::chrono::seconds(10)));

  const std::regex issued(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (const auto& c : receiver.all()) {
    EXPECT_TRUE(c.signed_ok) << c.body.dump();
    EXPECT_EQ(c.target, "/callback/lineworks");
    EXPECT_TRUE(c.content_type.starts_with("application/json"));
    EXPECT_TRUE(std::regex_match(c.body.value("issuedTime", ""), issued)) << c.body.dump();
  }
  // Every person messaged gets the 1:1 room's begin, once, with its channelId.
  const auto begins = receiver.of_type("begin");
  ASSERT_EQ(begins.size(), 20u);
  for (const auto& b : begins) {
    EXPECT_TRUE(keys_are(b.body, {"type", "source", "issuedTime"})) << b.body.dump();
    const std::string u = b.body["source"]["userId"];
    EXPECT_EQ(b.body["source"], (json{{"userId", u},
                                      {"channelId", tools::one_to_one_channel("2000001", u)},
                                      {"domainId", 1}}));
  }
  const auto messages = receiver.of_type("message");
  ASSERT_EQ(messages.size(), who.size()) << "the never people answered";
  const json buttons = safety_q()["actions"];
  for (const auto& m : messages) {
    EXPECT_TRUE(keys_are(m.body, {"type", "source", "issuedTime", "content"})) << m.body.dump();
    const std::string u = m.body["source"]["userId"];
    EXPECT_EQ(m.body["source"], (json{{"userId", u}, {"domainId", 1}}))
        << "no channelId in a 1:1 room";
    const auto d = tools::decide(plan_, u);
    ASSERT_TRUE(d.answers) << u;
    const std::string data = answer_data(kRollcall, d.safety);
    std::string text;
    for (const auto& b : buttons)
      if (b["postback"] == data) text = b["text"];
    EXPECT_EQ(m.body["content"], (json{{"type", "text"}, {"text", text}, {"postback", data}}));
  }
}

TEST_F(BotStaffTest, TheQuickReplyFollowsTheButtonPressAsAPostbackCallback) {
  start(quick_plan(0));
  send(user(5), safety_q());
  ASSERT_TRUE(receiver.wait_for([](const auto& cbs) {
    return std::any_of(cbs.begin(), cbs.end(),
                       [](const auto& c) { return c.body.value("type", "") == "message"; });
  }));
  // The daemon's acknowledgement and its work question, as the coordinator's outbox sends them.
  const auto d = tools::decide(plan_, user(5));
  send(user(5), text_content("【訓練】無事と記録しました"));
  send(user(5), work_question(kRollcall, d.safety, "出勤できますか", true));
  ASSERT_TRUE(receiver.wait_for([](const auto& cbs) {
    return std::any_of(cbs.begin(), cbs.end(),
                       [](const auto& c) { return c.body.value("type", "") == "postback"; });
  }));
  const auto all = receiver.all();
  ASSERT_EQ(all.size(), 3u);  // begin, message, postback: the text alone is not answered
  EXPECT_EQ(all[1].body["type"], "message");
  const auto& p = all[2];
  EXPECT_TRUE(p.signed_ok);
  EXPECT_TRUE(keys_are(p.body, {"type", "source", "issuedTime", "data"})) << p.body.dump();
  EXPECT_EQ(p.body["data"], answer_data(kRollcall, d.safety, d.work));
  EXPECT_EQ(p.body["source"], (json{{"userId", user(5)},
                                    {"channelId", tools::one_to_one_channel("2000001", user(5))},
                                    {"domainId", 1}}));
  EXPECT_GT(p.body["issuedTime"].get<std::string>(), all[1].body["issuedTime"].get<std::string>());
}

TEST_F(BotStaffTest, AReminderToSomeoneWhoAnsweredOrNeverWillIsNotAnsweredAgain) {
  start(quick_plan(0.5));
  const auto who = answering(8);
  ASSERT_FALSE(who.empty());
  ASSERT_LT(who.size(), 8u);
  for (int i = 1; i <= 8; ++i) send(user(i), safety_q());
  ASSERT_TRUE(staff->wait_idle(Clock::now() + std::chrono::seconds(10)));
  for (int i = 1; i <= 8; ++i) send(user(i), safety_q());  // the reminders
  ASSERT_TRUE(tenant->wait_for([](const auto& reqs) { return reqs.size() >= 16; },
                               std::chrono::seconds(5)));
  ASSERT_TRUE(staff->wait_idle(Clock::now() + std::chrono::seconds(10)));
  EXPECT_EQ(receiver.of_type("message").size(), who.size());
  EXPECT_EQ(receiver.of_type("begin").size(), 8u);
  for (const auto& c : receiver.of_type("message"))
    EXPECT_TRUE(tools::decide(plan_, c.body["source"]["userId"].get<std::string>()).answers);
}

TEST_F(BotStaffTest, AnswersWaitTheirDelayScaledBySpeed) {
  BotStaffPlan plan = quick_plan(0);
  plan.quick_within = {4, 6};  // 0.4-0.6 s at speed 10
  start(plan);
  const auto sent_at = Clock::now();
  send(user(1), safety_q());
  ASSERT_TRUE(
      receiver.wait_for([](const auto& cbs) { return cbs.size() >= 2; }, std::chrono::seconds(10)));
  const auto d = tools::decide(plan_, user(1));
  const auto message = receiver.of_type("message").at(0);
  // Never earlier than its delay (later is the machine's business, so only a lower bound).
  EXPECT_GE(message.at - sent_at,
            std::chrono::duration<double>(d.safety_after / 10) - std::chrono::milliseconds(5));
}

TEST(TenantDelivery, HandlersHearOnly201sAndAThrowingOneDoesNotStopTheTenant) {
  LineWorksTenant tenant(test::tenant_settings());
  std::mutex m;
  std::vector<std::string> heard;
  tenant.on_delivered([&](const LineWorksTenant::MessageRequest& r) {
    std::lock_guard lock(m);
    heard.push_back(r.to + " " + r.content.value("type", ""));
  });
  tenant.on_delivered([](const auto&) { throw std::runtime_error("owner's bug"); });
  tools::HttpClient http({"127.0.0.1", tenant.port()});
  const auto key = *RsaKey::private_from_pem(test::sample_private_key());
  const auto jwt =
      sign_jwt(service_account_claims("test-client", "test.serviceaccount@example-town",
                                      std::chrono::system_clock::now()),
               key);
  const auto t =
      http.request("POST", "/oauth2/v2.0/token",
                   "assertion=" + jwt +
                       "&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
                       "&client_id=test-client&client_secret=test-secret&scope=bot",
                   {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(t.status, 200) << t.body;
  const std::string token = json::parse(t.body)["access_token"];
  const std::string path = "/v1.0/bots/2000001/users/lw-s001/messages";
  EXPECT_EQ(http.post_json(path, "", R"({"content":{"type":"text","text":"a"}})").status, 401);
  EXPECT_EQ(http.post_json(path, token, R"({"content":{"type":"text","text":""}})").status, 400);
  tenant.rate_limit_next(1, 1);
  EXPECT_EQ(http.post_json(path, token, R"({"content":{"type":"text","text":"b"}})").status, 429);
  EXPECT_EQ(http.post_json(path, token, R"({"content":{"type":"text","text":"c"}})").status, 201);
  EXPECT_EQ(http.post_json(path, token, R"({"content":{"type":"text","text":"d"}})").status, 201);
  std::lock_guard lock(m);
  EXPECT_EQ(heard, (std::vector<std::string>{"lw-s001 text", "lw-s001 text"}));
  EXPECT_EQ(tenant.delivery_handler_errors(), 2);
}

TEST(SimTenant, PlaysTheSampleTownsTenantWithItsPublicKeyAndBot) {
  auto loaded = config::load_town(test::sample_town() / "town.json");
  ASSERT_TRUE(loaded.config);
  const config::TownConfig& town = *loaded.config;
  EXPECT_EQ(tools::loopback_tenant_port(town), std::optional<std::uint16_t>(8471));
  EXPECT_EQ(tools::public_key_beside(town.lineworks_api->private_key_file).filename(),
            "lineworks-public-key.pem");

  CallbackReceiver receiver("sample-bot-secret");  // the sample town's bot secret
  const json scenario = {{"steps", json::array()},
                         {"bot_staff", {{"never", 0}, {"quick", 1}, {"quick_within", {0, 1}}}}};
  tools::SimTenant sim(scenario, town, {0, receiver.url(), 20, nullptr});
  ASSERT_TRUE(sim.has_staff());
  // The daemon's client, configured from the same town, gets a token and sends.
  config::LineWorksApi api = *town.lineworks_api;
  api.auth_url = sim.tenant().auth_url();
  api.api_url = sim.tenant().api_url();
  ApiClient to_sim(api, test::fast_options());
  test::Results results;
  to_sim.send({Recipient::user("lw-s001"), safety_question(kRollcall, "安否", false)},
              results.callback("staff"));
  to_sim.send({Recipient::user("lw-nobody"), text_content("x")}, results.callback("nobody"));
  ASSERT_TRUE(results.wait_for(2));
  for (const auto& [tag, r] : results.all()) {
    if (tag == "staff") {
      EXPECT_EQ(r.outcome, SendResult::Outcome::sent) << r.error;
    } else {
      EXPECT_EQ(r.status, 404) << "a userId not in the roster, as on the real tenant";
    }
  }
  ASSERT_TRUE(receiver.wait_for([](const auto& cbs) { return cbs.size() >= 2; }));
  EXPECT_EQ(receiver.all()[1].body["type"], "message");
  for (const auto& c : receiver.all())
    EXPECT_TRUE(c.signed_ok) << "signed with the sample bot's secret";
  EXPECT_TRUE(sim.finish(std::chrono::seconds(5)));
  EXPECT_NE(sim.summary().find("delivered 1 (safety question 1)"), std::string::npos)
      << sim.summary();
  EXPECT_NE(sim.summary().find("answers sent 1"), std::string::npos) << sim.summary();
}

}  // namespace
}  // namespace bcp::lineworks
