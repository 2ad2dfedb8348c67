#!/usr/bin/env bash
# Fetches the sources of the compatibility suites from Debian source packages, at test time
# (nothing of them is committed), and extracts only what the suites need:
#   gcc-12   -> .cache/compat/src/gcc-12/execute/         (gcc/testsuite/gcc.c-torture/execute/)
#   linux    -> .cache/compat/src/linux/tools/testing/selftests/x86/ (+ kselftest.h, desc_defs.h)
#
# deb-src is not configured on these machines, so a private apt configuration under
# .cache/compat/apt/ lists deb-src entries for the same mirrors and suites (bookworm*) as the
# system's own /etc/apt/sources.list{,.d/*}; apt-get update/source run against it only, never
# touching the system's lists. The versions are pinned below; apt checks the downloads against
# the signed index. A second run finds the stamps and downloads nothing.
#
# Usage: bash test/compat/fetch.sh    (needs root for apt-get's private lists; network: Debian)
# Env:   COMPAT_CACHE (default: <repo>/.cache/compat)
set -euo pipefail

# Pinned source versions (both downloaded completely from bookworm/main when pinned).
GCC_PKG=gcc-12
GCC_VERSION=12.2.0-14+deb12u1
LINUX_PKG=linux
LINUX_VERSION=6.1.176-1

root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${COMPAT_CACHE:-$root/.cache/compat}
apt_dir="$cache/apt"
dl="$cache/downloads"
src="$cache/src"

log() { echo "fetch: $*"; }
fail() { echo "fetch: $*" >&2; exit 1; }

stamp_ok() { [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ]; }

if stamp_ok "$src/gcc-12" "$GCC_PKG $GCC_VERSION" && stamp_ok "$src/linux" "$LINUX_PKG $LINUX_VERSION"; then
  log "sources cached ($GCC_PKG $GCC_VERSION, $LINUX_PKG $LINUX_VERSION)"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: this script needs Debian's apt"
command -v xz >/dev/null 2>&1 || fail "xz not found (apt-get install xz-utils)"

# --- the private apt configuration: deb-src twins of the system's bookworm entries ------------
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$dl"
out="$apt_dir/sources.list.d/compat.sources"
: >"$out"
# deb822 files: copy each stanza whose Types has deb and whose Suites mention bookworm.
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  awk -v RS= -v ORS='\n\n' '
    /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ && /(^|\n)Suites:[^\n]*bookworm/ {
      n = split($0, lines, "\n"); s = ""
      for (i = 1; i <= n; i++) {
        if (lines[i] ~ /^Types:/) lines[i] = "Types: deb-src"
        if (lines[i] ~ /^#/) continue
        s = s lines[i] "\n"
      }
      printf "%s\n", s
    }' "$f" >>"$out"
done
# One-line files: "deb [options] URI suite components..." for bookworm suites.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  sed -n -E 's/^[[:space:]]*deb[[:space:]]+(.*[[:space:]]bookworm[^[:space:]]*[[:space:]].*)$/deb-src \1/p' "$f" \
    >>"$apt_dir/sources.list.d/compat.list"
done
[ -s "$out" ] || [ -s "$apt_dir/sources.list.d/compat.list" ] || fail "no bookworm deb entries in /etc/apt to mirror as deb-src"

apt_opts=(
  -o Dir::Etc::SourceList=/dev/null
  -o Dir::Etc::SourceParts="$apt_dir/sources.list.d"
  -o Dir::State::Lists="$apt_dir/lists"
  -o Dir::Cache="$apt_dir/cache"
  -o APT::Sandbox::User=root
  -o Acquire::Retries=3
)

need_update=1
if [ -n "$(ls "$apt_dir/lists/"*Sources* 2>/dev/null)" ]; then need_update=0; fi
if [ $need_update = 1 ]; then
  log "apt-get update (private deb-src lists in $apt_dir)"
  apt-get "${apt_opts[@]}" -qq update || log "apt-get update reported errors; continuing with the lists it fetched"
fi

# --- download: the pinned versions, else (loudly) the index's current ones ------------------
download() { # PKG VERSION -> prints the version downloaded
  local pkg=$1 ver=$2
  if (cd "$dl" && apt-get "${apt_opts[@]}" -qq source --download-only "$pkg=$ver" >&2); then
    echo "$ver"; return 0
  fi
  if [ $need_update = 0 ]; then
    apt-get "${apt_opts[@]}" -qq update >&2 || true
    if (cd "$dl" && apt-get "${apt_opts[@]}" -qq source --download-only "$pkg=$ver" >&2); then
      echo "$ver"; return 0
    fi
  fi
  local cur
  cur=$(apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -n 1)
  [ -n "$cur" ] || fail "apt knows no source package $pkg"
  echo "fetch: WARNING: $pkg $ver is no longer in the index; using $cur (update the pin in $0)" >&2
  (cd "$dl" && apt-get "${apt_opts[@]}" -qq source --download-only "$pkg=$cur" >&2) || fail "apt-get source $pkg=$cur failed"
  echo "$cur"
}

orig_of() { # PKG VERSION -> path of the orig tarball
  local upstream=${2%-*}
  upstream=${upstream#*:}
  ls "$dl/$1_$upstream".orig.tar.* 2>/dev/null | head -n 1
}

# --- gcc: the upstream tarball nested inside Debian's orig tarball --------------------------
if ! stamp_ok "$src/gcc-12" "$GCC_PKG $GCC_VERSION"; then
  ver=$(download "$GCC_PKG" "$GCC_VERSION")
  orig=$(orig_of "$GCC_PKG" "$ver")
  [ -n "$orig" ] || fail "no $GCC_PKG orig tarball in $dl"
  inner=$(tar tf "$orig" | grep -E '/gcc-[0-9.]+(-dfsg)?\.tar\.(xz|gz|bz2)$' | head -n 1)
  [ -n "$inner" ] || fail "$orig holds no gcc-*.tar.* upstream tarball"
  log "extracting gcc.c-torture/execute from $(basename "$orig") : $inner"
  tmp="$cache/tmp-gcc"
  rm -rf "$tmp" "$src/gcc-12"
  mkdir -p "$tmp" "$src/gcc-12"
  tar xf "$orig" -O "$inner" | tar xJf - -C "$tmp" --wildcards '*/gcc/testsuite/gcc.c-torture/execute/*'
  mv "$tmp"/*/gcc/testsuite/gcc.c-torture/execute "$src/gcc-12/execute"
  rm -rf "$tmp"
  echo "$GCC_PKG $GCC_VERSION" >"$src/gcc-12/.stamp"
  [ "$ver" = "$GCC_VERSION" ] || echo "$ver" >"$src/gcc-12/.used-version"
fi

# --- linux: tools/testing/selftests/x86 and the two headers it includes from outside --------
if ! stamp_ok "$src/linux" "$LINUX_PKG $LINUX_VERSION"; then
  ver=$(download "$LINUX_PKG" "$LINUX_VERSION")
  orig=$(orig_of "$LINUX_PKG" "$ver")
  [ -n "$orig" ] || fail "no $LINUX_PKG orig tarball in $dl"
  log "extracting tools/testing/selftests/x86 from $(basename "$orig")"
  tmp="$cache/tmp-linux"
  rm -rf "$tmp" "$src/linux"
  mkdir -p "$tmp"
  tar xJf "$orig" -C "$tmp" --wildcards '*/tools/testing/selftests/x86/*' \
    '*/tools/testing/selftests/kselftest.h' '*/arch/x86/include/asm/desc_defs.h'
  top=$(ls -d "$tmp"/*/ | head -n 1)
  mv "$top" "$src/linux"
  rm -rf "$tmp"
  echo "$LINUX_PKG $LINUX_VERSION" >"$src/linux/.stamp"
  [ "$ver" = "$LINUX_VERSION" ] || echo "$ver" >"$src/linux/.used-version"
fi

log "sources ready in $src ($GCC_PKG $GCC_VERSION, $LINUX_PKG $LINUX_VERSION)"
