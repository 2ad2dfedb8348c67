#!/usr/bin/env bash
# Writes test/golden/guests/BINARY.{stdout,stderr,status}: what each guest binary in guests/bin
# prints and returns under qemu-i386, the reference for test/guests.test.ts (which runs the same
# binaries under vxts and compares byte for byte). How a binary is run (arguments, environment,
# stdin, working directory with a copy of guests/data) is in guests/runs.json; this script is
# the one place that turns it into a qemu-i386 command line, so the live oracle
# (test/oracle/guests-qemu.test.ts) runs it too, into a temporary directory.
#
#   test/tools/make-guest-golden.sh                   every binary, into test/golden/guests
#   test/tools/make-guest-golden.sh -o DIR [NAMES..]  chosen binaries (default all), into DIR
#
# Regenerate after changing a guest program, runs.json or guests/data. Needs qemu-i386
# (Debian: qemu-user) and node (to read runs.json).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/test/golden/guests"
if [ "${1:-}" = "-o" ]; then out=$2; shift 2; fi
mkdir -p "$out"
if [ $# -gt 0 ]; then names=("$@"); else mapfile -t names < <(make -s -C "$root/guests" list); fi
command -v qemu-i386 >/dev/null || { echo "make-guest-golden: qemu-i386 is not installed (apt-get install qemu-user)" >&2; exit 1; }

spec="$root/guests/runs.json"
mapfile -d '' env < <(node -e 'for (const e of require(process.argv[1]).env) process.stdout.write(e + "\0")' "$spec")
stdin="$root/guests/$(node -p 'require(process.argv[1]).stdin' "$spec")"
data="$root/guests/$(node -p 'require(process.argv[1]).data' "$spec")"

for b in "${names[@]}"; do
  [ -f "$root/guests/bin/$b" ] || { echo "make-guest-golden: guests/bin/$b does not exist (make -C guests)" >&2; exit 1; }
  mapfile -d '' args < <(node -e '
    const s = require(process.argv[1]);
    const name = process.argv[2].replace(/-(musl|glibc|asm)$/, "");
    for (const a of s.args[name] ?? []) process.stdout.write(a + "\0");' "$spec" "$b")
  work=$(mktemp -d)
  mkdir "$work/bin"
  cp "$root/guests/bin/$b" "$work/bin/$b"
  cp -r "$data" "$work/data"
  status=0
  (cd "$work" && exec env -i "${env[@]}" timeout 120 qemu-i386 -0 "bin/$b" "bin/$b" "${args[@]}") \
    <"$stdin" >"$out/$b.stdout" 2>"$out/$b.stderr" || status=$?
  echo "$status" >"$out/$b.status"
  rm -rf "$work"
  echo "make-guest-golden: $b: status $status, $(wc -c <"$out/$b.stdout") bytes of stdout, $(wc -c <"$out/$b.stderr") of stderr" >&2
done
