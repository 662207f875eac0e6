// The "lineworks_api" and "rollcall_distribution" sections (DESIGN.md "LINE WORKS both
// ways"): the sample town's values, and every broken value named by file and JSON pointer.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bcp/config/config.hpp"

namespace fs = std::filesystem;
using bcp::config::load_town;
using nlohmann::json;

namespace {

using Errors = std::vector<std::string>;

TEST(SampleTownLineWorksApi, PointsAtTheStandInWithThePublicSampleKey) {
  const auto loaded = load_town("config/sample-town/town.json");
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  ASSERT_TRUE(loaded.config->lineworks_api);
  const auto& api = *loaded.config->lineworks_api;
  EXPECT_EQ(api.auth_url, "http://127.0.0.1:8471/oauth2/v2.0/token");
  EXPECT_EQ(api.api_url, "http://127.0.0.1:8471/v1.0");
  EXPECT_EQ(api.client_id, "sample-client-id");
  EXPECT_EQ(api.client_secret, "sample-client-secret");
  EXPECT_EQ(api.service_account, "sample.serviceaccount@kakuu-town.example");
  EXPECT_EQ(api.bot_id, "2000001");  // the sample bot, whose callbacks the daemon takes
  EXPECT_EQ(api.messages_per_minute, 240);
  EXPECT_EQ(api.private_key_file.generic_string(), "config/sample-town/lineworks-private-key.pem");
  EXPECT_EQ(api.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);

  ASSERT_TRUE(loaded.config->rollcall_distribution);
  const auto& d = *loaded.config->rollcall_distribution;
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.reminders_after_seconds, (std::vector<int>{300, 900, 1800}));
  EXPECT_EQ(d.announce_groups, (std::vector<std::string>{"hq"}));
}

// A small valid town with both sections in a fresh directory; each test breaks one thing.
class LineWorksSections : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("bcp-lwapi-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::copy_file("config/sample-town/lineworks-private-key.pem", dir_ / "key.pem");
    town_ = json::parse(R"({
      "name": "テスト町",
      "departments": [{"id": "soumu", "name": "総務課"}],
      "roster": "roster.json",
      "groups": [{"id": "hq", "name": "本部", "lineworks_channel": "ch-hq", "level": "C"}],
      "tokens": [{"name": "t1", "roles": ["ingest"], "secret": "secret-1"}],
      "lineworks_bots": [{"id": "2000001", "secret": "bot-secret"}],
      "lineworks_api": {
        "client_id": "cid", "client_secret": "csecret",
        "service_account": "sa.serviceaccount@town", "private_key_file": "key.pem",
        "bot_id": 2000001
      },
      "rollcall_distribution": {"reminders_after_seconds": [60], "announce_groups": ["hq"]}
    })");
    std::ofstream(dir_ / "roster.json")
        << R"({"staff": [{"id": "a1", "name": "一", "department": "soumu", "lineworks_user": "lw-a1"}]})";
  }
  void TearDown() override { fs::remove_all(dir_); }

  bcp::config::LoadResult load() {
    std::ofstream(dir_ / "town.json", std::ios::trunc) << town_.dump(2);
    return load_town(dir_ / "town.json");
  }
  Errors errors() {
    Errors out;
    for (const auto& e : load().errors) out.push_back(e.to_string());
    return out;
  }
  std::string f() const { return (dir_ / "town.json").generic_string(); }
  json& api() { return town_["lineworks_api"]; }
  json& dist() { return town_["rollcall_distribution"]; }

  fs::path dir_;
  json town_;
};

TEST_F(LineWorksSections, DefaultsAreTheRealEndpointsAndTheFreePlansRate) {
  const auto loaded = load();
  ASSERT_TRUE(loaded.config) << loaded.errors[0].to_string();
  const auto& a = *loaded.config->lineworks_api;
  EXPECT_EQ(a.auth_url, "https://auth.worksmobile.com/oauth2/v2.0/token");
  EXPECT_EQ(a.api_url, "https://www.worksapis.com/v1.0");
  EXPECT_EQ(a.messages_per_minute, 60);
  EXPECT_EQ(a.bot_id, "2000001");  // a number is taken as LINE WORKS shows it
  EXPECT_EQ(a.private_key_file, dir_ / "key.pem");
  EXPECT_TRUE(loaded.config->rollcall_distribution->enabled);
}

TEST_F(LineWorksSections, AbsentSectionsMeanTheBotOnlyListens) {
  town_.erase("lineworks_api");
  town_.erase("rollcall_distribution");
  const auto loaded = load();
  ASSERT_TRUE(loaded.config);
  EXPECT_FALSE(loaded.config->lineworks_api);
  EXPECT_FALSE(loaded.config->rollcall_distribution);
}

TEST_F(LineWorksSections, MissingAndMistypedKeysAreNamed) {
  api().erase("client_secret");
  api()["client_id"] = 12;
  api()["service_account"] = "no-at-sign";
  api()["messages_per_minute"] = "240";
  api()["client_secert"] = "typo";
  EXPECT_EQ(
      errors(),
      (Errors{f() + ": /lineworks_api/client_id: expected string, got integer",
              f() + ": /lineworks_api/client_secret: required field missing",
              f() + ": /lineworks_api/service_account: expected the Service Account ID of the "
                    "Developer Console, like \"abcde.serviceaccount@your-domain\", got "
                    "\"no-at-sign\"",
              f() + ": /lineworks_api/messages_per_minute: expected integer, got string",
              f() + ": /lineworks_api/client_secert: unknown field"}));
}

TEST_F(LineWorksSections, TheKeyFileMustHoldAnRsaPrivateKey) {
  api()["private_key_file"] = "missing.pem";
  EXPECT_EQ(errors(), (Errors{f() + ": /lineworks_api/private_key_file: private key file "
                                    "\"missing.pem\" not found"}));
  fs::copy_file("config/sample-town/lineworks-public-key.pem", dir_ / "public.pem");
  api()["private_key_file"] = "public.pem";
  auto e = errors();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].rfind(f() + ": /lineworks_api/private_key_file: private key file \"public.pem\": "
                             "not a PEM private key (",
                       0),
            0u)
      << e[0];
  EXPECT_NE(e[0].find("(expected the Developer Console's private key, PEM)"), std::string::npos);
}

TEST_F(LineWorksSections, PlainHttpOnlyOnLoopbackAndUrlsMustBeUrls) {
  api()["auth_url"] = "http://auth.worksmobile.com/oauth2/v2.0/token";
  api()["api_url"] = "www.worksapis.com/v1.0";
  EXPECT_EQ(errors(),
            (Errors{f() + ": /lineworks_api/auth_url: plain http:// only for a loopback host "
                          "(127.0.0.1, ::1, localhost), got "
                          "\"http://auth.worksmobile.com/oauth2/v2.0/token\": the client secret "
                          "and tokens travel in it; use https://",
                    f() + ": /lineworks_api/api_url: expected an https:// URL, got "
                          "\"www.worksapis.com/v1.0\": must start with http:// or https://"}));
  api()["auth_url"] = "http://127.0.0.1:8471/oauth2/v2.0/token";
  api()["api_url"] = "http://localhost:8471/v1.0";
  EXPECT_EQ(errors(), Errors{});
}

TEST_F(LineWorksSections, TheBotMustBeOneWhoseCallbacksTheDaemonTakes) {
  api()["bot_id"] = "2000002";
  EXPECT_EQ(errors(), (Errors{f() + ": /lineworks_api/bot_id: bot \"2000002\" is not in "
                                    "lineworks_bots: the answers to its messages would come from "
                                    "a bot the daemon does not know"}));
  api()["bot_id"] = true;
  EXPECT_EQ(errors(), (Errors{f() + ": /lineworks_api/bot_id: expected non-empty string or "
                                    "number, got boolean"}));
}

TEST_F(LineWorksSections, TheRateIsBounded) {
  api()["messages_per_minute"] = 0;
  EXPECT_EQ(errors(),
            (Errors{f() + ": /lineworks_api/messages_per_minute: expected 1 to 60000 "
                          "(LINE WORKS: 60 on the free plan, 240 on paid plans), got 0"}));
}

TEST_F(LineWorksSections, RemindersAreIncreasingPositiveSecondsAndGroupsExist) {
  dist()["reminders_after_seconds"] = json::array({300, 300, -5, "900", 604801});
  dist()["announce_groups"] = json::array({"hq", "nowhere", 3, "hq"});
  dist()["enabled"] = "yes";
  EXPECT_EQ(
      errors(),
      (Errors{
          f() + ": /rollcall_distribution/enabled: expected boolean, got string",
          f() + ": /rollcall_distribution/reminders_after_seconds/1: expected each reminder "
                "later than the one before (300), got 300",
          f() + ": /rollcall_distribution/reminders_after_seconds/2: expected seconds after the "
                "start, 1 to 604800, got -5",
          f() + ": /rollcall_distribution/reminders_after_seconds/3: expected integer seconds, "
                "got string",
          f() + ": /rollcall_distribution/reminders_after_seconds/4: expected seconds after the "
                "start, 1 to 604800, got 604801",
          f() + ": /rollcall_distribution/announce_groups/1: unknown group \"nowhere\"",
          f() + ": /rollcall_distribution/announce_groups/2: expected a group id, got integer",
          f() + ": /rollcall_distribution/announce_groups/3: duplicate announce group \"hq\" "
                "(first at /rollcall_distribution/announce_groups/0)"}));
}

TEST_F(LineWorksSections, DistributionWithoutAnApiIsAnError) {
  town_.erase("lineworks_api");
  EXPECT_EQ(errors(), (Errors{f() + ": /rollcall_distribution: enabled, but there is no "
                                    "lineworks_api section: the bot cannot send without it"}));
  dist()["enabled"] = false;  // switched off, it may stay written down
  EXPECT_EQ(errors(), Errors{});
}

TEST_F(LineWorksSections, SectionsOfTheWrongTypeAreNamed) {
  town_["lineworks_api"] = json::array();
  town_["rollcall_distribution"] = "on";
  EXPECT_EQ(errors(), (Errors{f() + ": /lineworks_api: expected object, got array",
                              f() + ": /rollcall_distribution: expected object, got string"}));
}

// ---- "calendars" ----------------------------------------------------------------------

TEST(SampleTownCalendars, AreReadFromLineWorksEvery900Seconds) {
  const auto loaded = load_town("config/sample-town/town.json");
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->calendars.source, bcp::config::Calendars::Source::lineworks);
  EXPECT_EQ(loaded.config->calendars.poll_seconds, 900);
}

TEST_F(LineWorksSections, CalendarsComeFromIcsUploadsUnlessToldOtherwise) {
  // Not "lineworks" by default even with lineworks_api: the token would then ask for
  // calendar.read, which fails the bot's own token until the app has that scope.
  const auto loaded = load();
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->calendars.source, bcp::config::Calendars::Source::ics);
  EXPECT_EQ(loaded.config->calendars.poll_seconds, 900);
  town_["calendars"] = {{"source", "lineworks"}, {"poll_seconds", 60}};
  const auto read = load();
  ASSERT_TRUE(read.config) << read.errors[0].to_string();
  EXPECT_EQ(read.config->calendars.source, bcp::config::Calendars::Source::lineworks);
  EXPECT_EQ(read.config->calendars.poll_seconds, 60);
}

TEST_F(LineWorksSections, BrokenCalendarsKeysAreNamed) {
  town_["calendars"] = {{"source", "google"}, {"poll_seconds", 59}, {"poll_second", 900}};
  EXPECT_EQ(errors(),
            (Errors{f() + ": /calendars/source: expected \"lineworks\" or \"ics\", got \"google\"",
                    f() + ": /calendars/poll_seconds: expected 60 to 86400 seconds, got 59",
                    f() + ": /calendars/poll_second: unknown field"}));
  town_["calendars"] = {{"source", "ics"}, {"poll_seconds", 86401}};
  EXPECT_EQ(errors(),
            Errors{f() + ": /calendars/poll_seconds: expected 60 to 86400 seconds, got 86401"});
  town_["calendars"] = {{"poll_seconds", "900"}};
  EXPECT_EQ(errors(), Errors{f() + ": /calendars/poll_seconds: expected integer, got string"});
  town_["calendars"] = "lineworks";
  EXPECT_EQ(errors(), Errors{f() + ": /calendars: expected object, got string"});
}

TEST_F(LineWorksSections, LineWorksCalendarsNeedTheApiAndTheIssuesKeyIsPointedAtTheRealOne) {
  town_.erase("lineworks_api");
  town_.erase("rollcall_distribution");
  town_["calendars"] = {{"source", "lineworks"}};
  EXPECT_EQ(errors(), Errors{f() + ": /calendars/source: \"lineworks\" needs the lineworks_api "
                                   "section: the calendars are read through the app's service "
                                   "account"});
  town_["calendars"] = {{"source", "ics"}};
  town_["calendar_poll_seconds"] = 900;
  EXPECT_EQ(errors(), Errors{f() + ": /calendar_poll_seconds: not a key: the poll interval is "
                                   "\"calendars\": {\"poll_seconds\": N}"});
}

}  // namespace
