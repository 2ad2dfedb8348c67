// Fast paths of the x87 data-transfer helpers (FLD/FILD, FST/FSTP/FIST/FISTP/FISTTP to memory,
// FST ST(i), FXCH, FLD ST(i), FLD1/FLDZ) and of FLDCW, with the conventions of
// x87-fast-helpers.ts (its header says why values cross calls in typed arrays): the common case
// here, everything else to the general helper of the same name (x87-move-helpers.ts,
// x87-env-helpers.ts). test/x87-fast-helpers.test.ts compares both on random states.

import { OPND, RES } from '../../src/cpu/float80-fast.js';
import { MEMOP, loadF32, loadF64, loadInt32, loadInt64, storeF32, storeF64, storeInt } from '../../src/cpu/float80-fastconv.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { X87State } from '../../src/cpu/x87-state.js';
import type { Arena } from '../../src/memory/arena.js';
import { BUSY, ES, F32, F64, INT, empty, operandA, pop, put, statusWith } from './x87-fast-helpers.js';
import { X87_MOVE_HELPERS as MV } from './x87-move-helpers.js';
import { checkPending } from './x87-stack.js';

type S = CpuState;
type M = Arena;

/** The low word a store helper returns (read by its wrapper). */
const OUT = new Int32Array(1);

/** Pushes a value (loads); false when ST(7) is in use (stack overflow: general path). */
function push(f: X87State, se: number, hi: number, lo: number): boolean {
  const p = (f.top - 1) & 7;
  if (!empty(f, p)) return false;
  put(f, p, se, hi, lo);
  f.top = p;
  f.status = statusWith(f, 0);
  return true;
}

/** Pushes the value a load left in OPND's B. */
function pushLoaded(f: X87State): boolean {
  return push(f, OPND[3] & 0xffff, OPND[4], OPND[5]);
}

/** FLD/FILD of the memory operand in MEMOP, kind F64, F32, INT or 3 (m64int). */
function loadMem(s: S, m: M, kind: number): number {
  const f = s.fpu;
  if ((f.status & ES) === 0) {
    const ok = kind === F64 ? loadF64() : kind === F32 ? loadF32() : kind === INT ? loadInt32() : loadInt64();
    if (ok && pushLoaded(f)) return 0;
  }
  return loadMemGeneral(s, m, kind);
}

/** The general path of loadMem (apart from it: see farithMemGeneral in x87-fast-helpers.ts). */
function loadMemGeneral(s: S, m: M, kind: number): number {
  if (kind === F64) return MV.fld64(s, m, MEMOP[0], MEMOP[1]);
  if (kind === F32) return MV.fld32(s, m, MEMOP[0]);
  return kind === INT ? MV.fild(s, m, MEMOP[0]) : MV.fild64(s, m, MEMOP[0], MEMOP[1]);
}

/** FLD m80fp: the bits as they are (SDM Vol. 2A, FLD), so any contents qualify. */
function fld80(s: S, m: M, se: number): number {
  const f = s.fpu;
  if ((f.status & ES) === 0 && push(f, se, MEMOP[1], MEMOP[0])) return 0;
  return MV.fld80(s, m, MEMOP[0], MEMOP[1], se);
}

/** FLD ST(i): with ST(i) present, the push target is free unless it is ST(7) itself. */
function fldReg(s: S, m: M, i: number): number {
  const f = s.fpu;
  const p = (f.top + i) & 7;
  if ((f.status & ES) === 0 && !empty(f, p) && push(f, f.signExp[p], f.mantHi[p], f.mantLo[p])) return 0;
  return MV.fldReg(s, m, i);
}

/** FLD1 and FLDZ are exact under every RC; the other constants are rounded by the general path. */
function fldConst(s: S, m: M, k: number): number {
  const f = s.fpu;
  if ((f.status & ES) === 0 && (k === 0 || k === 6) && push(f, k === 0 ? 0x3fff : 0, k === 0 ? 0x80000000 : 0, 0)) return 0;
  return MV.fldConst(s, m, k);
}

/**
 * The compute half of FST/FSTP m64fp (kind F64), m32fp (F32), FIST/FISTP/FISTTP (INT, `bits`
 * 16/32/64, `truncate`) and FSTP m80fp (3): the low word in OUT[0], the others in scratch[0..1],
 * the final status word in scratch[2], scratch[3] = 1 (store), as storeOutcome in
 * x87-move-helpers.ts leaves them.
 */
function storeCompute(s: S, m: M, kind: number, bits: number, truncate: number): void {
  if (kind === F64) {
    fst64Compute(s);
    return;
  }
  const f = s.fpu;
  const p = f.top;
  if ((f.status & ES) === 0 && !empty(f, p)) {
    if (kind === 3) {
      s.scratch[0] = f.mantHi[p];
      s.scratch[1] = f.signExp[p];
      s.scratch[2] = statusWith(f, 0);
      s.scratch[3] = 1;
      OUT[0] = f.mantLo[p];
      return;
    }
    operandA(f, p);
    const cw = f.control;
    const ok = kind === F64 ? storeF64(cw) : kind === F32 ? storeF32(cw) : storeInt(bits, truncate ? 3 : (cw >> 10) & 3);
    if (ok) {
      if (kind !== F32) s.scratch[0] = RES[1];
      s.scratch[2] = statusWith(f, RES[3]);
      s.scratch[3] = 1;
      OUT[0] = RES[2];
      return;
    }
  }
  OUT[0] = kind === F64 ? MV.fst64(s) : kind === F32 ? MV.fst32(s) : kind === INT ? MV.fist(s, m, bits, truncate) : MV.fst80(s);
}

/** storeCompute for m64fp, the frequent one, on its own (V8 then optimizes it on its own). */
function fst64Compute(s: S): void {
  const f = s.fpu;
  const p = f.top;
  if ((f.status & ES) === 0 && !empty(f, p)) {
    operandA(f, p);
    if (storeF64(f.control)) {
      s.scratch[0] = RES[1];
      s.scratch[2] = statusWith(f, RES[3]);
      s.scratch[3] = 1;
      OUT[0] = RES[2];
      return;
    }
  }
  OUT[0] = MV.fst64(s);
}

/** FST/FSTP ST(i): copies ST(0) unchanged. */
function fstReg(s: S, m: M, i: number, pops: number): number {
  const f = s.fpu;
  const p = f.top;
  if ((f.status & ES) !== 0 || empty(f, p)) return MV.fstReg(s, m, i, pops);
  put(f, (p + i) & 7, f.signExp[p], f.mantHi[p], f.mantLo[p]);
  if (pops) pop(f);
  f.status = statusWith(f, 0);
  return 0;
}

function fxch(s: S, m: M, i: number): number {
  const f = s.fpu;
  const p = f.top, q = (f.top + i) & 7;
  if ((f.status & ES) !== 0 || empty(f, p) || empty(f, q)) return MV.fxch(s, m, i);
  const se = f.signExp[p], hi = f.mantHi[p], lo = f.mantLo[p];
  put(f, p, f.signExp[q], f.mantHi[q], f.mantLo[q]);
  put(f, q, se, hi, lo);
  f.status = statusWith(f, 0);
  return 0;
}

/** FLDCW: ES/B follow the flags the new control word leaves unmasked (summarize, x87-env-helpers.ts). */
function fldcw(s: S, _m: M, cw: number): number {
  const f = s.fpu;
  checkPending(f);
  f.control = cw & 0xffff;
  if ((f.status & ~f.control & 0x3f) !== 0) f.status |= ES | BUSY;
  else f.status &= ~(ES | BUSY);
  return 0;
}

export const X87_FASTMOVE_HELPERS = {
  fld64: (s: S, m: M, lo: number, hi: number): number => {
    MEMOP[0] = lo; MEMOP[1] = hi;
    return loadMem(s, m, 0 /* F64 */);
  },
  fld32: (s: S, m: M, v: number): number => {
    MEMOP[0] = v;
    return loadMem(s, m, 1 /* F32 */);
  },
  fld80: (s: S, m: M, lo: number, hi: number, se: number): number => {
    MEMOP[0] = lo; MEMOP[1] = hi;
    return fld80(s, m, se & 0xffff);
  },
  fild: (s: S, m: M, v: number): number => {
    MEMOP[0] = v;
    return loadMem(s, m, 2 /* INT */);
  },
  fild64: (s: S, m: M, lo: number, hi: number): number => {
    MEMOP[0] = lo; MEMOP[1] = hi;
    return loadMem(s, m, 3);
  },
  fldReg,
  fldConst,
  fst64: (s: S): number => {
    fst64Compute(s);
    return OUT[0];
  },
  fst32: (s: S, m: M): number => {
    storeCompute(s, m, F32, 0, 0);
    return OUT[0];
  },
  fst80: (s: S, m: M): number => {
    storeCompute(s, m, 3, 0, 0);
    return OUT[0];
  },
  fist: (s: S, m: M, bits: number, truncate: number): number => {
    storeCompute(s, m, INT, bits, truncate);
    return OUT[0];
  },
  fstReg,
  fxch,
  fldcw,
};
