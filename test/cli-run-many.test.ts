// The limits of `vxts run` that go through the run loop's accounting (--cpu-ms, --max-procs),
// and `vxts run-many`: N copies of a program as tenants of one Sandbox, the throughput summary
// it prints and its exit status, and one-line UsageErrors for every mistake on its command line.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../src/commands/command';
import { run } from '../src/commands/run';
import { parseRunManyArgs, percentile, runMany } from '../src/commands/run-many';
import { parseRunArgs } from '../src/commands/run-options';
import { assemble, loadAssembler } from './support/asm';
import { simpleProgram, TEXT } from './support/elf-builder';

beforeAll(loadAssembler);

const BIN = join(__dirname, '..', 'guests', 'bin');
const dir = mkdtempSync(join(tmpdir(), 'vxts-cli-many-'));
/** Writes a program made of `asm` and returns its path. */
function program(name: string, asm: string): string {
  const path = join(dir, name);
  writeFileSync(path, simpleProgram(assemble(asm, TEXT)));
  return path;
}

/** Runs a command with stdout and stderr captured. */
async function capture(fn: () => Promise<number>): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err.push(String(s)); return true; });
  try {
    const status = await fn();
    return { status, out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const usageError = (fn: () => unknown): string => {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(UsageError); return (e as Error).message; }
  throw new Error('accepted');
};

describe('vxts run --cpu-ms and --max-procs', () => {
  test('parse, and mistakes are one-line UsageErrors', () => {
    expect(parseRunArgs(['--cpu-ms', '250', '--max-procs=0x10', 'prog', '--cpu-ms'])).toMatchObject({ cpuMs: 250, maxProcesses: 16, program: 'prog', args: ['--cpu-ms'] });
    expect(usageError(() => parseRunArgs(['--cpu-ms', 'soon', 'p']))).toBe("--cpu-ms: 'soon' is not a number; give milliseconds of host CPU time, e.g. --cpu-ms 2000");
    expect(usageError(() => parseRunArgs(['--cpu-ms', '0', 'p']))).toBe('--cpu-ms: 0 allows nothing; give milliseconds of host CPU time, e.g. --cpu-ms 2000');
    expect(usageError(() => parseRunArgs(['--max-procs', '-1', 'p']))).toBe("--max-procs: '-1' is not a number; give processes, at least 1 (the program itself), e.g. --max-procs 16");
    expect(usageError(() => parseRunArgs(['--max-procs']))).toBe("--max-procs needs a value (see 'vxts run --help')");
  });

  test('--cpu-ms stops a spinning guest with SIGXCPU, saying why', async () => {
    const spin = program('spin', 'l: jmp l');
    const t0 = performance.now();
    const { status, err } = await capture(() => run.run(['--cpu-ms', '100', spin]));
    expect(status).toBe(128 + 24);
    expect(err).toMatch(/^vxts: .*spin: CPU time limit exceeded \(SIGXCPU.*: CPU time limit of 100 ms reached\)\n$/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test('--max-procs makes fork fail with EAGAIN once the guest has that many processes', async () => {
    // Forks until refused, then exits with -errno (EAGAIN: 11); children wait (pause) until killed.
    const forker = program('forker', `
      l: mov eax, 2; int 0x80; test eax, eax; js f; jz c; jmp l
      c: mov eax, 29; int 0x80; jmp c
      f: neg eax; mov ebx, eax; mov eax, 1; int 0x80`);
    const { status } = await capture(() => run.run(['--max-procs', '3', forker]));
    expect(status).toBe(11);
  });
});

describe('vxts run-many', () => {
  test('parses options, N, PROGRAM and the program\'s arguments', () => {
    expect(parseRunManyArgs(['--concurrency', '4', '--mem', '64M', '--cpu-ms=500', '--max-procs', '2', '--cpu-insns', '1000',
      '--output-limit', '4096', '--env', 'A=1', '--deterministic', '10', 'prog', '--concurrency', 'x'])).toMatchObject({
      count: 10, concurrency: 4, memorySize: 64 << 20, cpuMs: 500, maxProcesses: 2, cpuInstructions: 1000, outputLimit: 4096,
      env: ['A=1'], deterministic: true, program: 'prog', args: ['--concurrency', 'x'],
    });
  });

  test('mistakes are one-line UsageErrors', () => {
    expect(usageError(() => parseRunManyArgs([]))).toBe("run-many needs N and a PROGRAM (see 'vxts run-many --help')");
    expect(usageError(() => parseRunManyArgs(['prog']))).toBe("run-many: N 'prog' is not a number; give how many copies to run, e.g. run-many 100 ./prog");
    expect(usageError(() => parseRunManyArgs(['5']))).toBe("run-many needs a PROGRAM after N (see 'vxts run-many --help')");
    expect(usageError(() => parseRunManyArgs(['0', 'p']))).toBe('run-many: N must be at least 1');
    expect(usageError(() => parseRunManyArgs(['--concurrency', '0', '5', 'p']))).toBe('--concurrency: 0 allows nothing; give how many tenants may run at once, e.g. --concurrency 64');
    expect(usageError(() => parseRunManyArgs(['--bogus', '5', 'p']))).toBe("unknown option --bogus for run-many (see 'vxts run-many --help')");
    expect(usageError(() => parseRunManyArgs(['--mem', 'lots', '5', 'p']))).toMatch(/^--mem: 'lots' is not a size/);
    expect(usageError(() => parseRunManyArgs(['--show-output=yes', '5', 'p']))).toBe('--show-output takes no value');
  });

  test('percentiles are nearest-rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 99), percentile([7], 99), percentile([], 50)]).toEqual([50, 99, 7, 0]);
  });

  test('runs N copies, at most C at once, and prints the throughput summary', async () => {
    const { status, out, err } = await capture(() => runMany.run(['--concurrency', '5', '--mem', '256M', '20', join(BIN, 'hello-musl'), 'a']));
    expect(err).toBe('');
    expect(status).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(`run-many: 20 tenants of ${join(BIN, 'hello-musl')}, concurrency 5`);
    expect(lines[1]).toMatch(/^throughput: \d+\.\d tenants\/s \(wall \d+\.\d ms\)$/);
    expect(lines[2]).toMatch(/^wall per tenant: mean \d+\.\d ms, p50 \d+\.\d ms, p99 \d+\.\d ms$/);
    expect(lines[3]).toMatch(/^guest instructions: \d+ total, \d+\.\d M\/s$/);
    expect(Number(/: (\d+) total/.exec(lines[3])![1])).toBeGreaterThan(20 * 1000);
    expect(lines[4]).toMatch(/^peak RSS: \d+\.\d MiB$/);
    expect(lines[5]).toBe('exit reasons: exit 20');
  });

  test('counts how tenants ended; exit status 1 unless all exited 0', async () => {
    const mixed = program('mixed', 'rdtsc; test eax, 1; jz c; l: jmp l; c: mov eax, dword ptr [0]');
    const { status, out } = await capture(() => runMany.run(['--cpu-insns', '200000', '12', mixed]));
    expect(status).toBe(1);
    const reasons = /^exit reasons: (.*)$/m.exec(out)![1];
    const counts = Object.fromEntries(reasons.split(', ').map((x) => { const [k, n] = x.split(' '); return [k, Number(n)]; }));
    expect(Object.keys(counts).every((k) => k === 'signal' || k === 'cpu-limit')).toBe(true);
    expect(Object.values(counts).reduce((a: number, b) => a + (b as number), 0)).toBe(12);

    const fail = program('fail', 'mov ebx, 3; mov eax, 1; int 0x80');
    const f = await capture(() => runMany.run(['3', fail]));
    expect(f.status).toBe(1);
    expect(f.out).toMatch(/^exit reasons: exit 3\nexit statuses: 3 \(3\)\n$/m);
  });

  test('--show-output copies the first tenant\'s output; a missing program is 127, a bad one 126', async () => {
    const shown = await capture(() => runMany.run(['--show-output', '3', join(BIN, 'hello-musl')]));
    expect(shown.out.startsWith('hello from vxts guest\n')).toBe(true);
    expect(shown.out.split('hello from vxts guest').length).toBe(2);
    const missing = await capture(() => runMany.run(['2', join(dir, 'nope')]));
    expect([missing.status, missing.err]).toEqual([127, `vxts: cannot read ${join(dir, 'nope')}: no such file\n`]);
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not an elf');
    const bad = await capture(() => runMany.run(['2', junk]));
    expect(bad.status).toBe(126);
    expect(bad.err).toMatch(/^vxts: .+\n$/);
  });
});
