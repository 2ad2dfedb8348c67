// Debian's static i386 busybox running shell pipelines under vxts: `sh -c` forks, execs
// /proc/self/exe for each applet, connects them with pipes and waits (qemu-i386 cannot exec
// /proc/self/exe, so the expected outputs are written here, each what any POSIX shell prints).
// Needs .cache/busybox/bin/busybox (bash test/oracle/fetch-busybox.sh); skipped without it.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, runVxts } from '../programs/harness';

const BUSYBOX = resolve(ROOT, '.cache/busybox/bin/busybox');
const have = existsSync(BUSYBOX);
if (!have) console.log(`skipping busybox sh tests: ${BUSYBOX} is missing (run bash test/oracle/fetch-busybox.sh)`);
const maybe = have ? test : test.skip;

const CASES: [string, string, number][] = [
  ['echo a b | tr a-z A-Z | wc -c', '4\n', 0],
  ['echo a b | tr a-z A-Z', 'A B\n', 0],
  ['seq 1 10 | sort -rn | head -3 | tr "\\n" " "; echo', '10 9 8 \n', 0],
  ['x=$(echo inner | tr a-z A-Z); echo "got $x"', 'got INNER\n', 0],
  ['f() { echo "fn $1"; return 4; }; f one; echo "status $?"', 'fn one\nstatus 4\n', 0],
  ['(echo sub; exit 6); echo "sub status $?"', 'sub\nsub status 6\n', 0],
  ['false | true; echo $?; true | false; echo $?', '0\n1\n', 0],
  ['printf "b\\na\\nb\\n" | sort | uniq -c | sed "s/^ *//"', '1 a\n2 b\n', 0],
  ['echo hello > /tmp/f; cat /tmp/f /tmp/f | wc -l; rm /tmp/f', '2\n', 0],
  ['for i in 1 2 3; do echo $i; done | awk "{ s += \\$1 } END { print s }"', '6\n', 0],
  ['echo abc | grep -q b && echo yes || echo no', 'yes\n', 0],
  ['yes | head -2', 'y\ny\n', 0],
  ['exit 7', '', 7],
  ['kill -9 $$', '', 137],
  ['sh -c "exit 3"; echo "nested $?"', 'nested 3\n', 0],
  ['echo x | (read v; echo "read $v")', 'read x\n', 0],
];

describe('busybox sh', () => {
  test.each(CASES)('sh -c %j', async (script, stdout, status) => {
    if (!have) return;
    const got = await runVxts(BUSYBOX, ['sh', '-c', script]);
    expect({ stdout: got.stdout, status: got.status }).toEqual({ stdout, status });
  });
  maybe('a script with a pipeline of 5 applets', async () => {
    const got = await runVxts(BUSYBOX, ['sh', '-c', 'seq 1 200 | grep 7 | sort -r | head -n 4 | tr "\\n" ,']);
    expect(got.stdout).toBe('97,87,79,78,');
  });
});
