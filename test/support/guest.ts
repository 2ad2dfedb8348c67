// A tiny test harness around the Machine: assemble with keystone, map code/stack pages, run.
// Tests read as assembly; the harness keeps the page layout in one place.

import { Machine, type MachineOptions, type RunResult } from '../../src/engine/machine';
import { Perm } from '../../src/memory/arena';
import { assemble, loadAssembler } from './asm';

export const CODE = 0x0804_8000;
export const STACK_TOP = 0x0010_0000;
export const DATA = 0x0020_0000;

export { assemble, loadAssembler };

export interface GuestOptions extends MachineOptions {
  /** Extra permission bits for the code page (e.g. Perm.Write for self-modifying code). */
  codePerm?: Perm;
}

/** A machine with `code` at CODE, a 64 KiB stack below STACK_TOP and a data page at DATA. */
export function guest(code: Uint8Array | string, options: GuestOptions = {}): Machine {
  const bytes = typeof code === 'string' ? assemble(code, CODE) : code;
  const m = new Machine(options);
  m.memory.map(CODE, Math.max(bytes.length, 1), Perm.Read | Perm.Exec | (options.codePerm ?? 0));
  m.memory.u8.set(bytes, CODE);
  m.memory.map(STACK_TOP - 0x10000, 0x10000, Perm.Read | Perm.Write);
  m.memory.map(DATA, 0x1000, Perm.Read | Perm.Write);
  m.setReg(4, STACK_TOP);
  m.eip = CODE;
  return m;
}

/** Runs until something other than the end of a budget slice happens. */
export function runToStop(m: Machine, slice = 1_000_000, maxSlices = 1000): RunResult {
  for (let i = 0; i < maxSlices; i++) {
    const r = m.run(slice);
    if (r.kind !== 'budget') return r;
  }
  throw new Error('guest did not stop');
}
