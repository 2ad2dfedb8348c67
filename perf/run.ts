// Entry point of the perf suite (`npm run perf`, `npm run perf -- --quick`): runs each benchmark
// with progress on the terminal, prints the table, and writes perf/results/latest.json and
// perf/REPORT.md. A quick pass (CI) uses short budgets and writes perf/results/quick.json.tmp and
// perf/results/quick.md.tmp instead (ignored by git), so it never replaces the committed report.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { capstoneBenchmarks, loadCapstone } from './capstone.js';
import { decoderBenchmarks } from './decoder.js';
import { loadSweepInput } from './input.js';
import { type Benchmark, type Budget, type Measurement, measure } from './measure.js';
import { markdownReport, type RunRecord, type Skipped, terminalSummary } from './report.js';

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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } }, strict: true });
  const quick = values.quick === true;
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
  benches.forEach((b, k) => {
    progress(`[${k + 1}/${benches.length}] ${b.name} ... `);
    const m = measure(b, budget);
    results.push(m);
    progress(`${(m.instructionsPerSecond / 1e6).toFixed(3)} M insn/s\n`);
  });

  const cpus = os.cpus();
  const record: RunRecord = {
    date: new Date().toISOString(),
    quick,
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, platform: os.platform(), arch: os.arch(), node: process.version },
    input: { file: input.file, segments: input.segments.length, bytes: input.totalBytes, instructions: input.instructions, undecodable: input.undecodable },
    goal: { instructionsPerSecond: GOAL, benchmark: results[0].name, met: results[0].instructionsPerSecond >= GOAL },
    results,
    skipped,
    capstoneVersion: cs.ok ? cs.version : null,
  };

  const dir = perfDir();
  mkdirSync(`${dir}results`, { recursive: true });
  const json = quick ? `${dir}results/quick.json.tmp` : `${dir}results/latest.json`;
  const md = quick ? `${dir}results/quick.md.tmp` : `${dir}REPORT.md`;
  writeFileSync(json, JSON.stringify(record, null, 2) + '\n');
  writeFileSync(md, markdownReport(record));
  process.stdout.write(`\n${terminalSummary(record)}\n\nwrote ${json}\nwrote ${md}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`perf: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
