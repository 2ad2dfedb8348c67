// Fast paths of the frequent x87 helpers, working on the register file's typed arrays directly:
// no {se, hi, lo} objects, no closures, no BigInt. This file has the arithmetic and comparisons
// and the pieces shared with x87-fastmove-helpers.ts (loads, stores, register moves, FLDCW).
// Each takes the common case only: no pending exception (ES clear), operands present (no stack
// fault), normal or zero values and results, so the only exception an instruction can raise
// here is PE. Everything else goes, before any state is touched, to the general helper of the
// same name (x87-arith-helpers.ts, x87-move-helpers.ts; FLDCW's in x87-env-helpers.ts), which
// stays the reference: test/x87-fast-helpers.test.ts runs both on random states and compares
// them. The status word is built as X87Op.statusAfter builds it: new flags ORed in, C1 from the
// rounding direction (SDM Vol. 1, 8.1.3.1) or cleared, C3 C2 C0 from comparisons, ES and B when
// a flag the control word leaves unmasked is set (SDM Vol. 1, 8.1.3).
//
// Numbers that may not fit a small integer (memory words, significands) cross calls in typed
// arrays (OPND, MEMOP, RES, OUT), never as arguments or results: the entry points that take or
// return such words are one-line wrappers, small enough for V8 to inline into the block that
// calls them, around the functions doing the work (which V8 would otherwise not inline and would
// box every such number crossing the call in a fresh heap object).

import { OPND, RES, add80, mul80 } from '../../src/cpu/float80-fast.js';
import { div80, sqrt80 } from '../../src/cpu/float80-divsqrt.js';
import { MEMOP, compare80, loadF32, loadF64, loadInt32, tagBits } from '../../src/cpu/float80-fastconv.js';
import { CF, ZF } from '../../src/cpu/flags.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { X87State } from '../../src/cpu/x87-state.js';
import type { Arena } from '../../src/memory/arena.js';
import { X87_ARITH_HELPERS as A } from './x87-arith-helpers.js';

type S = CpuState;
type M = Arena;

const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
export const ES = 0x80, BUSY = 0x8000;
/**
 * Kinds of memory operand (the wrappers at the end pass them as literals: a literal costs V8 no
 * module-variable load, which keeps the wrappers small enough to be inlined).
 */
export const F64 = 0, F32 = 1, INT = 2;

/** Whether physical register p is empty (tag 3). */
export function empty(f: X87State, p: number): boolean {
  return ((f.tag >> (p << 1)) & 3) === 3;
}

/** Copies physical register p into OPND's A (memory operands are loaded into B). */
export function operandA(f: X87State, p: number): void {
  OPND[0] = f.signExp[p];
  OPND[1] = f.mantHi[p];
  OPND[2] = f.mantLo[p];
}

function operandB(f: X87State, p: number): void {
  OPND[3] = f.signExp[p];
  OPND[4] = f.mantHi[p];
  OPND[5] = f.mantLo[p];
}

/**
 * Writes a value into physical register p with the tag its contents call for. (Small enough to
 * be inlined everywhere, so its arguments are never boxed.)
 */
export function put(f: X87State, p: number, se: number, hi: number, lo: number): void {
  f.signExp[p] = se;
  f.mantHi[p] = hi;
  f.mantLo[p] = lo;
  f.tag = (f.tag & ~(3 << (p << 1))) | (tagBits(se, hi, lo) << (p << 1));
}

/** Writes RES into physical register p. */
export function putRes(f: X87State, p: number): void {
  put(f, p, RES[0] & 0xffff, RES[1], RES[2]);
}

/** The status word with `flags` (PE, and C1's bit for "rounded up") merged, C1 otherwise cleared. */
export function statusWith(f: X87State, flags: number): number {
  let st = (f.status & ~C1) | flags;
  if ((st & ~f.control & 0x3f) !== 0) st |= ES | BUSY;
  return st;
}

/** ... and C3 C2 C0 from a relation (less C0, equal C3, greater none), C1 cleared (FCOM family). */
function statusCompare(f: X87State, rel: number): number {
  let st = (f.status & ~(C0 | C1 | C2 | C3)) | (rel === 0 ? C0 : rel === 1 ? C3 : 0);
  if ((st & ~f.control & 0x3f) !== 0) st |= ES | BUSY;
  return st;
}

export function pop(f: X87State): void {
  f.tag |= 3 << (f.top << 1);
  f.top = (f.top + 1) & 7;
}

/**
 * The D8 operation `op` (x87-arith-helpers.ts OP_*: 0 add, 1 mul, 4 sub, 5 subr, 6 div, 7
 * divr) on OPND: A op B, the reversed forms B - A and B / A; into RES. (For the operand classes
 * the fast paths take, A - B is A + (-B) and B - A is (-A) + B exactly, zeros' signs included.)
 */
function arith(op: number, cw: number): boolean {
  switch (op) {
    case 0: return add80(cw);
    case 1: return mul80(cw);
    case 4:
      OPND[3] ^= 0x8000;
      return add80(cw);
    case 5:
      OPND[0] ^= 0x8000;
      return add80(cw);
    case 6: return div80(cw, 0);
    case 7: return div80(cw, 1);
    default: return false;
  }
}

/** ST(0) = ST(0) op the memory operand in MEMOP. */
function farithMem(s: S, m: M, op: number, kind: number): number {
  const f = s.fpu;
  const p = f.top;
  if ((f.status & ES) === 0 && !empty(f, p)) {
    if (kind === F64 ? loadF64() : kind === F32 ? loadF32() : loadInt32()) {
      operandA(f, p);
      if (arith(op, f.control)) {
        putRes(f, p);
        f.status = statusWith(f, RES[3]);
        return 0;
      }
    }
  }
  return farithMemGeneral(s, m, op, kind);
}

/** The general path of farithMem (kept apart: cold code in a hot function costs V8 inlining budget). */
function farithMemGeneral(s: S, m: M, op: number, kind: number): number {
  if (kind === F64) return A.farith64(s, m, op, MEMOP[0], MEMOP[1]);
  return kind === F32 ? A.farith32(s, m, op, MEMOP[0]) : A.fiarith(s, m, op, MEMOP[0]);
}

/** ST(dst) = ST(dst) op ST(src), then `pops` pops. */
function farithReg(s: S, m: M, op: number, dst: number, src: number, pops: number): number {
  const f = s.fpu;
  if ((f.status & ES) === 0) {
    const pd = (f.top + dst) & 7, ps = (f.top + src) & 7;
    if (!empty(f, pd) && !empty(f, ps)) {
      operandA(f, pd);
      operandB(f, ps);
      if (arith(op, f.control)) {
        putRes(f, pd);
        if (pops) pop(f);
        f.status = statusWith(f, RES[3]);
        return 0;
      }
    }
  }
  return A.farithReg(s, m, op, dst, src, pops);
}

/** FCOM family against the memory operand in MEMOP (or +0 for FTST). */
function fcomMem(s: S, m: M, pops: number, kind: number): number {
  const f = s.fpu;
  const p = f.top;
  if ((f.status & ES) === 0 && !empty(f, p)) {
    if (kind === F64 ? loadF64() : kind === F32 ? loadF32() : loadInt32()) {
      operandA(f, p);
      const rel = compare80();
      if (rel >= 0) {
        f.status = statusCompare(f, rel);
        for (let k = 0; k < pops; k++) pop(f);
        return 0;
      }
    }
  }
  return fcomMemGeneral(s, m, pops, kind);
}

function fcomMemGeneral(s: S, m: M, pops: number, kind: number): number {
  if (kind === F64) return A.fcom64(s, m, MEMOP[0], MEMOP[1], pops);
  return kind === F32 ? A.fcom32(s, m, MEMOP[0], pops) : kind === INT ? A.ficom(s, m, MEMOP[0], pops) : A.ftst(s);
}

/** FCOM/FUCOM ST(i) (quiet matters only for NaNs, which the general path handles). */
function fcomReg(s: S, m: M, i: number, quiet: number, pops: number): number {
  const f = s.fpu;
  const p0 = f.top, pi = (f.top + i) & 7;
  if ((f.status & ES) === 0 && !empty(f, p0) && !empty(f, pi)) {
    operandA(f, p0);
    operandB(f, pi);
    const rel = compare80();
    if (rel >= 0) {
      f.status = statusCompare(f, rel);
      for (let k = 0; k < pops; k++) pop(f);
      return 0;
    }
  }
  return A.fcomReg(s, m, i, quiet, pops);
}

/** FCOMI family: ZF PF CF from the relation (SDM Vol. 2A, FCOMI); C1 cleared. */
function fcomi(s: S, m: M, i: number, quiet: number, pops: number, flags: number): number {
  const f = s.fpu;
  const p0 = f.top, pi = (f.top + i) & 7;
  if ((f.status & ES) === 0 && !empty(f, p0) && !empty(f, pi)) {
    operandA(f, p0);
    operandB(f, pi);
    const rel = compare80();
    if (rel >= 0) {
      f.status = statusWith(f, 0);
      if (pops) pop(f);
      return rel === 0 ? CF : rel === 1 ? ZF : 0;
    }
  }
  return A.fcomi(s, m, i, quiet, pops, flags);
}

/** FCHS/FABS: sign-bit operations; C1 = 0. */
function signOp(s: S, and: number, xor: number): boolean {
  const f = s.fpu;
  const p = f.top;
  if ((f.status & ES) !== 0 || empty(f, p)) return false;
  put(f, p, (f.signExp[p] & and) ^ xor, f.mantHi[p], f.mantLo[p]);
  f.status = statusWith(f, 0);
  return true;
}

function fsqrt(s: S): number {
  const f = s.fpu;
  const p = f.top;
  // Negative operands (-0 included) set C2 on the general path.
  if ((f.status & ES) === 0 && !empty(f, p) && (f.signExp[p] & 0x8000) === 0) {
    operandA(f, p);
    if (sqrt80(f.control)) {
      putRes(f, p);
      f.status = statusWith(f, RES[3]);
      return 0;
    }
  }
  return A.fsqrt(s);
}

export const X87_FAST_HELPERS = {
  farithReg,
  farith64: (s: S, m: M, op: number, lo: number, hi: number): number => {
    MEMOP[0] = lo; MEMOP[1] = hi;
    return farithMem(s, m, op, 0 /* F64 */);
  },
  farith32: (s: S, m: M, op: number, v: number): number => {
    MEMOP[0] = v;
    return farithMem(s, m, op, 1 /* F32 */);
  },
  fiarith: (s: S, m: M, op: number, v: number): number => {
    MEMOP[0] = v;
    return farithMem(s, m, op, 2 /* INT */);
  },
  fcomReg,
  fcom64: (s: S, m: M, lo: number, hi: number, pops: number): number => {
    MEMOP[0] = lo; MEMOP[1] = hi;
    return fcomMem(s, m, pops, 0 /* F64 */);
  },
  fcom32: (s: S, m: M, v: number, pops: number): number => {
    MEMOP[0] = v;
    return fcomMem(s, m, pops, 1 /* F32 */);
  },
  ficom: (s: S, m: M, v: number, pops: number): number => {
    MEMOP[0] = v;
    return fcomMem(s, m, pops, 2 /* INT */);
  },
  ftst: (s: S, m: M): number => {
    MEMOP[0] = 0;
    return fcomMem(s, m, 0, 3);
  },
  fcomi,
  fchs: (s: S): number => (signOp(s, 0xffff, 0x8000) ? 0 : A.fchs(s)),
  fabs: (s: S): number => (signOp(s, 0x7fff, 0) ? 0 : A.fabs(s)),
  fsqrt,
};
