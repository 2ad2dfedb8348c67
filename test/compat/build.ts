// Builds the programs of a suite with the i386 cross compiler, in parallel, caching each result
// (binary or compiler error) under a key hashed from the compiler's version, the flags and the
// bytes of every source and header: a rerun with nothing changed compiles nothing.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.js';
import { mapLimit } from './pool.js';
import type { Built, Program } from './types.js';

export const CC = process.env.COMPAT_CC ?? 'i686-linux-gnu-gcc';

function keyOf(p: Program, compiler: string): string {
  const h = createHash('sha256');
  h.update(`${compiler}\0${p.flags.join(' ')}\0${p.libs.join(' ')}\0`);
  for (const f of [...p.sources, ...p.inputs]) {
    h.update(`${f}\0`);
    h.update(existsSync(join(p.dir, f)) ? readFileSync(join(p.dir, f)) : Buffer.alloc(0));
  }
  return h.digest('hex').slice(0, 32);
}

export interface BuildStats { compiled: number; cached: number }

/** Builds every program that is not skipped into `outDir`, `jobs` compilers at a time. */
export async function buildAll(programs: readonly Program[], outDir: string, compiler: string, jobs: number, stats: BuildStats): Promise<Built[]> {
  mkdirSync(outDir, { recursive: true });
  const todo = programs.filter((p) => p.skip === undefined);
  return mapLimit(todo, jobs, async (p): Promise<Built> => {
    const key = keyOf(p, compiler);
    const binary = join(outDir, p.name);
    const stamp = `${binary}.key`;
    if (existsSync(stamp)) {
      const [k, status, ...rest] = readFileSync(stamp, 'utf8').split('\n');
      if (k === key && status === 'ok' && existsSync(binary)) { stats.cached++; return { program: p, binary, key }; }
      if (k === key && status === 'fail') { stats.cached++; return { program: p, buildError: rest.join('\n'), key }; }
    }
    stats.compiled++;
    const r = await exec(CC, [...p.flags, '-o', binary, ...p.sources, ...p.libs], { cwd: p.dir, timeoutMs: 300_000 });
    if (r.code === 0) {
      writeFileSync(stamp, `${key}\nok\n`);
      return { program: p, binary, key };
    }
    const error = (r.stderr || r.stdout).split('\n').filter((l) => /error|undefined reference/.test(l)).slice(0, 3).join('\n')
      || (r.timedOut ? 'compiler timed out' : r.stderr.slice(0, 300));
    writeFileSync(stamp, `${key}\nfail\n${error}`);
    return { program: p, buildError: error, key };
  });
}
