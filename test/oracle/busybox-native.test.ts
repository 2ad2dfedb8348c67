// Debian's static i386 busybox under vxts against the same busybox version built for x86-64
// (Debian's busybox-static:amd64) run natively: each script of test/oracle/busybox-scripts runs as
// `busybox sh SCRIPT` in the same fresh working directory (the same host path both times), with the
// same fixed environment and an empty stdin; stdout, stderr and exit status must be equal byte for
// byte. qemu-i386 cannot be the oracle here because busybox sh execs /proc/self/exe for applets.
//
// test/oracle/busybox-known-failures.json lists scripts that do not match yet, each with the
// cause. A listed script must still differ: when it starts matching this test fails and asks for
// it to be removed from the list, so the list cannot go stale.
//
// Needs .cache/busybox/bin/busybox (test/oracle/fetch-busybox.sh) and .cache/natives/busybox-amd64
// (test/oracle/fetch-natives.sh); skipped without them.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runNative as runNativeEnv, runUnderVxts, type Outcome } from './native-harness';

const ROOT = join(__dirname, '..', '..');
const I386 = join(ROOT, '.cache', 'busybox', 'bin', 'busybox');
const AMD64 = join(ROOT, '.cache', 'natives', 'busybox-amd64');
const SCRIPTS = join(__dirname, 'busybox-scripts');
const WORK = join(ROOT, '.cache', 'oracle-work');
const ENV = ['HOME=/', 'TZ=UTC', 'LC_ALL=C', 'LANG=C'];
// Applets that busybox runs by PATH (tar's gzip/bzip2 helpers, awk's `print | "cmd"` through
// /bin/sh) must be busybox on both sides, never the host's GNU tools: each run gets WORK/bin with
// a symlink per applet to its own busybox, PATH=WORK/bin only, and under vxts also WORK/bin at
// /bin (so popen's /bin/sh exists; natively /bin/sh is the host's, which runs busybox by PATH).
const envFor = (work: string): string[] => [`PATH=${join(work, 'bin')}`, ...ENV];
function appletLinks(work: string, busybox: string): void {
  mkdirSync(join(work, 'bin'));
  for (const a of appletList()) if (!a.includes('/')) symlinkSync(busybox, join(work, 'bin', a));
}

const have = existsSync(I386) && existsSync(AMD64);
if (!have) console.log(`skipping busybox native comparison: needs ${I386} and ${AMD64} (bash test/oracle/fetch-busybox.sh; bash test/oracle/fetch-natives.sh)`);

const scripts = readdirSync(SCRIPTS).filter((f) => f.endsWith('.sh')).sort();
const known = JSON.parse(readFileSync(join(__dirname, 'busybox-known-failures.json'), 'utf8')) as Record<string, string>;

/** A fresh, empty working directory at the same host path for every run of `name`. */
function freshWork(name: string): string {
  const dir = join(WORK, name.replace(/\.sh$/, ''));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

const runNative = (program: string, args: string[], work: string, env: string[] = ENV): Outcome => runNativeEnv(program, args, work, env);

const same = (a: Outcome, b: Outcome): boolean => a.status === b.status && a.stdout.equals(b.stdout) && a.stderr.equals(b.stderr);
const show = (o: Outcome): { status: number; stdout: string; stderr: string } =>
  ({ status: o.status, stdout: o.stdout.toString('latin1'), stderr: o.stderr.toString('latin1') });

/** Both runs of one script, native first, each in the same freshly emptied directory. */
async function both(script: string): Promise<{ native: Outcome; vxts: Outcome }> {
  const path = join(SCRIPTS, script);
  let work = freshWork(script);
  appletLinks(work, AMD64);
  const native = runNative(AMD64, ['sh', path], work, envFor(work));
  work = freshWork(script);
  appletLinks(work, I386);
  // busybox's own directory is mounted too, as the scripts exec it by path; `exec-unmounted` below checks /proc/self/exe without it.
  const vxts = await runUnderVxts(I386, ['sh', path], work, [SCRIPTS, dirname(I386)], envFor(work), [`${join(work, 'bin')}:/bin:ro`]);
  rmSync(join(WORK, script.replace(/\.sh$/, '')), { recursive: true, force: true });
  return { native, vxts };
}

// ---- counting the applets the scripts run -------------------------------------------------------

/** The applets of the amd64 busybox (the same list as the i386 one: same version and config). */
let appletCache: Set<string> | null = null;
function appletList(): Set<string> {
  if (appletCache) return appletCache;
  const r = spawnSync(AMD64, ['--list'], { encoding: 'latin1' });
  return (appletCache = new Set(r.stdout.split('\n').filter((s) => s !== '')));
}

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'exec', 'command']);

/**
 * The applet names in command position in a shell script: the first word of each simple command
 * (after `|`, `;`, `&&`, `||`, `(`, `$(`, a backquote, a keyword or a newline), plus the command
 * that `xargs`, `timeout N`, `env` and `nice` run and the commands awk pipes to.
 */
export function appletsIn(text: string, applets: Set<string>): Set<string> {
  const found = new Set<string>(['sh']);
  const body = text.replace(/<<-?\s*'?(\w+)'?[^\n]*\n[\s\S]*?\n\s*\1\n/g, '\n').replace(/^\s*#.*$/gm, '');
  for (const piece of body.split(/\|\||&&|[|;\n`]|\$\(|\(|\{|\bthen\b|\bdo\b|\belse\b/)) {
    const words = piece.trim().split(/\s+/).filter((w) => w !== '');
    let i = 0;
    while (i < words.length && (KEYWORDS.has(words[i]) || /^\w+=/.test(words[i]))) i++;
    while (i < words.length) {
      const w = words[i].replace(/^["']|["']$/g, '');
      if (!applets.has(w)) break;
      found.add(w);
      if (w === 'xargs' || w === 'env' || w === 'time') { i++; while (i < words.length && words[i].startsWith('-')) i += words[i] === '-n' || words[i] === '-I' ? 2 : 1; }
      else if (w === 'timeout') i += 2;
      else break;
    }
  }
  return found;
}

/** Comparisons that are not scripts of busybox-scripts/ (known-failure keys besides script names). */
const EXTRA = ['exec-unmounted'];

test('the known-failure list names only real scripts, each with a reason', () => {
  expect(Object.keys(known).filter((s) => !scripts.includes(s) && !EXTRA.includes(s))).toEqual([]);
  for (const [s, why] of Object.entries(known)) expect([s, typeof why === 'string' && why.length > 0]).toEqual([s, true]);
});

(have ? test : test.skip)('the scripts exercise at least 60 distinct applets', () => {
  const applets = appletList();
  const found = new Set<string>();
  for (const s of scripts) for (const a of appletsIn(readFileSync(join(SCRIPTS, s), 'latin1'), applets)) found.add(a);
  const list = [...found].sort();
  console.log(`busybox applets exercised (${list.length}): ${list.join(' ')}`);
  expect(list.length).toBeGreaterThanOrEqual(60);
});

describe.each(scripts)('%s', (script) => {
  const maybe = have ? test : test.skip;
  if (known[script] === undefined) {
    maybe('busybox:i386 under vxts matches busybox:amd64 natively (stdout, stderr, status)', async () => {
      const { native, vxts } = await both(script);
      expect(show(vxts)).toEqual(show(native));
      expect(same(vxts, native)).toBe(true);
    });
  } else {
    maybe(`still differs (known failure: ${known[script]})`, async () => {
      const { native, vxts } = await both(script);
      if (same(vxts, native)) throw new Error(`${script} now matches byte for byte: remove it from test/oracle/busybox-known-failures.json`);
    });
  }
});

// `busybox sh` runs every applet by execve("/proc/self/exe"). On Linux that works wherever the
// program file lives; here busybox's directory is not mounted in the guest (only the working
// directory is), as with `vxts run /some/where/busybox sh -c ...`.
describe('exec-unmounted', () => {
  const maybe = have ? test : test.skip;
  const go = async (): Promise<{ native: Outcome; vxts: Outcome }> => {
    const args = ['sh', '-c', 'echo hi | cat; cat /dev/null; echo "status $?"'];
    const env = ['PATH=/bin:/usr/bin', ...ENV];
    const native = runNative(AMD64, args, freshWork('exec-unmounted'), env);
    const vxts = await runUnderVxts(I386, args, freshWork('exec-unmounted'), [], env);
    rmSync(join(WORK, 'exec-unmounted'), { recursive: true, force: true });
    return { native, vxts };
  };
  if (known['exec-unmounted'] === undefined) {
    maybe('applets run when busybox itself is outside every guest mount', async () => {
      const { native, vxts } = await go();
      expect(show(vxts)).toEqual(show(native));
    });
  } else {
    maybe(`still differs (known failure: ${known['exec-unmounted']})`, async () => {
      const { native, vxts } = await go();
      if (same(vxts, native)) throw new Error('exec-unmounted now matches: remove it from test/oracle/busybox-known-failures.json');
    });
  }
});
