// Where bcpctl gets its server and token: a flag beats the environment (BCP_SERVER,
// BCP_TOKEN), which beats a config file, which beats the sample-town defaults. The file is
// --config FILE, else $BCPCTL_CONFIG, else $XDG_CONFIG_HOME/bcpctl/config or
// ~/.config/bcpctl/config when it exists. Its format, one setting a line:
//
//   # bcpctl settings for the town hall's daemon
//   server = http://10.0.0.5:8470
//   token = 2f6e…            (an operator token: keep the file mode 0600)
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace bcp::tools {

// A config file that cannot be read or has a malformed line. what() names the file and,
// for a bad line, its number: `/home/a/.config/bcpctl/config:3: unknown setting "sever"`.
struct CtlConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CtlConfigFile {
  std::optional<std::string> server;
  std::optional<std::string> token;
  int server_line = 0;  // where `server` was set, for messages
};

// Parses the file's text; `name` is used in messages. Throws CtlConfigError.
CtlConfigFile parse_ctl_config(const std::string& text, const std::string& name);
// Reads and parses `path`. Throws CtlConfigError (also when it cannot be read).
CtlConfigFile read_ctl_config(const std::filesystem::path& path);

struct CtlSettings {
  std::string server = "http://127.0.0.1:8470";
  std::string token = "operator-sample";
  std::optional<std::filesystem::path> config_file;  // the file that was read, if any
};

// The environment as a function, so tests need not touch the process's own.
using Getenv = std::function<std::optional<std::string>(const char* name)>;
Getenv process_environment();

// Applies the precedence above. `flag_config` is --config; a file named by the flag or by
// BCPCTL_CONFIG must exist, the default one is optional. Throws CtlConfigError, also for a
// server URL from the file that parse_server_url refuses (named by file and line).
CtlSettings resolve_ctl_settings(const std::optional<std::string>& flag_server,
                                 const std::optional<std::string>& flag_token,
                                 const std::optional<std::string>& flag_config, const Getenv& env);

}  // namespace bcp::tools
