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
import { assemble, JsEmitter, regionTargets } from './js/emitter-js.js';
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
  /**
   * A region (several blocks in one function): the guest ranges [start, end) it covers, as
   * pairs, for invalidation. Absent for a single block ([eip, eip + length)).
   */
  readonly extents?: readonly number[];
  /** Times the dispatcher entered this block (the engine retranslates hot blocks). */
  hits: number;
  /** Second tier (a hot superblock with conditional branches followed, or a region): final. */
  readonly superblock?: boolean;
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

interface Scanned {
  readonly e: JsEmitter;
  readonly eips: number[];
  /** Where decoding stopped. */
  readonly pc: number;
  /** A superblock's guest ranges [start, end) as pairs; absent when it is one range [eip, pc). */
  readonly extents?: number[];
}

/** Decodes, validates and emits one block from `eip` (pass 1 and 2), or says why it cannot start. */
function scan(arena: Arena, eip: number, features: CpuFeatures, maxInstructions: number, ipBase: number, follow = false, branches = false): Scanned | BlockFault {
  eip >>>= 0;
  let limit = eip + executableBytes(arena, eip, maxInstructions * 15);
  if (limit === eip) {
    return { signal: SIG.SIGSEGV, code: 2, address: eip, message: `SIGSEGV: execution at 0x${eip.toString(16)} outside executable memory` };
  }
  const e = new JsEmitter();
  e.ipBase = ipBase;
  e.followJumps = follow;
  e.followBranches = branches;
  const eips: number[] = [];
  const extents: number[] = [eip];
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
    const to = e.followTo;
    if (to !== null) {
      // A direct JMP/CALL: go on at its target (a superblock) unless the target was already
      // translated into this block, is not executable, or the block is full; then exit to it.
      e.followTo = null;
      extents.push(pc);
      const seen = eips.includes(to) || extents.some((x, k) => k % 2 === 0 && to >= x && to < (extents[k + 1] ?? pc));
      const room = count < maxInstructions ? executableBytes(arena, to, (maxInstructions - count) * 15) : 0;
      if (seen || room === 0) {
        e.close(to); // the exit after the JMP/CALL goes to its target
        return { e, eips, pc, extents: extents.length > 2 ? extents : undefined };
      }
      pc = to;
      limit = to + room;
      extents.push(to);
    }
  }
  extents.push(pc);
  e.close(pc);
  return { e, eips, pc, extents: extents.length > 2 ? extents : undefined };
}

function compile(eip: number, body: string, eips: readonly number[], within: readonly number[]): { fn: BlockFn; ms: number } {
  const t1 = performance.now();
  // Parenthesised, the inner function is compiled with the factory (V8 compiles eagerly what it
  // expects to be called at once) instead of being pre-parsed now and parsed again at its first call.
  const factory = new Function('H', 'E', 'I', `"use strict"; return (function block_${eip.toString(16)}(s, m) {\n${body}\n});`);
  const fn = factory(HELPERS, Int32Array.from(eips), Int32Array.from(within)) as BlockFn;
  return { fn, ms: performance.now() - t1 };
}

/** Translates the block at `eip`, or says why its first instruction cannot run. */
/**
 * Translates the block at `eip`, or says why its first instruction cannot run. With
 * `followJumps`, translation goes on through direct JMP/CALL; with `followBranches` (the engine's
 * second tier, for hot blocks) also through the fall-through of conditional branches, which
 * become side exits: a superblock of up to `maxInstructions`.
 */
export function translateBlock(
  arena: Arena, eip: number, features: CpuFeatures, maxInstructions = MAX_BLOCK_INSTRUCTIONS, followJumps = false, followBranches = false,
): Block | BlockFault {
  const t0 = performance.now();
  eip >>>= 0;
  const b = scan(arena, eip, features, maxInstructions, 0, followJumps, followBranches);
  if (!('e' in b)) return b;
  const body = assemble([b.e]);
  const t1 = performance.now();
  const { fn, ms } = compile(eip, body, b.eips, b.eips.map((_, k) => k));
  const count = b.eips.length;
  return {
    eip, length: b.extents !== undefined ? b.extents[1] - eip : b.pc - eip, instructions: count, fn, targets: b.e.targets,
    next: b.e.targets.map(() => null), valid: true, source: body, translateMs: t1 - t0, compileMs: ms, hits: 0,
    superblock: followBranches,
    ...(b.extents !== undefined ? { extents: b.extents } : {}),
  };
}

/** Limits of a region: blocks, instructions, and how far from the entry its blocks may start. */
export const REGION_MAX_BLOCKS = 24;
export const REGION_MAX_INSTRUCTIONS = 600;
export const REGION_REACH = 0x2000;

/**
 * Translates a hot region: the block at `eip` and, breadth first, the blocks its direct exits
 * reach near it, into one function with an internal dispatch (see assemble). Null when only
 * the entry block would be in it (a single block stays a plain block).
 */
export function translateRegion(arena: Arena, eip: number, features: CpuFeatures, maxInstructions = MAX_BLOCK_INSTRUCTIONS): Block | null {
  const t0 = performance.now();
  eip >>>= 0;
  const blocks: Scanned[] = [];
  const seen = new Set<number>([eip]);
  const queue = [eip];
  let total = 0;
  while (queue.length > 0 && blocks.length < REGION_MAX_BLOCKS && total < REGION_MAX_INSTRUCTIONS) {
    const at = queue.shift() as number;
    const b = scan(arena, at, features, maxInstructions, total);
    if (!('e' in b)) {
      if (at === eip) return null;
      continue;
    }
    blocks.push(b);
    total += b.eips.length;
    for (const t of b.e.targets) {
      if (!seen.has(t) && Math.abs(t - eip) < REGION_REACH) { seen.add(t); queue.push(t); }
    }
  }
  if (blocks.length < 2) return null;
  const emitters = blocks.map((b) => b.e);
  const body = assemble(emitters);
  const targets = regionTargets(emitters);
  const eips = blocks.flatMap((b) => b.eips);
  const within = blocks.flatMap((b) => b.eips.map((_, k) => k));
  const extents = blocks.flatMap((b) => b.extents ?? [b.e.entry, b.pc]);
  const t1 = performance.now();
  const { fn, ms } = compile(eip, body, eips, within);
  return {
    eip, length: blocks[0].pc - eip, instructions: total, fn, targets, next: targets.map(() => null),
    valid: true, source: body, translateMs: t1 - t0, compileMs: ms, extents, hits: 0, superblock: true,
  };
}

export function isBlock(b: Block | BlockFault): b is Block {
  return (b as Block).fn !== undefined;
}
