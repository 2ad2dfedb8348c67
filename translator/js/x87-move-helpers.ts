// x87 helpers for data transfer (SDM Vol. 2A, FLD/FILD/FBLD, FST/FSTP/FIST/FISTP/FISTTP/FBSTP,
// FXCH, FCMOVcc, FFREE, FDECSTP/FINCSTP, FLD1 and the other constants): loads push a value the
// semantics read from memory; stores are split in two so a faulting store leaves the FPU as it
// was: the first helper computes what to store without changing anything (the value in its
// result and scratch[0..1], the status word the instruction ends with in scratch[2], and in
// scratch[3] whether anything is stored at all: an unmasked exception stores nothing), then the
// semantics store and call x87Finish, which commits the status word and pops.

import { x87Constant } from '../../src/cpu/float80-constants.js';
import { BCD_INDEFINITE, fromBcd, fromF32, fromF64, fromInt, toBcd, toF32, toF64, toInt } from '../../src/cpu/float80-convert.js';
import { type F80, FpEnv, RC_ZERO } from '../../src/cpu/float80.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { Arena } from '../../src/memory/arena.js';
import { X } from './x87-arith-helpers.js';
import { CC, phys, pop, set, setTag } from './x87-stack.js';

type S = CpuState;
type M = Arena;

/** Pushes a loaded value; C1 = 1 only on stack overflow. */
function load(s: S, make: (env: FpEnv) => F80): number {
  const f = s.fpu;
  const env = X.begin(f);
  const v = make(env);
  if (X.deliver) X.push(f, v);
  X.commit(f, false);
  return 0;
}

/** Ends the compute half of a store: scratch[2] = final status word, scratch[3] = store or not. */
function storeOutcome(s: S, ok: boolean): void {
  s.scratch[2] = X.statusAfter(s.fpu, X.roundedUp);
  s.scratch[3] = ok && X.deliver ? 1 : 0;
}

/** FST/FSTP m32fp: returns the bits (a masked invalid stores the single-precision indefinite). */
function fst32(s: S): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const bits = X.stackFault !== 0 ? 0xffc00000 | 0 : toF32(a, env);
  storeOutcome(s, bits !== null);
  return bits ?? 0;
}

/** FST/FSTP m64fp: returns the low half, scratch[0] = the high half. */
function fst64(s: S): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const bits = X.stackFault !== 0 ? [0, 0xfff80000 | 0] : toF64(a, env);
  storeOutcome(s, bits !== null);
  s.scratch[0] = bits ? bits[1] : 0;
  return bits ? bits[0] : 0;
}

/** FSTP m80fp: the register as it is (no conversion, no exceptions but stack underflow). */
function fst80(s: S): number {
  const f = s.fpu;
  X.begin(f);
  const a = X.read(f, 0);
  storeOutcome(s, true);
  s.scratch[0] = a.hi | 0;
  s.scratch[1] = a.se;
  return a.lo | 0;
}

/**
 * FIST/FISTP (by RC) and FISTTP (truncating) to a `bits`-bit integer: returns the low 32 bits,
 * scratch[0] = the high 32 bits. A masked invalid stores the integer indefinite (only the sign
 * bit set).
 */
function fist(s: S, _m: M, bits: number, truncate: number): number {
  const f = s.fpu;
  const env = X.begin(f);
  if (truncate) env.rc = RC_ZERO;
  const a = X.read(f, 0);
  const v = (X.stackFault !== 0 ? null : toInt(a, bits, env)) ?? -(1n << BigInt(bits - 1));
  storeOutcome(s, true);
  s.scratch[0] = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

/** FBSTP: returns bytes 0-3, scratch[0] = bytes 4-7, scratch[1] = bytes 8-9. */
function fbstp(s: S): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const b = (X.stackFault !== 0 ? null : toBcd(a, env)) ?? BCD_INDEFINITE;
  storeOutcome(s, true);
  const word = (k: number) => (b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24)) | 0;
  s.scratch[0] = word(4);
  s.scratch[1] = b[8] | (b[9] << 8);
  return word(0);
}

/** The commit half of a store: the status word computed before, then the pop. */
function x87Finish(s: S, _m: M, status: number, pops: number): number {
  s.fpu.status = status & 0xffff & ~0x3800;
  if (pops) pop(s.fpu);
  return 0;
}

/** FST/FSTP ST(i): copies ST(0) unchanged (SDM Vol. 2A, FST). */
function fstReg(s: S, _m: M, i: number, pops: number): number {
  const f = s.fpu;
  X.begin(f);
  const a = X.read(f, 0);
  if (X.deliver) {
    set(f, i, a);
    if (pops) pop(f);
  }
  X.commit(f, false);
  return 0;
}

/** FXCH ST(i): an empty operand reads as the indefinite under a masked stack underflow. */
function fxch(s: S, _m: M, i: number): number {
  const f = s.fpu;
  X.begin(f);
  const a = X.read(f, 0), b = X.read(f, i);
  if (X.deliver) {
    set(f, 0, b);
    set(f, i, a);
  }
  X.commit(f, false);
  return 0;
}

/** FCMOVcc: ST(0) = ST(i) when the condition (evaluated by the semantics) holds. */
function fcmov(s: S, _m: M, i: number, cond: number): number {
  const f = s.fpu;
  X.begin(f);
  const v = X.read(f, i);
  if (cond !== 0 && X.deliver) set(f, 0, v);
  X.commit(f, false);
  return 0;
}

function stackPointer(s: S, delta: number): number {
  const f = s.fpu;
  X.begin(f);
  f.top = (f.top + delta) & 7;
  f.status &= ~CC; // C1 = 0; C0 C2 C3 are undefined (SDM Vol. 2A, FDECSTP/FINCSTP): cleared
  return 0;
}

export const X87_MOVE_HELPERS = {
  fld32: (s: S, _m: M, v: number) => load(s, (env) => fromF32(v, env)),
  fld64: (s: S, _m: M, lo: number, hi: number) => load(s, (env) => fromF64(lo, hi, env)),
  /** FLD m80fp loads the bits as they are, SNaNs included (SDM Vol. 2A, FLD). */
  fld80: (s: S, _m: M, lo: number, hi: number, se: number) => load(s, () => ({ se: se & 0xffff, hi: hi >>> 0, lo: lo >>> 0 })),
  fild: (s: S, _m: M, v: number) => load(s, () => fromInt(BigInt(v | 0))),
  fild64: (s: S, _m: M, lo: number, hi: number) => load(s, () => fromInt((BigInt(hi | 0) << 32n) | BigInt(lo >>> 0))),
  fbld: (s: S, _m: M, lo: number, mid: number, hi: number) =>
    load(s, () => fromBcd([lo, lo >>> 8, lo >>> 16, lo >>> 24, mid, mid >>> 8, mid >>> 16, mid >>> 24, hi, hi >>> 8])),
  /** FLD ST(i): the value is read before the push, so FLD ST(7) overflows onto itself. */
  fldReg: (s: S, _m: M, i: number) => load(s, () => X.read(s.fpu, i)),
  fldConst: (s: S, _m: M, k: number) => load(s, (env) => x87Constant(k, env.rc)),
  fst32,
  fst64,
  fst80,
  fist,
  fbstp,
  x87Finish,
  fstReg,
  fxch,
  fcmov,
  ffree: (s: S, _m: M, i: number, pops: number) => {
    const f = s.fpu;
    X.begin(f);
    setTag(f, phys(f, i), 3);
    if (pops) pop(f);
    return 0;
  },
  fdecstp: (s: S) => stackPointer(s, -1),
  fincstp: (s: S) => stackPointer(s, 1),
  fnop: (s: S) => {
    X.begin(s.fpu);
    return 0;
  },
};

