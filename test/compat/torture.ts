// The gcc.c-torture/execute suite of gcc-12 (Debian's source package): every top-level *.c of
// the directory is one program (1,592 in 12.2.0; the ieee/ and builtins/ subdirectories are
// separate .exp drivers with their own rules and are not part of that count). Each is built the
// way DejaGnu's torture loop would at one level: -O2, then the program's dg-options (DejaGnu's
// default extra flag -w kept), then dg-additional-options, static, linked with -lm.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { plan } from './dejagnu.js';
import type { Program } from './types.js';

/** The one torture level CI runs; `--opt` picks another (exploration: -O0, -O3 ..., -Os). */
export const TORTURE_FLAGS = ['-O2'];
const BASE = ['-static', '-w'];

/** Quoted includes that live next to the source (e.g. `#include "20040629-1.c"`), transitively. */
function localIncludes(dir: string, file: string, seen = new Set<string>()): string[] {
  const text = readFileSync(join(dir, file), 'latin1');
  for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    const inc = m[1];
    if (seen.has(inc) || !existsSync(join(dir, inc))) continue;
    seen.add(inc);
    localIncludes(dir, inc, seen);
  }
  return [...seen];
}

/** The programs of the suite in `dir` (…/gcc.c-torture/execute), sorted by name. */
export function torturePrograms(dir: string, torture: readonly string[] = TORTURE_FLAGS): Program[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.c')).sort();
  return files.map((file): Program => {
    const p = plan(readFileSync(join(dir, file), 'latin1'), torture);
    return {
      suite: 'torture',
      name: file.slice(0, -2),
      dir,
      sources: [file],
      flags: [...torture, ...BASE, ...p.options],
      libs: ['-lm'],
      inputs: localIncludes(dir, file),
      skip: p.skip,
    };
  });
}
