// The standard process_* metrics every Prometheus client library exports (RSS, CPU, open
// descriptors, start time), read from /proc/self at scrape time, so that the usual
// dashboards and alerting rules work on bcp-feedd unchanged.
#pragma once

#include <ostream>

namespace bcp::daemon {

// Appends the process_* families. Where /proc cannot be read (not Linux, a locked-down
// container) the families it could not read are left out rather than reported as 0.
void write_process_metrics(std::ostream& out);

}  // namespace bcp::daemon
