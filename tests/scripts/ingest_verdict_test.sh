#!/usr/bin/env bash
# bench/01-ingest's bottleneck line follows from the run's figures: the two machines that
# issue 17 describes get different answers, and a met budget names nothing.
set -euo pipefail
. "$(dirname "$0")/../../bench/01-ingest/verdict.sh"
fail=0
expect() { # NAME EXPECTED-SUBSTRING ACTUAL
  if [[ "$3" != *"$2"* ]]; then echo "FAIL $1: expected \"$2\" in \"$3\""; fail=1; else echo "ok   $1"; fi
}
expect_not() {
  if [[ "$3" == *"$2"* ]]; then echo "FAIL $1: did not expect \"$2\" in \"$3\""; fail=1; else echo "ok   $1"; fi
}
# A disk that flushes in 5 ms: the SQLite loop at 0.244 × nginx, bcp-feedd at 84 % of it.
slow_disk=$(ingest_bottleneck missed 0.84 0.244 met 7.1 4.2 true)
expect "slow disk: the journal" "the journal's fsync" "$slow_disk"
expect "slow disk: its figures" "0.244 × nginx" "$slow_disk"
expect "slow disk: the share" "84 %" "$slow_disk"
expect_not "slow disk: not the CPU" "own CPU" "$slow_disk"
# A disk that flushes in 0.1 ms: the loop at 0.78 × nginx, bcp-feedd at 39 % of it.
fast_disk=$(ingest_bottleneck missed 0.39 0.78 met 2.0 0.1 true)
expect "fast disk: the daemon's CPU" "bcp-feedd's own CPU, not the journal" "$fast_disk"
expect "fast disk: the share" "39 %" "$fast_disk"
expect_not "fast disk: not the fsync" "the journal's fsync" "$fast_disk"
# A slow disk and a daemon far below it: both named.
both=$(ingest_bottleneck missed 0.44 0.244 met 7.1 4.2 true)
expect "both" "both: the journal's ceiling is only 0.244" "$both"
# Throughput met, p99 missed: the latency against the fsync time, nothing about the ratio.
p99=$(ingest_bottleneck met 0.95 0.9 missed 14.5 4.0 true)
expect "p99" "p99 14.5 ms against one fsync's p99 of 4.0 ms" "$p99"
expect_not "p99 only" "CPU" "$p99"
# Lost 2xx: said, whatever else.
lost=$(ingest_bottleneck met 0.95 0.9 met 2 1 false)
expect "durability" "2xx missing from the journal" "$lost"
# All met: nothing.
none=$(ingest_bottleneck met 0.95 0.9 met 2 1 true)
[ -z "$none" ] && echo "ok   met names nothing" || { echo "FAIL met: \"$none\""; fail=1; }
exit $fail
