// Helpers for Linux personality tests: a process made from a small synthetic program, and a
// way to make one system call through the real dispatcher (registers in, EAX out), so tests
// see exactly what a guest's `int 0x80` would.

import { EAX, EBP, EBX, ECX, EDI, EDX, ESI } from '../../src/cpu/state';
import type { FileDescription } from '../../src/linux/fd';
import type { LinuxProcess } from '../../src/linux/process';
import { dispatchSyscall } from '../../src/linux/run';
import { seededRandom } from '../../src/linux/random';
import { spawnProcess, type SpawnOptions } from '../../src/linux/spawn';
import { simpleProgram } from './elf-builder';

export const NOP_CODE = Uint8Array.of(0x90, 0xcd, 0x80);

/** A process of `program` (default: a tiny well-formed one) with deterministic time and randomness. */
export function makeProcess(program: Uint8Array = simpleProgram(NOP_CODE), o: Partial<SpawnOptions> = {}): LinuxProcess {
  return spawnProcess({
    program, name: 'test', guestPath: '/bin/test', argv: ['test'], envp: [],
    random: seededRandom(1), clock: { deterministic: true }, ...o,
  }).process;
}

/** Makes system call `nr` synchronously; returns EAX as a signed number. */
export function sys(p: LinuxProcess, nr: number, ...args: number[]): number {
  const r = p.machine.cpu.r;
  r[EAX] = nr;
  [EBX, ECX, EDX, ESI, EDI, EBP].forEach((reg, i) => { r[reg] = args[i] ?? 0; });
  const wait = dispatchSyscall(p);
  if (wait !== null) throw new Error(`syscall ${nr} blocked; use sysAsync`);
  return r[EAX];
}

/** Makes a system call that may block; resolves to EAX. */
export async function sysAsync(p: LinuxProcess, nr: number, ...args: number[]): Promise<number> {
  const r = p.machine.cpu.r;
  r[EAX] = nr;
  [EBX, ECX, EDX, ESI, EDI, EBP].forEach((reg, i) => { r[reg] = args[i] ?? 0; });
  const wait = dispatchSyscall(p);
  if (wait !== null) await wait;
  return r[EAX];
}

/** Maps a scratch read/write page for syscall arguments; returns its address. */
export function scratch(p: LinuxProcess, size = 0x1000): number {
  const a = sys(p, 192, 0, size, 3, 0x22, -1, 0);
  if (a < 0) throw new Error(`scratch mmap failed: ${a}`);
  return a >>> 0;
}

/** A file description that collects what is written (for stdout in tests). */
export class Capture implements FileDescription {
  flags = 1;
  refs = 0;
  readonly chunks: Uint8Array[] = [];
  read(): number { return -9; }
  write(data: Uint8Array): number { this.chunks.push(data.slice()); return data.length; }
  close(): void {}
  text(): string { return Buffer.concat(this.chunks).toString('utf8'); }
}

/** A read-only in-memory file that can be mapped (pread). */
export class MemFile implements FileDescription {
  refs = 0;
  position = 0;
  constructor(readonly bytes: Uint8Array, public flags = 0, readonly path = '/data.bin') {}
  read(buf: Uint8Array): number { const n = this.pread(buf, this.position); this.position += n; return n; }
  pread(buf: Uint8Array, offset: number): number {
    const chunk = this.bytes.subarray(Math.min(offset, this.bytes.length), Math.min(offset + buf.length, this.bytes.length));
    buf.set(chunk);
    return chunk.length;
  }
  write(): number { return -9; }
  close(): void {}
}
