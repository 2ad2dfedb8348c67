// Block translation, in three passes (after Vx32's scan / emit split):
//  1. scan: decode and validate from the entry EIP up to a control transfer, a refused or
//     unimplemented instruction, the end of executable memory, or the size cap;
//  2. emit: run each instruction's semantics through the JS emitter;
//  3. compile: one `new Function` per block. Its source holds only names and numbers the
//     emitter wrote; guest bytes never become source text.
// A block whose first instruction is refused becomes a block that raises the signal, so the
// fault is delivered exactly when execution reaches it.

import { decodeInto } from '../decoder/decode.js';
import { Instruction } from '../decoder/instruction.js';
import { validate, type CpuFeatures } from '../decoder/validate.js';
import { formatInstruction } from '../decoder/disasm.js';
import { Perm, type Arena, PAGE_SHIFT, PAGE_SIZE } from '../src/memory/arena.js';
import { JsEmitter } from './js/emitter-js.js';
import { HELPERS } from './js/helpers.js';
import { SEMANTICS } from './semantics/index.js';

export const MAX_BLOCK_INSTRUCTIONS = 64;

export type BlockFn = (s: unknown, m: Arena) => number;

export interface Block {
  readonly eip: number;
  /** Bytes of guest code covered: [eip, eip + length). */
  readonly length: number;
  readonly instructions: number;
  readonly fn: BlockFn;
  readonly targets: readonly number[];
  /** Chained successors, filled in by the engine as targets are first taken. */
  readonly next: (Block | null)[];
  valid: boolean;
  /** Generated source, kept for --trace/debugging and tests. */
  readonly source: string;
  /** Translation cost split: our decode+emit, and the host engine's compile (new Function). */
  readonly translateMs: number;
  readonly compileMs: number;
}

/** A refused instruction at the start of a block: the signal and the message that explains it. */
export interface BlockFault {
  readonly signal: number;
  readonly code: number;
  readonly address: number;
  readonly message: string;
}

const SIG = { SIGILL: 4, SIGSEGV: 11, SIGTRAP: 5 } as const;

/** How many bytes from `eip` are executable (stops at the first page without Exec). */
function executableBytes(arena: Arena, eip: number, want: number): number {
  let end = eip;
  while (end < eip + want) {
    const page = end >>> PAGE_SHIFT;
    if (end >= arena.size || (arena.perms[page] & (Perm.Exec | Perm.Read)) !== (Perm.Exec | Perm.Read)) break;
    end = (page + 1) * PAGE_SIZE;
  }
  return Math.max(0, Math.min(end, eip + want) - eip);
}

/** Translates the block at `eip`, or says why its first instruction cannot run. */
export function translateBlock(arena: Arena, eip: number, features: CpuFeatures, maxInstructions = MAX_BLOCK_INSTRUCTIONS): Block | BlockFault {
  const t0 = performance.now();
  eip >>>= 0;
  const limit = eip + executableBytes(arena, eip, maxInstructions * 15);
  if (limit === eip) {
    return { signal: SIG.SIGSEGV, code: 2, address: eip, message: `SIGSEGV: execution at 0x${eip.toString(16)} outside executable memory` };
  }
  const e = new JsEmitter();
  const eips: number[] = [];
  let pc = eip;
  let count = 0;
  const insn = new Instruction();
  while (count < maxInstructions && !e.ended) {
    decodeInto(insn, arena.u8, pc, limit, pc);
    const verdict = validate(insn, arena.u8, pc, features);
    const sem = insn.row ? SEMANTICS.get(insn.row.mnemonic) : undefined;
    if (!verdict.ok || sem === undefined) {
      if (count > 0) break; // end the block before it; the next block starts with the fault
      if (!verdict.ok) {
        const address = insn.error === 'truncated' ? limit : pc;
        return { signal: SIG[verdict.signal], code: verdict.signal === 'SIGSEGV' ? 0x80 : 2, address, message: verdict.message };
      }
      return { signal: SIG.SIGILL, code: 2, address: pc, message: `SIGILL at 0x${pc.toString(16)}: ${formatInstruction(insn)}: not implemented by the translator` };
    }
    eips.push(pc);
    e.beginInstruction(count, pc, (pc + insn.length) >>> 0);
    sem(e, insn, { features });
    e.endInstruction();
    pc = (pc + insn.length) >>> 0;
    count++;
  }
  const body = e.finish(pc);
  const t1 = performance.now();
  const factory = new Function('H', 'E', `"use strict"; return function block_${eip.toString(16)}(s, m) {\n${body}\n};`);
  const fn = factory(HELPERS, Int32Array.from(eips)) as BlockFn;
  const t2 = performance.now();
  return {
    eip, length: pc - eip, instructions: count, fn, targets: e.targets, next: e.targets.map(() => null),
    valid: true, source: body, translateMs: t1 - t0, compileMs: t2 - t1,
  };
}

export function isBlock(b: Block | BlockFault): b is Block {
  return (b as Block).fn !== undefined;
}
