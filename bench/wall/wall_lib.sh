# Helpers shared by the wall benchmarks (03, 05, 06-wall-memory, 07): `. "$BCP_ROOT/bench/wall/wall_lib.sh"`
# after `. "$BENCH_LIB"` and bench_start_feedd.

WALL_BIN="$BCP_BUILD/display/bcp-wall"
SIM_BIN="$BCP_BUILD/tools/bcp-sim"

# CLK_TCK: /proc/PID/stat counts CPU time in these.
CLOCK_TICKS=$(getconf CLK_TCK)

# wall_start SIZE TRACE_FILE LOG_FILE: a headless bcp-wall on the running bcp-feedd's stream
# with --trace-frames; sets WALL_PID (stopped on exit).
wall_start() {
  bench_need_file "$WALL_BIN"
  SDL_VIDEODRIVER=dummy "$WALL_BIN" --config "$(dirname "$FEEDD_LOG")/config/town.json" \
    --wall main --feed "ws://127.0.0.1:$FEEDD_PORT/v1/stream" --headless --size "$1" \
    --trace-frames "$2" 2>"$3" &
  WALL_PID=$!
  bench_on_exit "bench_stop_pid $WALL_PID"
}

# trace_shown TRACE: last_seq of the newest finished frame (0 before any).
trace_shown() { awk '!/^#/ { s = $3 } END { print s + 0 }' "$1" 2>/dev/null || echo 0; }

# wall_wait_shown PID TRACE SEQ SECONDS: until a finished frame of that wall shows SEQ.
wall_wait_shown() {
  local pid=$1 trace=$2 seq=$3 deadline=$((SECONDS + $4))
  until [ "$(trace_shown "$trace")" -ge "$seq" ]; do
    kill -0 "$pid" 2>/dev/null || bench_die "bcp-wall $pid exited before showing seq $seq"
    [ $SECONDS -lt $deadline ] || bench_die "bcp-wall $pid showed no frame with seq $seq within $4 s"
    sleep 0.05
  done
}

# cpu_ticks PID: utime + stime of a process so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# play_scenario SCENARIO SPEED LOG: a scenario of assets/scenarios/ against the daemon, SPEED
# times faster than real time (earthquake-drill: talk, LINE WORKS callbacks with photos, a bear
# keyword alert, a manual drill alert, a 120-staff roll call; quick-check: a few of each);
# then the operators acknowledge every alert still active, so nothing flashes afterwards.
play_scenario() {
  bench_need_file "$SIM_BIN"
  (cd "$BCP_ROOT" && "$SIM_BIN" --server "$FEEDD_URL" --speed "$2" --quiet \
    --config "$(dirname "$FEEDD_LOG")/config/town.json" "assets/scenarios/$1.json") \
    >"$3" 2>&1 || { tail -5 "$3" >&2; bench_die "bcp-sim could not play $1"; }
  local id
  for id in $(curl -sf "$FEEDD_URL/v1/snapshot" -H 'Authorization: Bearer operator-sample' |
    jq -r '(.alerts // .situation.alerts) | to_entries[] | .value |
           select(.cancelled | not) | select(.acknowledged_by == null) | .alert.alert'); do
    curl -sf -o /dev/null -X POST "$FEEDD_URL/v1/alerts/$id/ack" -H 'Content-Type: application/json' \
      -H 'Authorization: Bearer operator-sample' -d '{"by":"bench"}' ||
      bench_log "could not acknowledge alert $id (it stays as it is)"
  done
}

# _group_scan PGID: "pid ticks" for each live process of a process group (a browser and all
# its helpers), ticks = utime + stime + cutime + cstime (its own CPU and its reaped
# children's). One awk over /proc, so a scan takes milliseconds, not seconds.
_group_scan() {
  awk -v g="$1" 'FNR == 1 { line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
    if (f[3] == g) { split(FILENAME, p, "/"); print p[3], f[12] + f[13] + f[14] + f[15] } }' \
    /proc/[0-9]*/stat 2>/dev/null || true
}
group_pids() { _group_scan "$1" | cut -d' ' -f1; }
group_ticks() { _group_scan "$1" | awk '{ t += $2 } END { print t + 0 }'; }
# stop_group PGID: TERM to the whole group, KILL after 5 s.
stop_group() {
  kill -- "-$1" 2>/dev/null || return 0
  local i
  for i in $(seq 50); do [ -n "$(group_pids "$1")" ] || return 0; sleep 0.1; done
  kill -9 -- "-$1" 2>/dev/null || true
}
# mem_kib PID...: "PSS RSS" summed over the processes, KiB (smaps_rollup; PSS shares each
# shared page among its users, so a browser's helpers are not counted several times).
mem_kib() {
  local p pss=0 rss=0 a b
  for p in "$@"; do
    read -r a b < <(awk '/^Pss:/ { p = $2 } /^Rss:/ { r = $2 } END { print p + 0, r + 0 }' \
      "/proc/$p/smaps_rollup" 2>/dev/null || echo "0 0")
    pss=$((pss + a)) rss=$((rss + b))
  done
  echo "$pss $rss"
}
# proc_total_ticks PID: utime + stime + the children it reaped (cutime + cstime).
proc_total_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$1/stat"; }
