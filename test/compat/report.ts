// Prints the run's summary: one table row per suite (programs, built, skipped, vxts and
// qemu-i386 pass/fail, expected and unexpected results, time), then the unexpected results
// and the expected failures with the outcome each had this time.

import type { Verdict } from './expected.js';
import { describe, type RunOutcome } from './types.js';

export interface SuiteSummary {
  suite: string;
  programs: number;
  built: number;
  buildFailed: number;
  skipped: number;
  vxtsPass: number;
  vxtsFail: number;
  /** null when qemu-i386 is not installed. */
  qemuPass: number | null;
  qemuFail: number | null;
  expectedFailures: number;
  unexpected: number;
  buildMs: number;
  runMs: number;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r, j) => {
    const line = r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    return j === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function printSummary(rows: readonly SuiteSummary[]): void {
  const head = ['suite', 'programs', 'built', 'skipped', 'vxts pass', 'vxts fail', 'qemu pass', 'qemu fail', 'expected fail', 'unexpected', 'build', 'run'];
  const body = rows.map((s) => [
    s.suite, String(s.programs), s.buildFailed > 0 ? `${s.built} (+${s.buildFailed} failed)` : String(s.built), String(s.skipped),
    String(s.vxtsPass), String(s.vxtsFail), s.qemuPass === null ? '-' : String(s.qemuPass), s.qemuFail === null ? '-' : String(s.qemuFail),
    String(s.expectedFailures), String(s.unexpected), secs(s.buildMs), secs(s.runMs),
  ]);
  console.log(`\n${table([head, ...body])}`);
}

export function printDetails(suite: string, verdicts: readonly Verdict[], reasons: Readonly<Record<string, string>>, vxts: ReadonlyMap<string, RunOutcome>, qemu: ReadonlyMap<string, RunOutcome> | null): void {
  const unexpected = verdicts.filter((v) => !v.expected);
  if (unexpected.length > 0) {
    console.log(`\n${suite}: ${unexpected.length} unexpected result(s):`);
    for (const v of unexpected) {
      const q = qemu?.get(v.name);
      console.log(`  ${v.name}: ${v.note}${q ? ` | qemu: ${q.code === 0 && q.failLines.length === 0 ? 'passes' : describe(q)}` : ''}`);
    }
  }
  const expectedFails = verdicts.filter((v) => v.expected && (v.status === 'fail' || v.status === 'build-fail'));
  if (expectedFails.length > 0) {
    console.log(`\n${suite}: ${expectedFails.length} expected failure(s):`);
    for (const v of expectedFails) {
      const o = vxts.get(v.name);
      console.log(`  ${v.name}: ${reasons[v.name]}${o ? ` [now: ${describe(o)}]` : ''}`);
    }
  }
}
