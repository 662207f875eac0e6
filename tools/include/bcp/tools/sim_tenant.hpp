// bcp-sim playing the town's LINE WORKS tenant for one scenario (issue 15): the stand-in
// tenant (lineworks_tenant.hpp) on 127.0.0.1 with the town's app credentials and bot, and the
// scenario's bot_staff (bot_staff.hpp) answering what it delivers through signed callbacks.
//
// Threads: none of its own; it owns the tenant (one thread) and the bot staff (one thread),
// wired so that the tenant's thread only queues for the staff. Not thread-safe itself: one
// owner (bcp-sim's main thread) calls it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "bcp/config/config.hpp"
#include "bcp/tools/bot_staff.hpp"
#include "bcp/tools/http_client.hpp"
#include "bcp/tools/lineworks_tenant.hpp"

namespace bcp::tools {

// Why the tenant cannot be played (no lineworks_api section, the port is taken, …).
struct SimTenantError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The port of the town's api_url when it is http://127.0.0.1:PORT (where the daemon will
// send), else nullopt: a real tenant's URL is never played.
std::optional<std::uint16_t> loopback_tenant_port(const config::TownConfig& town);

// The public key beside the private key: "lineworks-private-key.pem" →
// "lineworks-public-key.pem" (the config names only the private one).
std::filesystem::path public_key_beside(const std::filesystem::path& private_key_file);

struct SimTenantOptions {
  std::uint16_t port = 0;  // 0: ephemeral (tests)
  ServerUrl daemon;        // where the staff's callbacks go
  double speed = 1.0;
  std::ostream* out = nullptr;
  // Where the scenario's image files are (PlayOptions::base_dir): each is served as the
  // attachment its steps' callbacks name (scenario_image_file_id).
  std::filesystem::path base_dir = ".";
};

class SimTenant {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the tenant, and the staff when the scenario has a bot_staff section. Throws
  // SimTenantError naming the problem, ScenarioError for a bad bot_staff section.
  SimTenant(const nlohmann::json& scenario, const config::TownConfig& town,
            SimTenantOptions options);
  ~SimTenant();
  SimTenant(const SimTenant&) = delete;
  SimTenant& operator=(const SimTenant&) = delete;

  bool has_staff() const { return staff_ != nullptr; }
  // The staff have been asked something: the daemon's bot is distributing (any thread).
  bool staff_answering() const { return staff_ && staff_->questions_received() > 0; }
  std::uint16_t port() const;
  const LineWorksTenant& tenant() const { return *tenant_; }
  const BotStaff* staff() const { return staff_.get(); }

  // After the scenario: waits for the answers still queued (the late ones), at most `linger`
  // real seconds; returns whether none was left unsent.
  bool finish(std::chrono::duration<double> linger);
  // "delivered 120 (safety question 120), answers sent 110, 0 not accepted"
  std::string summary() const;

 private:
  // Declared before the tenant: the tenant (whose thread calls the staff) goes first.
  std::unique_ptr<BotStaff> staff_;
  std::unique_ptr<LineWorksTenant> tenant_;
};

}  // namespace bcp::tools
