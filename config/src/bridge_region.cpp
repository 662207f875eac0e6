// The regional room's config: a town's "bridge" section and region.json with the towns it
// follows (DESIGN.md, "Several towns: the regional room"). Every problem is collected.
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

// The same rule as bcp::bridge::valid_town_id (config/ does not depend on the bridge): one
// NATS subject token that also reads unambiguously before the colon of "<town>:<seq>".
bool valid_town_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// nats://host:port or tls://host:port (the port may be left out: 4222), with optional
// user:password@ in front of the host. Returns what is wrong, empty when it is fine.
std::string server_url_problem(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "expected nats://host:port";
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "nats" && scheme != "tls") return "expected the scheme nats:// or tls://";
  std::string rest = url.substr(scheme_end + 3);
  if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (rest.find_first_of("/?# ") != std::string::npos)
    return "expected nats://host:port and nothing after it";
  // host, host:port, [v6], [v6]:port
  std::string host = rest, port;
  if (!rest.empty() && rest[0] == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) return "expected a closing ] after an IPv6 address";
    host = rest.substr(0, close + 1);
    const std::string after = rest.substr(close + 1);
    if (!after.empty() && after[0] != ':') return "expected :port after the IPv6 address";
    if (!after.empty()) port = after.substr(1);
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return "expected a host";
  if (rest.size() > host.size()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
        value > 65535) {
      return "expected a port 1-65535";
    }
  }
  return {};
}

// A URL may carry a password: it is named in messages only when it has none.
std::string shown_url(const std::string& url) {
  return url.find('@') == std::string::npos ? " " + json_quote(url) : "";
}

std::vector<std::string> read_servers(ObjectReader& nats) {
  std::vector<std::string> servers;
  const json* array = nats.array("servers", true);
  if (!array) return servers;
  if (array->empty()) {
    nats.errors().add(nats.file(), nats.at("servers"), "expected at least one server");
    return servers;
  }
  UniqueCheck unique("server");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const json& item = (*array)[i];
    const std::string at = nats.at("servers") + "/" + std::to_string(i);
    if (!item.is_string()) {
      nats.errors().add(nats.file(), at,
                        std::string("expected string, got ") + detail::type_name(item));
      continue;
    }
    const std::string url = item.get<std::string>();
    if (const std::string problem = server_url_problem(url); !problem.empty()) {
      nats.errors().add(nats.file(), at,
                        problem + ", got" +
                            (shown_url(url).empty() ? " a URL with credentials" : shown_url(url)));
      continue;
    }
    if (unique.check(url, nats.file(), at, nats.errors())) servers.push_back(url);
  }
  return servers;
}

// Calls fn(reader) for a nested object field, reporting a wrong type; false when absent/bad.
template <typename Fn>
bool with_object(ObjectReader& parent, const std::string& key, bool required, Fn fn) {
  const json* j = parent.object(key, required);
  if (!j) return false;
  ObjectReader r(*j, parent.at(key), parent.file(), parent.errors());
  fn(r);
  r.finish();
  return true;
}

struct TownEntry {
  std::string id;
  std::string config;  // as written
  std::string where;   // JSON pointer of the entry
};

std::vector<TownEntry> read_town_entries(ObjectReader& region) {
  std::vector<TownEntry> out;
  const json* array = region.array("towns", true);
  if (!array) return out;
  if (array->empty()) {
    region.errors().add(region.file(), region.at("towns"), "expected at least one town");
    return out;
  }
  UniqueCheck ids("town id");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string at = region.at("towns") + "/" + std::to_string(i);
    const json& item = (*array)[i];
    if (!item.is_object()) {
      region.errors().add(region.file(), at,
                          std::string("expected object, got ") + detail::type_name(item));
      continue;
    }
    ObjectReader r(item, at, region.file(), region.errors());
    auto id = r.string("id", true);
    auto config = r.string("config", true);
    r.finish();
    bool ok = id && config;
    if (id && !valid_town_id(*id)) {
      region.errors().add(
          region.file(), r.at("id"),
          "expected 1-64 of A-Z a-z 0-9 _ - (a NATS subject token), got " + json_quote(*id));
      ok = false;
    }
    if (ok && !ids.check(*id, region.file(), r.at("id"), region.errors())) ok = false;
    if (ok) out.push_back(TownEntry{*id, *config, at});
  }
  return out;
}

// Loads each town's own config; its problems keep its own file name. A town whose bridge
// publishes under another id (or not at all) would never reach the region: that is an error.
void load_towns(const std::vector<TownEntry>& entries, const std::filesystem::path& base,
                const std::string& file, Errors& errors, RegionConfig& cfg) {
  for (const TownEntry& e : entries) {
    std::filesystem::path path(e.config);
    if (!path.is_absolute()) path = (base / path).lexically_normal();
    std::string reason;
    if (!detail::read_file(path, reason)) {
      errors.add(file, e.where + "/config", "town config " + json_quote(e.config) + " " + reason);
      continue;
    }
    LoadResult town = load_town(path);
    for (auto& problem : town.errors) errors.add(problem.file, problem.where, problem.message);
    if (!town.config) continue;
    if (!town.config->bridge) {
      errors.add(file, e.where + "/config",
                 "town " + json_quote(e.id) + ": " + path.generic_string() +
                     " has no \"bridge\" section, so that town never publishes to the region");
      continue;
    }
    if (town.config->bridge->town != e.id) {
      errors.add(file, e.where + "/id",
                 "town " + json_quote(e.id) + ", but " + path.generic_string() + " bridges as " +
                     json_quote(town.config->bridge->town));
      continue;
    }
    cfg.towns.push_back(RegionTown{e.id, path, std::move(*town.config)});
  }
}

}  // namespace

std::optional<BridgeConfig> detail::read_bridge(const json* section, const std::string& file,
                                                Errors& errors) {
  if (!section) return std::nullopt;
  if (!section->is_object()) {
    errors.add(file, "/bridge", std::string("expected object, got ") + type_name(*section));
    return std::nullopt;
  }
  const auto before = errors.count();
  BridgeConfig bridge;
  ObjectReader root(*section, "/bridge", file, errors);
  with_object(root, "nats", true, [&](ObjectReader& nats) {
    bridge.servers = read_servers(nats);
    if (auto town = nats.string("town", true)) {
      if (valid_town_id(*town)) {
        bridge.town = *town;
      } else {
        errors.add(
            file, nats.at("town"),
            "expected 1-64 of A-Z a-z 0-9 _ - (a NATS subject token), got " + json_quote(*town));
      }
    }
  });
  root.finish();
  if (errors.count() != before) return std::nullopt;
  return bridge;
}

RegionLoadResult load_region(const std::filesystem::path& region_json) {
  RegionLoadResult result;
  Errors errors(result.errors);
  const std::string file = region_json.generic_string();
  std::string reason;
  auto text = detail::read_file(region_json, reason);
  if (!text) {
    errors.add(file, "", "region config " + reason);
    return result;
  }
  auto doc = detail::parse_json(*text, file, errors);
  if (!doc) return result;
  if (!doc->is_object()) {
    errors.add(file, "", std::string("expected a JSON object, got ") + detail::type_name(*doc));
    return result;
  }
  RegionConfig cfg;
  cfg.file = region_json;
  cfg.base_dir = region_json.parent_path();
  // The daemon's own parts, read as a town's are; the town content comes from the towns.
  TownConfig shell;
  ObjectReader root(*doc, "", file, errors);
  detail::read_daemon_profile(root, shell);
  detail::read_token_list(root.array("tokens", true), file, errors, shell);
  detail::read_wall_list(root.array("walls", false), file, cfg.base_dir, errors, shell);
  if (const json* j = root.object("display", false)) cfg.display = *j;
  std::vector<TownEntry> entries;
  with_object(root, "region", true, [&](ObjectReader& region) {
    with_object(region, "nats", true,
                [&](ObjectReader& nats) { cfg.servers = read_servers(nats); });
    entries = read_town_entries(region);
  });
  root.finish();
  // Last, so that the towns' messages follow region.json's own.
  load_towns(entries, cfg.base_dir, file, errors, cfg);

  cfg.name = shell.town_name;
  cfg.language = shell.language;
  cfg.utc_offset_minutes = shell.utc_offset_minutes;
  cfg.listen = shell.listen;
  cfg.data_dir = shell.data_dir;
  cfg.limits = shell.limits;
  cfg.tokens = std::move(shell.tokens);
  cfg.walls = std::move(shell.walls);
  if (result.errors.empty()) result.config = std::move(cfg);
  return result;
}

bool is_region_config(const std::filesystem::path& file) {
  std::string reason;
  auto text = detail::read_file(file, reason);
  if (!text) return false;
  const auto doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() && doc.contains("region");
}

const RegionTown* RegionConfig::find_town(std::string_view id) const {
  for (const auto& t : towns) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

const Wall* RegionConfig::find_wall(std::string_view id) const {
  for (const auto& w : walls) {
    if (w.id == id) return &w;
  }
  return nullptr;
}

const Token* RegionConfig::find_token(std::string_view presented) const {
  return detail::match_token(tokens, presented);
}

}  // namespace bcp::config
