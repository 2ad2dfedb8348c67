// Host helpers called by generated JavaScript (`H.name(s, m, ...)`): the operations too large to
// inline (division, CPUID, RDTSC, segment loads, flag materialisation). They take the tenant's
// state and memory as arguments and keep no tenant data of their own. Extra results go to
// s.scratch; faults are thrown as GuestTrap / GuestFault.

import { computeFlags, conditionFromFlags, USER_FLAGS } from '../../src/cpu/flags.js';
import { querySelector } from '../../src/cpu/segments.js';
import { FPE_INTDIV, GuestTrap, SIGFPE, SIGSEGV, SI_KERNEL } from '../../src/cpu/faults.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { Arena } from '../../src/memory/arena.js';
import { INTEGER_HELPERS } from './integer-helpers.js';
import { X87_HELPERS } from './x87-helpers.js';

/** What CPUID reports; per tenant (src/cpu/cpuid.ts builds it from the feature set). */
export interface CpuidSource {
  cpuid(leaf: number, subleaf: number, out: Int32Array): void;
}

/** The state object generated code sees: the CPU plus the tenant's CPUID and TLS hooks. */
export interface HelperState extends CpuState {
  cpuidSource: CpuidSource;
  /** Validates a selector for a segment register; returns its base or throws (TLS, issue 4). */
  segmentBase(seg: number, selector: number): number;
  /** GDT TLS entries (index -> base) installed by set_thread_area. */
  readonly tls: ReadonlyMap<number, number>;
}

/**
 * High halves of 32x32 products without BigInt: the double product is within 2^11 of the exact
 * one (|product| < 2^64) and Math.imul gives the exact low half, so (product - low) / 2^32
 * rounds to the exact high half.
 */
function mulhu(a: number, b: number): number {
  const x = a >>> 0, y = b >>> 0;
  return Math.round((x * y - (Math.imul(x, y) >>> 0)) / 4294967296) | 0;
}

function mulhs(a: number, b: number): number {
  const x = a | 0, y = b | 0;
  return Math.round((x * y - (Math.imul(x, y) >>> 0)) / 4294967296) | 0;
}

function divideError(): never {
  // #DE: Linux delivers SIGFPE with FPE_INTDIV for both zero divisors and overflowing quotients.
  throw new GuestTrap(SIGFPE, FPE_INTDIV);
}

/** DIV/IDIV: dividend hi:lo, divisor; quotient returned, remainder in scratch[0]. */
function udiv(s: CpuState, hi: number, lo: number, d: number, bits: number): number {
  if (d === 0) divideError();
  if (bits === 32) {
    const n = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const q = n / BigInt(d >>> 0);
    if (q > 0xffffffffn) divideError();
    s.scratch[0] = Number(n % BigInt(d >>> 0)) | 0;
    return Number(q) | 0;
  }
  const n = hi * 2 ** bits + lo; // exact in doubles for 16- and 8-bit forms
  const q = Math.floor(n / d);
  if (q >= 2 ** bits) divideError();
  s.scratch[0] = n - q * d;
  return q;
}

function sdiv(s: CpuState, hi: number, lo: number, d: number, bits: number): number {
  if (d === 0) divideError();
  const n = (BigInt.asIntN(bits, BigInt(hi)) << BigInt(bits)) | BigInt.asUintN(bits, BigInt(lo));
  const dd = BigInt.asIntN(bits, BigInt(d));
  const q = n / dd; // BigInt division truncates toward zero, as IDIV does
  const limit = 1n << BigInt(bits - 1);
  if (q >= limit || q < -limit) divideError();
  s.scratch[0] = Number(BigInt.asUintN(bits, n % dd));
  return Number(BigInt.asUintN(bits, q));
}

/** Helpers of the core integer set; families add theirs in sibling files merged below. */
const CORE_HELPERS = {
  USER_FLAGS,
  flags: computeFlags,
  cond: (cc: number, op: number, dst: number, src: number, src2: number) => conditionFromFlags(cc, computeFlags(op, dst, src, src2)),
  mulhu,
  mulhs,
  div8: (s: CpuState, _m: Arena, ax: number, d: number) => udiv(s, ax >>> 8, ax & 0xff, d, 8),
  div16: (s: CpuState, _m: Arena, dx: number, ax: number, d: number) => udiv(s, dx, ax, d, 16),
  div32: (s: CpuState, _m: Arena, edx: number, eax: number, d: number) => udiv(s, edx, eax, d, 32),
  idiv8: (s: CpuState, _m: Arena, ax: number, d: number) => sdiv(s, ax >>> 8, ax & 0xff, d, 8),
  idiv16: (s: CpuState, _m: Arena, dx: number, ax: number, d: number) => sdiv(s, dx, ax, d, 16),
  idiv32: (s: CpuState, _m: Arena, edx: number, eax: number, d: number) => sdiv(s, edx, eax, d, 32),
  cpuid: (s: HelperState, _m: Arena, leaf: number, subleaf: number) => {
    s.cpuidSource.cpuid(leaf >>> 0, subleaf >>> 0, s.scratch);
    return 0;
  },
  rdtsc: (s: CpuState & { liveTsc?: () => bigint }) => {
    // The engine's GuestCpu keeps the instruction clock live while it runs (no per-block work).
    const tsc = s.liveTsc !== undefined ? s.liveTsc() : s.tsc;
    s.scratch[0] = Number(tsc & 0xffffffffn) | 0;
    s.scratch[1] = Number((tsc >> 32n) & 0xffffffffn) | 0;
    return 0;
  },
  /** LAR/LSL/VERR/VERW (query 0-3): 1 with the answer in scratch[0], or 0 for ZF = 0. */
  segmentQuery: (s: HelperState, _m: Arena, selector: number, query: number) => {
    const r = querySelector(selector, (['lar', 'lsl', 'verr', 'verw'] as const)[query], s.tls);
    if (r === null) return 0;
    s.scratch[0] = r | 0;
    return 1;
  },
  /**
   * Probes for instructions that access memory in several parts (PUSHA, ENTER, CMPXCHG8B, wide
   * x87 operands): check [address, address+length) as one access would, before any part is
   * done, throwing the GuestFault for its first byte lacking the permission. probeWrite returns
   * Arena.checkWrite's result (1 when translated code was dropped: pass it to helperStored).
   */
  probeRead: (_s: CpuState, m: Arena, address: number, length: number): number => {
    m.checkRead(address, length);
    return 0;
  },
  probeWrite: (_s: CpuState, m: Arena, address: number, length: number): number => m.checkWrite(address, length),
  loadSeg: (s: HelperState, _m: Arena, seg: number, selector: number) => {
    const sel = selector & 0xffff;
    s.segBase[seg] = s.segmentBase(seg, sel);
    s.seg[seg] = sel;
    return 0;
  },
};

export const HELPERS = { ...CORE_HELPERS, ...INTEGER_HELPERS, ...X87_HELPERS };

export type Helpers = typeof HELPERS;
