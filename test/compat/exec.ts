// Runs a host command and collects its exit status and output, with an optional timeout after
// which the whole process is killed (SIGKILL): the compiler and qemu-i386 go through here.

import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export function exec(cmd: string, args: readonly string[], o: { cwd?: string; timeoutMs?: number; maxOutput?: number } = {}): Promise<ExecResult> {
  const max = o.maxOutput ?? 1 << 20;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.on('data', (b: Buffer) => { if (stdout.length < max) stdout += b.toString('latin1'); });
    child.stderr.on('data', (b: Buffer) => { if (stderr.length < max) stderr += b.toString('latin1'); });
    const timer = o.timeoutMs === undefined ? null : setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, o.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(e), timedOut, ms: performance.now() - t0 });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - t0 });
    });
  });
}

/** The first line a command prints, or null when it cannot run (used to detect tools). */
export async function firstLine(cmd: string, args: readonly string[]): Promise<string | null> {
  const r = await exec(cmd, args, { timeoutMs: 20000 });
  if (r.code !== 0) return null;
  return (r.stdout || r.stderr).split('\n')[0].trim();
}
