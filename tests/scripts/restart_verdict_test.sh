#!/usr/bin/env bash
# bench/06-daemon-memory's verdict follows from the run's figures: a fast start at both sizes
# names nothing, a slow one names its slowest part, and a start that grows with the journal
# is named even when each start alone is under the goal.
set -euo pipefail
. "$(dirname "$0")/../../bench/06-daemon-memory/verdict.sh"
fail=0
expect() { # NAME EXPECTED-SUBSTRING ACTUAL
  if [[ "$3" != *"$2"* ]]; then echo "FAIL $1: expected \"$2\" in \"$3\""; fail=1; else echo "ok   $1"; fi
}
expect_not() {
  if [[ "$3" == *"$2"* ]]; then echo "FAIL $1: did not expect \"$2\" in \"$3\""; fail=1; else echo "ok   $1"; fi
}
met=$(restart_verdict 320 350 45.0 40 30)
[ -z "$met" ] && echo "ok   met names nothing" || { echo "FAIL met: \"$met\""; fail=1; }
smoke=$(restart_verdict 200 "" 20.0 10 10)
[ -z "$smoke" ] && echo "ok   smoke without the 5 M row" || { echo "FAIL smoke: \"$smoke\""; fail=1; }
# The old full replay: 33.6 s, nearly all of it replay.
replay=$(restart_verdict 33634 "" 42.7 150 33300)
expect "slow replay: the figure" "restart 33634 ms at 1,000,000 events" "$replay"
expect "slow replay: its part" "restoring the snapshot and replaying the tail: 33300 ms" "$replay"
# A whole-file check at open that grows with the file.
opening=$(restart_verdict 1400 6900 45.0 1250 60)
expect "slow open: its part" "opening the journal: 1250 ms" "$opening"
expect "slow open: grows" "6900 ms at 5,000,000 events is 4.93 ×" "$opening"
# Each start under the goal, but 5 M takes twice 1 M: growth is named, the goal is not.
growth=$(restart_verdict 400 800 45.0 100 100)
expect "growth" "restart still grows with the journal" "$growth"
expect_not "growth: goal met" "over 1000 ms" "$growth"
# Memory over its budget.
rss=$(restart_verdict 300 320 130.5 50 50)
expect "rss" "RSS 130.5 MiB over 100 MiB" "$rss"
# A smoke run names its own journal size.
small=$(restart_verdict 1500 "" 20.0 10 1400 20000)
expect "smoke size" "restart 1500 ms at 20000 events" "$small"
exit $fail
