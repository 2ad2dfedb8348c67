#!/bin/sh
# Fetches Debian's static i386 busybox for the decoder's differential test against capstone
# (test/oracle/capstone-busybox.test.ts) and the golden generator (test/tools/make-golden.ts).
# Leaves the binary at .cache/busybox/bin/busybox (relative to the repository root).
#
# Needs root, and the i386 architecture known to apt with package lists fetched:
#   dpkg --add-architecture i386 && apt-get update
# CI does those two steps before calling this script; it does not do them itself, so that a
# developer machine's apt configuration is never changed behind their back.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/.cache/busybox"
binary="$cache/bin/busybox"

if [ -x "$binary" ]; then
  echo "fetch-busybox: $binary already present"
  exit 0
fi

fail() {
  echo "fetch-busybox: $*" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: this script needs a Debian-family system"
command -v dpkg-deb >/dev/null 2>&1 || fail "dpkg-deb not found"
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  fail "i386 is not a dpkg architecture here; run (as root): dpkg --add-architecture i386 && apt-get update"
fi
if ! apt-cache show busybox-static:i386 >/dev/null 2>&1; then
  fail "apt knows no busybox-static:i386; run (as root): apt-get update"
fi

mkdir -p "$cache"
cd "$cache"
rm -f busybox-static_*_i386.deb
# apt-get download fetches into the current directory without installing anything. It runs as the
# _apt user when it can, which needs write access to this folder: allow it for the download.
chmod 0777 "$cache" 2>/dev/null || true
apt-get download busybox-static:i386 || fail "apt-get download busybox-static:i386 failed"
chmod 0755 "$cache" 2>/dev/null || true
deb=$(ls busybox-static_*_i386.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "apt-get download left no busybox-static_*_i386.deb in $cache"

rm -rf "$cache/root"
dpkg-deb -x "$deb" "$cache/root" || fail "dpkg-deb -x $deb failed"
[ -f "$cache/root/bin/busybox" ] || fail "$deb has no bin/busybox"
mkdir -p "$cache/bin"
cp "$cache/root/bin/busybox" "$binary"
chmod 0755 "$binary"
echo "fetch-busybox: $deb -> $binary ($(wc -c <"$binary") bytes)"
