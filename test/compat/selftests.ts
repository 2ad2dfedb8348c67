// Linux's tools/testing/selftests/x86, 32-bit: the programs its Makefile builds with -m32
// (TARGETS_C_BOTHBITS, TARGETS_C_32BIT_ONLY, TARGETS_C_32BIT_NEEDED), with its CFLAGS
// (-O2 -g -std=gnu99 -pthread -Wall -no-pie, -DCAN_BUILD_32), its per-test additions
// (`$(OUTPUT)/NAME_32: CFLAGS += ...` and extra sources such as raw_syscall_helper_32.S), its
// libraries (-lrt -ldl -lm), and -static since vxts runs static programs only. Which of them
// are left out (ptrace, LDT, vm86, I/O ports...) is decided by expected-failures.json.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Program } from './types.js';

const LISTS = ['TARGETS_C_BOTHBITS', 'TARGETS_C_32BIT_ONLY', 'TARGETS_C_32BIT_NEEDED'];
const CFLAGS = ['-m32', '-static', '-O2', '-g', '-std=gnu99', '-pthread', '-Wall', '-no-pie', '-DCAN_BUILD_32'];
const LIBS = ['-lrt', '-ldl', '-lm'];
/** Headers the programs include, relative to the x86 directory (part of the build's cache key). */
const HEADERS = ['helpers.h', '../kselftest.h', '../../../../arch/x86/include/asm/desc_defs.h'];

/** Make variables of the Makefile, continuation lines joined: NAME := words. */
function makeVariables(text: string): Map<string, string[]> {
  const vars = new Map<string, string[]>();
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const m = /^([A-Z0-9_]+)\s*:?=\s*(.*)$/.exec(line);
    if (m) vars.set(m[1], m[2].split(/\s+/).filter((w) => w !== '' && !w.startsWith('$(')));
  }
  return vars;
}

/** The 32-bit programs of the suite in `dir` (…/selftests/x86), in the Makefile's order. */
export function selftestPrograms(dir: string, skips: Readonly<Record<string, string>>): Program[] {
  const makefile = readFileSync(join(dir, 'Makefile'), 'utf8');
  const vars = makeVariables(makefile);
  const names = LISTS.flatMap((l) => {
    const v = vars.get(l);
    if (v === undefined) throw new Error(`selftests/x86/Makefile: no ${l}`);
    return v;
  });
  const extraFlags = new Map<string, string[]>();
  const extraSources = new Map<string, string[]>();
  for (const m of makefile.matchAll(/^\$\(OUTPUT\)\/(\w+)_32:\s*(CFLAGS\s*\+=\s*)?(.*)$/gm)) {
    const words = m[3].split(/\s+/).filter((w) => w !== '');
    const into = m[2] ? extraFlags : extraSources;
    into.set(m[1], [...(into.get(m[1]) ?? []), ...words]);
  }
  return names.map((name): Program => ({
    suite: 'selftests',
    name,
    dir,
    sources: [`${name}.c`, ...(extraSources.get(name) ?? [])],
    flags: [...CFLAGS, ...(extraFlags.get(name) ?? []).filter((f) => f !== '-static')],
    libs: LIBS,
    inputs: HEADERS,
    skip: skips[name],
  }));
}
