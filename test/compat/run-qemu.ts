// Runs built programs under qemu-i386 for the baseline, a few at a time, each with a wall-time
// limit, in a scratch directory. qemu's outcome for a given binary does not change, so results
// are cached by build key and qemu version: a warm rerun starts no qemu for unchanged programs.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.js';
import { mapLimit } from './pool.js';
import type { Built, RunOutcome } from './types.js';

export const QEMU = process.env.COMPAT_QEMU ?? 'qemu-i386';

interface QemuCache { version: string; results: Record<string, RunOutcome> }

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGXCPU: 24, SIGXFSZ: 25, SIGSYS: 31 };

const failLines = (text: string) => text.split('\n').filter((l) => l.startsWith('[FAIL]')).map((l) => l.trim());

export async function runQemu(built: readonly Built[], o: { version: string; jobs: number; timeoutMs: number; cacheFile: string; scratch: string }): Promise<Map<string, RunOutcome>> {
  let cache: QemuCache = { version: o.version, results: {} };
  if (existsSync(o.cacheFile)) {
    const c = JSON.parse(readFileSync(o.cacheFile, 'utf8')) as QemuCache;
    if (c.version === o.version) cache = c;
  }
  mkdirSync(o.scratch, { recursive: true });
  const results = new Map<string, RunOutcome>();
  await mapLimit(built.filter((b) => b.binary !== undefined), o.jobs, async (b) => {
    const hit = cache.results[b.key];
    if (hit !== undefined) { results.set(b.program.name, hit); return; }
    const r = await exec(QEMU, [b.binary!], { cwd: o.scratch, timeoutMs: o.timeoutMs });
    // qemu-i386 passes a guest's death by a signal on as its own (the shell's 128+N otherwise).
    const signal = r.signal !== null && !r.timedOut ? SIGNALS[r.signal] ?? -1 : null;
    const outcome: RunOutcome = {
      code: r.timedOut ? null : r.code,
      signal,
      reason: r.timedOut ? 'timeout' : signal !== null ? 'signal' : 'exit',
      message: r.timedOut ? `wall-time limit of ${o.timeoutMs} ms reached` : undefined,
      failLines: failLines(`${r.stdout}\n${r.stderr}`),
      stderrTail: r.stderr.slice(-600),
      ms: Math.round(r.ms),
    };
    results.set(b.program.name, outcome);
    if (!r.timedOut) cache.results[b.key] = outcome;
  });
  writeFileSync(o.cacheFile, JSON.stringify(cache));
  return results;
}
