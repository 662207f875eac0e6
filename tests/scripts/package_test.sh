#!/usr/bin/env bash
# The Debian package on this machine, as an administrator uses it: scripts/package builds it from
# the programs already built in BUILD_DIR, `dpkg -i` installs it, the installed unit's
# ExecStartPre (bcp-feedd --check-config on /etc/bcp/town.json) passes, `dpkg -r` leaves nothing
# but the conffiles, `dpkg -P` leaves nothing at all (so the next run, and bcpctl drill-report's
# look for /etc/bcp/town.json, start clean). lintian's findings are printed. Skips (77) where
# dpkg cannot be used as root, or where a bcp-wall package is installed that this test did not
# install (it never touches a real installation). Run by ctest (package_install_remove).
#   tests/scripts/package_test.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${1:?usage: package_test.sh BUILD_DIR}" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

for tool in dpkg dpkg-deb dpkg-query dpkg-shlibdeps cpack; do
  command -v "$tool" >/dev/null || skip "$tool not found (Debian's dpkg-dev and cmake)"
done
[ "$(id -u)" -eq 0 ] || skip "dpkg -i needs root; run the tests as root to check the package"
[ -w /var/lib/dpkg ] || skip "/var/lib/dpkg is not writable here"

# Several checkouts on one machine may run this at once: one installation at a time.
exec 9>/var/lock/bcp-wall-package-test.lock
flock -w 600 9 || fail "another package test held the lock for 10 minutes"
status() { dpkg-query -W -f='${Status}' bcp-wall 2>/dev/null || true; }
case "$(status)" in
  "" | *not-installed*) ;;
  *) skip "a bcp-wall package is installed on this machine ($(status)); this test leaves it alone" ;;
esac

work=$(mktemp -d)
installed=0
finish() {
  [ "$installed" = 1 ] && dpkg -P bcp-wall >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap finish EXIT
# dpkg refuses while apt runs elsewhere on the machine: wait for its lock, with a deadline.
run_dpkg() {
  local deadline=$((SECONDS + 300))
  until dpkg "$@" >"$work/dpkg.out" 2>&1; do
    grep -q "lock" "$work/dpkg.out" && [ $SECONDS -lt $deadline ] || {
      cat "$work/dpkg.out"
      fail "dpkg $* failed"
    }
    sleep 2
  done
}

deb=$(BCP_PACKAGE_SKIP_BUILD=1 BCP_BUILD_DIR="$build" scripts/package "$work/out") ||
  fail "scripts/package failed"
version=$(sed -n 's/^project(bcp_wall VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ "$(basename "$deb")" = "bcp-wall_${version}_amd64.deb" ] || fail "package is named $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
# The package names only, one a line: "libc6 (>= 2.34), adduser" -> libc6, adduser.
names=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//')
for lib in libsqlite3-0 libssl3 libical3 libsdl2-2.0-0 libc6 adduser; do
  grep -qx "$lib" <<<"$names" || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#' >"$work/contents"
grep -v '/$' "$work/contents" >"$work/files"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles"

# --- install
installed=1
run_dpkg -i "$deb"
for f in /usr/bin/bcp-feedd /usr/bin/bcp-wall /usr/bin/bcpctl /usr/bin/bcp-sim \
  /lib/systemd/system/bcp-feedd.service /lib/systemd/system/bcp-wall@.service \
  /etc/bcp/town.json /etc/bcp/roster.json /etc/bcp/layouts/main.json \
  /usr/share/doc/bcp-wall/sample-town/town.json /usr/share/doc/bcp-wall/copyright; do
  [ -e "$f" ] || fail "$f not installed"
done
getent passwd bcp >/dev/null || fail "postinst made no system user bcp"
[ "$(stat -c %U:%G "/var/lib/bcp-feedd")" = bcp:bcp ] || fail "/var/lib/bcp-feedd is not owned by bcp"
for c in /etc/bcp/town.json /etc/bcp/roster.json /etc/bcp/layouts/main.json; do
  grep -qx "$c" "$work/conffiles" || fail "$c is not a conffile"
done
# The unit's own check, run as the unit runs it (its user, its command line).
unit=/lib/systemd/system/bcp-feedd.service
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
[[ $pre == *"--check-config"* && $pre == *"/etc/bcp/town.json"* ]] ||
  fail "ExecStartPre is not --check-config on /etc/bcp/town.json: $pre"
grep -q '^ExecStart=/usr/bin/bcp-feedd --config /etc/bcp/town.json --data /var/lib/bcp-feedd' "$unit" ||
  fail "ExecStart does not run /usr/bin/bcp-feedd on /etc/bcp and /var/lib/bcp-feedd"
# shellcheck disable=SC2086 # the unit's command line, split as systemd splits it
runuser -u bcp -- $pre >"$work/check.out" 2>&1 || {
  cat "$work/check.out"
  fail "the installed bcp-feedd --check-config refused the installed config"
}
echo "installed: $(head -1 "$work/check.out")"

# --- remove: only the conffiles stay
run_dpkg -r bcp-wall
[[ $(status) == *config-files* ]] || fail "after dpkg -r the status is $(status)"
while read -r f; do
  if grep -qx "$f" "$work/conffiles"; then
    [ -e "$f" ] || fail "dpkg -r removed the conffile $f"
  else
    [ ! -e "$f" ] || fail "dpkg -r left $f"
  fi
done <"$work/files"

# --- purge: nothing left, not even /etc/bcp/town.json
run_dpkg -P bcp-wall
installed=0
[[ $(status) == "" || $(status) == *not-installed* ]] || fail "after dpkg -P the status is $(status)"
while read -r f; do
  [ ! -e "$f" ] || fail "dpkg -P left $f"
done <"$work/files"
[ ! -e /etc/bcp ] || fail "dpkg -P left /etc/bcp: $(ls -A /etc/bcp)"
[ ! -e /var/lib/bcp-feedd ] || fail "dpkg -P left the empty /var/lib/bcp-feedd"

if command -v lintian >/dev/null; then
  echo "lintian:"
  lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v "^running with root" || true
else
  echo "lintian not installed (scripts/setup test): not run"
fi
echo "PASS: $(basename "$deb") installs, checks its config, removes and purges cleanly"
