# 01-ingest's bottleneck, decided from one run's figures (sourced by run and by
# tests/scripts/ingest_verdict_test.sh). Machines differ: on one, the disk flushes in 5 ms and
# the journal is the ceiling; on another in 0.1 ms, and the daemon's own CPU is.
#
# ingest_bottleneck RATIO_OK SHARE SQLITE_RATIO P99_OK P99_MS FSYNC_P99_MS DURABLE
#   RATIO_OK, P99_OK: "met" or "missed" (the budget's two figures)
#   SHARE: bcp-feedd's req/s ÷ the bare SQLite group-commit loop's rows/s in the same round
#   SQLITE_RATIO: that loop's rows/s ÷ nginx's req/s (the journal's ceiling, as × nginx)
#   P99_MS, FSYNC_P99_MS: bcp-feedd's worse p99, and one fsync's p99 (a row per transaction)
#   DURABLE: "true" when every 2xx is in the journal
# Prints what held it back, the parts joined by "; " (nothing when all is met).

# At or above this share of its journal's ceiling, bcp-feedd is held by the journal.
INGEST_AT_CEILING=0.8
# The budget's ratio to nginx.
INGEST_RATIO_BUDGET=0.5

ingest_bottleneck() {
  local ratio_ok=$1 share=$2 sq_ratio=$3 p99_ok=$4 p99=$5 fsync_p99=$6 durable=$7
  local parts=() pct at_ceiling journal_short
  pct=$(awk -v s="$share" 'BEGIN { printf "%.0f", 100 * s }')
  at_ceiling=$(awk -v s="$share" -v c="$INGEST_AT_CEILING" 'BEGIN { print (s >= c) ? 1 : 0 }')
  journal_short=$(awk -v r="$sq_ratio" -v b="$INGEST_RATIO_BUDGET" 'BEGIN { print (r < b) ? 1 : 0 }')
  if [ "$ratio_ok" != met ]; then
    if [ "$at_ceiling" = 1 ] && [ "$journal_short" = 1 ]; then
      parts+=("the journal's fsync: the bare SQLite loop with the same durability reached only ${sq_ratio} × nginx, and bcp-feedd ${pct} % of that loop")
    elif [ "$journal_short" = 0 ]; then
      parts+=("bcp-feedd's own CPU, not the journal: the bare SQLite loop reached ${sq_ratio} × nginx, bcp-feedd only ${pct} % of it (HTTP, JSON and the reducer on its one I/O thread)")
    else
      parts+=("both: the journal's ceiling is only ${sq_ratio} × nginx, and bcp-feedd reached ${pct} % of it (its own CPU: HTTP, JSON and the reducer on its one I/O thread)")
    fi
  fi
  if [ "$p99_ok" != met ]; then
    parts+=("p99 ${p99} ms against one fsync's p99 of ${fsync_p99} ms (a row per transaction)")
  fi
  [ "$durable" = true ] || parts+=("2xx missing from the journal: a durability bug, not a ceiling")
  local out="" part
  for part in "${parts[@]}"; do out="${out:+$out; }$part"; done
  printf '%s' "$out"
}
