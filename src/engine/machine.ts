// The core, Vx32-style and free of Linux: a Machine holds one guest's CPU state, its arena and
// its code cache, and `run(budget)` executes translated blocks until something needs the host:
// a system call, a fault or trap (with signal, address and EIP), or the end of the budget.
// Personalities (Linux, or an embedder's own) sit on top and resume it.

import { DEFAULT_FEATURES, type CpuFeatures } from '../../decoder/validate.js';
import { isBlock, MAX_BLOCK_INSTRUCTIONS, regionEntry, Tier, translateBlock, translateRegion, type Block, type BlockFault } from '../../translator/block.js';
import { EXIT_INDIRECT, EXIT_SLOW, EXIT_STOP, EXIT_SYSCALL, EXIT_TRAP } from '../../translator/js/assemble.js';
import type { HelperState } from '../../translator/js/helpers.js';
import { Cpuid } from '../cpu/cpuid.js';
import { GuestTrap, SIGSEGV, SEGV_ACCERR, SEGV_MAPERR, SI_KERNEL } from '../cpu/faults.js';
import { CpuState } from '../cpu/state.js';
import { TF } from '../cpu/flags.js';

const SIGTRAP = 5, TRAP_TRACE = 2;
import { segmentLoadBase } from '../cpu/segments.js';
import { Arena, GuestFault, PAGE_SHIFT, Perm } from '../memory/arena.js';
import { defaultArenaPool, type ArenaPool } from '../memory/arena-pool.js';
import { HotCode } from './hot-code.js';
import { defaultCodeCache, type SharedCodeCache } from './code-cache.js';

export type RunResult =
  | { readonly kind: 'syscall' }
  | { readonly kind: 'budget' }
  | {
    readonly kind: 'fault';
    /** Linux signal number and si_code. */
    readonly signal: number;
    readonly code: number;
    /** Faulting data address (memory faults) or instruction address. */
    readonly address: number;
    /** EIP of the faulting instruction (for SIGTRAP from INT3: the instruction after it). */
    readonly eip: number;
    readonly message: string;
  };

export interface MachineOptions {
  /** Arena window in bytes (default 1 GiB: static binaries at 0x08048000, stack near the top). */
  memorySize?: number;
  /** Instruction-set extensions the guest CPU reports and may execute. */
  features?: CpuFeatures;
  /** RDTSC: 'instructions' counts retired instructions (deterministic), 'host' follows the host clock. */
  clock?: 'instructions' | 'host';
  /** Longest block in instructions (1 = single-step, for differential tests and tracing). */
  maxBlockInstructions?: number;
  /**
   * Regions (default on): a hot block is recompiled with the hot blocks of the loops around it
   * into one function, its loops as JavaScript loops (translator/js/assemble.ts).
   */
  regions?: boolean;
  /** Superblocks: translation goes on through direct JMP/CALL instead of ending the block (default on). */
  followJumps?: boolean;
  /**
   * Second tier: a block entered HOT_BLOCK_ENTRIES times (REGION_ENTRIES with regions on, when it
   * is in no region) is retranslated as a superblock that also follows the fall-through of
   * conditional branches (side exits). Default on.
   */
  hotSuperblocks?: boolean;
  /**
   * Where the arena comes from and goes back to on release() (default: the process-wide pool;
   * null: a new window that release() does not recycle).
   */
  arenaPool?: ArenaPool | null;
  /**
   * Translations shared with other machines by content (default: the process-wide cache;
   * null: every translation private). See src/engine/code-cache.ts.
   */
  codeCache?: SharedCodeCache | null;
}

export interface MachineStats {
  blocksTranslated: number;
  /** Guest instructions covered by the blocks translated. */
  instructionsTranslated: number;
  translateMs: number;
  compileMs: number;
  cacheHits: number;
  invalidations: number;
  /** Hot blocks recompiled as regions (several blocks in one function). */
  regionsCompiled: number;
  /** Hot blocks retranslated as superblocks (second tier). */
  superblocksCompiled: number;
  /** Blocks taken from the shared code cache instead of being translated. */
  sharedHits: number;
  /**
   * Characters of generated source this machine compiled for itself alone (translations not
   * shared by content, superblocks and regions), cumulative: what its code costs the host.
   */
  privateCodeBytes: number;
}

const FAST_SIZE = 4096;
/** Dispatcher entries after which a block is recompiled as a superblock (with regions off). */
export const HOT_BLOCK_ENTRIES = 64;
/**
 * With regions on, a basic block entered REGION_ENTRIES times is recompiled with the hot blocks
 * of the loops around it as a region (or, when it is in no hot loop, as a superblock).
 */
export const REGION_ENTRIES = 1024;
/** Entries during which a translation runs on a short budget, and that budget (see runYoung). */
const YOUNG = 64;
const YOUNG_BUDGET = 2000;

/** Does `b` cover any byte of [address, end)? */
function overlaps(b: Block, address: number, end: number): boolean {
  const x = b.extents;
  if (x === undefined) return b.eip < end && b.eip + b.length > address;
  for (let i = 0; i < x.length; i += 2) if (x[i] < end && x[i + 1] > address) return true;
  return false;
}

/** The pages a translation covers. */
function pagesOf(b: Block): number[] {
  const x = b.extents ?? [b.eip, b.eip + Math.max(1, b.length)];
  const pages: number[] = [];
  for (let i = 0; i < x.length; i += 2) {
    for (let p = x[i] >>> PAGE_SHIFT; p <= (Math.max(x[i] + 1, x[i + 1]) - 1) >>> PAGE_SHIFT; p++) if (!pages.includes(p)) pages.push(p);
  }
  return pages;
}

const featureKeys = new WeakMap<CpuFeatures, string>();

/** A feature set as text, for the shared cache's key (computed once per set: spawning is hot). */
function featureKey(f: CpuFeatures): string {
  let k = featureKeys.get(f);
  if (k === undefined) featureKeys.set(f, (k = [...f].sort().join(',')));
  return k;
}

/** The CPU state plus what helpers need from the tenant: CPUID and the TLS descriptors. */
export class GuestCpu extends CpuState implements HelperState {
  cpuidSource: Cpuid;
  constructor(features: CpuFeatures) {
    super();
    this.cpuidSource = new Cpuid(features);
  }
  /** The base a segment register gets for `selector`, or #GP (src/cpu/segments.ts). */
  segmentBase(seg: number, selector: number): number {
    return segmentLoadBase(seg, selector, this.tls);
  }
  /** GDT TLS entries (index -> base) installed by the personality (set_thread_area). */
  readonly tls = new Map<number, number>();
  /**
   * The instruction clock while `run` is on: RDTSC reads tscBase plus the instructions retired
   * since (tscBudget - budget), so the dispatch loop does no BigInt work per block.
   */
  tscLive = false;
  tscBase = 0n;
  tscBudget = 0;
  liveTsc(): bigint {
    return this.tscLive ? this.tscBase + BigInt(this.tscBudget - this.budget) : this.tsc;
  }
}

export class Machine {
  readonly cpu: GuestCpu;
  readonly memory: Arena;
  readonly features: CpuFeatures;
  readonly stats: MachineStats = { blocksTranslated: 0, instructionsTranslated: 0, translateMs: 0, compileMs: 0, cacheHits: 0, invalidations: 0, regionsCompiled: 0, superblocksCompiled: 0, sharedHits: 0, privateCodeBytes: 0 };
  private readonly cache = new Map<number, Block>();
  private readonly fast: (Block | null)[] = new Array(FAST_SIZE).fill(null);
  /** Blocks per code page, for invalidation on writes. */
  private readonly pageBlocks = new Map<number, Set<Block>>();
  private readonly clock: 'instructions' | 'host';
  private readonly maxBlock: number;
  private readonly regions: boolean;
  private readonly followJumps: boolean;
  private readonly hotSuperblocks: boolean;
  private readonly pool: ArenaPool | null;
  private readonly shared: SharedCodeCache | null;
  /** What a translation depends on besides the guest bytes: the shared cache's key. */
  private readonly sharedKey: string;

  constructor(options: MachineOptions = {}) {
    this.features = options.features ?? DEFAULT_FEATURES;
    this.pool = options.arenaPool === undefined ? defaultArenaPool : options.arenaPool;
    const size = options.memorySize ?? 0x4000_0000;
    this.memory = this.pool !== null ? this.pool.acquire(size) : new Arena(size);
    this.shared = options.codeCache === undefined ? defaultCodeCache : options.codeCache;
    this.cpu = new GuestCpu(this.features);
    this.clock = options.clock ?? 'instructions';
    this.maxBlock = options.maxBlockInstructions ?? MAX_BLOCK_INSTRUCTIONS;
    this.regions = (options.regions ?? true) && this.maxBlock > 1;
    this.followJumps = (options.followJumps ?? true) && this.maxBlock > 1;
    this.hotSuperblocks = (options.hotSuperblocks ?? true) && this.maxBlock > 1;
    this.sharedKey = `${featureKey(this.features)}/${this.maxBlock}/${this.followJumps}`;
    this.memory.onCodeWrite = (address, length) => this.invalidate(address, length);
  }

  /**
   * The machine will never run again: its arena goes back to the pool (zeroed, and revoked for
   * this machine: a stale reference sees an empty window) and its translations are dropped.
   */
  release(): void {
    // No flush: the pool clears the page permissions (Code included), and this machine's block
    // records die with it (shared translations are other records); only drop the references.
    this.cache.clear();
    this.pageBlocks.clear();
    if (this.pool !== null) this.pool.release(this.memory);
    else this.memory.revoke();
  }

  /** Host memory this machine's guest has touched: the arena pages it ever mapped. */
  get residentBytes(): number {
    return this.memory.usedBytes;
  }

  get eip(): number { return this.cpu.eip >>> 0; }
  set eip(v: number) { this.cpu.eip = v >>> 0; }
  reg(r: number): number { return this.cpu.r[r] >>> 0; }
  setReg(r: number, v: number): void { this.cpu.r[r] = v | 0; }

  /** Drops every translation overlapping [address, address+length). */
  invalidate(address: number, length: number): void {
    const end = address + length;
    for (let p = address >>> PAGE_SHIFT; p <= (end - 1) >>> PAGE_SHIFT; p++) {
      const blocks = this.pageBlocks.get(p);
      if (!blocks) continue;
      for (const b of blocks) {
        if (overlaps(b, address, end)) {
          b.valid = false;
          for (const q of pagesOf(b)) if (q !== p) this.pageBlocks.get(q)?.delete(b);
          blocks.delete(b);
          if (this.cache.get(b.eip) === b) this.cache.delete(b.eip);
          if (this.fast[b.eip & (FAST_SIZE - 1)] === b) this.fast[b.eip & (FAST_SIZE - 1)] = null;
          this.stats.invalidations++;
        }
      }
      if (blocks.size === 0) {
        this.pageBlocks.delete(p);
        this.memory.perms[p] &= ~Perm.Code;
      }
    }
  }

  /** Drops every translation (e.g. after mapping new code over old). */
  flush(): void {
    for (const p of this.pageBlocks.keys()) this.memory.perms[p] &= ~Perm.Code;
    for (const b of this.cache.values()) b.valid = false;
    this.pageBlocks.clear();
    this.cache.clear();
    this.fast.fill(null);
  }

  private lookup(eip: number): Block | BlockFault {
    const slot = eip & (FAST_SIZE - 1);
    const hit = this.fast[slot];
    if (hit !== null && hit.eip === eip) { this.stats.cacheHits++; return hit; }
    let block = this.cache.get(eip);
    if (block === undefined) {
      block = this.shared?.find(this.sharedKey, this.memory, eip);
      if (block !== undefined) {
        this.stats.sharedHits++;
      } else {
        const made = translateBlock(this.memory, eip, this.features, this.maxBlock, this.followJumps);
        if (!isBlock(made)) return made;
        block = made;
        this.stats.blocksTranslated++;
        this.stats.instructionsTranslated += made.instructions;
        this.stats.translateMs += made.translateMs;
        this.stats.compileMs += made.compileMs;
        if (this.shared?.offer(this.sharedKey, this.memory, made) !== true) this.stats.privateCodeBytes += made.source.length;
      }
      this.install(block);
    } else {
      this.stats.cacheHits++;
    }
    this.fast[slot] = block;
    return block;
  }

  private install(block: Block): void {
    // Second-tier translations (superblocks, regions) are made per machine, never shared.
    if (block.superblock === true) this.stats.privateCodeBytes += block.source.length;
    this.cache.set(block.eip, block);
    for (const p of pagesOf(block)) {
      let set = this.pageBlocks.get(p);
      if (!set) this.pageBlocks.set(p, (set = new Set()));
      set.add(block);
      this.memory.perms[p] |= Perm.Code;
    }
  }

  /**
   * A basic block just got hot. With regions on, at REGION_ENTRIES entries it is recompiled with
   * the hot blocks of the loops around it as a region, or, when it is in no loop, as a
   * superblock; with regions off, at HOT_BLOCK_ENTRIES, as a superblock. Later tiers stay.
   */
  private promote(block: Block): Block {
    if (block.tier !== Tier.Block) return block;
    let made: Block | null = null;
    const hits = block.hits;
    if (this.regions && hits === REGION_ENTRIES) {
      const members = this.hotCode.regionMembers(block);
      made = translateRegion(this.memory, members, this.features, this.maxBlock, this.followJumps);
      if (made !== null) this.stats.regionsCompiled++;
    }
    if (made === null && hits === (this.regions ? REGION_ENTRIES : HOT_BLOCK_ENTRIES) && this.hotSuperblocks) {
      const b = translateBlock(this.memory, block.eip, this.features, this.maxBlock, this.followJumps, true);
      made = isBlock(b) ? b : null;
      if (made !== null) this.stats.superblocksCompiled++;
    }
    if (made === null) return block;
    this.stats.translateMs += made.translateMs;
    this.stats.compileMs += made.compileMs;
    this.stats.instructionsTranslated += made.instructions;
    this.hotCode.replaced(block);
    this.replace(block, made);
    if (made.tier !== Tier.Region) return made;
    // Every member becomes an entry of the region (one record each, sharing the function).
    for (const eip of made.members ?? []) {
      if (eip === made.eip) continue;
      const old = this.cache.get(eip);
      const entry = regionEntry(made, eip);
      if (old !== undefined) this.hotCode.replaced(old);
      if (old !== undefined) this.replace(old, entry);
      else { this.install(entry); this.fast[eip & (FAST_SIZE - 1)] = entry; }
    }
    return made;
  }

  /**
   * A young translation (its first YOUNG entries through this record) runs with at most
   * YOUNG_BUDGET instructions, so that it leaves through its exit path many times while V8
   * still interprets it: code TurboFan compiles without type feedback for an operation
   * deoptimises when that operation first runs, and a function that loops (a region, a block
   * jumping to itself) otherwise first leaves only at the end of a quantum, long after TurboFan
   * compiled its loop on stack (and V8 keeps re-entering that code, deoptimising at every exit).
   * The rest of the budget (and the instruction clock's base, so RDTSC reads the same) is set
   * aside for the call.
   */
  private runYoung(block: Block, s: GuestCpu, m: Arena): number {
    const aside = s.budget - YOUNG_BUDGET;
    if (aside <= 0) return block.fn(s, m);
    s.budget -= aside;
    s.tscBudget -= aside;
    try {
      return block.fn(s, m);
    } finally {
      s.budget += aside;
      s.tscBudget += aside;
    }
  }

  /** `made` takes the place of `old` (same EIP): chains to `old` see it invalid and find `made`. */
  private replace(old: Block, made: Block): void {
    old.valid = false;
    for (const p of pagesOf(old)) this.pageBlocks.get(p)?.delete(old);
    this.install(made);
    this.fast[made.eip & (FAST_SIZE - 1)] = made;
  }

  /** What regions are cut from (the seen control-flow graph), and the slow paths' step blocks. */
  private readonly hotCode = new HotCode(this.cache);

  /** The one-instruction block at `eip`, for a region that left for a slow path there. */
  private step(eip: number): Block | BlockFault {
    return this.hotCode.step(this.memory, eip, this.features, (made) => {
      this.stats.translateMs += made.translateMs;
      this.stats.compileMs += made.compileMs;
    });
  }

  /** Runs until a system call, a fault, or `budget` instructions have retired (block granular). */
  run(budget: number): RunResult {
    const s = this.cpu;
    const m = this.memory;
    s.budget = budget;
    const startTsc = s.tsc;
    const instructionClock = this.clock === 'instructions';
    if (instructionClock) { s.tscBase = startTsc; s.tscBudget = budget; s.tscLive = true; }
    let block: Block | null = null;
    const hot = this.regions || this.hotSuperblocks;
    const regions = this.regions;
    try {
      // EFLAGS.TF: one instruction, then SIGTRAP (single-step, SDM Vol. 3A, 18.3.1.4).
      if ((s.eflags & TF) !== 0 && s.budget > 0) return this.traceStep();
      while (s.budget > 0) {
        if (block === null || !block.valid) {
          const found = this.lookup(s.eip >>> 0);
          if (!isBlock(found)) return this.blockFault(found);
          block = found;
          if (hot) {
            const h = ++block.hits;
            if (h === HOT_BLOCK_ENTRIES || h === REGION_ENTRIES) block = this.promote(block);
          }
        }
        const k: number = block.hits < YOUNG ? this.runYoung(block, s, m) : block.fn(s, m);
        let next: Block | null;
        if (k >= 0) {
          next = block.next[k];
          if (next === null || !next.valid) {
            const found = this.lookup(block.targets[k]);
            if (!isBlock(found)) return this.blockFault(found);
            next = found;
            block.next[k] = next;
          }
        } else if (k === EXIT_INDIRECT) {
          const found = this.lookup(s.eip >>> 0);
          if (!isBlock(found)) return this.blockFault(found);
          next = found;
          if (regions && (block.hits & 7) === 0) this.hotCode.noteIndirect(block.eip, next.eip);
        } else if (k === EXIT_SLOW) {
          // Not counted as an entry: the step block is final and its successor is counted.
          const found = this.step(s.eip >>> 0);
          if (!isBlock(found)) return this.blockFault(found);
          block = found;
          continue;
        } else {
          block = null;
          if (k === EXIT_SYSCALL) return { kind: 'syscall' };
          if (k === EXIT_TRAP) {
            return { kind: 'fault', signal: s.trapSignal, code: s.trapCode, address: s.eip >>> 0, eip: s.eip >>> 0, message: `signal ${s.trapSignal} at 0x${(s.eip >>> 0).toString(16)}` };
          }
          if (k !== EXIT_STOP) throw new Error(`engine: bad block exit ${k}`);
          // Single-stepping starts with the next instruction, within this budget like any other.
          if ((s.eflags & TF) !== 0 && s.budget > 0) return this.traceStep();
          continue;
        }
        block = next;
        if (hot) {
          const h = ++block.hits;
          if (h === HOT_BLOCK_ENTRIES || h === REGION_ENTRIES) block = this.promote(block);
        }
      }
      return { kind: 'budget' };
    } catch (e) {
      if (e instanceof GuestFault) {
        return {
          kind: 'fault', signal: SIGSEGV, code: e.mapped ? SEGV_ACCERR : SEGV_MAPERR, address: e.address,
          eip: s.eip >>> 0, message: `SIGSEGV at 0x${(s.eip >>> 0).toString(16)}: ${e.access} of 0x${e.address.toString(16)}`,
        };
      }
      if (e instanceof GuestTrap) {
        return { kind: 'fault', signal: e.signal, code: e.code, address: e.address || s.eip >>> 0, eip: s.eip >>> 0, message: `signal ${e.signal} at 0x${(s.eip >>> 0).toString(16)}` };
      }
      throw e;
    } finally {
      if (instructionClock) { s.tsc = startTsc + BigInt(budget - s.budget); s.tscLive = false; }
      else s.tsc = process.hrtime.bigint();
    }
  }

  /**
   * Runs one instruction with EFLAGS.TF set, then stops with SIGTRAP (TRAP_TRACE) and EIP after
   * it, as the single-step #DB does; a system call or a fault of that instruction comes back as
   * such (the personality raises the trap after the call returns).
   */
  private traceStep(): RunResult {
    const s = this.cpu;
    const found = this.step(s.eip >>> 0);
    if (!isBlock(found)) return this.blockFault(found);
    const k = found.fn(s, this.memory);
    if (k >= 0) s.eip = found.targets[k];
    else if (k === EXIT_SYSCALL) return { kind: 'syscall' };
    else if (k === EXIT_TRAP) {
      return { kind: 'fault', signal: s.trapSignal, code: s.trapCode, address: s.eip >>> 0, eip: s.eip >>> 0, message: `signal ${s.trapSignal} at 0x${(s.eip >>> 0).toString(16)}` };
    }
    const eip = s.eip >>> 0;
    return { kind: 'fault', signal: SIGTRAP, code: TRAP_TRACE, address: eip, eip, message: `single step at 0x${eip.toString(16)}` };
  }

  private blockFault(f: BlockFault): RunResult {
    return { kind: 'fault', signal: f.signal, code: f.code, address: f.address, eip: this.cpu.eip >>> 0, message: f.message };
  }
}
