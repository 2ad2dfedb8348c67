// Entry point of the perf suite (`npm run perf`, `npm run perf -- --quick`): runs each benchmark
// with progress on the terminal, prints the table, and writes perf/results/latest.json and
// perf/REPORT.md. A quick pass (CI) uses short budgets and writes perf/results/quick.json.tmp and
// perf/results/quick.md.tmp instead (ignored by git), so it never replaces the committed report.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { capstoneBenchmarks, loadCapstone } from './capstone.js';
import { decoderBenchmarks } from './decoder.js';
import { loadSweepInput } from './input.js';
import { type Benchmark, type Budget, type Measurement, measure } from './measure.js';
import { markdownReport, type ExecRecord, type RunRecord, type Skipped, type Startup, terminalSummary } from './report.js';
import { chartSvg } from './chart.js';
import { spawnSync } from 'node:child_process';
import type { TenancyRecord } from './tenancy.js';
import { benchDefs, buildNative, type ExecRow, geomean, repoRoot, runHost, runVxts, which } from './exec.js';

/** The decoder's throughput goal (instructions per second on the hot path). */
const GOAL = 20e6;

/** perf/ in the source tree, whether this runs from dist/perf/ or perf/. */
function perfDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return /[\\/]dist[\\/]perf[\\/]?$/.test(here) ? fileURLToPath(new URL('../../perf/', import.meta.url)) : here;
}

function progress(text: string): void {
  process.stderr.write(text);
}

function fmt(s: number): string {
  return s >= 10 ? s.toFixed(1) : s.toFixed(3);
}

/** Execution speed of guests/bench/ under vxts, qemu-i386 and natively, plus translation overhead. */
async function execSuite(quick: boolean, only: string | undefined): Promise<ExecRecord> {
  const defs = benchDefs(quick).filter((d) => only === undefined || only.split(',').includes(d.name));
  const reps = quick ? 1 : 2;
  const qemu = which('qemu-i386');
  const native = buildNative();
  const skipped: string[] = [];
  if (qemu === null) skipped.push('qemu-i386: not installed, no qemu column');
  if ('reason' in native) skipped.push(`native x86-64: ${native.reason}, no native column`);
  for (const s of skipped) progress(`perf: ${s}\n`);
  const rows: ExecRow[] = [];
  try {
    for (const [k, d] of defs.entries()) {
      progress(`[exec ${k + 1}/${defs.length}] ${d.name}${d.args.length ? ' ' + d.args.join(' ') : ''}: vxts`);
      let best = null as Awaited<ReturnType<typeof runVxts>> | null;
      let first = null as Awaited<ReturnType<typeof runVxts>> | null;
      let ok = true;
      for (let i = 0; i < reps; i++) {
        const r = await runVxts(d.binary, d.args);
        // Translation figures come from the first (cold) run: later runs in this process find
        // V8's compilation cache warm for identical block sources.
        first ??= r;
        if (r.output !== d.expected || r.exitCode !== 0) {
          ok = false;
          progress(` CHECKSUM MISMATCH (got ${JSON.stringify(r.output)}, exit ${r.exitCode})`);
        }
        if (best === null || r.seconds < best.seconds) best = r;
        progress(` ${fmt(r.seconds)}s`);
      }
      const host = (cmd: string, args: readonly string[], label: string): number | null => {
        progress(`, ${label}`);
        let t: number | null = null;
        for (let i = 0; i < reps; i++) {
          const r = runHost(cmd, args);
          if (!r.ok || r.output !== d.expected) { progress(` FAILED`); ok = false; return null; }
          progress(` ${fmt(r.seconds)}s`);
          t = t === null ? r.seconds : Math.min(t, r.seconds);
        }
        return t;
      };
      const q = qemu !== null ? host(qemu, [d.binary, ...d.args], 'qemu') : null;
      const n = 'dir' in native ? host(path.join(native.dir, d.name), d.args, 'native') : null;
      const b = best as NonNullable<typeof best>;
      const c = first as NonNullable<typeof first>;
      progress(ok ? ' ok\n' : '\n');
      rows.push({
        name: d.name, instructions: b.instructions, vxts: b.seconds, qemu: q, native: n,
        vxtsOverQemu: q !== null ? b.seconds / q : null, vxtsOverNative: n !== null ? b.seconds / n : null,
        qemuOverNative: q !== null && n !== null ? q / n : null,
        mips: b.instructions / b.seconds / 1e6, translateMs: c.translateMs, compileMs: c.compileMs,
        instructionsTranslated: c.instructionsTranslated, blocksTranslated: c.blocksTranslated,
        translationShare: (c.translateMs + c.compileMs) / 1000 / c.seconds, checksumOk: ok,
      });
    }
  } finally {
    if ('dir' in native) native.cleanup();
  }
  // Start-up-heavy work: a glibc hello world is almost all translation.
  // One run: its block sources are new to V8's compilation cache (glibc, not musl), though the
  // translator's own code is warm by now.
  progress('[exec] start-up: hello-glibc under vxts');
  const helloPath = path.join(repoRoot(), 'guests', 'bin', 'hello-glibc');
  const hello = await runVxts(helloPath, []);
  const helloQemu = qemu !== null ? runHost(qemu, [helloPath]).seconds : null;
  progress(` ${fmt(hello.seconds)}s\n`);
  const ratios = (f: (r: ExecRow) => number | null) => rows.map(f).filter((x): x is number => x !== null);
  const allTranslated = rows.reduce((a, r) => a + r.instructionsTranslated, 0) + hello.instructionsTranslated;
  const allTranslate = rows.reduce((a, r) => a + r.translateMs, 0) + hello.translateMs;
  const allCompile = rows.reduce((a, r) => a + r.compileMs, 0) + hello.compileMs;
  return {
    quickSizes: quick, repetitions: reps, qemu, nativeCompiler: 'dir' in native ? (which('gcc') ?? which('cc')) : null, skipped, rows,
    geomean: {
      vxtsOverQemu: rows.every((r) => r.vxtsOverQemu !== null) ? geomean(ratios((r) => r.vxtsOverQemu)) : null,
      vxtsOverNative: rows.every((r) => r.vxtsOverNative !== null) ? geomean(ratios((r) => r.vxtsOverNative)) : null,
      qemuOverNative: rows.every((r) => r.qemuOverNative !== null) ? geomean(ratios((r) => r.qemuOverNative)) : null,
    },
    translation: {
      instructions: allTranslated,
      decodeEmitUsPerInstruction: (allTranslate * 1000) / allTranslated,
      compileUsPerInstruction: (allCompile * 1000) / allTranslated,
    },
    startup: startupOf('hello-glibc', hello, helloQemu),
    applets: await appletStartups(qemu),
  };
}

function startupOf(name: string, r: Awaited<ReturnType<typeof runVxts>>, qemuSeconds: number | null): Startup {
  return {
    name, seconds: r.seconds, qemuSeconds, instructions: r.instructions,
    instructionsTranslated: r.instructionsTranslated, blocksTranslated: r.blocksTranslated,
    translateMs: r.translateMs, compileMs: r.compileMs,
    translationShare: (r.translateMs + r.compileMs) / 1000 / r.seconds,
  };
}

/**
 * Busybox applets, start-up-heavy work of another kind: Debian's busybox-static:i386 when
 * test/oracle/fetch-busybox.sh has fetched it (CI does). The first applet translates busybox's
 * start-up; the later ones find it in the shared code cache.
 */
async function appletStartups(qemu: string | null): Promise<Startup[] | { skipped: string }> {
  const busybox = path.join(repoRoot(), '.cache', 'busybox', 'bin', 'busybox');
  if (!existsSync(busybox)) return { skipped: 'busybox-static:i386 not fetched (bash test/oracle/fetch-busybox.sh)' };
  const rows: Startup[] = [];
  for (const args of [['echo', 'hello'], ['uname', '-m'], ['ls', '/']]) {
    const name = `busybox ${args.join(' ')}`;
    progress(`[exec] start-up: ${name} under vxts`);
    const r = await runVxts(busybox, args);
    progress(` ${fmt(r.seconds)}s\n`);
    rows.push(startupOf(name, r, qemu !== null ? runHost(qemu, [busybox, ...args]).seconds : null));
  }
  return rows;
}

/** Runs perf/tenancy.ts in a Node process of its own (so its memory figures are the tenants'). */
function tenancySuite(quick: boolean): TenancyRecord | { error: string } {
  const script = fileURLToPath(new URL('./tenancy.js', import.meta.url));
  progress('[tenancy] in a separate process\n');
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { error: `tenancy.js exited with ${r.status ?? r.signal}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as TenancyRecord;
  } catch {
    return { error: 'tenancy.js printed no result' };
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      // Only the execution benchmarks (while iterating on the translator), optionally some of them.
      exec: { type: 'boolean', default: false },
      bench: { type: 'string' },
      // Skip the tenancy figures (they take about a minute at full size).
      'no-tenancy': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const execOnly = values.exec === true || values.bench !== undefined;
  const budget: Budget = quick ? { warmupMs: 100, runMs: 250 } : { warmupMs: 500, runMs: 1500 };

  progress(`perf: loading input${quick ? ' (quick pass)' : ''}...\n`);
  const input = loadSweepInput();
  const benches: Benchmark[] = decoderBenchmarks(input);
  const skipped: Skipped[] = [];
  const cs = await loadCapstone();
  if (cs.ok) benches.push(...capstoneBenchmarks(input, cs.handle));
  else {
    progress(`perf: ${cs.reason}: capstone rows skipped\n`);
    skipped.push({ name: 'capstone-wasm disasm count:1', reason: cs.reason }, { name: 'capstone-wasm disasm count:0', reason: cs.reason });
  }

  const results: Measurement[] = [];
  if (!execOnly) benches.forEach((b, k) => {
    progress(`[${k + 1}/${benches.length}] ${b.name} ... `);
    const m = measure(b, budget);
    results.push(m);
    progress(`${(m.instructionsPerSecond / 1e6).toFixed(3)} M insn/s\n`);
  });

  const exec = await execSuite(quick, values.bench);
  const tenancy = execOnly || values['no-tenancy'] === true ? undefined : tenancySuite(quick);
  const cpus = os.cpus();
  const record: RunRecord = {
    date: new Date().toISOString(),
    quick,
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, platform: os.platform(), arch: os.arch(), node: process.version },
    input: { file: input.file, segments: input.segments.length, bytes: input.totalBytes, instructions: input.instructions, undecodable: input.undecodable },
    goal: { instructionsPerSecond: GOAL, benchmark: benches[0].name, met: results.length ? results[0].instructionsPerSecond >= GOAL : null },
    results,
    skipped,
    capstoneVersion: cs.ok ? cs.version : null,
    exec,
    ...(tenancy !== undefined ? { tenancy } : {}),
  };

  const dir = perfDir();
  mkdirSync(`${dir}results`, { recursive: true });
  const partial = quick || execOnly;
  const json = partial ? `${dir}results/quick.json.tmp` : `${dir}results/latest.json`;
  const md = partial ? `${dir}results/quick.md.tmp` : `${dir}REPORT.md`;
  const svg = partial ? `${dir}results/quick-chart.svg.tmp` : `${dir}chart.svg`;
  writeFileSync(json, JSON.stringify(record, null, 2) + '\n');
  writeFileSync(md, markdownReport(record));
  writeFileSync(svg, chartSvg(exec.rows, `vxts vs qemu-i386 vs native x86-64${quick ? ' (quick sizes)' : ''}`));
  process.stdout.write(`\n${terminalSummary(record)}\n\nwrote ${json}\nwrote ${md}\nwrote ${svg}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`perf: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
