#include "bcp/tools/ctl_config.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "bcp/tools/http_client.hpp"

namespace bcp::tools {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

CtlConfigFile parse_ctl_config(const std::string& text, const std::string& name) {
  CtlConfigFile file;
  std::istringstream in(text);
  std::string raw;
  for (int number = 1; std::getline(in, raw); ++number) {
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](const std::string& why) {
      throw CtlConfigError(name + ":" + std::to_string(number) + ": " + why);
    };
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) fail("expected \"server = URL\" or \"token = TOKEN\"");
    const std::string key(trim(line.substr(0, eq)));
    const std::string value(trim(line.substr(eq + 1)));
    std::optional<std::string>* slot = nullptr;
    if (key == "server") {
      slot = &file.server;
    } else if (key == "token") {
      slot = &file.token;
    } else {
      fail("unknown setting \"" + key + "\" (server or token)");
    }
    if (value.empty()) fail(key + " has no value");
    if (slot->has_value()) fail(key + " is set twice");
    *slot = value;
    if (key == "server") file.server_line = number;
  }
  return file;
}

CtlConfigFile read_ctl_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CtlConfigError(path.string() + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_ctl_config(text.str(), path.string());
}

Getenv process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

CtlSettings resolve_ctl_settings(const std::optional<std::string>& flag_server,
                                 const std::optional<std::string>& flag_token,
                                 const std::optional<std::string>& flag_config, const Getenv& env) {
  CtlSettings settings;
  std::optional<std::filesystem::path> path;
  bool must_exist = true;
  if (flag_config) {
    path = *flag_config;
  } else if (auto named = env("BCPCTL_CONFIG"); named && !named->empty()) {
    path = *named;
  } else {
    must_exist = false;
    if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) {
      path = std::filesystem::path(*xdg) / "bcpctl/config";
    } else if (auto home = env("HOME"); home && !home->empty()) {
      path = std::filesystem::path(*home) / ".config/bcpctl/config";
    }
  }
  CtlConfigFile file;
  std::error_code ec;
  if (path && (must_exist || std::filesystem::exists(*path, ec))) {
    file = read_ctl_config(*path);
    settings.config_file = *path;
  }
  // Returns true when the file's value was taken.
  auto pick = [&](const std::optional<std::string>& flag, const char* env_name,
                  const std::optional<std::string>& from_file, std::string& out) {
    if (flag) {
      out = *flag;
    } else if (auto v = env(env_name); v && !v->empty()) {
      out = *v;
    } else if (from_file) {
      out = *from_file;
      return true;
    }
    return false;
  };
  if (pick(flag_server, "BCP_SERVER", file.server, settings.server)) {
    try {
      parse_server_url(settings.server);
    } catch (const std::exception& e) {
      throw CtlConfigError(path->string() + ":" + std::to_string(file.server_line) + ": " + e.what());
    }
  }
  pick(flag_token, "BCP_TOKEN", file.token, settings.token);
  return settings;
}

}  // namespace bcp::tools
