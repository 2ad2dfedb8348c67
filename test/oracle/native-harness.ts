// Running a program natively and under vxts (in-process, through `vxts run`) with stdout and stderr
// captured, for the native comparison suites (busybox-native.test.ts, bash-native.test.ts).

import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { Readable } from 'node:stream';
import { run } from '../../src/commands/run';

export interface Outcome { stdout: Buffer; stderr: Buffer; status: number }

class Collect {
  readonly chunks: Buffer[] = [];
  readonly isTTY = false;
  write(chunk: Uint8Array | string): boolean { this.chunks.push(Buffer.from(chunk)); return true; }
  on(): this { return this; }
  once(): this { return this; }
  bytes(): Buffer { return Buffer.concat(this.chunks); }
}

export function runNative(program: string, args: string[], work: string, env: string[]): Outcome {
  const r = spawnSync(program, args, {
    cwd: work, argv0: args[0] === 'sh' ? 'busybox' : undefined, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
    env: Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
    maxBuffer: 64 << 20,
  });
  const status = r.status ?? 128 + (r.signal ? constants.signals[r.signal] : 0);
  return { stdout: r.stdout, stderr: r.stderr, status };
}

/** `vxts run --clear-env --env ... --mount SCRIPTS:SCRIPTS:ro PROGRAM ARGS`, in-process, in `work`. */
export async function runUnderVxts(program: string, args: string[], work: string, mounts: string[], env: string[], extra: string[] = []): Promise<Outcome> {
  const out = new Collect();
  const err = new Collect();
  const stdin = Readable.from([]);
  const saved = (['stdin', 'stdout', 'stderr'] as const).map((k) => [k, Object.getOwnPropertyDescriptor(process, k)!] as const);
  const cwd = process.cwd();
  let status: number;
  try {
    process.chdir(work);
    Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
    Object.defineProperty(process, 'stdout', { value: out, configurable: true });
    Object.defineProperty(process, 'stderr', { value: err, configurable: true });
    status = await run.run(['--clear-env', ...env.flatMap((e) => ['--env', e]), ...mounts.flatMap((m) => ['--mount', `${m}:${m}:ro`]), ...extra.flatMap((m) => ['--mount', m]), program, ...args]);
  } finally {
    for (const [k, d] of saved) Object.defineProperty(process, k, d);
    process.chdir(cwd);
    stdin.destroy();
  }
  return { stdout: out.bytes(), stderr: err.bytes(), status };
}

