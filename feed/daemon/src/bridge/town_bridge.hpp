// The town daemon's bridge sink: when town.json has a `bridge` section, every committed event
// goes onto NATS JetStream (stream BCP_TOWNS, subject bcp.town.<town>.events, Nats-Msg-Id
// <town>:<seq>) through bcp::bridge::TownPublisher, beside ingest.
//
// Threads: the TownPublisher inside owns one thread that does all NATS work and reads the
// journal when its bounded hand-off overflowed. committed() is called on the committer thread
// in seq order and never blocks on NATS, so a slow or unreachable cluster never holds up
// ingest. prometheus_text() may be called from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bcp/bridge/town_publisher.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/events.hpp"
#include "bcp/daemon/pipeline/event_sink.hpp"

namespace bcp::daemon {

// A committer-thread sink of the pipeline.
class TownBridge : public EventSink {
 public:
  // Starts the publisher with the journal's last seq; call before the first commit. The
  // "bridged up to" mark lives in data_dir/bridge.mark.
  TownBridge(const config::BridgeConfig& config, const Journal& journal,
             const std::filesystem::path& data_dir);
  ~TownBridge();
  TownBridge(const TownBridge&) = delete;
  TownBridge& operator=(const TownBridge&) = delete;

  // The batch was committed (committer thread, seq order).
  void on_committed(const std::vector<model::Event>& batch) override;
  // bcp_bridge_* lines for GET /metrics.
  std::string prometheus_text() const;
  bridge::PublisherMetrics metrics() const { return publisher_->metrics(); }
  void stop();

 private:
  std::unique_ptr<bridge::TownPublisher> publisher_;
};

}  // namespace bcp::daemon
