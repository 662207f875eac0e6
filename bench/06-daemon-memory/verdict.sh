# 06-daemon-memory's verdict, decided from one run's figures (sourced by run and by
# tests/scripts/restart_verdict_test.sh): a restart from the journal's snapshot in ≤ 1 s at
# 1,000,000 events, ≤ 1.5 × that at 5,000,000 (restart time no longer grows with the
# journal), and RSS ≤ 100 MiB.
#
# restart_verdict START_MS BIG_START_MS RSS_MIB OPEN_MS REPLAY_MS [COUNT BIG_COUNT]
#   START_MS: exec → first /healthz 200 at 1,000,000 events (median of the restarts)
#   BIG_START_MS: the same at 5,000,000 events, "" when not measured (smoke)
#   RSS_MIB: VmRSS when it first answered
#   OPEN_MS, REPLAY_MS: of START_MS, opening the journal (checks and migrations) and restoring
#     the snapshot plus replaying the tail (from the daemon's log)
#   COUNT, BIG_COUNT: the two journals' sizes as the lines should name them (1,000,000 and
#     5,000,000 unless given; a smoke run's journal is smaller)
# Prints what missed, the parts joined by "; " (nothing when all is met).

RESTART_GOAL_MS=1000
RESTART_GROWTH_LIMIT=1.5
RESTART_RSS_BUDGET_MIB=100

restart_verdict() {
  local start=$1 big=$2 rss=$3 open=$4 replay=$5 count=${6:-1,000,000} big_count=${7:-5,000,000}
  local parts=() ratio rest part out=""
  # What the slow part was, from the same start's figures.
  rest=$(awk -v s="$start" -v o="$open" -v r="$replay" 'BEGIN { x = s - o - r; printf "%.0f", x < 0 ? 0 : x }')
  if awk -v s="$start" -v g="$RESTART_GOAL_MS" 'BEGIN { exit !(s > g) }'; then
    local biggest="the rest of the start (config, listening, the first answer): ${rest} ms"
    if awk -v o="$open" -v r="$replay" -v x="$rest" 'BEGIN { exit !(o >= r && o >= x) }'; then
      biggest="opening the journal: ${open} ms"
    elif awk -v r="$replay" -v x="$rest" 'BEGIN { exit !(r >= x) }'; then
      biggest="restoring the snapshot and replaying the tail: ${replay} ms"
    fi
    parts+=("restart ${start} ms at ${count} events, over ${RESTART_GOAL_MS} ms; most of it ${biggest}")
  fi
  if [ -n "$big" ]; then
    ratio=$(awk -v b="$big" -v s="$start" 'BEGIN { printf "%.2f", b / (s > 0 ? s : 1) }')
    if awk -v x="$ratio" -v l="$RESTART_GROWTH_LIMIT" 'BEGIN { exit !(x > l) }'; then
      parts+=("restart still grows with the journal: ${big} ms at ${big_count} events is ${ratio} × the ${count}-event start (limit ${RESTART_GROWTH_LIMIT} ×)")
    fi
  fi
  if awk -v r="$rss" -v b="$RESTART_RSS_BUDGET_MIB" 'BEGIN { exit !(r > b) }'; then
    parts+=("RSS ${rss} MiB over ${RESTART_RSS_BUDGET_MIB} MiB")
  fi
  for part in "${parts[@]}"; do out="${out:+$out; }$part"; done
  printf '%s' "$out"
}
