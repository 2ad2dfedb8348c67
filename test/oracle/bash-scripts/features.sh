# bash features: functions, indexed and associative arrays, loops, subshells, here-documents,
# pipelines, arithmetic, string operations, traps. Uses builtins only (no external programs).
set -u
greet() { local who=${1:-world}; printf 'hello, %s\n' "$who"; return ${#who}; }
greet; echo "status $?"; greet bash; echo "status $?"
fact() { (( $1 <= 1 )) && { echo 1; return; }; echo $(( $1 * $(fact $(( $1 - 1 ))) )); }
echo "fact 12 = $(fact 12)"
arr=(zero one "two words" three)
arr+=(four)
echo "${#arr[@]} ${arr[2]} ${arr[-1]} ${!arr[*]}"
for i in "${!arr[@]}"; do printf '%d=%s;' "$i" "${arr[$i]}"; done; echo
unset 'arr[1]'; echo "${arr[@]:1:2}"
declare -A color=([apple]=red [banana]=yellow)
color[grape]=purple
for k in $(printf '%s\n' "${!color[@]}" | { mapfile -t keys; IFS=$'\n'; for x in "${keys[@]}"; do echo "$x"; done; } | while read -r k; do echo "$k"; done); do echo "$k is ${color[$k]}"; done | { mapfile -t lines; n=${#lines[@]}; for ((i = 0; i < n; i++)); do echo "${lines[i]}"; done; } > /dev/null
keys=(${!color[@]}); sorted=$(for k in "${keys[@]}"; do echo "$k"; done | while read -r k; do echo "$k=${color[$k]}"; done)
echo "${#color[@]} entries"; [[ -v color[apple] ]] && echo "apple set"
s="The quick brown fox"
echo "${s^^} ${s,,} ${s:4:5} ${s: -3} ${s/quick/slow} ${s//o/0} ${#s} ${s#* } ${s##* } ${s%% *}"
words=($s); echo "${#words[@]} words, last ${words[${#words[@]}-1]}"
for ((i = 0, j = 10; i < 5; i++, j -= 2)); do echo -n "$i:$j "; done; echo
n=0; while (( n < 100 )); do (( n += 17 )); done; echo "n=$n"
until [[ $n -le 0 ]]; do n=$(( n - 40 )); done; echo "n=$n"
echo $(( 2 ** 31 )) $(( -7 / 2 )) $(( -7 % 3 )) $(( 0xff & 0x0f )) $(( 1 << 62 )) $(( 5 > 3 ? 10 : 20 ))
x=1; (x=2; echo "sub $x $BASH_SUBSHELL"); echo "main $x $BASH_SUBSHELL"
out=$( (echo a; echo b) | while read -r l; do echo "<$l>"; done ); echo "$out"
while IFS= read -r l; do echo "$l"; done <<EOF2 | while IFS=: read -r name val; do echo "$name -> $val"; done
alpha:$((1 + 1))
beta:${s%% *}
EOF2
while IFS= read -r l; do echo "$l"; done <<'EOF3'
literal $s $(nope)
EOF3
read -r first rest <<< "here string value"; echo "$first|$rest"
printf '%s\n' c a b | { mapfile -t got; echo "${got[*]}"; }
case "$s" in *quick*) echo "case quick";; *) echo "case other";; esac
[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "regex ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
f() { echo "in f: $# args, FUNCNAME=${FUNCNAME[0]}"; }; f a b c
trap 'echo "trap ERR at $LINENO"' ERR
false
trap - ERR
trap 'echo "EXIT trap, status $?"' EXIT
( trap 'echo "sub exit"' EXIT; exit 3 ); echo "subshell status $?"
set -o pipefail; false | true; echo "pipefail $?"; set +o pipefail
printf -v padded '%05d' 42; echo "$padded"
declare -i num=5; num+=10; echo "$num"
echo "${PIPESTATUS[@]}"; true | false | true; echo "${PIPESTATUS[@]}"
exit 4
