// Timing harness for the perf suite: warm a benchmark up, then call it repeatedly for a fixed
// time budget and report throughput. A benchmark is a function doing one chunk of work and
// returning how many instructions and bytes it covered, so slow and fast benchmarks both fit the
// budget; the clock is read between chunks only.

import { performance } from 'node:perf_hooks';

export interface Work {
  readonly instructions: number;
  readonly bytes: number;
}

export interface Benchmark {
  readonly name: string;
  /** What the row measures, for the report. */
  readonly note: string;
  /** Does one chunk of work. */
  readonly run: () => Work;
}

export interface Budget {
  readonly warmupMs: number;
  readonly runMs: number;
}

export interface Measurement {
  readonly name: string;
  readonly note: string;
  readonly instructions: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly chunks: number;
  readonly instructionsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** The fastest single chunk, as instructions per second: less sensitive to a noisy neighbour. */
  readonly bestChunkInstructionsPerSecond: number;
}

/** Runs `bench` for the warm-up budget (results dropped), then for the measuring budget. */
export function measure(bench: Benchmark, budget: Budget): Measurement {
  const warmEnd = performance.now() + budget.warmupMs;
  do bench.run(); while (performance.now() < warmEnd);

  let instructions = 0, bytes = 0, chunks = 0, best = 0;
  const start = performance.now();
  const stop = start + budget.runMs;
  let now = start;
  do {
    const before = now;
    const work = bench.run();
    now = performance.now();
    instructions += work.instructions;
    bytes += work.bytes;
    chunks++;
    const rate = now > before ? (work.instructions * 1000) / (now - before) : 0;
    if (rate > best) best = rate;
  } while (now < stop);
  const seconds = (now - start) / 1000;
  return {
    name: bench.name, note: bench.note, instructions, bytes, seconds, chunks,
    instructionsPerSecond: instructions / seconds,
    megabytesPerSecond: bytes / seconds / 1e6,
    bestChunkInstructionsPerSecond: best,
  };
}
