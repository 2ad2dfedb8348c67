# Files and archives: mkdir, cp, mv, rm, ln, ls -l, find, stat, touch, chmod, tar, gzip, bzip2,
# checksums, od, hexdump, xxd, dd, base64. Runs in an empty directory; ls -l shows only the mode,
# size and name columns (no owners, no times).
set -u
umask 022
mkdir -p tree/a/b tree/c
printf 'hello world\n' > tree/a/one.txt
seq 1 500 > tree/a/b/numbers.txt
printf '\000\001\002\377binary\n' > tree/c/bin.dat
echo "second" >> tree/a/one.txt
cp tree/a/one.txt tree/c/copy.txt
cp -r tree/a tree/a2
mv tree/a2 tree/moved
ln -s ../a/one.txt tree/c/link
ln tree/a/one.txt tree/hard
chmod 640 tree/c/copy.txt
chmod u+x,g-r tree/hard
touch -d '2020-02-29 12:34:56' tree/a/one.txt
listing() { ls -l "$@" | awk 'NR > 1 || $1 != "total" { print $1, $5, $NF }'; }

echo "== ls"
listing tree/c
ls -1 tree | sort
ls -R tree/moved
readlink tree/c/link
realpath tree/c/../a/b | sed "s|^$PWD/||"
basename tree/a/b/numbers.txt .txt; dirname tree/a/b/numbers.txt
stat -c '%n %s %a %F' tree/a/one.txt tree/c/link tree/a
stat -c '%Y' tree/a/one.txt
date -u -r tree/a/one.txt '+%F %T'

echo "== find"
find tree -type f | sort
find tree -name '*.txt' -size -2k | sort
find tree -type d | sort | xargs -n 2 echo pair:
find tree -newer tree/a/one.txt -type f | sort | head -3
find tree -type f -exec wc -c {} \; | sort -k2
find tree -maxdepth 1 -type l -o -maxdepth 1 -type f | sort
du -s tree/a/b >/dev/null && echo du ok

echo "== checksums"
md5sum tree/a/one.txt tree/a/b/numbers.txt
sha1sum tree/a/b/numbers.txt
sha256sum < tree/a/one.txt
sha512sum tree/a/one.txt | cut -c1-40
sha3sum tree/a/one.txt
md5sum tree/a/one.txt > sums; md5sum -c sums
crc32 tree/a/b/numbers.txt 2>/dev/null || echo "crc32: $?"

echo "== compression"
gzip -c tree/a/b/numbers.txt > n.gz
gunzip -c n.gz | md5sum
zcat n.gz | tail -1
bzip2 -c tree/a/b/numbers.txt > n.bz2
bunzip2 -c n.bz2 | wc -l
bzcat n.bz2 | head -1
xz -c tree/a/b/numbers.txt 2>/dev/null > n.xz || echo "no xz compressor"
gzip -t n.gz && echo "gzip -t ok"
cp tree/a/one.txt plain; gzip plain; ls plain*; gunzip plain.gz; cat plain
echo broken > bad.gz; gunzip -c bad.gz; echo "gunzip bad: $?"

echo "== tar"
tar -cf t.tar tree/a tree/c/copy.txt
tar -tf t.tar | sort
mkdir out; tar -xf t.tar -C out; diff -r tree/a out/tree/a && echo "tar roundtrip ok"
tar -czf t.tgz -C tree moved; tar -tzf t.tgz | sort
tar -cjf t.tbz tree/c; tar -xjf t.tbz -O tree/c/copy.txt
echo "tar t.tar is $(wc -c < t.tar) bytes"
cd tree/c && find . | sort | cpio -o -H newc 2>/dev/null | cpio -t 2>/dev/null | sort; cd ../..

echo "== bytes"
od -An -tx1 tree/c/bin.dat
od -c tree/c/bin.dat
od -tu2 -N 6 tree/c/bin.dat
hexdump -C tree/c/bin.dat
hexdump -e '4/1 "%02x" "\n"' tree/c/bin.dat
xxd tree/a/one.txt
xxd -p tree/c/bin.dat | xxd -r -p | cmp - tree/c/bin.dat && echo "xxd roundtrip ok"
dd if=tree/a/b/numbers.txt bs=7 skip=2 count=3 2>/dev/null; echo
dd if=/dev/zero bs=1k count=3 2>/dev/null | wc -c
base64 tree/c/bin.dat; base64 tree/c/bin.dat | base64 -d | cmp tree/c/bin.dat - && echo "base64 ok"
uuencode -m x < tree/a/one.txt
truncate -s 5 plain; cat plain; echo
printf 'abc' | tee t1 t2 >/dev/null; cat t1 t2; echo
shred -u t2 2>/dev/null; ls t2 2>&1

echo "== remove"
rm -r tree/moved; rm tree/hard; rmdir tree/c 2>&1; echo "rmdir: $?"
unlink tree/c/link; rm -f tree/c/*; rmdir tree/c && echo removed
mkdir -p deep/er/est && rmdir -p deep/er/est && ls deep 2>&1
ls tree | sort
mktemp -p . tmp.XXXXXX | sed 's/tmp\..*/tmp.X/'
