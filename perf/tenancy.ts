// Tenancy figures (issue 5), measured in a process of their own so that memory figures are the
// tenants' and not the rest of the perf suite's: `node --expose-gc dist/perf/tenancy.js [--quick]`
// prints one JSON object (TenancyRecord) on stdout and progress on stderr. perf/run.ts runs it.
//
// - spawn: Sandbox.spawn() call time and spawn-to-exit wall time per tenant, musl and glibc
//   hello, with the shared code cache and the arena pool warm (after warm-up tenants);
// - idle memory: host memory per tenant parked in a read of stdin (RSS and V8 heap deltas);
// - switch cost: two CPU-bound tenants at a small quantum versus a large one, the extra time
//   divided by the extra switches;
// - preemption overhead: one CPU-bound tenant at the default quantum versus an unbounded one;
// - many tenants: N (10,000) hello tenants spawned at once and run to completion: wall time,
//   tenants per second and peak RSS.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { Sandbox, type TenantSpawnOptions } from '../src/index.js';
import { repoRoot } from './exec.js';

export interface SpawnFigure {
  program: string;
  tenants: number;
  /** Mean time inside Sandbox.spawn(), microseconds. */
  spawnUs: number;
  /** Mean wall time from spawn() to the exit, one tenant at a time, microseconds. */
  spawnToExitUs: number;
  /** Guest instructions per run and blocks the warm tenants still translated (0: all shared). */
  instructions: number;
  blocksTranslated: number;
}

export interface TenancyRecord {
  quick: boolean;
  spawn: SpawnFigure[];
  idle: { tenants: number; rssBytesPerTenant: number; heapBytesPerTenant: number; externalBytesPerTenant: number };
  switchCost: { quantumSmall: number; quantumLarge: number; seconds: [number, number]; switches: number; usPerSwitch: number };
  preemption: { program: string; quantum: number; secondsDefault: number; secondsUnbounded: number; overhead: number };
  many: { tenants: number; memoryLimit: number; seconds: number; tenantsPerSecond: number; peakRssBytes: number; failures: number };
}

const bin = (name: string): string => path.join(repoRoot(), 'guests', 'bin', name);
const benchBin = (name: string): string => path.join(repoRoot(), 'guests', 'bench', 'bin', name);
const progress = (s: string): void => { process.stderr.write(s); };
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

async function runOne(sb: Sandbox, program: Uint8Array, o: TenantSpawnOptions = {}): Promise<{ spawnMs: number; wallMs: number; code: number | null; instructions: number; blocks: number }> {
  const t0 = performance.now();
  const t = sb.spawn(program, o);
  const spawnMs = performance.now() - t0;
  t.stdout.resume();
  t.stderr.resume();
  const r = await t.exited;
  return { spawnMs, wallMs: performance.now() - t0, code: r.code, instructions: r.stats.instructions, blocks: r.stats.blocksTranslated };
}

async function spawnFigure(name: string, n: number): Promise<SpawnFigure> {
  progress(`[tenancy] spawn ${name} x${n} ...`);
  const sb = new Sandbox();
  const program = new Uint8Array(readFileSync(bin(name)));
  for (let i = 0; i < 20; i++) await runOne(sb, program, { argv: [name] });
  let spawnMs = 0, wallMs = 0, instructions = 0, blocks = 0;
  for (let i = 0; i < n; i++) {
    const r = await runOne(sb, program, { argv: [name] });
    if (r.code !== 0) throw new Error(`${name} exited with ${r.code}`);
    spawnMs += r.spawnMs;
    wallMs += r.wallMs;
    instructions = r.instructions;
    blocks += r.blocks;
  }
  const f = { program: name, tenants: n, spawnUs: (spawnMs / n) * 1000, spawnToExitUs: (wallMs / n) * 1000, instructions, blocksTranslated: blocks };
  progress(` spawn ${f.spawnUs.toFixed(0)} us, to exit ${f.spawnToExitUs.toFixed(0)} us\n`);
  return f;
}

/** Host memory per tenant parked in read(0): spawn n, wait until each has asked to read, measure. */
async function idleMemory(n: number): Promise<TenancyRecord['idle']> {
  progress(`[tenancy] idle memory, ${n} tenants parked in read ...`);
  const program = new Uint8Array(readFileSync(bin('stdin-musl')));
  const sb = new Sandbox();
  await runOne(sb, program, { stdin: 'warm up\n' });
  gc();
  const before = process.memoryUsage();
  let reading = 0;
  let allReading: () => void = () => undefined;
  const ready = new Promise<void>((r) => { allReading = r; });
  const inputs: PassThrough[] = [];
  const tenants = [];
  for (let i = 0; i < n; i++) {
    const stdin = new PassThrough();
    inputs.push(stdin);
    let seen = false;
    const t = sb.spawn(program, {
      stdin,
      // The first read marks the tenant parked: nothing more arrives until the test ends.
      policy: { syscall: (c: { name: string }) => { if (c.name === 'read' && !seen) { seen = true; if (++reading === n) allReading(); } } },
    } as TenantSpawnOptions);
    t.stdout.resume();
    tenants.push(t);
  }
  await ready;
  await new Promise((r) => setTimeout(r, 50));
  gc();
  const after = process.memoryUsage();
  for (const s of inputs) s.end();
  await Promise.all(tenants.map((t) => t.exited));
  const f = {
    tenants: n,
    rssBytesPerTenant: (after.rss - before.rss) / n,
    heapBytesPerTenant: (after.heapUsed - before.heapUsed) / n,
    externalBytesPerTenant: (after.external - before.external) / n,
  };
  progress(` RSS ${(f.rssBytesPerTenant / 1024).toFixed(0)} KiB, heap ${(f.heapBytesPerTenant / 1024).toFixed(0)} KiB per tenant\n`);
  return f;
}

/** Two CPU-bound tenants side by side, at quantum q: wall seconds. */
async function pair(program: Uint8Array, args: string[], quantum: number): Promise<number> {
  const sb = new Sandbox({ quantum });
  const t0 = performance.now();
  await Promise.all([runOne(sb, program, { argv: ['bench', ...args] }), runOne(sb, program, { argv: ['bench', ...args] })]);
  return (performance.now() - t0) / 1000;
}

async function switchCost(quick: boolean): Promise<TenancyRecord['switchCost']> {
  progress('[tenancy] switch cost ...');
  const program = new Uint8Array(readFileSync(benchBin('hash')));
  // Full size (about 1.3e9 instructions each): the extra switches must cost a measurable time.
  const args = quick ? ['1'] : [];
  const small = 2_000, large = 50_000_000;
  await pair(program, args, large); // warm: translations shared and hot
  const reps = quick ? 1 : 3;
  let tSmall = Infinity, tLarge = Infinity, instructions = 0;
  for (let i = 0; i < reps; i++) {
    tLarge = Math.min(tLarge, await pair(program, args, large));
    tSmall = Math.min(tSmall, await pair(program, args, small));
  }
  const sb = new Sandbox();
  instructions = (await runOne(sb, program, { argv: ['bench', ...args] })).instructions;
  // Fewer than 1% of the extra time would be noise: say so rather than print a number.
  if (tSmall - tLarge < 0.01 * tLarge) progress(' (difference within noise)');
  // Each tenant gives way once per quantum (or per system call): 2 x instructions / quantum.
  const switches = (2 * instructions) / small - (2 * instructions) / large;
  const f = { quantumSmall: small, quantumLarge: large, seconds: [tSmall, tLarge] as [number, number], switches, usPerSwitch: ((tSmall - tLarge) * 1e6) / switches };
  progress(` ${f.usPerSwitch.toFixed(2)} us per switch (${switches.toFixed(0)} switches)\n`);
  return f;
}

async function preemption(quick: boolean): Promise<TenancyRecord['preemption']> {
  progress('[tenancy] preemption overhead ...');
  const program = new Uint8Array(readFileSync(benchBin('hash')));
  const args = quick ? ['1'] : [];
  const quantum = 200_000;
  const time = async (q: number): Promise<number> => {
    const sb = new Sandbox({ quantum: q });
    return (await runOne(sb, program, { argv: ['hash', ...args] })).wallMs / 1000;
  };
  await time(quantum);
  let d = Infinity, u = Infinity;
  for (let i = 0; i < (quick ? 1 : 2); i++) {
    d = Math.min(d, await time(quantum));
    u = Math.min(u, await time(2 ** 30)); // the largest quantum (budgets are int32)
  }
  const f = { program: 'hash', quantum, secondsDefault: d, secondsUnbounded: u, overhead: d / u - 1 };
  progress(` ${(f.overhead * 100).toFixed(1)}% at quantum ${quantum}\n`);
  return f;
}

async function many(n: number): Promise<TenancyRecord['many']> {
  progress(`[tenancy] ${n} hello tenants at once ...`);
  const program = new Uint8Array(readFileSync(bin('hello-musl')));
  const sb = new Sandbox();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  const tenants = [];
  for (let i = 0; i < n; i++) {
    // A typical edge tenant's limit; it also sizes the arena window (256 MiB: 64 per slab).
    const t = sb.spawn(program, { argv: ['hello'], limits: { memory: 64 << 20 } });
    t.stdout.resume();
    t.stderr.resume();
    tenants.push(t.exited);
  }
  const results = await Promise.all(tenants);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const f = { tenants: n, memoryLimit: 64 << 20, seconds, tenantsPerSecond: n / seconds, peakRssBytes: peak, failures: results.filter((r) => r.code !== 0).length };
  progress(` ${seconds.toFixed(2)} s, ${f.tenantsPerSecond.toFixed(0)} tenants/s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB\n`);
  return f;
}

export async function measureTenancy(quick: boolean): Promise<TenancyRecord> {
  return {
    quick,
    spawn: [await spawnFigure('hello-musl', quick ? 100 : 500), await spawnFigure('hello-glibc', quick ? 50 : 300)],
    idle: await idleMemory(quick ? 200 : 1000),
    switchCost: await switchCost(quick),
    preemption: await preemption(quick),
    many: await many(quick ? 1000 : 10_000),
  };
}

const entry = process.argv[1] !== undefined && /tenancy\.js$/.test(process.argv[1]);
if (entry) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } }, strict: true });
  measureTenancy(values.quick === true).then((r) => { process.stdout.write(JSON.stringify(r) + '\n'); }, (e: unknown) => {
    process.stderr.write(`tenancy: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
