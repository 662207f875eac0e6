// The stop flag is written by the signal handler (any thread) and read by the main thread.
#include "run_control.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>

namespace bcp::display {
namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }
}  // namespace

void stop_on_signals() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

void request_stop() { g_stop = true; }

bool stop_requested() { return g_stop; }

int fail(const std::string& msg, int code) {
  std::fprintf(stderr, "bcp-wall: %s\n", msg.c_str());
  return code;
}

}  // namespace bcp::display
