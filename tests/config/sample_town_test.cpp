// The sample town is a contract (DESIGN.md "The sample town"): scripts, docs and other
// components' tests rely on these exact values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "bcp/config/config.hpp"

namespace fs = std::filesystem;
using bcp::config::Role;
using bcp::config::TownConfig;

namespace {

const TownConfig& sample() {
  static const auto result = bcp::config::load_town("config/sample-town/town.json");
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  if (!result.config) {
    ADD_FAILURE() << "sample town does not load (run from the repository root)";
    std::abort();
  }
  return *result.config;
}

TEST(SampleTown, Profile) {
  const auto& c = sample();
  EXPECT_EQ(c.town_name, "架空町");
  EXPECT_EQ(c.language, "ja-JP");
  EXPECT_EQ(c.utc_offset_minutes, 540);
  EXPECT_EQ(c.listen, "127.0.0.1:8470");
  EXPECT_EQ(c.drill_prefix, "【訓練】");
  EXPECT_EQ(c.file, fs::path("config/sample-town/town.json"));
  EXPECT_EQ(c.base_dir, fs::path("config/sample-town"));
}

TEST(SampleTown, StaffAndDepartments) {
  const auto& c = sample();
  ASSERT_EQ(c.staff.size(), 120u);
  std::set<std::string> departments;
  for (const auto& d : c.departments) departments.insert(d.id);
  EXPECT_EQ(departments,
            (std::set<std::string>{"soumu", "kikaku", "kensetsu", "hoken", "sangyo", "kyouiku"}));
  std::set<std::string> used;
  for (int i = 1; i <= 120; ++i) {
    char id[8], lw[12];
    std::snprintf(id, sizeof id, "s%03d", i);
    std::snprintf(lw, sizeof lw, "lw-s%03d", i);
    const auto* s = c.find_staff(id);
    ASSERT_NE(s, nullptr) << id;
    EXPECT_EQ(c.find_staff_by_lineworks(lw), s) << lw;
    EXPECT_FALSE(s->name.empty());
    used.insert(s->department);
  }
  EXPECT_EQ(used, departments);  // every department has staff
  EXPECT_EQ(c.find_staff("s121"), nullptr);
  EXPECT_EQ(c.find_staff_by_lineworks(""), nullptr);
}

TEST(SampleTown, RareNameKanjiForTheGlyphAtlas) {
  std::string all;
  for (const auto& s : sample().staff) all += s.name;
  for (const char* k : {"髙", "﨑", "濵", "邉", "齋"}) {
    EXPECT_NE(all.find(k), std::string::npos) << k;
  }
}

TEST(SampleTown, GroupsAndLevels) {
  const auto& c = sample();
  ASSERT_EQ(c.groups.size(), 5u);
  struct Want {
    const char *id, *name, *channel;
    char level;
  };
  for (const Want& w :
       {Want{"hq", "災害対策本部", "ch-hq", 'C'}, Want{"soumu", "総務課", "ch-soumu", 'C'},
        Want{"project", "プロジェクトチーム", "ch-project", 'C'},
        Want{"kyoryokutai", "地域おこし協力隊", "ch-kyoryokutai", 'C'},
        Want{"jinji", "人事", "ch-jinji", 'B'}}) {
    const auto* g = c.find_group(w.id);
    ASSERT_NE(g, nullptr) << w.id;
    EXPECT_EQ(g->name, w.name);
    EXPECT_EQ(g->lineworks_channel, w.channel);
    EXPECT_EQ(g->level, w.level) << w.id;
    EXPECT_EQ(c.find_group_by_channel(w.channel), g);
  }
}

TEST(SampleTown, TokensAuthenticateWithTheirNames) {
  const auto& c = sample();
  ASSERT_EQ(c.tokens.size(), 3u);
  const auto* ingest = c.find_token("ingest-sample");
  const auto* op = c.find_token("operator-sample");
  const auto* display = c.find_token("display-sample");
  ASSERT_TRUE(ingest && op && display);
  EXPECT_EQ(ingest->name, "ingest-sample");
  EXPECT_EQ(ingest->roles, std::vector<Role>{Role::ingest});
  EXPECT_EQ(op->name, "operator-sample");
  EXPECT_TRUE(op->has(Role::operator_));
  EXPECT_TRUE(op->has(Role::ingest));
  EXPECT_FALSE(op->has(Role::display));
  EXPECT_EQ(display->name, "display-sample");
  EXPECT_EQ(display->roles, std::vector<Role>{Role::display});
  EXPECT_EQ(c.find_token("sample-bot-secret"), nullptr);
  EXPECT_EQ(c.find_token("ingest-sample "), nullptr);
  EXPECT_EQ(c.find_token(""), nullptr);
}

TEST(SampleTown, BotAndWalls) {
  const auto& c = sample();
  ASSERT_EQ(c.bots.size(), 1u);
  const auto* bot = c.find_bot("2000001");
  ASSERT_NE(bot, nullptr);
  EXPECT_EQ(bot->secret, "sample-bot-secret");
  for (const char* id : {"main", "talk", "status"}) {
    const auto* w = c.find_wall(id);
    ASSERT_NE(w, nullptr) << id;
    ASSERT_TRUE(w->layout.is_object()) << id;
    EXPECT_FALSE(w->layout.at("pages").empty()) << id;
  }
  EXPECT_EQ(c.walls.size(), 3u);
}

TEST(SampleTown, RawSectionsAreKept) {
  const auto& c = sample();
  ASSERT_TRUE(c.rules.is_array());
  ASSERT_EQ(c.rules.size(), 1u);
  EXPECT_EQ(c.rules[0].at("id"), "bear");
  EXPECT_EQ(c.rules[0].at("exclude"), nlohmann::json::array({"熊本"}));
  EXPECT_TRUE(c.alerts.at("jma").at("area_codes").is_array());
  EXPECT_TRUE(c.display.is_object());
}

TEST(SampleTown, DirectoryHoldsOnlyLevelC) {
  const auto d = sample().directory();
  EXPECT_EQ(d.town_name, "架空町");
  EXPECT_EQ(d.utc_offset_minutes, 540);
  EXPECT_EQ(d.departments.size(), 6u);
  EXPECT_EQ(d.staff.size(), 120u);
  std::vector<std::string> groups;
  for (const auto& g : d.groups) groups.push_back(g.id);
  EXPECT_EQ(groups, (std::vector<std::string>{"hq", "soumu", "project", "kyoryokutai"}));
  EXPECT_EQ(d.staff[0].id, "s001");
  EXPECT_EQ(d.staff[0].name, sample().staff[0].name);
}

// roster.csv is the spreadsheet form of roster.json; both must describe the same staff.
TEST(SampleTown, CsvRosterMatchesJsonRoster) {
  const fs::path dir = fs::temp_directory_path() / ("bcp-sample-csv-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto town = nlohmann::json::parse(std::ifstream("config/sample-town/town.json"));
  town["roster"] = fs::absolute("config/sample-town/roster.csv").string();
  town["lineworks_api"]["private_key_file"] =
      fs::absolute("config/sample-town/lineworks-private-key.pem").string();
  for (auto& w : town["walls"]) {
    w["layout"] = fs::absolute("config/sample-town" / fs::path(w["layout"].get<std::string>()));
  }
  std::ofstream(dir / "town.json") << town.dump();
  auto result = bcp::config::load_town(dir / "town.json");
  fs::remove_all(dir);
  for (const auto& e : result.errors) ADD_FAILURE() << e.to_string();
  ASSERT_TRUE(result.config);
  const auto& a = result.config->staff;
  const auto& b = sample().staff;
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].department, b[i].department);
    EXPECT_EQ(a[i].lineworks_user, b[i].lineworks_user);
  }
}

// The outside sources a daemon watches and a wall lists (docs/protocol.md "Source health").
TEST(WatchedSources, FollowTheConfiguredPollerBotsAndBridge) {
  EXPECT_EQ(sample().watched_sources(), (std::vector<std::string>{"lineworks", "lineworks_api", "calendar"}))
      << "the sample town's bot listens and speaks";
  TownConfig c;
  EXPECT_TRUE(c.watched_sources().empty());
  c.alerts = nlohmann::json{{"jma", {{"area_codes", {"0110000"}}}}};
  EXPECT_TRUE(c.watched_sources().empty()) << "area codes without a poller poll nothing";
  c.alerts["jma"]["poller"] = {{"url", "http://127.0.0.1:1/feed.xml"}};
  c.bridge = bcp::config::BridgeConfig{{"nats://127.0.0.1:4222"}, "sample"};
  EXPECT_EQ(c.watched_sources(), (std::vector<std::string>{"jma", "nats"}));
  c.alerts = nlohmann::json::array();  // not an object: no poller, and nothing thrown
  EXPECT_EQ(c.watched_sources(), std::vector<std::string>{"nats"});
}

// ---- tokens stored as SHA-256 ---------------------------------------------------------

TEST(FindToken, PlainAndSha256Secrets) {
  TownConfig c;
  c.tokens.push_back({"alpha", {Role::ingest}, "alpha-secret", std::nullopt});
  // SHA-256("bravo")
  const std::string bravo = "f144a6907dc4284d1f9fe6a7d9b9ff53c02c1d07ba68f24d413d7ff7f757a782";
  c.tokens.push_back({"bravo", {Role::display}, std::nullopt, bravo});
  ASSERT_NE(c.find_token("alpha-secret"), nullptr);
  EXPECT_EQ(c.find_token("alpha-secret")->name, "alpha");
  ASSERT_NE(c.find_token("bravo"), nullptr);
  EXPECT_EQ(c.find_token("bravo")->name, "bravo");
  // Knowing the stored hash must not be enough to authenticate.
  EXPECT_EQ(c.find_token(bravo), nullptr);
  EXPECT_EQ(c.find_token("alpha"), nullptr);
  EXPECT_EQ(c.find_token("alpha-secret-"), nullptr);
  EXPECT_EQ(c.find_token("Bravo"), nullptr);
  EXPECT_EQ(c.find_token(""), nullptr);
}

TEST(FindToken, Sha256TokenFromConfigFile) {
  const fs::path dir = fs::temp_directory_path() / ("bcp-sha-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "roster.json") << R"({"staff": []})";
  std::ofstream(dir / "town.json") << R"({
    "name": "テスト町", "departments": [], "roster": "roster.json", "groups": [],
    "tokens": [{"name": "hashed", "roles": ["operator"],
      "secret_sha256": "f144a6907dc4284d1f9fe6a7d9b9ff53c02c1d07ba68f24d413d7ff7f757a782"}]})";
  auto result = bcp::config::load_town(dir / "town.json");
  fs::remove_all(dir);
  ASSERT_TRUE(result.config);
  const auto* t = result.config->find_token("bravo");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->name, "hashed");
  EXPECT_TRUE(t->has(Role::operator_));
  EXPECT_FALSE(t->secret.has_value());
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : {Role::ingest, Role::operator_, Role::display}) {
    EXPECT_EQ(bcp::config::parse_role(bcp::config::role_name(r)), r);
  }
  EXPECT_FALSE(bcp::config::parse_role("admin"));
}

TEST(ConfigError, ToString) {
  bcp::config::ConfigError e{"config/sample-town/roster.json", "/staff/12/department",
                             "unknown department \"総務\""};
  EXPECT_EQ(e.to_string(),
            "config/sample-town/roster.json: /staff/12/department: unknown department \"総務\"");
}

}  // namespace
