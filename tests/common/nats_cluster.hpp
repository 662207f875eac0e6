// A real nats-server JetStream cluster on loopback for tests: N nodes (3 by default) on free
// ports, each with its own store directory under a temporary folder, started as child
// processes (they die with the test process). Nodes can be killed (SIGKILL), stopped and
// restarted with their store; the stream leader is read from the monitoring endpoint
// (/jsz?streams=true), so the fixture does not depend on the code it tests.
//
// Threads: not thread-safe; call it from the test's thread. The children are separate
// processes and keep running while the test's own threads publish and consume.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace bcp::test {

// Polls `condition` every 10 ms until it holds or `timeout` has passed; returns whether it
// held. Tests wait on conditions, never on fixed sleeps.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

class NatsCluster {
 public:
  struct Node {
    std::string name;  // server_name: n1, n2, ...
    int client_port = 0;
    int cluster_port = 0;
    int http_port = 0;
    std::filesystem::path config;
    std::filesystem::path store;
    std::filesystem::path log;
    pid_t pid = -1;
  };

  // Starts `nodes` servers and waits until every one is healthy and the JetStream meta
  // cluster has a leader. Throws std::runtime_error (with the logs' tails) when they do not
  // come up in time.
  explicit NatsCluster(int nodes = 3);
  ~NatsCluster();
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  int size() const { return static_cast<int>(nodes_.size()); }
  const Node& node(int i) const { return nodes_.at(static_cast<std::size_t>(i)); }
  std::string url(int i) const;  // nats://127.0.0.1:<port>
  std::vector<std::string> urls() const;
  bool running(int i) const { return node(i).pid > 0; }

  void kill(int i);  // SIGKILL, reaped
  void stop(int i);  // SIGTERM (a clean shutdown), reaped
  void stop_all();
  // Starts node i again with its config and store; waits until its /healthz answers 200.
  void restart(int i);
  void restart_all();

  // The server name of `stream`'s leader as a running node reports it; empty when none.
  std::string stream_leader(const std::string& stream) const;
  int index_of(const std::string& server_name) const;  // -1 when unknown
  // GET http://127.0.0.1:<http port of i><path>; the status in `status`, the body returned.
  std::string http_get(int i, const std::string& path, int* status = nullptr) const;
  std::string log_tail(int i, std::size_t bytes = 2000) const;
  std::string all_log_tails() const;

 private:
  void write_config(const Node& n) const;
  void spawn(Node& n);
  void reap(Node& n, int signal);
  bool healthy(int i) const;
  bool meta_leader_known() const;

  std::filesystem::path dir_;
  std::vector<Node> nodes_;
};

}  // namespace bcp::test
