// The list of expected outcomes (test/compat/expected-failures.json) and the comparison with a
// run: a program failing under vxts that is not listed, a listed one that now passes, a skip
// that is not listed (or a listed skip that ran) and a listed name the suite no longer has are
// all unexpected, so the list only changes on purpose.

import { readFileSync } from 'node:fs';
import { describe, passed, type Built, type Program, type RunOutcome } from './types.js';

export interface SuiteExpectations {
  /** Programs not built or run, with the reason. */
  skipped: Record<string, string>;
  /** Programs that fail under vxts, with a one-line reason. */
  failures: Record<string, string>;
}

export type Expectations = Record<string, SuiteExpectations>;

export function loadExpectations(path: string): Expectations {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const out: Expectations = {};
  for (const [suite, v] of Object.entries(raw)) {
    if (suite.startsWith('$') || typeof v !== 'object' || v === null) continue;
    const s = v as Partial<SuiteExpectations>;
    out[suite] = { skipped: s.skipped ?? {}, failures: s.failures ?? {} };
  }
  return out;
}

/** What one program's result says against the list. */
export interface Verdict {
  name: string;
  /** pass, fail (vxts), build-fail, skip. */
  status: 'pass' | 'fail' | 'build-fail' | 'skip';
  expected: boolean;
  /** For unexpected ones: what to do about it. */
  note: string;
}

export function judge(
  programs: readonly Program[], built: readonly Built[], vxts: ReadonlyMap<string, RunOutcome>,
  exp: SuiteExpectations, complete: boolean,
): Verdict[] {
  const byName = new Map(built.map((b) => [b.program.name, b]));
  const out: Verdict[] = [];
  for (const p of programs) {
    const listedSkip = exp.skipped[p.name];
    const listedFail = exp.failures[p.name];
    if (p.skip !== undefined) {
      out.push({ name: p.name, status: 'skip', expected: listedSkip !== undefined, note: listedSkip !== undefined ? '' : `skipped but not listed in "skipped": ${p.skip}` });
      continue;
    }
    if (listedSkip !== undefined) {
      out.push({ name: p.name, status: 'skip', expected: false, note: `listed in "skipped" (${listedSkip}) but the suite's rules build it: remove it from the list` });
      continue;
    }
    const b = byName.get(p.name);
    if (b?.buildError !== undefined) {
      out.push({ name: p.name, status: 'build-fail', expected: listedFail !== undefined, note: listedFail !== undefined ? '' : `does not build: ${b.buildError.split('\n')[0]}` });
      continue;
    }
    const o = vxts.get(p.name);
    if (passed(o)) {
      out.push({ name: p.name, status: 'pass', expected: listedFail === undefined, note: listedFail === undefined ? '' : `now passes under vxts: remove it from "failures" (${listedFail})` });
    } else {
      out.push({ name: p.name, status: 'fail', expected: listedFail !== undefined, note: listedFail !== undefined ? '' : `fails under vxts: ${o ? describe(o) : 'not run'}` });
    }
  }
  if (complete) {
    const names = new Set(programs.map((p) => p.name));
    for (const n of [...Object.keys(exp.skipped), ...Object.keys(exp.failures)]) {
      if (!names.has(n)) out.push({ name: n, status: 'skip', expected: false, note: 'listed in expected-failures.json but not a program of the suite' });
    }
  }
  return out;
}
