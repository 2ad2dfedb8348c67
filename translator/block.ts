// Block translation, in three passes (after Vx32's scan / emit split):
//  1. scan: decode and validate from the entry EIP up to a control transfer, a refused or
//     unimplemented instruction, the end of executable memory, or the size cap; each straight-
//     line run is decoded whole first, for its flag plan (js/flag-liveness.ts);
//  2. emit: run each instruction's semantics through the JS emitter;
//  3. compile: one `new Function` per block. Its source holds only names and numbers the
//     emitter wrote; guest bytes never become source text.
// A block whose first instruction is refused becomes a block that raises the signal, so the
// fault is delivered exactly when execution reaches it.
//
// Tiers (Tier): the engine starts with basic blocks (through direct JMP/CALL), which tenants may
// share; hot code becomes a superblock (conditional branches followed, side exits) or a region
// (the blocks of a hot loop nest in one function, js/assemble.ts); a region leaves for a
// one-instruction step block when an access needs the slow path. Later tiers are private to a
// tenant and bound to its memory.

import { decodeInto } from '../decoder/decode.js';
import { Instruction } from '../decoder/instruction.js';
import { validate, type CpuFeatures } from '../decoder/validate.js';
import { formatInstruction } from '../decoder/disasm.js';
import { Perm, type Arena, PAGE_SHIFT, PAGE_SIZE } from '../src/memory/arena.js';
import { JsEmitter } from './js/emitter-js.js';
import { assemble, assembleRegion } from './js/assemble.js';
import { HELPERS } from './js/helpers.js';
import { planFlags, type FlagPlan } from './js/flag-liveness.js';
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
  /**
   * Past the first tier (a hot superblock, a region, or a one-instruction step block). Such a
   * translation's function is bound to its tenant's arena (see assemble.ts): never share it.
   */
  readonly superblock?: boolean;
  /** What kind of translation this is (Tier); the engine promotes Block -> Superblock -> Region. */
  readonly tier: Tier;
  /**
   * A region: the EIPs it can be entered at (its function picks the case from s.eip). The
   * engine installs one Block record per entry, all sharing the function.
   */
  readonly members?: readonly number[];
}

/** Translation tiers. A Step block runs one instruction for a region's slow path: never promoted. */
export const enum Tier { Block = 0, Superblock = 1, Region = 2, Step = 3 }

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

/** A decoded, validated instruction with its semantics, queued for emission. */
interface Decoded {
  readonly insn: Instruction;
  readonly sem: Semantics;
}
type Semantics = NonNullable<ReturnType<typeof SEMANTICS.get>>;

/**
 * The straight-line run of instructions from `pc`: up to and including the first control
 * transfer, stopping before anything refused or unimplemented (which then starts a block of its
 * own), at `limit`, or after `max` instructions. Its flag plan needs to see it whole.
 */
function decodeRun(arena: Arena, pc: number, limit: number, features: CpuFeatures, max: number): Decoded[] {
  const run: Decoded[] = [];
  while (run.length < max && pc < limit) {
    const insn = new Instruction();
    decodeInto(insn, arena.u8, pc, limit, pc);
    const sem = insn.row ? SEMANTICS.get(insn.row.mnemonic) : undefined;
    if (!validate(insn, arena.u8, pc, features).ok || sem === undefined) break;
    run.push({ insn, sem });
    if (insn.row!.flow !== 'none') break;
    pc = (pc + insn.length) >>> 0;
  }
  return run;
}

/** Decodes, validates and emits one block from `eip` (pass 1 and 2), or says why it cannot start. */
function scan(
  arena: Arena, eip: number, features: CpuFeatures, maxInstructions: number, ipBase: number, follow = false, branches = false, region = false,
  flagPlan = true,
): Scanned | BlockFault {
  eip >>>= 0;
  let limit = eip + executableBytes(arena, eip, maxInstructions * 15);
  if (limit === eip) {
    return { signal: SIG.SIGSEGV, code: 2, address: eip, message: `SIGSEGV: execution at 0x${eip.toString(16)} outside executable memory` };
  }
  const e = new JsEmitter();
  e.ipBase = ipBase;
  e.followJumps = follow;
  e.followBranches = branches;
  e.region = region;
  const eips: number[] = [];
  const extents: number[] = [eip];
  let pc = eip;
  let count = 0;
  let run: Decoded[] = [];
  let plan: FlagPlan | null = null;
  let at = 0;
  const done = (): Scanned => {
    if (e.flagPlanBroken && flagPlan) return scan(arena, eip, features, maxInstructions, ipBase, follow, branches, region, false) as Scanned;
    return { e, eips, pc, extents: extents.length > 2 ? extents : undefined };
  };
  while (count < maxInstructions && !e.ended) {
    if (at === run.length) {
      run = decodeRun(arena, pc, limit, features, maxInstructions - count);
      plan = flagPlan ? planFlags(run.map((d) => d.insn)) : null;
      at = 0;
    }
    if (run.length === 0) {
      // The instruction at pc is refused or not implemented: end the block before it (the next
      // block starts with the fault), or, first in the block, say why.
      if (count > 0) break;
      const insn = new Instruction();
      decodeInto(insn, arena.u8, pc, limit, pc);
      const verdict = validate(insn, arena.u8, pc, features);
      if (!verdict.ok) {
        const address = insn.error === 'truncated' ? limit : pc;
        return { signal: SIG[verdict.signal], code: verdict.signal === 'SIGSEGV' ? 0x80 : 2, address, message: verdict.message };
      }
      return { signal: SIG.SIGILL, code: 2, address: pc, message: `SIGILL at 0x${pc.toString(16)}: ${formatInstruction(insn)}: not implemented by the translator` };
    }
    const { insn, sem } = run[at];
    e.flagsDead = plan !== null && plan.dead[at];
    e.flagsRead = plan === null || plan.reads[at];
    e.planPure = plan !== null && plan.pure[at];
    e.planKills = plan !== null && plan.kills[at];
    at++;
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
      run = [];
      at = 0;
      extents.push(pc);
      const seen = eips.includes(to) || extents.some((x, k) => k % 2 === 0 && to >= x && to < (extents[k + 1] ?? pc));
      const room = count < maxInstructions ? executableBytes(arena, to, (maxInstructions - count) * 15) : 0;
      if (seen || room === 0) {
        e.close(to); // the exit after the JMP/CALL goes to its target
        return done();
      }
      pc = to;
      limit = to + room;
      extents.push(to);
    }
  }
  extents.push(pc);
  e.close(pc);
  return done();
}

const NO_TABLE: Int32Array = new Int32Array(1);

/**
 * Views of a tenant's memory for the functions bound to it, of classes of their own: V8 compiles
 * an access through a view whose map is stable without rechecking it, and the plain Uint8Array
 * and DataView maps are the process's to change (Node's own code changes a Uint8Array's
 * prototype, which makes that map unstable for every typed array).
 */
class GuestBytes extends Uint8Array {}
class GuestView extends DataView<ArrayBuffer> {}
interface Views { readonly u8: Uint8Array; readonly view: DataView; readonly perms: Uint8Array; readonly of: Uint8Array }
const views = new WeakMap<Arena, Views>();

function viewsOf(arena: Arena): Views {
  let v = views.get(arena);
  if (v === undefined || v.of !== arena.u8) {
    const { u8, perms } = arena;
    const memory = u8.buffer as ArrayBuffer, pages = perms.buffer as ArrayBuffer;
    v = {
      u8: new GuestBytes(memory, u8.byteOffset, u8.length), view: new GuestView(memory, u8.byteOffset, u8.length),
      perms: new GuestBytes(pages, perms.byteOffset, perms.length), of: u8,
    };
    views.set(arena, v);
  }
  return v;
}

/** Function names by tier, so that profiles tell the tiers apart (the EIP follows). */
const NAMES = ['block', 'super', 'region', 'step'] as const;

function compile(
  eip: number, tier: Tier, body: string, eips: readonly number[], within: readonly number[], bound: Arena | null,
  hash: Int32Array = NO_TABLE, members: Int32Array = NO_TABLE,
): { fn: BlockFn; ms: number } {
  const t1 = performance.now();
  // Parenthesised, the inner function is compiled with the factory (V8 compiles eagerly what it
  // expects to be called at once) instead of being pre-parsed now and parsed again at its first call.
  const factory = new Function('H', 'E', 'I', 'T', 'M', 'AU', 'U8', 'DV', 'PM', `"use strict"; return (function ${NAMES[tier]}_${eip.toString(16)}(s, m) {\n${body}\n});`);
  const v = bound !== null ? viewsOf(bound) : null;
  const fn = factory(HELPERS, Int32Array.from(eips), Int32Array.from(within), hash, members, bound?.u8 ?? null, v?.u8 ?? null, v?.view ?? null, v?.perms ?? null) as BlockFn;
  return { fn, ms: performance.now() - t1 };
}

/**
 * Translates the block at `eip`, or says why its first instruction cannot run. With
 * `followJumps`, translation goes on through direct JMP/CALL; with `followBranches` (the engine's
 * second tier, for hot blocks) also through the fall-through of conditional branches, which
 * become side exits: a superblock of up to `maxInstructions`.
 */
export function translateBlock(
  arena: Arena, eip: number, features: CpuFeatures, maxInstructions = MAX_BLOCK_INSTRUCTIONS, followJumps = false, followBranches = false,
  tier = followBranches ? Tier.Superblock : Tier.Block,
): Block | BlockFault {
  const t0 = performance.now();
  eip >>>= 0;
  const b = scan(arena, eip, features, maxInstructions, 0, followJumps, followBranches);
  if (!('e' in b)) return b;
  // Only the first tier may be shared between tenants; later tiers use this tenant's memory views.
  const bound = tier !== Tier.Block;
  const body = assemble(b.e, bound);
  const t1 = performance.now();
  const { fn, ms } = compile(eip, tier, body, b.eips, b.eips.map((_, k) => k), bound ? arena : null);
  const count = b.eips.length;
  return record(eip, b.extents !== undefined ? b.extents[1] - eip : b.pc - eip, count, fn, b.e.targets, body, t1 - t0, ms, b.extents, tier, undefined);
}

/**
 * Every Block is made here, with its fields in one order, so that the dispatcher's loads from
 * Block records see one object shape.
 */
function record(
  eip: number, length: number, instructions: number, fn: BlockFn, targets: readonly number[], source: string,
  translateMs: number, compileMs: number, extents: readonly number[] | undefined, tier: Tier, members: readonly number[] | undefined,
): Block {
  return {
    eip, length, instructions, fn, targets, next: targets.map(() => null), valid: true, source, translateMs, compileMs,
    extents, hits: 0, superblock: tier !== Tier.Block, tier, members,
  };
}

/** The record through which a region is entered at its member `eip` (same function, own chaining). */
export function regionEntry(region: Block, eip: number): Block {
  return record(eip, region.length, region.instructions, region.fn, region.targets, region.source, 0, 0, region.extents, Tier.Region, region.members);
}

/** One instruction as a block of its own: what the engine runs when a region leaves for a slow path. */
export function translateStep(arena: Arena, eip: number, features: CpuFeatures): Block | BlockFault {
  return translateBlock(arena, eip, features, 1, false, false, Tier.Step);
}

/** Limits of a region: members, and guest instructions in all (V8's compile time grows with size). */
export const REGION_MAX_BLOCKS = 32;
export const REGION_MAX_INSTRUCTIONS = 512;

/**
 * Translates a hot region: the blocks at `entries` (the first is the region's entry; the engine
 * picks them from what it saw run hot), each shaped as the engine's first tier makes them (through
 * direct JMP/CALL, up to a conditional branch), in one function with an internal dispatch (see
 * assembleRegion): a conditional branch between members costs a switch, not a return to the
 * engine. Null when fewer than two of them translate.
 */
export function translateRegion(
  arena: Arena, entries: readonly number[], features: CpuFeatures, maxInstructions = MAX_BLOCK_INSTRUCTIONS, followJumps = true,
): Block | null {
  const t0 = performance.now();
  const blocks: Scanned[] = [];
  let total = 0;
  for (const at of entries) {
    if (blocks.length >= REGION_MAX_BLOCKS || total >= REGION_MAX_INSTRUCTIONS) break;
    const b = scan(arena, at >>> 0, features, maxInstructions, total, followJumps, false, true);
    if (!('e' in b)) {
      if (blocks.length === 0) return null;
      continue;
    }
    blocks.push(b);
    total += b.eips.length;
  }
  if (blocks.length < 2) return null;
  const eip = blocks[0].e.entry;
  const { body, targets, hash, members, entries: reachable } = assembleRegion(blocks.map((b) => b.e), true);
  const eips = blocks.flatMap((b) => b.eips);
  const within = blocks.flatMap((b) => b.eips.map((_, k) => k));
  const extents = blocks.flatMap((b) => b.extents ?? [b.e.entry, b.pc]);
  const t1 = performance.now();
  const { fn, ms } = compile(eip, Tier.Region, body, eips, within, arena, hash, members);
  if (!reachable.includes(eip)) return null;
  return record(eip, blocks[0].pc - eip, total, fn, targets, body, t1 - t0, ms, extents, Tier.Region, reachable);
}

export function isBlock(b: Block | BlockFault): b is Block {
  return (b as Block).fn !== undefined;
}
