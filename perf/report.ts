// Presentation of perf results: the terminal table, the JSON record and the Markdown report.
// Everything here is formatting; the numbers come from measure.ts.

import type { ExecRow } from './exec.js';
import type { Measurement } from './measure.js';
import type { TenancyRecord } from './tenancy.js';
import { tenancyMarkdown, tenancyTerminal } from './tenancy-report.js';

export interface ExecRecord {
  /** True when the benchmarks ran at their quick sizes (argument 1). */
  readonly quickSizes: boolean;
  /** Runs per engine; the best time is kept. */
  readonly repetitions: number;
  readonly qemu: string | null;
  readonly nativeCompiler: string | null;
  readonly skipped: readonly string[];
  readonly rows: readonly ExecRow[];
  readonly geomean: { readonly vxtsOverQemu: number | null; readonly vxtsOverNative: number | null; readonly qemuOverNative: number | null };
  readonly translation: { readonly instructions: number; readonly decodeEmitUsPerInstruction: number; readonly compileUsPerInstruction: number };
  readonly startup: Startup;
  /**
   * Start-up-heavy runs of busybox applets (Debian's busybox-static:i386, fetched by
   * test/oracle/fetch-busybox.sh; the first applet translates, the others share its code), or
   * why they were not measured.
   */
  readonly applets?: readonly Startup[] | { readonly skipped: string };
}

/** One start-up-heavy run and its translation share. */
export interface Startup {
  readonly name: string; readonly seconds: number; readonly qemuSeconds: number | null; readonly instructions: number;
  readonly instructionsTranslated: number; readonly blocksTranslated: number;
  readonly translateMs: number; readonly compileMs: number; readonly translationShare: number;
}

/** The goal of issue 7: geometric mean of vxts time over qemu-i386 time. */
export const EXEC_GOAL = 3.0;

export interface Skipped {
  readonly name: string;
  readonly reason: string;
}

export interface RunRecord {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly platform: string; readonly arch: string; readonly node: string };
  readonly input: { readonly file: string; readonly segments: number; readonly bytes: number; readonly instructions: number; readonly undecodable: number };
  readonly goal: { readonly instructionsPerSecond: number; readonly benchmark: string; readonly met: boolean | null };
  readonly results: readonly Measurement[];
  readonly skipped: readonly Skipped[];
  readonly capstoneVersion: string | null;
  readonly exec?: ExecRecord;
  /** Tenancy figures (perf/tenancy.ts), or why they are missing. */
  readonly tenancy?: TenancyRecord | { readonly error: string };
}

const sec = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
const ratio = (x: number | null): string => (x === null ? '-' : `${x.toFixed(2)}x`);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

const EXEC_HEADER = ['benchmark', 'guest insns', 'vxts s', 'qemu s', 'native s', 'vxts/qemu', 'vxts/native', 'qemu/native', 'vxts M insn/s', 'translating', 'checksum'];

function execCells(e: ExecRecord): string[][] {
  const rows = e.rows.map((r) => [
    r.name, String(r.instructions), sec(r.vxts), sec(r.qemu), sec(r.native), ratio(r.vxtsOverQemu), ratio(r.vxtsOverNative),
    ratio(r.qemuOverNative), r.mips.toFixed(1), pct(r.translationShare), r.checksumOk ? 'ok' : 'WRONG',
  ]);
  rows.push(['geometric mean', '', '', '', '', ratio(e.geomean.vxtsOverQemu), ratio(e.geomean.vxtsOverNative), ratio(e.geomean.qemuOverNative), '', '', '']);
  return rows;
}

function execGoalText(e: ExecRecord): string {
  const g = e.geomean.vxtsOverQemu;
  return g === null ? `exec goal: geomean vxts/qemu <= ${EXEC_GOAL}: not measured (no qemu-i386)`
    : `exec goal: geomean vxts/qemu = ${g.toFixed(2)} (goal <= ${EXEC_GOAL.toFixed(1)}): ${g <= EXEC_GOAL ? 'met' : 'NOT met'}`;
}

const startupLine = (h: Startup): string =>
  `start-up (${h.name}): ${(h.seconds * 1000).toFixed(1)} ms under vxts${h.qemuSeconds !== null ? `, ${(h.qemuSeconds * 1000).toFixed(1)} ms under qemu-i386` : ''}; ` +
  `${h.instructions} insns run, ${h.instructionsTranslated} translated in ${h.blocksTranslated} blocks; ` +
  `${h.translateMs.toFixed(1)} ms decode+emit + ${h.compileMs.toFixed(1)} ms compile = ${pct(h.translationShare)} of the run`;

function translationLines(e: ExecRecord): string[] {
  const t = e.translation;
  const a = e.applets;
  return [
    `translation: ${t.instructions} guest instructions translated in all runs: ${t.decodeEmitUsPerInstruction.toFixed(2)} us/insn decode+emit (ours), ` +
      `${t.compileUsPerInstruction.toFixed(2)} us/insn host compile (new Function)`,
    startupLine(e.startup),
    ...(a === undefined ? [] : 'skipped' in a ? [`start-up (busybox applets): not measured: ${a.skipped}`] : a.map(startupLine)),
  ];
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

function execTerminal(e: ExecRecord): string {
  return [table(EXEC_HEADER, execCells(e)), ...e.skipped.map((s) => `not measured: ${s}`), '', ...translationLines(e), execGoalText(e)].join('\n');
}

function execMarkdown(e: ExecRecord): string[] {
  const t = e.translation;
  return [
    '## Execution speed',
    '',
    `Each benchmark of \`guests/bench/\` ${e.quickSizes ? 'at its quick size (argument 1)' : 'at its full size'}, best of ${e.repetitions} run(s) per engine, all in this run. ` +
      'vxts runs in-process through the code `vxts run` uses (spawnProcess + runProcess), translation included; qemu-i386 and native are host processes ' +
      '(their times include process start-up). Every output is checked against `guests/bench/expected.json`.',
    '',
    ...(e.skipped.length ? e.skipped.map((s) => `- not measured: ${s}`) : [`- qemu: \`${e.qemu}\`; native: \`${e.nativeCompiler} -O2\` (x86-64)`]),
    '',
    '![time relative to the fastest engine](chart.svg)',
    '',
    `| ${EXEC_HEADER.join(' | ')} |`,
    `| ${EXEC_HEADER.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`,
    ...execCells(e).map((r) => `| ${r.join(' | ')} |`),
    '',
    execGoalText(e),
    '',
    '## Translation overhead',
    '',
    `Over the first (cold) vxts run of each program above, ${t.instructions} guest instructions were translated. ` +
      'Only first runs count: a later run in the same process finds identical block sources in V8\'s compilation cache.',
    '',
    '| per translated guest instruction | us |',
    '| --- | ---: |',
    `| decode + validate + emit (ours) | ${t.decodeEmitUsPerInstruction.toFixed(2)} |`,
    `| host engine compile (\`new Function\`, V8 parse + first tier) | ${t.compileUsPerInstruction.toFixed(2)} |`,
    `| total | ${(t.decodeEmitUsPerInstruction + t.compileUsPerInstruction).toFixed(2)} |`,
    '',
    ...translationLines(e).slice(1).map((l) => `- ${l}`),
    `- long-running work: the "translating" column above (share of each benchmark's first vxts run spent in translation).`,
    '',
    'Where the remaining time goes (CPU profiles of the benchmarks under vxts): [PROFILE.md](PROFILE.md).',
    '',
  ];
}

function millions(n: number): string {
  return (n / 1e6).toFixed(n >= 1e7 ? 1 : n >= 1e6 ? 2 : 3);
}

/** Rows of cells: benchmark, M insn/s, MB/s, best chunk, relative to the first row. */
function cells(record: RunRecord): string[][] {
  const base = record.results[0]?.instructionsPerSecond ?? 0;
  const rows = record.results.map((m) => [
    m.name, millions(m.instructionsPerSecond), m.megabytesPerSecond.toFixed(1),
    millions(m.bestChunkInstructionsPerSecond), base > 0 ? `${(m.instructionsPerSecond / base).toFixed(3)}x` : '',
  ]);
  for (const s of record.skipped) rows.push([s.name, '-', '-', '-', '-']);
  return rows;
}

function skippedText(record: RunRecord): string[] {
  return record.skipped.map((s) => `skipped ${s.name}: ${s.reason}`);
}

const HEADER = ['benchmark', 'M insn/s', 'MB/s', 'best chunk M insn/s', 'vs decodeInto'];

export function terminalTable(record: RunRecord): string {
  const rows = [HEADER, ...cells(record)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function goalText(record: RunRecord): string {
  const g = record.goal;
  const verdict = g.met === null ? 'not measured' : g.met ? 'met' : 'NOT met';
  return `goal: ${millions(g.instructionsPerSecond)} M instructions/s for "${g.benchmark}": ${verdict}`;
}

export function terminalSummary(record: RunRecord): string {
  const exec = record.exec ? ['', execTerminal(record.exec)] : [];
  const t = record.tenancy;
  const tenancy = t === undefined ? [] : 'error' in t ? ['', `tenancy: not measured: ${t.error}`] : ['', tenancyTerminal(t)];
  return [terminalTable(record), ...skippedText(record), '', goalText(record), ...exec, ...tenancy].join('\n');
}

export function markdownReport(record: RunRecord): string {
  const m = record.machine, i = record.input;
  const table = [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`,
    ...cells(record).map((r) => `| ${r.join(' | ')} |`),
  ];
  const notes = record.results.map((r) => `- **${r.name}**: ${r.note} (${r.chunks} chunks in ${r.seconds.toFixed(2)} s).`);
  return [
    '# vxts perf report',
    '',
    'Generated by `npm run perf`; do not edit by hand.',
    '',
    `- date: ${record.date}${record.quick ? ' (quick pass)' : ''}`,
    `- machine: ${m.cpu} (${m.cores} logical CPUs), ${m.platform}/${m.arch}`,
    `- node: ${m.node}`,
    `- capstone-wasm: ${record.capstoneVersion ?? 'not measured'}`,
    `- input: linear sweep of the executable segments of \`${i.file}\`: ${i.segments} segment(s), ${i.bytes} bytes, ` +
      `${i.instructions} instructions, ${i.undecodable} undecodable bytes`,
    '',
    '## Decoder throughput',
    '',
    ...table,
    '',
    ...skippedText(record).map((t) => `${t}  `),
    goalText(record),
    '',
    'MB/s counts the bytes of the segments swept (count:1 rows: the bytes of the instructions decoded). ' +
      '"best chunk" is the fastest single chunk of work, less affected by other load on the machine.',
    '',
    ...notes,
    '',
    ...(record.exec ? execMarkdown(record.exec) : []),
    ...(record.tenancy === undefined ? [] : 'error' in record.tenancy ? ['## Tenancy', '', `Not measured: ${record.tenancy.error}`, ''] : tenancyMarkdown(record.tenancy)),
  ].join('\n');
}
