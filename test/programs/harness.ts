// Runs a static i386 program under vxts the way `vxts run` does (the repository visible at its
// own path, /tmp, /dev, /proc) with stdout and stderr captured, and under qemu-i386 when the
// host has it, for the signal, process and busybox tests.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileDescription } from '../../src/linux/fd';
import type { ExitState } from '../../src/linux/process';
import { runProcess } from '../../src/linux/run';
import { seededRandom } from '../../src/linux/random';
import { spawnProcess } from '../../src/linux/spawn';
import { attachFs, buildVfs } from '../../src/linux/vfs/index';

export const ROOT = resolve(__dirname, '../..');
export const PROGRAMS = resolve(__dirname, 'bin');

/** A description that collects what is written (shared by forked children). */
class Sink implements FileDescription {
  flags = 1;
  refs = 0;
  readonly chunks: Uint8Array[] = [];
  read(): number { return -9; }
  write(data: Uint8Array): number { this.chunks.push(data.slice()); return data.length; }
  close(): void {}
  text(): string { return Buffer.concat(this.chunks).toString('latin1'); }
}

class Empty implements FileDescription {
  flags = 0;
  refs = 0;
  read(): number { return 0; }
  write(): number { return -9; }
  close(): void {}
}

export interface Outcome { stdout: string; stderr: string; status: number; end: ExitState }

/** Runs `path` (a host path inside the repository) with `args` under vxts. */
export async function runVxts(path: string, args: string[] = [], o: { deterministic?: boolean; env?: string[] } = {}): Promise<Outcome> {
  const abs = resolve(path);
  const { process: p } = spawnProcess({
    program: readFileSync(abs), name: path, guestPath: abs, argv: [path, ...args], envp: o.env ?? ['PATH=/usr/bin:/bin'],
    random: seededRandom(1), clock: { deterministic: o.deterministic ?? false },
  });
  attachFs(p, buildVfs({ cwd: ROOT, mounts: [] }), ROOT);
  const out = new Sink(), err = new Sink();
  p.fds.installAt(0, new Empty());
  p.fds.installAt(1, out);
  p.fds.installAt(2, err);
  const end = await runProcess(p);
  const status = end.kind === 'exited' ? end.code : 128 + end.signal;
  return { stdout: out.text(), stderr: err.text(), status, end };
}

let qemuChecked: boolean | null = null;
export function haveQemu(): boolean {
  if (qemuChecked === null) qemuChecked = spawnSync('qemu-i386', ['--version']).status === 0;
  return qemuChecked;
}

/** stdout and status under qemu-i386 (null without qemu). */
export function runQemu(path: string, args: string[] = []): { stdout: string; status: number } | null {
  if (!haveQemu()) return null;
  const r = spawnSync('qemu-i386', [path, ...args], { cwd: ROOT, encoding: 'latin1', timeout: 60_000 });
  const status = r.status ?? 128 + (r.signal === 'SIGSEGV' ? 11 : r.signal === 'SIGUSR1' ? 10 : 0);
  return { stdout: r.stdout, status };
}

/** The committed qemu output: stdout, then `--- status N`. */
export function expected(name: string): { stdout: string; status: number } {
  const text = readFileSync(resolve(PROGRAMS, `${name}.expected`), 'latin1');
  const m = /\n?--- status (\d+)\n$/.exec(text)!;
  const body = text.slice(0, m.index);
  return { stdout: body === '' ? '' : `${body}\n`, status: Number(m[1]) };
}

export const programPath = (name: string): string => resolve(PROGRAMS, name);
export const exists = existsSync;
