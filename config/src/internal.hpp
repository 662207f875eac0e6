// Shared helpers of the config loader. Private to config/src.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/common/hmac.hpp"
#include "bcp/common/json_pointer.hpp"
#include "bcp/common/utf8.hpp"
#include "bcp/config/config.hpp"

namespace bcp::config::detail {

using nlohmann::json;

// Appends errors for one file; every check reports here instead of stopping, so the
// operator sees all problems of a config in one run.
class Errors {
 public:
  explicit Errors(std::vector<ConfigError>& out) : out_(out) {}
  void add(const std::string& file, std::string where, std::string message) {
    out_.push_back(ConfigError{file, std::move(where), std::move(message)});
  }
  std::size_t count() const { return out_.size(); }

 private:
  std::vector<ConfigError>& out_;
};

using common::valid_utf8;                    // bcp/common/utf8.hpp
std::string json_quote(std::string_view s);  // "s" with JSON escaping
using common::pointer_token;                 // RFC 6901 escaping of ~ and /
const char* type_name(const json& j);

// Reads a whole file; nullopt when it does not exist or cannot be read (reason set).
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& reason);

// Parses JSON text strictly: syntax errors are reported as "line L, column C", duplicate
// object keys (which nlohmann would silently collapse) as their JSON pointer.
std::optional<json> parse_json(std::string_view text, const std::string& file, Errors& errors);

// Typed access to one JSON object's fields. Every field read is remembered so that
// finish() can flag the rest as unknown (a typo like "lineworks_chanel" must not pass
// silently). Keys starting with "_" are comments and never flagged.
class ObjectReader {
 public:
  ObjectReader(const json& obj, std::string pointer, const std::string& file, Errors& errors)
      : obj_(obj), pointer_(std::move(pointer)), file_(file), errors_(errors) {}

  std::optional<std::string> string(const std::string& key, bool required,
                                    bool allow_empty = false);
  std::optional<std::int64_t> integer(const std::string& key, bool required);
  std::optional<bool> boolean(const std::string& key, bool required);
  const json* array(const std::string& key, bool required);
  const json* object(const std::string& key, bool required);
  const json* any(const std::string& key, bool required);
  void finish();

  std::string at(const std::string& key) const { return common::child_pointer(pointer_, key); }
  const std::string& pointer() const { return pointer_; }
  const std::string& file() const { return file_; }
  Errors& errors() { return errors_; }

 private:
  const json* get(const std::string& key, bool required);
  void wrong_type(const std::string& key, const char* expected, const json& got);

  const json& obj_;
  std::string pointer_;
  const std::string& file_;
  Errors& errors_;
  std::set<std::string> seen_;
};

// Reports `value` a second time with where the first one was.
class UniqueCheck {
 public:
  explicit UniqueCheck(std::string what) : what_(std::move(what)) {}
  // True when new; otherwise reports `duplicate <what> "v" (first at <where>)`.
  bool check(const std::string& value, const std::string& file, const std::string& where,
             Errors& errors);

 private:
  std::string what_;
  std::map<std::string, std::string> first_;  // value -> where it first appeared
};

// One roster row with where it came from, so cross-checks can point at the right place.
struct RosterEntry {
  Staff staff;
  std::string origin;  // JSON pointer of the staff object, or "line N" for CSV
  bool csv = false;
  std::string where(std::string_view field) const {
    return csv ? origin : origin + "/" + std::string(field);
  }
};

// One CSV record: the physical line it starts on and its fields.
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};
// RFC 4180 with the usual spreadsheet variations: optional UTF-8 BOM, CRLF/LF/CR, quoted
// fields with commas, doubled quotes and line breaks. Records with structural problems
// are reported and left out; blank lines are skipped.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& file, Errors& errors);

// Roster loaders: the rows as found (structure and types checked); cross-checks against
// departments and duplicates are done by check_roster.
std::vector<RosterEntry> roster_from_csv(std::string_view text, const std::string& file,
                                         Errors& errors);
std::vector<RosterEntry> roster_from_json(std::string_view text, const std::string& file,
                                          Errors& errors);
void check_roster(const std::vector<RosterEntry>& entries,
                  const std::vector<Department>& departments, const std::string& file,
                  Errors& errors);

// The parts of town.json that a region.json has too (load_town.cpp): the profile (name,
// language, offset, listen, data_dir, drill_prefix), tokens and walls, read into `cfg`.
void read_daemon_profile(ObjectReader& root, TownConfig& cfg);
void read_token_list(const json* array, const std::string& file, Errors& errors, TownConfig& cfg);
void read_wall_list(const json* array, const std::string& file, const std::filesystem::path& base,
                    Errors& errors, TownConfig& cfg);

// The "bridge" section of town.json (bridge_region.cpp); nullopt when absent or broken.
std::optional<BridgeConfig> read_bridge(const json* section, const std::string& file,
                                        Errors& errors);

// The "lineworks_api" and "rollcall_distribution" sections (lineworks_api.cpp), checked
// against the bots and groups already read into `cfg`; each nullopt when absent or broken.
std::optional<LineWorksApi> read_lineworks_api(const json* section, const std::string& file,
                                               const std::filesystem::path& base,
                                               const TownConfig& cfg, Errors& errors);
std::optional<RollcallDistribution> read_rollcall_distribution(const json* section,
                                                               const std::string& file,
                                                               const TownConfig& cfg, bool has_api,
                                                               Errors& errors);

// The "calendars" section (lineworks_api.cpp); the defaults when absent, and also when broken
// (the error is collected).
Calendars read_calendars(const json* section, const std::string& file, bool has_api,
                         Errors& errors);

// The token among `tokens` whose secret matches `presented` (lookup.cpp).
const Token* match_token(const std::vector<Token>& tokens, std::string_view presented);

bool is_lower_hex_sha256(std::string_view s);
using common::sha256_hex;  // lowercase hex SHA-256 (bcp/common/hmac.hpp)

}  // namespace bcp::config::detail
