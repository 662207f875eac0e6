#!/usr/bin/env bash
# scripts/demo as a person runs it, ended the way Ctrl-C ends it: SIGINT to the demo's whole
# process group (what a terminal sends). It must say "demo: stopped", exit, and leave none
# of its programs running. Uses the built programs (BCP_DEMO_SKIP_BUILD), its own port and
# its own directory, so it runs beside a developer's demo. Run by ctest (demo_stops_on_sigint).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
group=
finish() {
  [ -n "$group" ] && kill -KILL -- "-$group" 2>/dev/null || true
  rm -rf "$work"
}
trap finish EXIT
fail() { echo "FAIL: $*"; echo "--- demo output"; cat "$work/out" || true; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# setsid: the demo leads its own process group, as in a terminal, so the SIGINT below reaches
# it and every program it started, exactly like Ctrl-C.
env -u DISPLAY -u WAYLAND_DISPLAY BCP_DEMO_SKIP_BUILD=1 BCP_DEMO_PORT="$port" BCP_DEMO_SPEED=20 \
  BCP_DEMO_DIR="$work/demo" setsid scripts/demo >"$work/out" 2>&1 </dev/null &
demo_pid=$!
group=$demo_pid

deadline=$((SECONDS + 60))
until grep -q "demo: running" "$work/out"; do
  kill -0 "$demo_pid" 2>/dev/null || fail "the demo ended before it was running"
  [ $SECONDS -lt $deadline ] || fail "the demo did not say it was running within 60 s"
  sleep 0.2
done
# The wall really runs: its first picture appears.
until [ -s "$work/demo/wall/main.png" ]; do
  [ $SECONDS -lt $deadline ] || fail "no wall picture within 60 s"
  sleep 0.2
done
children=$(pgrep -g "$group" | grep -vx "$demo_pid" | tr '\n' ' ')
for name in bcp-feedd bcp-wall bcp-sim; do
  pgrep -g "$group" -x "$name" >/dev/null || fail "$name is not running in the demo"
done

kill -INT -- "-$group"
deadline=$((SECONDS + 30))
while kill -0 "$demo_pid" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "the demo did not end within 30 s of SIGINT"
  sleep 0.1
done
wait "$demo_pid" || true
grep -q "^demo: stopped$" "$work/out" || fail "no \"demo: stopped\" line"
[ "$(grep -c '^demo: stopped$' "$work/out")" -eq 1 ] || fail "\"demo: stopped\" printed more than once"
for p in $children; do
  if kill -0 "$p" 2>/dev/null; then fail "process $p ($(cat /proc/$p/comm 2>/dev/null)) outlived the demo"; fi
done
if pgrep -g "$group" >/dev/null; then fail "processes left in the demo's group: $(pgrep -g "$group" -a)"; fi
group=
echo "demo stopped on SIGINT and left nothing running: $(tail -1 "$work/out")"
