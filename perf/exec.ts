// Execution speed and translation overhead: each benchmark of guests/bench/ run under vxts
// (in-process, through spawnProcess + runProcess as `vxts run` does, stdout captured and checked
// against guests/bench/expected.json), and in the same run under qemu-i386 and as a native
// x86-64 build of the same C source when those are installed. Also the start-up-heavy case
// (hello-glibc), where translation is most of the run.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../src/linux/run.js';
import { spawnProcess } from '../src/linux/spawn.js';
import { seededRandom } from '../src/linux/random.js';
import { attachFs, buildVfs, hostStdio, installStdio } from '../src/linux/vfs/index.js';

/** The repository root, whether this runs from dist/perf/ or perf/. */
export function repoRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return /[\\/]dist[\\/]perf[\\/]?$/.test(here) ? fileURLToPath(new URL('../../', import.meta.url)) : fileURLToPath(new URL('../', import.meta.url));
}

export interface VxtsRun {
  readonly seconds: number;
  readonly instructions: number;
  readonly blocksTranslated: number;
  readonly regionsCompiled: number;
  readonly cacheHits: number;
  readonly instructionsTranslated: number;
  readonly translateMs: number;
  readonly compileMs: number;
  readonly output: string;
  readonly exitCode: number | null;
}

/** Runs a guest program in this process the way `vxts run` does, capturing its stdout. */
export async function runVxts(program: string, args: readonly string[]): Promise<VxtsRun> {
  const chunks: Buffer[] = [];
  const sink = { write: (d: Uint8Array): boolean => { chunks.push(Buffer.from(d)); return true; } };
  const bytes = new Uint8Array(readFileSync(program));
  const t0 = performance.now();
  const { process: p } = spawnProcess({
    program: bytes, name: program, guestPath: program, argv: [program, ...args], envp: ['PATH=/bin'],
    random: seededRandom('0'), strace: null,
  });
  const stdio = hostStdio({ stdout: sink, stderr: sink });
  attachFs(p, buildVfs({ cwd: null, tty: null }), '/');
  installStdio(p.fds, stdio);
  const end = await runProcess(p);
  const seconds = (performance.now() - t0) / 1000;
  stdio.dispose();
  const s = p.machine.stats;
  return {
    seconds, instructions: p.stats.instructions, blocksTranslated: s.blocksTranslated,
    regionsCompiled: s.regionsCompiled, cacheHits: s.cacheHits, instructionsTranslated: s.instructionsTranslated, translateMs: s.translateMs, compileMs: s.compileMs,
    output: Buffer.concat(chunks).toString('latin1'), exitCode: end.kind === 'exited' ? end.code : null,
  };
}

/** Wall time of a host process (includes its start-up), and its stdout; null when it cannot run. */
export function runHost(command: string, args: readonly string[]): { seconds: number; output: string; ok: boolean } {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'latin1', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, output: r.stdout ?? '', ok: r.status === 0 && r.error === undefined };
}

export function which(command: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export interface BenchDef {
  readonly name: string;
  readonly binary: string;
  readonly source: string;
  readonly args: readonly string[];
  readonly expected: string;
}

export function benchDefs(quick: boolean): BenchDef[] {
  const dir = path.join(repoRoot(), 'guests', 'bench');
  const spec = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { benchmarks: Record<string, { full: string; quick: string }> };
  return Object.entries(spec.benchmarks).map(([name, e]) => ({
    name, binary: path.join(dir, 'bin', name), source: path.join(dir, `${name}.c`),
    args: quick ? ['1'] : [], expected: quick ? e.quick : e.full,
  }));
}

/** Builds the native x86-64 versions into a temporary directory; the reason when it cannot. */
export function buildNative(): { dir: string; cleanup: () => void } | { reason: string } {
  if (os.arch() !== 'x64') return { reason: `host is ${os.arch()}, not x86-64` };
  const cc = which('gcc') ?? which('cc');
  if (cc === null) return { reason: 'no host C compiler (gcc) installed' };
  if (which('make') === null) return { reason: 'make is not installed' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vxts-bench-native-'));
  const r = spawnSync('make', ['-s', '-C', path.join(repoRoot(), 'guests', 'bench'), 'native', `OUT=${dir}`, `CC_NATIVE=${cc}`], { encoding: 'utf8' });
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) { cleanup(); return { reason: `native build failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}` }; }
  return { dir, cleanup };
}

export interface ExecRow {
  readonly name: string;
  readonly instructions: number;
  /** Best-of-N wall times in seconds (null: not measured). */
  readonly vxts: number;
  readonly qemu: number | null;
  readonly native: number | null;
  readonly vxtsOverQemu: number | null;
  readonly vxtsOverNative: number | null;
  readonly qemuOverNative: number | null;
  /** Guest instructions retired per second under vxts. */
  readonly mips: number;
  readonly translateMs: number;
  readonly compileMs: number;
  readonly instructionsTranslated: number;
  readonly blocksTranslated: number;
  /** Share of the vxts run spent translating (decode+emit and compile). */
  readonly translationShare: number;
  readonly checksumOk: boolean;
}

export function geomean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}
