// TownBridge (see town_bridge.hpp): wires the town's journal to a TownPublisher.
#include "bridge/town_bridge.hpp"

#include <sstream>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon {

TownBridge::TownBridge(const config::BridgeConfig& config, const Journal& journal,
                       const std::filesystem::path& data_dir) {
  bridge::TownPublisherOptions options;
  options.nats.servers = config.servers;
  options.nats.name = "bcp-feedd " + config.town;
  options.town = config.town;
  // The publisher's thread reads what did not fit in the hand-off; the journal takes reads
  // from any thread (journal_sqlite.cpp).
  options.read = [&journal](std::uint64_t after, std::size_t limit) {
    std::vector<bridge::JournalEvent> out;
    for (const model::Event& e : journal.read(static_cast<model::Seq>(after), limit)) {
      out.push_back({static_cast<std::uint64_t>(e.seq), model::to_json(e).dump()});
    }
    return out;
  };
  options.committed = static_cast<std::uint64_t>(journal.last_seq());
  options.mark_file = data_dir / "bridge.mark";
  options.log = [](const std::string& line) { log(LogLevel::info, "bridge", line); };
  publisher_ = std::make_unique<bridge::TownPublisher>(std::move(options));
  log(LogLevel::info, "bridge",
      "publishing town " + config.town + " to " + std::to_string(config.servers.size()) +
          " NATS server(s) from seq " + std::to_string(journal.last_seq()));
}

TownBridge::~TownBridge() { stop(); }

void TownBridge::on_committed(const std::vector<model::Event>& batch) {
  // The same text GET /v1/events serves; the payload DESIGN.md fixes.
  for (const model::Event& e : batch) {
    publisher_->committed(static_cast<std::uint64_t>(e.seq), model::to_json(e).dump());
  }
}

std::string TownBridge::prometheus_text() const {
  const bridge::PublisherMetrics m = publisher_->metrics();
  std::ostringstream out;
  out << "# HELP bcp_bridge_committed_seq Last journal seq handed to the NATS bridge.\n"
      << "# TYPE bcp_bridge_committed_seq gauge\n"
      << "bcp_bridge_committed_seq " << m.committed << "\n"
      << "# HELP bcp_bridge_bridged_seq Last seq the BCP_TOWNS stream acknowledged.\n"
      << "# TYPE bcp_bridge_bridged_seq gauge\n"
      << "bcp_bridge_bridged_seq " << m.bridged << "\n"
      << "# HELP bcp_bridge_lag_events Committed events not yet acknowledged by the stream.\n"
      << "# TYPE bcp_bridge_lag_events gauge\n"
      << "bcp_bridge_lag_events " << m.lag << "\n"
      << "# HELP bcp_bridge_published_total Acknowledged publishes (duplicates included).\n"
      << "# TYPE bcp_bridge_published_total counter\n"
      << "bcp_bridge_published_total " << m.published << "\n"
      << "# HELP bcp_bridge_duplicates_total Publishes the stream already held.\n"
      << "# TYPE bcp_bridge_duplicates_total counter\n"
      << "bcp_bridge_duplicates_total " << m.duplicates << "\n"
      << "# HELP bcp_bridge_errors_total Failed NATS calls, journal reads and mark writes.\n"
      << "# TYPE bcp_bridge_errors_total counter\n"
      << "bcp_bridge_errors_total " << m.errors << "\n"
      << "# HELP bcp_bridge_resyncs_total Times the bridge asked the stream where to go on.\n"
      << "# TYPE bcp_bridge_resyncs_total counter\n"
      << "bcp_bridge_resyncs_total " << m.resyncs << "\n"
      << "# HELP bcp_bridge_connected 1 while the bridge holds a NATS connection.\n"
      << "# TYPE bcp_bridge_connected gauge\n"
      << "bcp_bridge_connected " << (m.connected ? 1 : 0) << "\n"
      << "# HELP bcp_bridge_state The publisher's state (1 for the current one).\n"
      << "# TYPE bcp_bridge_state gauge\n";
  for (auto s : {bridge::PublisherState::connecting, bridge::PublisherState::resyncing,
                 bridge::PublisherState::live, bridge::PublisherState::retrying,
                 bridge::PublisherState::blocked, bridge::PublisherState::stopped}) {
    out << "bcp_bridge_state{state=\"" << bridge::state_name(s) << "\"} " << (m.state == s ? 1 : 0)
        << "\n";
  }
  return out.str();
}

void TownBridge::stop() {
  if (publisher_) publisher_->stop();
}

}  // namespace bcp::daemon
