# Numbers, dates and control flow: expr, bc, dc, seq, factor, printf, test, date -d, cal,
# xargs, diff, cmp, patch, getopt; shell functions, here-documents, loops, case, subshells.
set -u
echo "== expr"
expr 7 + 5 \* 3; expr 17 / 5; expr 17 % 5; expr length "hello"
expr substr "abcdef" 2 3; expr index "abcdef" d; expr "abc123" : '[a-z]*'; expr "x" = "y"; echo "expr status $?"
expr 2147483647 + 1; expr -9 / 2
n=0; while [ $n -lt 5 ]; do n=$(expr $n + 1); done; echo "loop $n"

echo "== bc dc"
echo 'scale=20; 4*a(1)' | bc -l 2>&1 | head -1
echo '2^100' | bc
bc <<'BC'
define f(n) { if (n < 2) return n; return f(n-1) + f(n-2); }
f(20)
scale=5
355/113
obase=16
255
BC
echo '3 4 + 5 * p' | dc
dc -e '2 64 ^ p' -e '10 3 / p' -e '5k 10 3 / p'
echo '1 2 3 f' | dc

echo "== seq factor printf"
seq 3; seq 10 -3 1 | tr '\n' ' '; echo; seq -s, 1 0.5 3; seq -w 8 11 | tr '\n' ' '; echo
factor 360 97 1001 4294967297
printf '%5d|%-5s|%05.2f|%x|%o|%c|%%|%s\n' 42 ab 3.14159 255 8 xyz "multi word"
printf '%s-%s\n' a b c d
printf '%b\n' 'tab\there' 'oct\0101'
printf '%d\n' "'A" 0x1f 010
printf '%q\n' x 2>&1; echo "printf q: $?"

echo "== test"
for v in 0 5 -3 abc ''; do
  if [ -n "$v" ] && [ "$v" -gt 0 ] 2>/dev/null; then echo "$v positive"; elif [ -z "$v" ]; then echo "empty"; else echo "$v other"; fi
done
[ abc \< abd ] && echo "string less"
test -d . -a ! -f . && echo "dir"
[[ "foo.txt" == *.txt ]] && echo "glob match"

echo "== date"
date -u -d '2021-03-04 05:06:07' '+%Y-%m-%d %H:%M:%S %A %B %j %u %s'
date -u -d @1000000000 '+%c'
date -u -d '1999-12-31 23:59:59' +%s
TZ=UTC date -d '2024-02-29' '+%a %d %b %Y'
date -u -D '%d/%m/%Y' -d '25/12/2000' +%F
cal 2 2024
cal 9 1752 | head -4

echo "== xargs"
printf 'a b\nc\nd e f\n' | xargs -n 2 echo
seq 1 7 | xargs printf '<%s>' ; echo
printf 'one\0two\0three\0' | xargs -0 -I{} echo 'item {}'
echo x y | xargs -t echo 2>&1
seq 5 | xargs sh -c 'echo "$# args: $*"' sh

echo "== diff cmp patch"
printf 'a\nb\nc\nd\n' > f1; printf 'a\nB\nc\nd\ne\n' > f2
diff f1 f2; echo "diff status $?"
diff -u f1 f2 | sed -e '1,2s/\t.*//' > p.diff; cat p.diff
cp f1 f3; patch f3 < p.diff; cmp f2 f3 && echo "patched equal"
cmp f1 f2; echo "cmp status $?"
cmp -l f1 f2 2>&1; echo "cmp -l $?"
diff f1 f1 && echo "same"

echo "== shell"
count() { local i=0; for x in "$@"; do i=$((i + 1)); done; echo "$i"; }
count a "b c" d
fib() { if [ "$1" -lt 2 ]; then echo "$1"; else echo $(( $(fib $(($1 - 1))) + $(fib $(($1 - 2))) )); fi; }
fib 10
echo $(( 7 * 6 )) $(( 2 ** 10 )) $(( -7 / 2 )) $(( 1 << 40 )) $(( 0x10 + 010 )) $(( 5 > 3 && 2 > 1 ))
x=outer; (x=inner; echo "in $x"); echo "out $x"
s="Hello, World"; echo "${#s} ${s#Hello} ${s%World} ${s/o/0} ${s//o/0} ${s:7:5} ${u:-dflt} ${s:+set}"
for f in apple banana cherry; do case $f in a*) echo "$f: a";; *an*) echo "$f: an";; *) echo "$f: other";; esac; done
i=0; until [ $i -ge 3 ]; do i=$((i+1)); [ $i -eq 2 ] && continue; echo "i=$i"; done
while read -r name age rest; do echo "$name is $age"; done <<EOF2
ann 30 x
ben 40 y z
EOF2
cat <<-EOF3
	tab-stripped $((1 + 2))
	EOF3
set -- p q r; shift; echo "$# $1 $*"
{ echo grouped; echo to-stderr >&2; } 2>&1 | sort
exec 3> fd3.txt; echo via fd3 >&3; exec 3>&-; cat fd3.txt
trap 'echo trapped EXIT' EXIT
trap 'echo got USR1' USR1; kill -USR1 $$
getopt -o ab:c -- -a -b val -c rest 2>&1
r=$(echo 'a;b;c' | { IFS=';' read x y z; echo "$z$y$x"; }); echo "$r"
echo "pipe status: $(false | true; echo $?)"
timeout 5 sleep 0; echo "timeout ok $?"
env -i A=1 B=2 env | sort
nproc >/dev/null && echo nproc ok
true; echo "true $?"; false; echo "false $?"
