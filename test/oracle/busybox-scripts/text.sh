# Text tools: awk, sed, grep, sort, uniq, cut, tr, wc, head, tail and friends, in pipelines,
# with functions, here-documents, redirections and subshells. Runs in an empty directory.
set -u
cat > people.txt <<'DATA'
alice:31:paris:engineer
bob:27:london:designer
carol:45:paris:manager
dave:27:berlin:engineer
eve:38:london:engineer
frank:52:berlin:director
grace:27:paris:designer
DATA

section() { echo "== $1"; }

section awk
awk -F: '{ n[$3]++; s[$3] += $2 } END { for (c in n) printf "%s %d %.2f\n", c, n[c], s[c] / n[c] }' people.txt | sort
awk -F: 'BEGIN { OFS = "|" } $2 > 30 { $2 = $2 * 2; print NR, $0 }' people.txt
awk 'BEGIN { x = sprintf("%05.1f|%-6s|%x|%o|%e", 3.14159, "ab", 255, 8, 12345.678); print x; print length(x), substr(x, 3, 4), index(x, "ab"), toupper("mixed Case") }'
awk 'BEGIN { s = "a,b,,c"; n = split(s, p, ","); for (i = 1; i <= n; i++) printf "[%s]", p[i]; print ""; t = "foo bar foo"; gsub(/foo/, "X&Y", t); print t; print match("xxabcx", /abc/), RSTART, RLENGTH }'
awk 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } BEGIN { for (i = 1; i <= 12; i += 3) print i, fact(i); print int(-3.7), 7 % 3, 2 ^ 10, 1e3 + 0.5, 10 / 4 }'
printf '3 x\n1 y\n2 z\n' | awk '{ print $2, $1 * 10 | "sort -k2n" } END { close("sort -k2n"); print "end" }'

section sed
sed -n '2,4p' people.txt
sed -e 's/:/ /g' -e '/^e/d' -e 's/\([a-z]*\) \([0-9]*\)/\2 \1/' people.txt
sed '1!G;h;$!d' people.txt | head -3
printf 'one\ntwo\nthree\n' | sed -n '/two/{=;p}'
printf 'a\nb\nc\n' | sed '2i\
inserted
$a\
appended
y/abc/XYZ/'
sed -E 's/^([a-z])([a-z]*)/\U\1\E\2/' people.txt 2>&1 | head -2

section grep
grep -c engineer people.txt
grep -n -v -e paris -e london people.txt
grep -E '^(a|e)[a-z]+:3[0-9]' people.txt
grep -o '[0-9][0-9]' people.txt | sort -u | tr '\n' ' '; echo
grep -i -w PARIS people.txt | cut -d: -f1
grep -q nobody people.txt; echo "grep nothing: $?"
grep -l alice people.txt nosuchfile 2>&1; echo "grep missing: $?"
fgrep -x 'bob:27:london:designer' people.txt
egrep -c 'e.*e' people.txt

section sort-uniq-cut
sort -t: -k2,2n -k1,1r people.txt | cut -d: -f1,2
cut -d: -f3 people.txt | sort | uniq -c | sort -k1,1nr -k2
cut -c1-3,6- people.txt | head -2
cut -d: -f4 people.txt | sort | uniq -d
cut -d: -f4 people.txt | sort | uniq -u
printf '10\n9\n100\n1e2\n-5\n' | sort -g | tr '\n' ' '; echo
printf 'b\nA\na\nB\n' | sort -f | tr '\n' ' '; echo
printf 'x 3\ny 1\nz 2\n' | sort -k2 -r -s

section tr-wc-head-tail
echo 'Hello, World 123' | tr -d '[:digit:]' | tr '[:lower:]' '[:upper:]'
echo 'aaabbbccc   dd' | tr -s 'a-c '
echo 'hello' | tr -c 'l\n' '_'
wc people.txt
wc -l < people.txt
printf 'a b c\nd e\n' | wc -w
head -n 2 people.txt; tail -n 2 people.txt
head -c 10 people.txt; echo
tail -n +6 people.txt
tail -c 9 people.txt

section more-text
tac people.txt | head -2
rev < people.txt | head -2
nl -ba people.txt | tail -1
paste -d, - - < people.txt
paste -s -d'+' <<'NUMS' | tee sum.txt
1
2
3
NUMS
fold -w 10 people.txt | head -3
printf 'a\tb\tc\n' | expand -t 4 | od -c | head -2
printf 'a       b\n' | unexpand -a | od -c | head -1
strings -n 3 people.txt | wc -l
printf 'x\r\ny\r\n' | dos2unix | od -An -tx1
printf 'x\ny\n' | unix2dos | od -An -tx1
