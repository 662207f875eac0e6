# Helpers for bench/<NN-name>/run scripts: `. "$BENCH_LIB"` after `set -euo pipefail`.
# Everything runs on loopback with ports picked free at run time and temp directories, and
# every process started through these helpers is stopped on exit (also on failure).

: "${BCP_ROOT:?run benchmarks through bench/run}"
: "${BCP_BUILD:=$BCP_ROOT/build}"
: "${BENCH_SMOKE:=0}"

bench_die() { echo "bench: $*" >&2; exit 1; }
bench_log() { echo "bench: $*" >&2; }

# Requires commands (Debian packages, see scripts/setup) or build outputs.
bench_need_cmd() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null || bench_die "$c missing (scripts/setup installs it)"; done
}
bench_need_file() {
  local f
  for f in "$@"; do [ -x "$f" ] || bench_die "$f missing: build it first (scripts/build)"; done
}

# ---- cleanup: a stack of commands run on exit ------------------------------------------
_bench_cleanups=()
bench_on_exit() { _bench_cleanups+=("$*"); }
_bench_run_cleanups() {
  local i
  for ((i = ${#_bench_cleanups[@]} - 1; i >= 0; i--)); do eval "${_bench_cleanups[$i]}" || true; done
}
trap _bench_run_cleanups EXIT
trap 'exit 130' INT TERM

# A temp dir removed on exit.
bench_tmpdir() {
  local d
  d=$(mktemp -d "${TMPDIR:-/tmp}/bcp-bench.XXXXXX")
  bench_on_exit "rm -rf '$d'"
  echo "$d"
}

# Stops a process we started: TERM, then KILL after 5 s.
bench_stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# A loopback TCP port nobody listens on (randomised so parallel runs rarely collide).
bench_free_port() {
  local port i
  # Below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by default), and
  # free in every state: a port held by an outgoing connection or in TIME_WAIT (thousands of
  # them after the test suite) cannot be bound by nginx or the daemon either.
  for i in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    ss -Htan "sport = :$port" 2>/dev/null | grep -q . || { echo "$port"; return 0; }
  done
  bench_die "no free loopback port found"
}

# Waits until URL answers 2xx; $2 = timeout in seconds (default 20).
bench_wait_http() {
  local url=$1 deadline=$((SECONDS + ${2:-20}))
  until curl -sf -o /dev/null "$url"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.05
  done
}

# Starts a fresh bcp-feedd on the sample town, config copied into DATA_DIR/config and the
# journal in DATA_DIR/data. Sets FEEDD_PID, FEEDD_PORT, FEEDD_URL, FEEDD_LOG.
# bench_start_feedd DATA_DIR [extra bcp-feedd args...]
bench_start_feedd() {
  local dir=$1; shift
  bench_need_file "$BCP_BUILD/feed/daemon/bcp-feedd"
  mkdir -p "$dir/data"
  if [ ! -d "$dir/config" ]; then
    cp -r "$BCP_ROOT/config/sample-town" "$dir/config"
    # The benchmarks measure capacity, not the per-token rate limit (docs/protocol.md): their
    # load generators post with one token far above it, so it is off in their copy.
    bench_need_cmd jq
    jq '.rate_limit = {"requests_per_minute": 0}' "$dir/config/town.json" >"$dir/config/town.json.new"
    mv "$dir/config/town.json.new" "$dir/config/town.json"
  fi
  FEEDD_PORT=$(bench_free_port)
  FEEDD_URL="http://127.0.0.1:$FEEDD_PORT"
  FEEDD_LOG="$dir/feedd.log"
  "$BCP_BUILD/feed/daemon/bcp-feedd" --config "$dir/config/town.json" \
    --listen "127.0.0.1:$FEEDD_PORT" --data "$dir/data" "$@" 2>>"$FEEDD_LOG" &
  FEEDD_PID=$!
  bench_on_exit "bench_stop_pid $FEEDD_PID"
  if ! bench_wait_http "$FEEDD_URL/healthz" 60; then
    tail -5 "$FEEDD_LOG" >&2
    bench_die "bcp-feedd did not answer /healthz on $FEEDD_URL"
  fi
}

# Journal seq from /healthz ({"seq":N,"status":"ok"}).
bench_feedd_seq() {
  curl -sf "${1:-$FEEDD_URL}/healthz" | sed -E 's/.*"seq":([0-9]+).*/\1/'
}

# VmRSS / VmHWM of a process in KiB.
bench_rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
bench_hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# "met" or "missed" for a numeric comparison: bench_verdict VALUE OP LIMIT (OP: <= or >=).
bench_verdict() {
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    ok = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 >= l + 0); print ok ? "met" : "missed" }'
}

# Floating-point arithmetic: bench_calc 'a / b' → "%.3g"-ish with fixed decimals ($2, default 2).
bench_calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

bench_loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
