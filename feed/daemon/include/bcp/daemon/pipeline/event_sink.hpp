// A consumer of committed events: the stream hub (walls), the regional bridge (NATS), the
// calendar service's memory of what it said, the hidden-message list; the LINE WORKS outbox
// of the next issue plugs in the same way. A sink sees every committed event exactly once,
// in seq order, whole batches at a time (one batch = one journal transaction).
//
// Threads: a sink is added to the pipeline for one thread and is only ever called there:
//  - SinkThread::io: the I/O thread, after the reducer applied the batch (the situation
//    already holds it). Fast and non-blocking: every wall and request waits meanwhile.
//  - SinkThread::committer: the committer thread, right after the transaction, before the
//    batch reaches the I/O thread. Must never block (a bounded hand-off at most): ingest
//    waits for it.
#pragma once

#include <vector>

#include "bcp/model/events.hpp"

namespace bcp::daemon {

enum class SinkThread { io, committer };

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_committed(const std::vector<model::Event>& batch) = 0;
};

}  // namespace bcp::daemon
