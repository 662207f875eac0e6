// Runs a built program as a child with its stdout and stderr captured, for the tests that
// check what an operator sees: exit code and output (bcp-feedd --check-config, bcpctl).
// Header-only because the suites that use it are separate test executables.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace bcp::test {

struct ProcessRun {
  int exit_code = -1;  // -1: did not start or did not exit normally
  std::string out;
  std::string err;  // the child's stderr, or why it could not be started
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `binary` with `args`, waits for it, and returns its exit code and output. The output
// goes through files in `capture_dir` (no pipes to drain). `env`: the child's whole
// environment ("NAME=value" each), or nullopt to inherit this process's.
inline ProcessRun run_process(const std::string& binary, const std::vector<std::string>& args,
                              const std::filesystem::path& capture_dir,
                              const std::optional<std::vector<std::string>>& env = std::nullopt) {
  ProcessRun run;
  const std::string out = (capture_dir / "stdout").string();
  const std::string err = (capture_dir / "stderr").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> words{binary};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_words = env.value_or(std::vector<std::string>{});
  std::vector<char*> envp;
  for (auto& w : env_words) envp.push_back(w.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(),
                             env ? envp.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    run.err = "posix_spawn " + binary + ": " + std::string(std::strerror(rc));
    return run;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

}  // namespace bcp::test
