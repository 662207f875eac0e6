// The loopback nats-server cluster of the tests (see nats_cluster.hpp).
#include "nats_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>

namespace bcp::test {

namespace {

using namespace std::chrono_literals;

std::string find_nats_server() {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"}) {
    std::filesystem::path p = std::filesystem::path(dir) / "nats-server";
    if (access(p.c_str(), X_OK) == 0) return p.string();
  }
  throw std::runtime_error("nats-server not found (scripts/setup installs Debian's nats-server)");
}

// Free loopback ports, all held open together so that no two are the same, then released
// for the servers to bind.
std::vector<int> free_ports(int count) {
  std::vector<int> fds, ports;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error(std::string("no free port: ") + std::strerror(errno));
    }
    fds.push_back(fd);
    ports.push_back(ntohs(addr.sin_port));
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

std::filesystem::path make_temp_dir() {
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto p = base / ("bcp-nats-" + std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000));
    if (std::filesystem::create_directory(p)) return p;
  }
  throw std::runtime_error("cannot create a temporary directory");
}

}  // namespace

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
}

NatsCluster::NatsCluster(int nodes) {
  dir_ = make_temp_dir();
  // A port taken between free_ports() and the server's bind makes that node exit: try again
  // with new ports.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::vector<int> ports = free_ports(nodes * 3);
    nodes_.clear();
    for (int i = 0; i < nodes; ++i) {
      Node n;
      n.name = "n" + std::to_string(i + 1);
      n.client_port = ports[static_cast<std::size_t>(i * 3)];
      n.cluster_port = ports[static_cast<std::size_t>(i * 3 + 1)];
      n.http_port = ports[static_cast<std::size_t>(i * 3 + 2)];
      n.config = dir_ / (n.name + ".conf");
      n.store = dir_ / ("store-" + n.name);
      n.log = dir_ / (n.name + ".log");
      nodes_.push_back(n);
    }
    for (const Node& n : nodes_) write_config(n);
    for (Node& n : nodes_) spawn(n);
    const bool up = wait_until(
        [&] {
          for (int i = 0; i < size(); ++i) {
            if (!healthy(i)) return false;
          }
          return meta_leader_known();
        },
        20s);
    if (up) return;
    const std::string logs = all_log_tails();
    for (Node& n : nodes_) reap(n, SIGKILL);
    if (logs.find("address already in use") == std::string::npos || attempt == 2) {
      std::filesystem::remove_all(dir_);
      throw std::runtime_error("the nats-server cluster did not come up in 20 s:\n" + logs);
    }
  }
}

NatsCluster::~NatsCluster() {
  for (Node& n : nodes_) reap(n, SIGKILL);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string NatsCluster::url(int i) const {
  return "nats://127.0.0.1:" + std::to_string(node(i).client_port);
}

std::vector<std::string> NatsCluster::urls() const {
  std::vector<std::string> out;
  for (int i = 0; i < size(); ++i) out.push_back(url(i));
  return out;
}

void NatsCluster::write_config(const Node& n) const {
  std::ofstream out(n.config);
  out << "server_name: " << n.name << "\n"
      << "listen: 127.0.0.1:" << n.client_port << "\n"
      << "http: 127.0.0.1:" << n.http_port << "\n"
      << "jetstream { store_dir: \"" << n.store.string()
      << "\", max_memory_store: 64MB, max_file_store: 256MB }\n";
  if (nodes_.size() > 1) {
    out << "cluster {\n  name: bcp-test\n  listen: 127.0.0.1:" << n.cluster_port << "\n  routes: [";
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      out << (i ? ", " : "") << "nats-route://127.0.0.1:" << nodes_[i].cluster_port;
    }
    out << "]\n}\n";
  }
}

void NatsCluster::spawn(Node& n) {
  const std::string binary = find_nats_server();
  const std::string config = n.config.string();
  const std::string log = n.log.string();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec: the test process has threads.
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
    if (getppid() != parent) _exit(1);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execl(binary.c_str(), binary.c_str(), "-c", config.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  n.pid = pid;
}

void NatsCluster::reap(Node& n, int signal) {
  if (n.pid <= 0) return;
  ::kill(n.pid, signal);
  int status = 0;
  // A clean shutdown takes a moment; never wait for ever.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (waitpid(n.pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(n.pid, SIGKILL);
      waitpid(n.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  n.pid = -1;
}

void NatsCluster::kill(int i) { reap(nodes_.at(static_cast<std::size_t>(i)), SIGKILL); }

void NatsCluster::stop(int i) { reap(nodes_.at(static_cast<std::size_t>(i)), SIGTERM); }

void NatsCluster::stop_all() {
  for (int i = 0; i < size(); ++i) stop(i);
}

void NatsCluster::restart(int i) {
  Node& n = nodes_.at(static_cast<std::size_t>(i));
  if (n.pid > 0) return;
  spawn(n);
  if (!wait_until([&] { return healthy(i); }, 20s)) {
    throw std::runtime_error(n.name + " did not become healthy again in 20 s:\n" + log_tail(i));
  }
}

void NatsCluster::restart_all() {
  for (Node& n : nodes_) {
    if (n.pid <= 0) spawn(n);
  }
  const bool up = wait_until(
      [&] {
        for (int i = 0; i < size(); ++i) {
          if (!healthy(i)) return false;
        }
        return meta_leader_known();
      },
      // All three restarted at once elect a meta leader anew; with the other core busy with
      // tests in parallel that once took longer than 30 s (CI, 2026-12-02). A deadline, not
      // a wait: it costs nothing when the election is quick.
      90s);
  if (!up) throw std::runtime_error("the cluster did not come back in 90 s:\n" + all_log_tails());
}

std::string NatsCluster::http_get(int i, const std::string& path, int* status) const {
  if (status) *status = 0;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(node(i).http_port));
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      char buf[8192];
      ssize_t got;
      while ((got = recv(fd, buf, sizeof buf, 0)) > 0 && response.size() < (8u << 20)) {
        response.append(buf, static_cast<std::size_t>(got));
      }
    }
  }
  ::close(fd);
  const auto space = response.find(' ');
  if (status && space != std::string::npos) *status = std::atoi(response.c_str() + space + 1);
  const auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : response.substr(body + 4);
}

bool NatsCluster::healthy(int i) const {
  if (!running(i)) return false;
  int status = 0;
  http_get(i, "/healthz", &status);
  return status == 200;
}

bool NatsCluster::meta_leader_known() const {
  for (int i = 0; i < size(); ++i) {
    if (!running(i)) continue;
    const auto doc = nlohmann::json::parse(http_get(i, "/jsz"), nullptr, false);
    if (size() == 1) return doc.is_object();
    if (!doc.is_object() || !doc.contains("meta_cluster")) return false;
    const auto& meta = doc["meta_cluster"];
    if (!meta.is_object() || !meta.contains("leader") || !meta["leader"].is_string() ||
        meta["leader"].get<std::string>().empty()) {
      return false;
    }
  }
  return true;
}

std::string NatsCluster::stream_leader(const std::string& stream) const {
  for (int i = 0; i < size(); ++i) {
    if (!running(i)) continue;
    const auto doc = nlohmann::json::parse(http_get(i, "/jsz?streams=true"), nullptr, false);
    if (!doc.is_object() || !doc.contains("account_details") || !doc["account_details"].is_array())
      continue;
    for (const auto& account : doc["account_details"]) {
      if (!account.is_object() || !account.contains("stream_detail")) continue;
      for (const auto& s : account["stream_detail"]) {
        if (!s.is_object() || s.value("name", "") != stream) continue;
        if (size() == 1) return node(0).name;
        if (s.contains("cluster") && s["cluster"].is_object()) {
          const std::string leader = s["cluster"].value("leader", "");
          if (!leader.empty()) return leader;
        }
      }
    }
  }
  return {};
}

int NatsCluster::index_of(const std::string& server_name) const {
  for (int i = 0; i < size(); ++i) {
    if (node(i).name == server_name) return i;
  }
  return -1;
}

std::string NatsCluster::log_tail(int i, std::size_t bytes) const {
  std::ifstream in(node(i).log, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

std::string NatsCluster::all_log_tails() const {
  std::string out;
  for (int i = 0; i < size(); ++i) out += "--- " + node(i).name + " log:\n" + log_tail(i) + "\n";
  return out;
}

}  // namespace bcp::test
