// bench-fanout: publish-to-receipt latency at N stream subscribers, for bcp-feedd or for the
// reference broker nats-server. Prints one JSON line (see fanout.hpp) and exits 0 when it
// could measure (a slow result is a result), 1 when it could not.
// Usage: bench-fanout feedd|nats PORT SUBSCRIBERS [RATE=1000] [SECONDS=5] [NATS_PAYLOAD_BYTES]
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fanout.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s feedd|nats PORT SUBSCRIBERS [RATE=1000] [SECONDS=5] [NATS_PAYLOAD_BYTES]\n",
                 argv[0]);
    return 2;
  }
  bench::Options o;
  o.target = argv[1];
  o.port = std::atoi(argv[2]);
  o.subscribers = std::atoi(argv[3]);
  if (argc > 4) o.rate = std::atoi(argv[4]);
  if (argc > 5) o.seconds = std::atof(argv[5]);
  if (argc > 6) o.size = std::strtoul(argv[6], nullptr, 10);
  if ((o.target != "feedd" && o.target != "nats") || o.port <= 0 || o.subscribers <= 0 ||
      o.rate <= 0 || o.seconds <= 0) {
    std::fprintf(stderr, "%s: bad arguments (target feedd|nats, PORT, SUBSCRIBERS, RATE, SECONDS > 0)\n",
                 argv[0]);
    return 2;
  }
  // 1,024 subscribers and the publisher's connections are more descriptors than the usual
  // soft limit: lift it to the hard one.
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  bench::RunResult r = o.target == "feedd" ? bench::run_feedd(o) : bench::run_nats(o);
  bench::print_result(o, r);
  if (!r.error.empty()) {
    std::fprintf(stderr, "bench-fanout: %s\n", r.error.c_str());
    return 1;
  }
  return 0;
}
