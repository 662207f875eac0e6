// load_town: town.json and the files it names, every problem collected.
#include <algorithm>
#include <charconv>

#include "internal.hpp"

namespace bcp::config {

namespace {

using detail::Errors;
using detail::json;
using detail::json_quote;
using detail::ObjectReader;
using detail::UniqueCheck;

// Files named in town.json resolve against its directory and are reported the way the
// town file was named, so that messages point at a path the operator can open.
struct Paths {
  std::filesystem::path base;
  std::filesystem::path resolve(const std::string& rel) const {
    std::filesystem::path p(rel);
    return p.is_absolute() ? p : (base / p).lexically_normal();
  }
  std::string shown(const std::string& rel) const { return resolve(rel).generic_string(); }
};

bool valid_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  unsigned port = 0;
  const char* first = s.data() + colon + 1;
  const char* last = s.data() + s.size();
  auto [end, ec] = std::from_chars(first, last, port);
  return ec == std::errc() && end == last && port >= 1 && port <= 65535;
}

// "limits": {"max_connections", "max_streams", "max_subscriber_queue_bytes"}, each optional.
void read_limits(ObjectReader& root, Limits& limits) {
  const json* section = root.object("limits", false);
  if (!section) return;
  ObjectReader r(*section, root.at("limits"), root.file(), root.errors());
  auto read = [&r](const char* key, std::int64_t low, std::int64_t high, std::int64_t& out) {
    auto v = r.integer(key, false);
    if (!v) return;
    if (*v < low || *v > high) {
      r.errors().add(r.file(), r.at(key),
                     "expected " + std::to_string(low) + " to " + std::to_string(high) + ", got " +
                         std::to_string(*v));
      return;
    }
    out = *v;
  };
  read("max_connections", 1, 1'000'000, limits.max_connections);
  read("max_streams", 1, 1'000'000, limits.max_streams);
  read("max_subscriber_queue_bytes", 64 * 1024, std::int64_t{1} << 30,
       limits.max_subscriber_queue_bytes);
  if (section->contains("max_streams") && limits.max_streams > limits.max_connections) {
    r.errors().add(r.file(), r.at("max_streams"),
                   "more streams (" + std::to_string(limits.max_streams) + ") than connections (" +
                       std::to_string(limits.max_connections) + "): every stream is a connection");
  }
  r.finish();
}

void read_profile(ObjectReader& root, TownConfig& cfg) {
  if (auto v = root.string("name", true)) cfg.town_name = *v;
  if (auto v = root.string("language", false)) cfg.language = *v;
  if (auto v = root.integer("utc_offset_minutes", false)) {
    // Real offsets run from -12:00 to +14:00, all in quarter hours.
    if (*v < -720 || *v > 840 || *v % 15 != 0) {
      root.errors().add(
          root.file(), root.at("utc_offset_minutes"),
          "expected minutes from -720 to 840 in steps of 15, got " + std::to_string(*v));
    } else {
      cfg.utc_offset_minutes = static_cast<int>(*v);
    }
  }
  if (auto v = root.string("listen", false)) {
    if (valid_listen(*v)) {
      cfg.listen = *v;
    } else {
      root.errors().add(root.file(), root.at("listen"),
                        "expected \"host:port\" with port 1-65535, got " + json_quote(*v));
    }
  }
  if (auto v = root.string("data_dir", false)) cfg.data_dir = *v;
  if (auto v = root.string("drill_prefix", false)) cfg.drill_prefix = *v;
  read_limits(root, cfg.limits);
}

void read_rate_limit(const json* section, const std::string& file, Errors& errors, TownConfig& cfg) {
  if (!section) return;
  ObjectReader r(*section, "/rate_limit", file, errors);
  if (auto v = r.integer("requests_per_minute", false)) {
    if (*v < 0 || *v > 6'000'000) {
      errors.add(file, r.at("requests_per_minute"),
                 "expected 0 (no limit) to 6000000 requests a minute, got " + std::to_string(*v));
    } else {
      cfg.rate_limit.requests_per_minute = static_cast<int>(*v);
    }
  }
  if (auto v = r.integer("burst", false)) {
    if (*v < 1 || *v > 1'000'000) {
      errors.add(file, r.at("burst"), "expected 1 to 1000000 requests, got " + std::to_string(*v));
    } else {
      cfg.rate_limit.burst = static_cast<int>(*v);
    }
  }
  r.finish();
}

void read_source_health(const json* section, const std::string& file, Errors& errors,
                        TownConfig& cfg) {
  if (!section) return;
  ObjectReader r(*section, "/source_health", file, errors);
  auto seconds = [&](const char* key, int& out) {
    auto v = r.integer(key, false);
    if (!v) return;
    if (*v < 1 || *v > 7 * 24 * 3600) {
      errors.add(file, r.at(key), "expected 1 to 604800 seconds, got " + std::to_string(*v));
    } else {
      out = static_cast<int>(*v);
    }
  };
  seconds("failing_after_seconds", cfg.source_health.failing_after_seconds);
  seconds("quiet_after_seconds", cfg.source_health.quiet_after_seconds);
  r.finish();
}

// Calls fn(reader) for each object element of an array, reporting non-objects.
template <typename Fn>
void each_object(const json* array, const std::string& pointer, const std::string& file,
                 Errors& errors, Fn fn) {
  if (!array) return;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const json& item = (*array)[i];
    std::string at = pointer + "/" + std::to_string(i);
    if (!item.is_object()) {
      errors.add(file, at, std::string("expected object, got ") + detail::type_name(item));
      continue;
    }
    ObjectReader r(item, at, file, errors);
    fn(r);
    r.finish();
  }
}

void read_departments(const json* array, const std::string& file, Errors& errors, TownConfig& cfg) {
  UniqueCheck ids("department id");
  each_object(array, "/departments", file, errors, [&](ObjectReader& r) {
    auto id = r.string("id", true);
    auto name = r.string("name", true);
    if (id && ids.check(*id, file, r.at("id"), errors)) {
      cfg.departments.push_back(Department{*id, name.value_or(*id)});
    }
  });
}

void read_groups(const json* array, const std::string& file, Errors& errors, TownConfig& cfg) {
  UniqueCheck ids("group id");
  UniqueCheck channels("LINE WORKS channel");
  each_object(array, "/groups", file, errors, [&](ObjectReader& r) {
    Group g;
    auto id = r.string("id", true);
    auto name = r.string("name", true);
    auto channel = r.string("lineworks_channel", true);
    // No default level: a group's classification must be a conscious decision, since
    // only level C may ever reach the wall.
    auto level = r.string("level", true, true);
    auto drill = r.boolean("drill_group", false);
    bool ok = id && name && channel && level;
    if (id && !ids.check(*id, file, r.at("id"), errors)) ok = false;
    if (channel && !channels.check(*channel, file, r.at("lineworks_channel"), errors)) ok = false;
    if (level && (level->size() != 1 || (*level)[0] < 'A' || (*level)[0] > 'C')) {
      errors.add(file, r.at("level"), "expected \"A\", \"B\" or \"C\", got " + json_quote(*level));
      ok = false;
    }
    if (!ok) return;
    cfg.groups.push_back(Group{*id, *name, *channel, (*level)[0], drill.value_or(false)});
  });
}

void read_tokens(const json* array, const std::string& file, Errors& errors, TownConfig& cfg) {
  UniqueCheck names("token name");
  // Two tokens with one secret would make the presented token ambiguous.
  std::map<std::string, std::string> by_digest;  // sha256 hex -> token name
  each_object(array, "/tokens", file, errors, [&](ObjectReader& r) {
    Token t;
    auto name = r.string("name", true);
    bool ok = name.has_value();
    if (name && !names.check(*name, file, r.at("name"), errors)) ok = false;
    if (const json* roles = r.array("roles", true)) {
      if (roles->empty()) {
        errors.add(file, r.at("roles"), "expected at least one role");
        ok = false;
      }
      for (std::size_t i = 0; i < roles->size(); ++i) {
        const json& role = (*roles)[i];
        std::string at = r.at("roles") + "/" + std::to_string(i);
        auto parsed = role.is_string() ? parse_role(role.get<std::string>()) : std::nullopt;
        if (!role.is_string()) {
          errors.add(file, at, std::string("expected string, got ") + detail::type_name(role));
          ok = false;
        } else if (!parsed) {
          errors.add(file, at,
                     "unknown role " + json_quote(role.get<std::string>()) +
                         " (expected ingest, operator or display)");
          ok = false;
        } else if (std::find(t.roles.begin(), t.roles.end(), *parsed) == t.roles.end()) {
          t.roles.push_back(*parsed);
        }
      }
    } else {
      ok = false;
    }
    auto secret = r.string("secret", false);
    auto digest = r.string("secret_sha256", false);
    const bool has_secret = secret.has_value();
    if (secret && digest) {
      errors.add(file, r.pointer(), "both \"secret\" and \"secret_sha256\" given; keep one");
      ok = false;
    } else if (!r.any("secret", false) && !r.any("secret_sha256", false)) {
      errors.add(file, r.pointer(), "one of \"secret\" or \"secret_sha256\" required");
      ok = false;
    }
    if (digest && !detail::is_lower_hex_sha256(*digest)) {
      errors.add(file, r.at("secret_sha256"), "expected 64 lowercase hex digits (SHA-256)");
      digest.reset();
      ok = false;
    }
    std::string key;
    if (has_secret) {
      key = detail::sha256_hex(*secret);
    } else if (digest) {
      key = *digest;
    }
    if (!key.empty() && name) {
      auto [it, inserted] = by_digest.emplace(key, *name);
      if (!inserted) {
        errors.add(file, r.at(has_secret ? "secret" : "secret_sha256"),
                   "same secret as token " + json_quote(it->second));
        ok = false;
      }
    }
    if (!ok) return;
    t.name = *name;
    if (has_secret) t.secret = *secret;
    if (!has_secret && digest) t.secret_sha256 = *digest;
    cfg.tokens.push_back(std::move(t));
  });
}

void read_bots(const json* array, const std::string& file, Errors& errors, TownConfig& cfg) {
  UniqueCheck ids("bot id");
  each_object(array, "/lineworks_bots", file, errors, [&](ObjectReader& r) {
    std::optional<std::string> id;
    // LINE WORKS shows bot ids as numbers, so accept one written as a JSON number.
    if (const json* j = r.any("id", true)) {
      if (j->is_string() && !j->get<std::string>().empty()) {
        id = j->get<std::string>();
      } else if (j->is_number_unsigned()) {
        id = std::to_string(j->get<std::uint64_t>());
      } else {
        errors.add(
            file, r.at("id"),
            std::string("expected non-empty string or number, got ") + detail::type_name(*j));
      }
    }
    auto secret = r.string("secret", true);
    if (id && !ids.check(*id, file, r.at("id"), errors)) return;
    if (id && secret) cfg.bots.push_back(Bot{*id, *secret});
  });
}

// A layout is an object with a non-empty "pages" array; the rest belongs to display/.
void check_layout(const json& layout, const std::string& file, const std::string& pointer,
                  Errors& errors) {
  if (!layout.is_object()) {
    errors.add(file, pointer,
               std::string("expected layout object, got ") + detail::type_name(layout));
    return;
  }
  auto pages = layout.find("pages");
  if (pages == layout.end()) {
    errors.add(file, pointer + "/pages", "required field missing");
  } else if (!pages->is_array() || pages->empty()) {
    errors.add(file, pointer + "/pages", "expected a non-empty array of pages");
  }
}

void read_walls(const json* array, const std::string& file, const Paths& paths, Errors& errors,
                TownConfig& cfg) {
  UniqueCheck ids("wall id");
  each_object(array, "/walls", file, errors, [&](ObjectReader& r) {
    auto id = r.string("id", true);
    auto title = r.string("title", false);
    const json* layout = r.any("layout", true);
    bool ok = id.has_value() && layout;
    if (id && !ids.check(*id, file, r.at("id"), errors)) ok = false;
    json doc;
    if (layout && layout->is_string()) {
      const std::string rel = layout->get<std::string>();
      const std::string shown = paths.shown(rel);
      std::string reason;
      auto text = rel.empty() ? std::nullopt : detail::read_file(paths.resolve(rel), reason);
      if (!text) {
        errors.add(file, r.at("layout"), "layout file " + json_quote(rel) + " " + reason);
        ok = false;
      } else if (auto parsed = detail::parse_json(*text, shown, errors)) {
        const auto before = errors.count();
        check_layout(*parsed, shown, "", errors);
        ok = ok && errors.count() == before;
        doc = std::move(*parsed);
      } else {
        ok = false;
      }
    } else if (layout && layout->is_object()) {
      const auto before = errors.count();
      check_layout(*layout, file, r.at("layout"), errors);
      ok = ok && errors.count() == before;
      doc = *layout;
    } else if (layout) {
      errors.add(
          file, r.at("layout"),
          std::string("expected layout object or file name, got ") + detail::type_name(*layout));
      ok = false;
    }
    if (ok) cfg.walls.push_back(Wall{*id, title.value_or(*id), std::move(doc)});
  });
}

void read_roster(const std::optional<std::string>& rel, const std::string& file, const Paths& paths,
                 Errors& errors, TownConfig& cfg) {
  if (!rel) return;
  const std::string shown = paths.shown(*rel);
  std::string reason;
  auto text = detail::read_file(paths.resolve(*rel), reason);
  if (!text) {
    errors.add(file, "/roster", "roster file " + json_quote(*rel) + " " + reason);
    return;
  }
  std::string ext = std::filesystem::path(*rel).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto entries = ext == ".csv" ? detail::roster_from_csv(*text, shown, errors)
                               : detail::roster_from_json(*text, shown, errors);
  detail::check_roster(entries, cfg.departments, shown, errors);
  for (auto& e : entries) cfg.staff.push_back(std::move(e.staff));
}

}  // namespace

// Shared with load_region (region.json has these sections too).
void detail::read_daemon_profile(ObjectReader& root, TownConfig& cfg) { read_profile(root, cfg); }

void detail::read_token_list(const json* array, const std::string& file, Errors& errors,
                             TownConfig& cfg) {
  read_tokens(array, file, errors, cfg);
}

void detail::read_wall_list(const json* array, const std::string& file,
                            const std::filesystem::path& base, Errors& errors, TownConfig& cfg) {
  read_walls(array, file, Paths{base}, errors, cfg);
}

LoadResult load_town(const std::filesystem::path& town_json) {
  LoadResult result;
  Errors errors(result.errors);
  TownConfig cfg;
  cfg.file = town_json;
  cfg.base_dir = town_json.parent_path();
  const std::string file = town_json.generic_string();
  const Paths paths{cfg.base_dir};

  std::string reason;
  auto text = detail::read_file(town_json, reason);
  if (!text) {
    errors.add(file, "", "town config " + reason);
    return result;
  }
  auto doc = detail::parse_json(*text, file, errors);
  if (!doc) return result;
  if (!doc->is_object()) {
    errors.add(file, "", std::string("expected a JSON object, got ") + detail::type_name(*doc));
    return result;
  }

  ObjectReader root(*doc, "", file, errors);
  read_profile(root, cfg);
  read_departments(root.array("departments", true), file, errors, cfg);
  auto roster = root.string("roster", true);
  read_groups(root.array("groups", true), file, errors, cfg);
  read_tokens(root.array("tokens", true), file, errors, cfg);
  read_bots(root.array("lineworks_bots", false), file, errors, cfg);
  read_walls(root.array("walls", false), file, paths, errors, cfg);
  read_rate_limit(root.object("rate_limit", false), file, errors, cfg);
  read_source_health(root.object("source_health", false), file, errors, cfg);
  // Owned by alerts/ and display/; only their outer type is checked here.
  if (const json* j = root.array("rules", false)) cfg.rules = *j;
  if (const json* j = root.object("alerts", false)) cfg.alerts = *j;
  if (const json* j = root.object("display", false)) cfg.display = *j;
  cfg.bridge = detail::read_bridge(root.any("bridge", false), file, errors);
  // After the bots and groups, which they name.
  const json* api = root.any("lineworks_api", false);
  cfg.lineworks_api = detail::read_lineworks_api(api, file, cfg.base_dir, cfg, errors);
  cfg.rollcall_distribution = detail::read_rollcall_distribution(
      root.any("rollcall_distribution", false), file, cfg, api != nullptr, errors);
  // The issue that asked for the poll named it so once; the key is calendars.poll_seconds.
  if (root.any("calendar_poll_seconds", false)) {
    errors.add(file, "/calendar_poll_seconds",
               "not a key: the poll interval is \"calendars\": {\"poll_seconds\": N}");
  }
  cfg.calendars = detail::read_calendars(root.any("calendars", false), file, api != nullptr, errors);
  root.finish();
  // Last, so that the roster's messages follow town.json's own.
  read_roster(roster, file, paths, errors, cfg);

  if (result.errors.empty()) result.config = std::move(cfg);
  return result;
}

}  // namespace bcp::config
