// The core, Vx32-style and free of Linux: a Machine holds one guest's CPU state, its arena and
// its code cache, and `run(budget)` executes translated blocks until something needs the host:
// a system call, a fault or trap (with signal, address and EIP), or the end of the budget.
// Personalities (Linux, or an embedder's own) sit on top and resume it.

import { DEFAULT_FEATURES, type CpuFeatures } from '../../decoder/validate.js';
import { isBlock, MAX_BLOCK_INSTRUCTIONS, translateBlock, type Block, type BlockFault } from '../../translator/block.js';
import { EXIT_INDIRECT, EXIT_STOP, EXIT_SYSCALL, EXIT_TRAP } from '../../translator/js/emitter-js.js';
import type { HelperState } from '../../translator/js/helpers.js';
import { Cpuid } from '../cpu/cpuid.js';
import { GuestTrap, SIGSEGV, SEGV_ACCERR, SEGV_MAPERR, SI_KERNEL } from '../cpu/faults.js';
import { CpuState } from '../cpu/state.js';
import { segmentLoadBase } from '../cpu/segments.js';
import { Arena, GuestFault, PAGE_SHIFT, Perm } from '../memory/arena.js';

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
}

export interface MachineStats {
  blocksTranslated: number;
  translateMs: number;
  compileMs: number;
  cacheHits: number;
  invalidations: number;
}

const FAST_SIZE = 4096;

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
}

export class Machine {
  readonly cpu: GuestCpu;
  readonly memory: Arena;
  readonly features: CpuFeatures;
  readonly stats: MachineStats = { blocksTranslated: 0, translateMs: 0, compileMs: 0, cacheHits: 0, invalidations: 0 };
  private readonly cache = new Map<number, Block>();
  private readonly fast: (Block | null)[] = new Array(FAST_SIZE).fill(null);
  /** Blocks per code page, for invalidation on writes. */
  private readonly pageBlocks = new Map<number, Set<Block>>();
  private readonly clock: 'instructions' | 'host';
  private readonly maxBlock: number;

  constructor(options: MachineOptions = {}) {
    this.features = options.features ?? DEFAULT_FEATURES;
    this.memory = new Arena(options.memorySize ?? 0x4000_0000);
    this.cpu = new GuestCpu(this.features);
    this.clock = options.clock ?? 'instructions';
    this.maxBlock = options.maxBlockInstructions ?? MAX_BLOCK_INSTRUCTIONS;
    this.memory.onCodeWrite = (address, length) => this.invalidate(address, length);
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
        if (b.eip < end && b.eip + b.length > address) {
          b.valid = false;
          blocks.delete(b);
          this.cache.delete(b.eip);
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
      const made = translateBlock(this.memory, eip, this.features, this.maxBlock);
      if (!isBlock(made)) return made;
      block = made;
      this.stats.blocksTranslated++;
      this.stats.translateMs += made.translateMs;
      this.stats.compileMs += made.compileMs;
      this.cache.set(eip, block);
      for (let p = eip >>> PAGE_SHIFT; p <= (eip + Math.max(1, block.length) - 1) >>> PAGE_SHIFT; p++) {
        let set = this.pageBlocks.get(p);
        if (!set) this.pageBlocks.set(p, (set = new Set()));
        set.add(block);
        this.memory.perms[p] |= Perm.Code;
      }
    } else {
      this.stats.cacheHits++;
    }
    this.fast[slot] = block;
    return block;
  }

  /** Runs until a system call, a fault, or `budget` instructions have retired (block granular). */
  run(budget: number): RunResult {
    const s = this.cpu;
    const m = this.memory;
    s.budget = budget;
    const startTsc = s.tsc;
    let block: Block | null = null;
    try {
      while (s.budget > 0) {
        if (block === null || !block.valid) {
          const found = this.lookup(s.eip >>> 0);
          if (!isBlock(found)) return this.blockFault(found);
          block = found;
        }
        if (this.clock === 'instructions') s.tsc = startTsc + BigInt(budget - s.budget);
        const k = block.fn(s, m);
        if (k >= 0) {
          let next: Block | null = block.next[k];
          if (next === null || !next.valid) {
            const found = this.lookup(block.targets[k]);
            if (!isBlock(found)) return this.blockFault(found);
            next = found;
            block.next[k] = next;
          }
          block = next;
          continue;
        }
        block = null;
        if (k === EXIT_SYSCALL) return { kind: 'syscall' };
        if (k === EXIT_TRAP) {
          return { kind: 'fault', signal: s.trapSignal, code: s.trapCode, address: s.eip >>> 0, eip: s.eip >>> 0, message: `signal ${s.trapSignal} at 0x${(s.eip >>> 0).toString(16)}` };
        }
        if (k !== EXIT_INDIRECT && k !== EXIT_STOP) throw new Error(`engine: bad block exit ${k}`);
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
      if (this.clock === 'host') s.tsc = process.hrtime.bigint();
    }
  }

  private blockFault(f: BlockFault): RunResult {
    return { kind: 'fault', signal: f.signal, code: f.code, address: f.address, eip: this.cpu.eip >>> 0, message: f.message };
  }
}
