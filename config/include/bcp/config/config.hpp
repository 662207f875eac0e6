// A town's configuration: loader and validator. Used by the executables only.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/model/situation.hpp"

namespace bcp::config {

enum class Role { ingest, operator_, display };

// "ingest", "operator", "display"; nullopt for anything else.
std::optional<Role> parse_role(std::string_view name);
std::string_view role_name(Role r);

struct Token {
  std::string name;
  std::vector<Role> roles;
  std::optional<std::string> secret;         // plain secret, or
  std::optional<std::string> secret_sha256;  // lowercase hex SHA-256 of the secret
  bool has(Role r) const;
};

struct Bot {           // a LINE WORKS bot
  std::string id;      // X-WORKS-BotId
  std::string secret;  // bot secret for X-WORKS-Signature
};

struct Group {  // a talk group (LINE WORKS channel)
  std::string id;
  std::string name;
  std::string lineworks_channel;
  char level = 'C';  // 'A', 'B' or 'C'; only C may reach the wall
  bool drill_group = false;
};

struct Department {
  std::string id;
  std::string name;
};

struct Staff {
  std::string id;
  std::string name;
  std::string department;
  std::optional<std::string> lineworks_user;
};

struct Wall {
  std::string id;
  std::string title;
  nlohmann::json layout;  // the wall's layout document (display/ interprets it)
};

// The town's link to the regional room (DESIGN.md, "Several towns"):
// "bridge": {"nats": {"servers": ["nats://127.0.0.1:4222", ...], "town": "<town id>"}}.
struct BridgeConfig {
  std::vector<std::string> servers;  // nats:// or tls:// URLs
  std::string town;                  // 1-64 of A-Z a-z 0-9 _ -: a subject token and Msg-Id prefix
};

// The per-token rate limit of the HTTP API: a bucket of `burst` requests per token, refilled
// at `requests_per_minute`; over it a request gets 429 with Retry-After. 0 turns it off.
// town.json: "rate_limit": {"requests_per_minute": 1200, "burst": 200} (these are the
// defaults). The LINE WORKS callback is not limited: LINE WORKS never resends a callback.
struct RateLimit {
  int requests_per_minute = 1200;
  int burst = 200;
};

// What one daemon holds open at most ("limits" in town.json or region.json; all optional).
// Beyond them a new connection or stream is answered 503, and a stream that falls this far
// behind is disconnected (it resumes from its last seq): memory stays bounded.
struct Limits {
  std::int64_t max_connections = 4096;  // TCP connections, HTTP and streams together
  std::int64_t max_streams = 256;       // WebSocket streams (walls, tools) among them
  std::int64_t max_subscriber_queue_bytes = 16 * 1024 * 1024;  // unsent bytes per stream
};

// When an outside source (JMA poller, LINE WORKS callbacks, ...) counts as failing or quiet
// (config `source_health`, docs/protocol.md "Source health").
struct SourceHealthSettings {
  // A source whose attempts have failed for this long is "failing" (the wall's warning);
  // before that it is "degraded".
  int failing_after_seconds = 300;
  // A source that only speaks when there is something to say (LINE WORKS callbacks) and has
  // said nothing for this long is "quiet": shown as such, never as failing.
  int quiet_after_seconds = 3600;
};

// "lineworks_api" (DESIGN.md "LINE WORKS both ways"): how the daemon speaks through the bot,
// as the app's service account. Secrets stay here and in the key file, never in logs.
struct LineWorksApi {
  std::string auth_url = "https://auth.worksmobile.com/oauth2/v2.0/token";
  std::string api_url = "https://www.worksapis.com/v1.0";
  std::string client_id;
  std::string client_secret;
  std::string service_account;             // e.g. "abcde.serviceaccount@example-town"
  std::filesystem::path private_key_file;  // resolved against town.json's folder
  std::string private_key_pem;             // its text, checked to hold an RSA private key
  std::string bot_id;                      // one of lineworks_bots, whose callbacks come back
  int messages_per_minute = 60;            // the free plan's limit unless told otherwise
};

// "rollcall_distribution": what the bot does when a roll call starts.
struct RollcallDistribution {
  bool enabled = true;
  std::vector<int> reminders_after_seconds;  // strictly increasing, each > 0
  std::vector<std::string> announce_groups;  // group ids whose rooms hear start and close
};

// "calendars": where staff calendars come from (docs/operations.md "Staff calendars").
//   ics        uploaded .ics files (PUT /v1/staff/{id}/calendar), the default when the key is
//              absent: asking LINE WORKS for calendar.read fails the bot's token until the
//              scope is enabled in the Developer Console, so reading calendars is opted into.
//   lineworks  each roster member with a lineworks_user has their default LINE WORKS calendar
//              read every poll_seconds through lineworks_api (which must then be configured);
//              the token then also asks for calendar.read.
struct Calendars {
  enum class Source { ics, lineworks };
  Source source = Source::ics;
  int poll_seconds = 900;  // 60 to 86400
};

struct TownConfig {
  std::filesystem::path file;      // town.json as given
  std::filesystem::path base_dir;  // its directory; relative paths resolve against it
  std::string town_name;
  std::string language = "ja-JP";
  int utc_offset_minutes = 540;
  std::string listen = "127.0.0.1:8470";
  std::string data_dir = "var/feedd";
  Limits limits;
  // Text that marks a talk message or alert title as a drill (訓練), so that drill items are
  // labelled as such on the wall.
  std::string drill_prefix = "【訓練】";
  std::vector<Department> departments;
  std::vector<Staff> staff;
  std::vector<Group> groups;
  std::vector<Token> tokens;
  std::vector<Bot> bots;
  std::vector<Wall> walls;
  RateLimit rate_limit;
  SourceHealthSettings source_health;
  // Sections interpreted by later components (alerts/, display/): kept as JSON here,
  // validated by their owners.
  nlohmann::json rules = nlohmann::json::array();    // keyword rules
  nlohmann::json alerts = nlohmann::json::object();  // JMA area codes, thresholds, poller
  nlohmann::json display = nlohmann::json::object();
  // Absent: the town does not publish to a region and behaves as before.
  std::optional<BridgeConfig> bridge;
  // Absent: the bot only listens.
  std::optional<LineWorksApi> lineworks_api;
  std::optional<RollcallDistribution> rollcall_distribution;
  Calendars calendars;

  const Staff* find_staff(std::string_view id) const;
  const Staff* find_staff_by_lineworks(std::string_view user_id) const;
  const Group* find_group(std::string_view id) const;
  const Group* find_group_by_channel(std::string_view channel) const;
  const Bot* find_bot(std::string_view id) const;
  const Wall* find_wall(std::string_view id) const;
  // The token whose secret matches `presented` (checks plain and SHA-256 forms).
  const Token* find_token(std::string_view presented) const;

  // The level-C directory for the Situation: departments, staff, level-C groups only.
  model::Directory directory() const;
  // The outside sources a daemon with this config watches from its start (docs/protocol.md
  // "Source health"): "jma" (alerts.jma.poller), "lineworks" (bots), "nats" (bridge). The
  // daemon watches these; a wall lists them. Calendars become one once a calendar is stored.
  std::vector<std::string> watched_sources() const;
};

// One problem: file, JSON pointer (or CSV line), what is wrong.
// to_string(): `config/sample-town/roster.json: /staff/12/department: unknown department "総務"`.
struct ConfigError {
  std::string file;
  std::string where;  // JSON pointer like "/staff/12/department", or "line 14" for CSV
  std::string message;
  std::string to_string() const;
};

struct LoadResult {
  std::optional<TownConfig> config;  // set only when errors is empty
  std::vector<ConfigError> errors;   // every problem found, not just the first
};

LoadResult load_town(const std::filesystem::path& town_json);

// A town followed by the regional room, with its own config (names, departments, roster).
struct RegionTown {
  std::string id;                // its bridge's town id: bcp.town.<id>.events
  std::filesystem::path config;  // its town.json, resolved against region.json's folder
  TownConfig town;
};

// region.json: a daemon with a "region" section instead of town content (DESIGN.md,
// "Several towns"): {"name", "listen"?, "data_dir"?, "tokens", "walls"?, "display"?,
// "region": {"nats": {"servers": [...]}, "towns": [{"id", "config"}, ...]}}.
struct RegionConfig {
  std::filesystem::path file;
  std::filesystem::path base_dir;
  std::string name;
  std::string language = "ja-JP";
  int utc_offset_minutes = 540;
  std::string listen = "127.0.0.1:8470";
  std::string data_dir = "var/feedd";
  Limits limits;
  std::vector<Token> tokens;
  std::vector<Wall> walls;
  nlohmann::json display = nlohmann::json::object();
  std::vector<std::string> servers;  // region.nats.servers
  std::vector<RegionTown> towns;

  const RegionTown* find_town(std::string_view id) const;
  const Wall* find_wall(std::string_view id) const;
  const Token* find_token(std::string_view presented) const;
};

struct RegionLoadResult {
  std::optional<RegionConfig> config;  // set only when errors is empty
  std::vector<ConfigError> errors;     // region.json's and every town config's problems
};

RegionLoadResult load_region(const std::filesystem::path& region_json);

// True when the file is a JSON object with a "region" section: the daemon then runs as the
// regional daemon and loads it with load_region. False for anything else (load_town reports it).
bool is_region_config(const std::filesystem::path& file);

}  // namespace bcp::config
