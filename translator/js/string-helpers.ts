// Host helpers for the REP string instructions (translator/semantics/string.ts): MOVS STOS LODS
// CMPS SCAS repeated up to min(count, budget) times. Merged into INTEGER_HELPERS; called from
// generated code as H.name(s, m, ...args). Guest memory is only touched through the arena's page
// table: the element accessors below are the emitter's inline fast path (page readable, or
// writable and not holding code, and the access inside the page), everything else goes to the
// arena's checked accessors; the bulk paths check every page of a span with Arena.check first
// and report writes over translated code through Arena.checkWrite.

import type { CpuState } from '../../src/cpu/state.js';
import { GuestFault, Perm, type Arena } from '../../src/memory/arena.js';

type S = CpuState;
type M = Arena;

const TWO32 = 4294967296;

/** Loads `size` bytes at linear address `a` (any int), zero-extended for 8/16 bits. */
function load(m: M, a: number, size: number): number {
  a >>>= 0;
  if ((m.perms[a >>> 12] & Perm.Read) !== 0 && (a & 4095) <= 4096 - size) {
    return size === 1 ? m.u8[a] : size === 2 ? m.view.getUint16(a, true) : m.view.getInt32(a, true);
  }
  return size === 1 ? m.read8(a) : size === 2 ? m.read16(a) : m.read32(a);
}

/** Stores; returns 1 when the write landed on a page holding translated code (see Arena.checkWrite). */
function store(m: M, a: number, size: number, v: number): number {
  a >>>= 0;
  if ((m.perms[a >>> 12] & (Perm.Write | Perm.Code)) === Perm.Write && (a & 4095) <= 4096 - size) {
    if (size === 1) m.u8[a] = v;
    else if (size === 2) m.view.setUint16(a, v, true);
    else m.view.setInt32(a, v, true);
    return 0;
  }
  return size === 1 ? m.write8(a, v) : size === 2 ? m.write16(a, v) : m.write32(a, v);
}

/** Address of element k of a string operand: register value + k * step, wrapped to 16 bits under a 67 prefix. */
function at(base: number, reg: number, k: number, step: number, a16: number): number {
  const off = reg + k * step;
  return (a16 ? (off & 0xffff) + base : base + off) >>> 0;
}

/**
 * How many iterations this call may run: the count, but no more than the budget left (at least
 * one, so every call makes progress). The caller charges what it ran to s.budget.
 */
function allowance(s: S, count: number): number {
  count >>>= 0; // ECX arrives as an int32 pattern
  if (count === 0) return 0;
  return count <= s.budget ? count : Math.max(1, s.budget);
}

/**
 * The low address of the bytes n elements touch from `start` in direction `step`, or -1 when
 * they wrap around the 4 GiB space (then the element loop handles them).
 */
function spanStart(start: number, n: number, step: number, size: number): number {
  const lo = step > 0 ? start : start - (n - 1) * size;
  return lo < 0 || lo + n * size > TWO32 ? -1 : lo;
}

/** Fast paths only pay off beyond a few elements. */
const BULK = 16;

// Each REP helper runs up to min(count, budget) iterations and returns how many it completed; the semantics
// derive eCX/eSI/eDI from that and restart the instruction when the count is not exhausted (SDM
// Vol. 2B, REP: the instruction is interruptible between iterations, with the registers naming
// the next element). A fault after some iterations completed is not raised here: the helper
// stops before the faulting element, the registers are updated for what was done, and the
// restarted instruction faults on that element first, with precise registers.

function rethrowUnlessProgress(e: unknown, k: number): void {
  if (k === 0 || !(e instanceof GuestFault)) throw e;
}

/** REP MOVS: scratch[0] = 1 when translated code was overwritten. */
function repMovs(s: S, m: M, size: number, a16: number, count: number, si: number, di: number, srcBase: number, step: number): number {
  const n = allowance(s, count);
  let smc = 0;
  let k = 0;
  if (n >= BULK && !a16) {
    // Bulk copy when the two spans are disjoint (then element order cannot matter) and every
    // page of them has the permission: the same outcome as the element loop, checked up front.
    const bytes = n * size;
    const src = spanStart((srcBase + si) >>> 0, n, step, size);
    const dst = spanStart(di >>> 0, n, step, size);
    if (src >= 0 && dst >= 0 && (dst + bytes <= src || src + bytes <= dst) &&
      m.check(src, bytes, Perm.Read) && m.check(dst, bytes, Perm.Write)) {
      smc = m.checkWrite(dst, bytes); // invalidates translations of any code page in the span
      m.u8.copyWithin(dst, src, src + bytes);
      k = n;
    }
  }
  if (k === 0) {
    try {
      for (; k < n; k++) {
        smc |= store(m, at(0, di, k, step, a16), size, load(m, at(srcBase, si, k, step, a16), size));
      }
    } catch (e) {
      rethrowUnlessProgress(e, k);
    }
  }
  s.budget -= k;
  s.scratch[0] = smc;
  return k;
}

/** REP STOS: scratch[0] = 1 when translated code was overwritten. */
function repStos(s: S, m: M, size: number, a16: number, count: number, di: number, value: number, step: number): number {
  const n = allowance(s, count);
  let smc = 0;
  let k = 0;
  if (n >= BULK && !a16) {
    const bytes = n * size;
    const dst = spanStart(di >>> 0, n, step, size);
    if (dst >= 0 && m.check(dst, bytes, Perm.Write)) {
      smc = m.checkWrite(dst, bytes);
      if (size === 1) m.u8.fill(value, dst, dst + bytes);
      else if (size === 2) for (let a = dst; a < dst + bytes; a += 2) m.view.setUint16(a, value, true);
      else for (let a = dst; a < dst + bytes; a += 4) m.view.setInt32(a, value, true);
      k = n;
    }
  }
  if (k === 0) {
    try {
      for (; k < n; k++) smc |= store(m, at(0, di, k, step, a16), size, value);
    } catch (e) {
      rethrowUnlessProgress(e, k);
    }
  }
  s.budget -= k;
  s.scratch[0] = smc;
  return k;
}

/** REP LODS: scratch[0] = the last element loaded (when at least one was). */
function repLods(s: S, m: M, size: number, a16: number, count: number, si: number, srcBase: number, step: number): number {
  const n = allowance(s, count);
  let k = 0;
  let v = 0;
  try {
    for (; k < n; k++) v = load(m, at(srcBase, si, k, step, a16), size);
  } catch (e) {
    rethrowUnlessProgress(e, k);
  }
  s.budget -= k;
  s.scratch[0] = v;
  return k;
}

/**
 * REPE/REPNE CMPS: compares [src] with [dst] element by element until the count or budget runs
 * out or the condition ends the repetition (REPE: elements differ; REPNE: they are equal).
 * scratch[0], scratch[1] = the last pair compared (the flags are those of their subtraction).
 */
function repCmps(s: S, m: M, size: number, a16: number, repne: number, count: number, si: number, di: number, srcBase: number, step: number): number {
  const n = allowance(s, count);
  const stopWhenEqual = repne !== 0;
  let k = 0;
  let a = 0, b = 0;
  try {
    while (k < n) {
      const x = load(m, at(srcBase, si, k, step, a16), size);
      const y = load(m, at(0, di, k, step, a16), size);
      a = x; b = y; k++;
      if ((x === y) === stopWhenEqual) break;
    }
  } catch (e) {
    rethrowUnlessProgress(e, k);
  }
  s.budget -= k;
  s.scratch[0] = a;
  s.scratch[1] = b;
  return k;
}

/** REPE/REPNE SCAS: compares the accumulator with [dst]; scratch[1] = the last element compared. */
function repScas(s: S, m: M, size: number, a16: number, repne: number, count: number, di: number, acc: number, step: number): number {
  const n = allowance(s, count);
  const stopWhenEqual = repne !== 0;
  let k = 0;
  let b = 0;
  try {
    while (k < n) {
      const y = load(m, at(0, di, k, step, a16), size);
      b = y; k++;
      if ((acc === y) === stopWhenEqual) break;
    }
  } catch (e) {
    rethrowUnlessProgress(e, k);
  }
  s.budget -= k;
  s.scratch[0] = acc;
  s.scratch[1] = b;
  return k;
}

export const STRING_HELPERS = { repMovs, repStos, repLods, repCmps, repScas };
