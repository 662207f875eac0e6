// Broken configs: each problem must come back with the exact file, pointer and message,
// and all problems of a config at once.
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

// A small valid town in a fresh temporary directory; each test breaks one thing.
class TownDir : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("bcp-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "layouts");
    town_ = json::parse(R"({
      "name": "テスト町",
      "departments": [{"id": "soumu", "name": "総務課"}, {"id": "kikaku", "name": "企画課"}],
      "roster": "roster.json",
      "groups": [
        {"id": "hq", "name": "災害対策本部", "lineworks_channel": "ch-hq", "level": "C"},
        {"id": "jinji", "name": "人事", "lineworks_channel": "ch-jinji", "level": "B"}
      ],
      "tokens": [{"name": "t1", "roles": ["ingest"], "secret": "secret-1"}],
      "lineworks_bots": [{"id": "1", "secret": "bot-secret"}],
      "walls": [{"id": "main", "layout": "layouts/main.json"}]
    })");
    roster_ = json::parse(R"({"staff": [
      {"id": "a1", "name": "髙橋　一", "department": "soumu", "lineworks_user": "lw-a1"},
      {"id": "a2", "name": "山﨑　二", "department": "kikaku", "lineworks_user": "lw-a2"}
    ]})");
    layout_ = json::parse(R"({"pages": [{"rows": []}], "rotate_seconds": 0})");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  // Writes the (possibly broken) town and returns every error as text.
  std::vector<std::string> errors() {
    if (!fs::exists(dir_ / "town.json")) write("town.json", town_.dump(2));
    if (!fs::exists(dir_ / "roster.json")) write("roster.json", roster_.dump(2));
    if (!fs::exists(dir_ / "layouts/main.json")) write("layouts/main.json", layout_.dump(2));
    auto result = load_town(dir_ / "town.json");
    std::vector<std::string> out;
    for (const auto& e : result.errors) out.push_back(e.to_string());
    EXPECT_EQ(result.config.has_value(), out.empty());
    return out;
  }
  // The name under which a file of the town shows up in messages.
  std::string f(const std::string& name) const { return (dir_ / name).generic_string(); }

  fs::path dir_;
  json town_, roster_, layout_;
};

using Errors = std::vector<std::string>;

TEST_F(TownDir, ValidTownLoads) { EXPECT_TRUE(errors().empty()); }

TEST_F(TownDir, JsonWithBomLoads) {
  write("town.json", "\xEF\xBB\xBF" + town_.dump(2));
  EXPECT_TRUE(errors().empty());
}

TEST_F(TownDir, JsonSyntaxErrorGivesLineAndColumn) {
  write("town.json", "{\n  \"name\": \"テスト町\",\n  \"departments\": [}\n}\n");
  EXPECT_EQ(errors(), (Errors{f("town.json") +
                              ": line 3, column 19: invalid JSON: syntax error while parsing "
                              "value - unexpected '}'; expected '[', '{', or a literal"}));
}

TEST_F(TownDir, BomTakesNoColumn) {
  write("town.json", "\xEF\xBB\xBF{\"name\" \"x\"}");
  auto e = errors();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].rfind(f("town.json") + ": line 1, column 11: invalid JSON: ", 0), 0u) << e[0];
}

TEST_F(TownDir, JsonSyntaxErrorInRosterAndLayout) {
  write("roster.json", "{\"staff\": [\n  {\"id\": \"a1\",}\n]}");
  write("layouts/main.json", "{\"pages\": [] ");
  auto e = errors();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].rfind(f("layouts/main.json") + ": line 1, column 14: invalid JSON: ", 0), 0u)
      << e[0];
  EXPECT_EQ(e[1].rfind(f("roster.json") + ": line 2, column 15: invalid JSON: ", 0), 0u) << e[1];
}

TEST_F(TownDir, InvalidUtf8InJsonIsASyntaxError) {
  write("town.json", "{\"name\": \"\xE6\xE6\"}");
  auto e = errors();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].rfind(f("town.json") + ": line 1, column ", 0), 0u) << e[0];
  EXPECT_NE(e[0].find("UTF-8"), std::string::npos) << e[0];
}

TEST_F(TownDir, MissingRequiredFields) {
  town_.erase("name");
  town_["groups"][0].erase("level");
  town_["tokens"][0].erase("roles");
  EXPECT_EQ(errors(), (Errors{
                          f("town.json") + ": /name: required field missing",
                          f("town.json") + ": /groups/0/level: required field missing",
                          f("town.json") + ": /tokens/0/roles: required field missing",
                      }));
}

TEST_F(TownDir, WrongTypes) {
  town_["utc_offset_minutes"] = "540";
  town_["groups"][1]["drill_group"] = "yes";
  town_["rules"] = json::object();
  town_["walls"] = json::object();
  EXPECT_EQ(errors(), (Errors{
                          f("town.json") + ": /utc_offset_minutes: expected integer, got string",
                          f("town.json") + ": /groups/1/drill_group: expected boolean, got string",
                          f("town.json") + ": /walls: expected array, got object",
                          f("town.json") + ": /rules: expected array, got object",
                      }));
}

TEST_F(TownDir, BadUtcOffset) {
  town_["utc_offset_minutes"] = 547;
  EXPECT_EQ(errors(), (Errors{f("town.json") +
                              ": /utc_offset_minutes: expected minutes from -720 to 840 in steps "
                              "of 15, got 547"}));
  fs::remove(dir_ / "town.json");
  town_["utc_offset_minutes"] = 900;
  EXPECT_EQ(errors().size(), 1u);
}

TEST_F(TownDir, BadListenAddress) {
  town_["listen"] = "127.0.0.1:99999";
  EXPECT_EQ(errors(),
            (Errors{f("town.json") + ": /listen: expected \"host:port\" with port 1-65535, got "
                                     "\"127.0.0.1:99999\""}));
}

TEST_F(TownDir, UnknownDepartmentInRoster) {
  roster_["staff"][1]["department"] = "総務";
  EXPECT_EQ(errors(),
            (Errors{f("roster.json") + ": /staff/1/department: unknown department \"総務\""}));
}

TEST_F(TownDir, DuplicateStaffIdAndLineworksUser) {
  roster_["staff"].push_back(
      {{"id", "a1"}, {"name", "濵田　三"}, {"department", "soumu"}, {"lineworks_user", "lw-a2"}});
  EXPECT_EQ(
      errors(),
      (Errors{
          f("roster.json") + ": /staff/2/id: duplicate staff id \"a1\" (first at /staff/0/id)",
          f("roster.json") + ": /staff/2/lineworks_user: duplicate LINE WORKS user \"lw-a2\" "
                             "(first at /staff/1/lineworks_user)",
      }));
}

TEST_F(TownDir, DuplicateGroupsChannelsTokensDepartments) {
  town_["groups"].push_back(
      {{"id", "hq"}, {"name", "x"}, {"lineworks_channel", "ch-jinji"}, {"level", "C"}});
  town_["tokens"].push_back({{"name", "t1"}, {"roles", {"display"}}, {"secret", "other"}});
  town_["departments"].push_back({{"id", "kikaku"}, {"name", "企画課2"}});
  EXPECT_EQ(
      errors(),
      (Errors{
          f("town.json") + ": /departments/2/id: duplicate department id \"kikaku\" (first at "
                           "/departments/1/id)",
          f("town.json") + ": /groups/2/id: duplicate group id \"hq\" (first at /groups/0/id)",
          f("town.json") +
              ": /groups/2/lineworks_channel: duplicate LINE WORKS channel \"ch-jinji\" "
              "(first at /groups/1/lineworks_channel)",
          f("town.json") +
              ": /tokens/1/name: duplicate token name \"t1\" (first at /tokens/0/name)",
      }));
}

TEST_F(TownDir, LevelNotABC) {
  town_["groups"][0]["level"] = "D";
  town_["groups"][1]["level"] = "c";
  EXPECT_EQ(errors(),
            (Errors{
                f("town.json") + ": /groups/0/level: expected \"A\", \"B\" or \"C\", got \"D\"",
                f("town.json") + ": /groups/1/level: expected \"A\", \"B\" or \"C\", got \"c\"",
            }));
}

TEST_F(TownDir, UnknownRoleAndEmptyRoles) {
  town_["tokens"][0]["roles"] = {"ingest", "admin"};
  town_["tokens"].push_back({{"name", "t2"}, {"roles", json::array()}, {"secret", "s2"}});
  EXPECT_EQ(errors(),
            (Errors{
                f("town.json") + ": /tokens/0/roles/1: unknown role \"admin\" (expected ingest, "
                                 "operator or display)",
                f("town.json") + ": /tokens/1/roles: expected at least one role",
            }));
}

TEST_F(TownDir, TokenNeedsExactlyOneSecretForm) {
  town_["tokens"][0].erase("secret");
  town_["tokens"].push_back({{"name", "t2"},
                             {"roles", {"display"}},
                             {"secret", "x"},
                             {"secret_sha256", std::string(64, 'a')}});
  EXPECT_EQ(
      errors(),
      (Errors{
          f("town.json") + ": /tokens/0: one of \"secret\" or \"secret_sha256\" required",
          f("town.json") + ": /tokens/1: both \"secret\" and \"secret_sha256\" given; keep one",
      }));
}

TEST_F(TownDir, Sha256MustBe64LowercaseHex) {
  town_["tokens"] = {
      {{"name", "short"}, {"roles", {"ingest"}}, {"secret_sha256", "abc123"}},
      {{"name", "upper"}, {"roles", {"ingest"}}, {"secret_sha256", std::string(64, 'A')}},
      {{"name", "ok"}, {"roles", {"ingest"}}, {"secret_sha256", std::string(64, 'a')}},
  };
  EXPECT_EQ(
      errors(),
      (Errors{
          f("town.json") + ": /tokens/0/secret_sha256: expected 64 lowercase hex digits (SHA-256)",
          f("town.json") + ": /tokens/1/secret_sha256: expected 64 lowercase hex digits (SHA-256)",
      }));
}

TEST_F(TownDir, TwoTokensWithOneSecret) {
  // SHA-256("secret-1"): the same secret, once plain and once hashed.
  town_["tokens"].push_back(
      {{"name", "t2"},
       {"roles", {"display"}},
       {"secret_sha256", "f7e7c36e458e80e6b6a2c67d0a9ec09bd718dadd7bfa8d6bf6e7ad526e46c2f7"}});
  town_["tokens"].push_back({{"name", "t3"}, {"roles", {"display"}}, {"secret", "secret-1"}});
  EXPECT_EQ(errors(), (Errors{
                          f("town.json") + ": /tokens/1/secret_sha256: same secret as token \"t1\"",
                          f("town.json") + ": /tokens/2/secret: same secret as token \"t1\"",
                      }));
}

TEST_F(TownDir, WallLayoutFileMissingOrInvalid) {
  town_["walls"].push_back({{"id", "talk"}, {"layout", "layouts/talk.json"}});
  town_["walls"].push_back({{"id", "inline"}, {"layout", {{"rotate_seconds", 0}}}});
  town_["walls"].push_back({{"id", "main"}, {"layout", 7}});
  EXPECT_EQ(
      errors(),
      (Errors{
          f("town.json") + ": /walls/1/layout: layout file \"layouts/talk.json\" not found",
          f("town.json") + ": /walls/2/layout/pages: required field missing",
          f("town.json") + ": /walls/3/id: duplicate wall id \"main\" (first at /walls/0/id)",
          f("town.json") + ": /walls/3/layout: expected layout object or file name, got integer",
      }));
}

TEST_F(TownDir, LayoutFileContentIsChecked) {
  layout_ = {{"pages", json::array()}};
  EXPECT_EQ(errors(),
            (Errors{f("layouts/main.json") + ": /pages: expected a non-empty array of pages"}));
}

TEST_F(TownDir, BotWithoutSecret) {
  town_["lineworks_bots"] = {{{"id", 2000002}}, {{"id", "1"}, {"secret", ""}}};
  EXPECT_EQ(errors(), (Errors{
                          f("town.json") + ": /lineworks_bots/0/secret: required field missing",
                          f("town.json") + ": /lineworks_bots/1/secret: must not be empty",
                      }));
}

TEST_F(TownDir, BotIdMayBeANumber) {
  town_["lineworks_bots"] = {{{"id", 2000002}, {"secret", "s"}}};
  EXPECT_TRUE(errors().empty());
  auto result = load_town(dir_ / "town.json");
  ASSERT_TRUE(result.config);
  ASSERT_NE(result.config->find_bot("2000002"), nullptr);
}

TEST_F(TownDir, MissingRosterFile) {
  town_["roster"] = "staff/roster.json";
  EXPECT_EQ(errors(),
            (Errors{f("town.json") + ": /roster: roster file \"staff/roster.json\" not found"}));
}

TEST_F(TownDir, MissingTownFile) {
  auto result = load_town(dir_ / "nope.json");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(), f("nope.json") + ": town config not found");
  EXPECT_FALSE(result.config);
}

TEST_F(TownDir, UnknownFieldsAreErrorsButCommentsAreNot) {
  town_["groups"][0]["lineworks_chanel"] = "x";
  town_["_comment"] = "fine";
  roster_["staff"][0]["mail"] = "a@example.org";
  EXPECT_EQ(errors(), (Errors{
                          f("town.json") + ": /groups/0/lineworks_chanel: unknown field",
                          f("roster.json") + ": /staff/0/mail: unknown field",
                      }));
}

TEST_F(TownDir, DuplicateJsonKey) {
  write("town.json",
        R"({"name": "テスト町", "departments": [{"id": "soumu", "name": "a", "id": "kikaku"}],
            "roster": "roster.json", "groups": [], "tokens": []})");
  EXPECT_EQ(errors(), (Errors{f("town.json") + ": /departments/0/id: duplicate key"}));
}

TEST_F(TownDir, AllErrorsAtOnce) {
  town_.erase("name");
  town_["groups"][1]["level"] = "X";
  town_["tokens"][0]["roles"] = {"root"};
  town_["walls"][0]["layout"] = "layouts/none.json";
  roster_["staff"][0]["department"] = "somu";
  roster_["staff"][1]["id"] = "a1";
  auto e = errors();
  EXPECT_EQ(
      e, (Errors{
             f("town.json") + ": /name: required field missing",
             f("town.json") + ": /groups/1/level: expected \"A\", \"B\" or \"C\", got \"X\"",
             f("town.json") +
                 ": /tokens/0/roles/0: unknown role \"root\" (expected ingest, operator or "
                 "display)",
             f("town.json") + ": /walls/0/layout: layout file \"layouts/none.json\" not found",
             f("roster.json") + ": /staff/0/department: unknown department \"somu\"",
             f("roster.json") + ": /staff/1/id: duplicate staff id \"a1\" (first at /staff/0/id)",
         }));
}

// "limits" (issue 12, class 6): each optional, each within its range, no unknown keys.
TEST_F(TownDir, LimitsAreReadAndChecked) {
  town_["limits"] = {
      {"max_connections", 500}, {"max_streams", 20}, {"max_subscriber_queue_bytes", 1048576}};
  write("town.json", town_.dump(2));
  ASSERT_TRUE(errors().empty());
  auto loaded = load_town(dir_ / "town.json");
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->limits.max_connections, 500);
  EXPECT_EQ(loaded.config->limits.max_streams, 20);
  EXPECT_EQ(loaded.config->limits.max_subscriber_queue_bytes, 1048576);
}

TEST_F(TownDir, LimitsDefaultWhenAbsent) {
  auto e = errors();
  ASSERT_TRUE(e.empty());
  auto loaded = load_town(dir_ / "town.json");
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(loaded.config->limits.max_connections, 4096);
  EXPECT_EQ(loaded.config->limits.max_streams, 256);
  EXPECT_EQ(loaded.config->limits.max_subscriber_queue_bytes, 16 * 1024 * 1024);
}

TEST_F(TownDir, BadLimitsAreNamed) {
  town_["limits"] = {{"max_connections", 0},
                     {"max_streams", "many"},
                     {"max_subscriber_queue_bytes", 10},
                     {"max_stream", 5}};
  EXPECT_EQ(errors(),
            (Errors{
                f("town.json") + ": /limits/max_connections: expected 1 to 1000000, got 0",
                f("town.json") + ": /limits/max_streams: expected integer, got string",
                f("town.json") +
                    ": /limits/max_subscriber_queue_bytes: expected 65536 to 1073741824, got 10",
                f("town.json") + ": /limits/max_stream: unknown field",
            }));
  fs::remove(dir_ / "town.json");
  town_["limits"] = {{"max_connections", 10}, {"max_streams", 11}};
  EXPECT_EQ(errors(), (Errors{f("town.json") +
                              ": /limits/max_streams: more streams (11) than connections (10): "
                              "every stream is a connection"}));
  fs::remove(dir_ / "town.json");
  town_["limits"] = 5;
  EXPECT_EQ(errors(), (Errors{f("town.json") + ": /limits: expected object, got integer"}));
}

// A checked-in broken town, named relative to the repository root as an operator would.
TEST(BrokenFixture, MessagesUseThePathAsGiven) {
  auto result = load_town("tests/config/fixtures/bad-town/town.json");
  std::vector<std::string> got;
  for (const auto& e : result.errors) got.push_back(e.to_string());
  EXPECT_FALSE(result.config);
  EXPECT_EQ(got, (Errors{
                     "tests/config/fixtures/bad-town/town.json: /groups/0/level: expected \"A\", "
                     "\"B\" or \"C\", got \"Z\"",
                     "tests/config/fixtures/bad-town/roster.json: /staff/12/department: unknown "
                     "department \"総務\"",
                 }));
}

}  // namespace
