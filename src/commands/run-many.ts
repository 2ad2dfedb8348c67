// `vxts run-many [options] N PROGRAM [ARGS...]`: runs N copies of a program as tenants of one
// Sandbox (src/api/sandbox.ts), at most --concurrency at a time, each within the given limits,
// and prints the throughput: tenants per second, wall time per tenant (mean, p50, p99, from
// spawn to end), guest instructions per second, the peak RSS of this process, and how the
// tenants ended. The tenants' output is discarded unless --show-output copies the first one's.
// Exit status: 0 when every tenant exited with status 0, 1 otherwise; 126/127 when the program
// cannot be loaded or read.

import { Sandbox, SpawnError, type TenantResult, type TenantSpawnOptions } from '../api/sandbox.js';
import { type Command, parseNumber, UsageError } from './command.js';
import { LineWriter } from './output.js';
import { readProgramOrSay } from './program.js';
import { guestViewOption, parseLimit, parseSize, scanOptions, type Mount } from './run-options.js';

export interface RunManyOptions {
  count: number;
  concurrency?: number;
  memorySize?: number;
  cpuInstructions?: number;
  cpuMs?: number;
  maxProcesses?: number;
  outputLimit?: number;
  mounts: Mount[];
  cwd?: string;
  env: string[];
  deterministic: boolean;
  seed?: string;
  showOutput: boolean;
  program: string;
  args: string[];
}

const WITH_VALUE = new Set(['--concurrency', '--mem', '--cpu-insns', '--cpu-ms', '--max-procs', '--output-limit', '--mount', '--cwd', '--env', '--seed']);
const FLAGS = new Set(['--deterministic', '--show-output', '--help', '-h']);

/** Parses everything after `vxts run-many`: options, then N, PROGRAM and the program's arguments. */
export function parseRunManyArgs(args: readonly string[]): RunManyOptions {
  const o: RunManyOptions = { count: 0, mounts: [], env: [], deterministic: false, showOutput: false, program: '', args: [] };
  const i = scanOptions(args, 'run-many', FLAGS, WITH_VALUE, (name) => {
    if (name === '--deterministic') o.deterministic = true;
    else if (name === '--show-output') o.showOutput = true;
  }, (name, value) => {
    if (guestViewOption(o, name, value)) return;
    switch (name) {
      case '--concurrency': o.concurrency = parseLimit(value, '--concurrency', 'how many tenants may run at once, e.g. --concurrency 64'); break;
      case '--mem': o.memorySize = parseSize(value); break;
      case '--cpu-insns': o.cpuInstructions = parseLimit(value, '--cpu-insns', 'guest instructions per tenant, e.g. --cpu-insns 1000000000'); break;
      case '--cpu-ms': o.cpuMs = parseLimit(value, '--cpu-ms', 'milliseconds of host CPU time per tenant, e.g. --cpu-ms 2000'); break;
      case '--max-procs': o.maxProcesses = parseLimit(value, '--max-procs', 'processes per tenant, at least 1, e.g. --max-procs 16'); break;
      case '--output-limit': o.outputLimit = parseLimit(value, '--output-limit', 'bytes of stdout and stderr per tenant, e.g. --output-limit 1048576'); break;
      case '--seed': o.seed = value; break;
    }
  });
  const rest = args.slice(i);
  if (rest.length === 0) throw new UsageError(`run-many needs N and a PROGRAM (see 'vxts run-many --help')`);
  if (!/^\s*(0x[0-9a-f]+|[0-9]+)\s*$/i.test(rest[0])) throw new UsageError(`run-many: N '${rest[0]}' is not a number; give how many copies to run, e.g. run-many 100 ./prog`);
  o.count = parseNumber(rest[0], 'run-many: N', 1_000_000);
  if (o.count < 1) throw new UsageError('run-many: N must be at least 1');
  if (rest.length < 2) throw new UsageError(`run-many needs a PROGRAM after N (see 'vxts run-many --help')`);
  o.program = rest[1];
  o.args = rest.slice(2);
  return o;
}

/** vxts's own options in `args` (the guest's --help is its own). */
function optionPart(args: readonly string[]): readonly string[] {
  let i = 0;
  while (i < args.length && args[i] !== '--' && args[i].startsWith('-') && args[i] !== '-') i += WITH_VALUE.has(args[i]) ? 2 : 1;
  return args.slice(0, i);
}

/** The nearest-rank percentile of sorted `xs`. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  return xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))];
}

const REASONS = ['exit', 'signal', 'cpu-limit', 'memory-limit', 'output-limit', 'killed'] as const;

/** The summary lines printed after a run. */
export function summary(o: RunManyOptions, concurrency: number, results: readonly TenantResult[], wallMs: number, peakRss: number): string[] {
  const walls = results.map((r) => r.stats.wallMs).sort((a, b) => a - b);
  const mean = walls.reduce((s, x) => s + x, 0) / Math.max(1, walls.length);
  const insns = results.reduce((s, r) => s + r.stats.instructions, 0);
  const secs = wallMs / 1000;
  const reasons = new Map<string, number>();
  const codes = new Map<number, number>();
  for (const r of results) {
    reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    if (r.code !== null) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
  }
  const ms = (x: number): string => `${x.toFixed(1)} ms`;
  const out = [
    `run-many: ${results.length} tenants of ${o.program}, concurrency ${concurrency}`,
    `throughput: ${(results.length / secs).toFixed(1)} tenants/s (wall ${ms(wallMs)})`,
    `wall per tenant: mean ${ms(mean)}, p50 ${ms(percentile(walls, 50))}, p99 ${ms(percentile(walls, 99))}`,
    `guest instructions: ${insns} total, ${(insns / secs / 1e6).toFixed(1)} M/s`,
    `peak RSS: ${(peakRss / 1048576).toFixed(1)} MiB`,
    `exit reasons: ${REASONS.filter((k) => reasons.has(k)).map((k) => `${k} ${reasons.get(k)}`).join(', ')}`,
  ];
  if ([...codes.keys()].some((c) => c !== 0)) {
    out.push(`exit statuses: ${[...codes].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c} (${n})`).join(', ')}`);
  }
  return out;
}

export const runMany: Command = {
  name: 'run-many',
  synopsis: 'run-many [options] N PROGRAM [ARGS...]',
  summary: 'run N copies of a program as tenants of one sandbox and print throughput and how they ended',
  options: [
    '--concurrency C                at most C tenants at once (default: all N)',
    '--mem SIZE                     each tenant\'s guest memory, e.g. 256M (default 1G)',
    '--cpu-insns N                  stop a tenant with SIGXCPU after N instructions',
    '--cpu-ms N                     stop a tenant with SIGXCPU after N ms of host CPU time',
    '--max-procs N                  at most N processes per tenant; fork past it fails with EAGAIN',
    '--output-limit BYTES           cut a tenant\'s stdout+stderr at BYTES and stop it with SIGXFSZ',
    '--mount HOSTDIR:GUESTDIR[:ro]  show a host directory to every tenant (none by default)',
    '--cwd GUESTDIR                 start in this guest directory (default /)',
    '--env NAME=VALUE               set an environment variable (the environment starts empty)',
    '--seed SEED, --deterministic   reproducible randomness; fixed clocks too',
    '--show-output                  copy the first tenant\'s stdout and stderr to ours',
  ],
  examples: [
    'vxts run-many 1000 guests/bin/hello-musl',
    'vxts run-many --concurrency 64 --mem 256M --cpu-ms 500 200 ./prog arg',
  ],
  optionArgs: optionPart,
  async run(args) {
    const o = parseRunManyArgs(args);
    const bytes = readProgramOrSay(o.program);
    if (bytes === null) return 127;
    const spawnOptions: TenantSpawnOptions = {
      argv: [o.program, ...o.args], env: o.env, mounts: o.mounts, cwd: o.cwd, deterministic: o.deterministic, seed: o.seed,
      addressSpace: o.memorySize,
      limits: { instructions: o.cpuInstructions, cpuMs: o.cpuMs, processes: o.maxProcesses, output: o.outputLimit },
    };
    // Through a LineWriter: a reader that went away (`| head`) ends the output quietly.
    const out = new LineWriter(process.stdout);
    const sandbox = new Sandbox();
    const concurrency = Math.min(o.count, o.concurrency ?? o.count);
    const results: TenantResult[] = new Array(o.count);
    let next = 0;
    let failure: SpawnError | null = null;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 10);
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < o.count && failure === null) {
        const i = next++;
        let t;
        try {
          t = sandbox.spawn(bytes, spawnOptions);
        } catch (e) {
          if (!(e instanceof SpawnError)) throw e;
          failure = e;
          return;
        }
        if (i === 0 && o.showOutput) {
          t.stdout.on('data', (b: Buffer) => { if (!out.isClosed) process.stdout.write(b); });
          t.stderr.on('data', (b: Buffer) => { if (process.stderr.writable) process.stderr.write(b); });
        } else {
          t.stdout.resume();
          t.stderr.resume();
        }
        results[i] = await t.exited;
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      clearInterval(sampler);
    }
    const wallMs = performance.now() - t0;
    if (failure !== null) {
      sandbox.killAll();
      process.stderr.write(`vxts: ${(failure as SpawnError).message}\n`);
      return 126;
    }
    // The process's own high-water mark covers moments between samples.
    peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    for (const l of summary(o, concurrency, results, wallMs, peakRss)) out.line(l);
    await out.end();
    return results.every((r) => r.code === 0) ? 0 : 1;
  },
};
