#!/bin/sh
# Fetches the programs the native comparison suites need (test/oracle/busybox-native.test.ts and
# test/oracle/bash-native.test.ts), without installing anything:
#   .cache/natives/busybox-amd64   Debian's busybox-static for amd64 (the oracle for busybox:i386)
#   .cache/natives/bash-i386       Debian's bash-static for i386 (run under vxts)
#   .cache/natives/bash-amd64      Debian's bash-static for amd64 (the oracle for bash:i386)
# Each pair is the same Debian version; the script checks that busybox-static:amd64 has the version
# of the i386 busybox that fetch-busybox.sh left in .cache/busybox.
#
# Needs the i386 architecture known to apt with package lists fetched (see fetch-busybox.sh).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/.cache/natives"

fail() {
  echo "fetch-natives: $*" >&2
  exit 1
}

if [ -x "$cache/busybox-amd64" ] && [ -x "$cache/bash-i386" ] && [ -x "$cache/bash-amd64" ]; then
  echo "fetch-natives: $cache already complete"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: this script needs a Debian-family system"
command -v dpkg-deb >/dev/null 2>&1 || fail "dpkg-deb not found"
dpkg --print-foreign-architectures | grep -qx i386 ||
  fail "i386 is not a dpkg architecture here; run (as root): dpkg --add-architecture i386 && apt-get update"

mkdir -p "$cache"
cd "$cache"
rm -f ./*.deb
# apt-get download runs as _apt when it can: let it write here for the download.
chmod 0777 "$cache" 2>/dev/null || true
apt-get download busybox-static:amd64 bash-static:i386 bash-static:amd64 ||
  fail "apt-get download busybox-static:amd64 bash-static:i386 bash-static:amd64 failed (run apt-get update?)"
chmod 0755 "$cache" 2>/dev/null || true

extract() { # extract DEB-GLOB FILE-IN-DEB DEST
  deb=$(ls $1 2>/dev/null | head -n 1)
  [ -n "$deb" ] || fail "apt-get download left no $1 in $cache"
  rm -rf "$cache/x"
  dpkg-deb -x "$deb" "$cache/x" || fail "dpkg-deb -x $deb failed"
  [ -f "$cache/x/$2" ] || fail "$deb has no $2"
  cp "$cache/x/$2" "$cache/$3"
  chmod 0755 "$cache/$3"
  rm -rf "$cache/x"
  echo "fetch-natives: $deb -> $cache/$3"
}
extract 'busybox-static_*_amd64.deb' bin/busybox busybox-amd64
extract 'bash-static_*_i386.deb' bin/bash-static bash-i386
extract 'bash-static_*_amd64.deb' bin/bash-static bash-amd64

# The same version on both sides, or the comparison means nothing.
v_bb_amd64=$(ls busybox-static_*_amd64.deb | sed 's/^busybox-static_\(.*\)_amd64\.deb$/\1/')
v_bb_i386=$(ls "$root"/.cache/busybox/busybox-static_*_i386.deb 2>/dev/null | sed 's/^.*busybox-static_\(.*\)_i386\.deb$/\1/')
if [ -n "$v_bb_i386" ] && [ "$v_bb_i386" != "$v_bb_amd64" ]; then
  fail "busybox versions differ: i386 $v_bb_i386, amd64 $v_bb_amd64 (rm -rf .cache/busybox .cache/natives and fetch again)"
fi
v_bash_i386=$(ls bash-static_*_i386.deb | sed 's/^bash-static_\(.*\)_i386\.deb$/\1/')
v_bash_amd64=$(ls bash-static_*_amd64.deb | sed 's/^bash-static_\(.*\)_amd64\.deb$/\1/')
[ "$v_bash_i386" = "$v_bash_amd64" ] || fail "bash-static versions differ: i386 $v_bash_i386, amd64 $v_bash_amd64"
echo "fetch-natives: busybox $v_bb_amd64, bash $v_bash_amd64"
