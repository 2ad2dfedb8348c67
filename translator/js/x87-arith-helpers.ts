// x87 helpers for arithmetic and comparison: FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR (register, m32fp,
// m64fp, m16int and m32int sources; the popping forms), FCOM/FCOMP/FCOMPP/FUCOM*/FICOM*/FTST,
// FCOMI/FUCOMI/FCOMIP/FUCOMIP, and the one-operand FCHS/FABS/FSQRT/FRNDINT/FSCALE/FXTRACT/FXAM.
// Each helper runs one instruction on s.fpu (SDM Vol. 2A, the instruction pages), through the
// X87Op bookkeeping of x87-stack.ts. Memory operands arrive as numbers the semantics loaded.

import { fromF32, fromF64, fromInt, roundToInt } from '../../src/cpu/float80-convert.js';
import { compare } from '../../src/cpu/float80-compare.js';
import { extract, scale } from '../../src/cpu/float80-remainder.js';
import { type F80, FpEnv, INDEFINITE, add, div, mul, sqrt } from '../../src/cpu/float80.js';
import { CF, PF, ZF } from '../../src/cpu/flags.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { Arena } from '../../src/memory/arena.js';
import { C0, C1, C2, C3, X87Op, examine, get, isEmpty, pop, set } from './x87-stack.js';

type S = CpuState;
type M = Arena;

export const X = new X87Op();

/** Operation numbers: the ModRM.reg values of D8 (SDM Vol. 2D, Table A-7). */
export const OP_ADD = 0, OP_MUL = 1, OP_SUB = 4, OP_SUBR = 5, OP_DIV = 6, OP_DIVR = 7;

function arith(op: number, a: F80, b: F80, env: FpEnv): F80 {
  switch (op) {
    case OP_ADD: return add(a, b, env);
    case OP_MUL: return mul(a, b, env);
    case OP_SUB: return add(a, b, env, true);
    case OP_SUBR: return add(b, a, env, true);
    case OP_DIV: return div(a, b, env);
    case OP_DIVR: return div(b, a, env);
    default: throw new Error(`x87: bad arithmetic operation ${op}`);
  }
}

/** dst = dst op src on registers ST(dst), ST(src); `pops` = 1 for the P forms. */
function farithReg(s: S, _m: M, op: number, dst: number, src: number, pops: number): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, dst), b = X.read(f, src);
  const r = X.stackFault !== 0 ? INDEFINITE : arith(op, a, b, env);
  if (X.deliver) {
    set(f, dst, r);
    if (pops) pop(f);
  }
  X.commit(f, X.roundedUp);
  return 0;
}

/** ST(0) = ST(0) op source, the source already converted (exceptions of the conversion included). */
function withSource(s: S, op: number, load: (env: FpEnv) => F80): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const b = load(env);
  const r = X.stackFault !== 0 ? INDEFINITE : arith(op, a, b, env);
  if (X.deliver) set(f, 0, r);
  X.commit(f, X.roundedUp);
  return 0;
}

/** By relation (less, equal, greater, unordered): C3 C2 C0 (SDM Vol. 2A, FCOM) and ZF PF CF (FCOMI). */
const CC_OF: readonly number[] = [C0, C3, 0, C3 | C2 | C0];
const EFLAGS_OF: readonly number[] = [CF, ZF, 0, ZF | PF | CF];

/** FCOM family: ST(0) against a source; sets C3 C2 C0, clears C1, pops `pops` times. */
function compareWith(s: S, quiet: boolean, pops: number, load: (env: FpEnv) => F80): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const b = load(env);
  const rel = X.stackFault !== 0 ? 3 : compare(a, b, quiet, env);
  if (!X.deliver) {
    X.commit(f, null);
    return 0;
  }
  X.commit(f, false, CC_OF[rel], C0 | C2 | C3);
  for (let k = 0; k < pops; k++) pop(f);
  return 0;
}

/**
 * FCOMI family: returns the new O S Z A P C (ZF PF CF from the comparison, OF SF AF cleared,
 * SDM Vol. 2A, FCOMI); `flags` is the current value, kept when an unmasked exception stops it.
 */
function fcomi(s: S, _m: M, i: number, quiet: number, pops: number, flags: number): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0), b = X.read(f, i);
  const rel = X.stackFault !== 0 ? 3 : compare(a, b, quiet !== 0, env);
  X.commit(f, X.deliver ? false : null);
  if (!X.deliver) return flags;
  if (pops) pop(f);
  return EFLAGS_OF[rel];
}

/** Replaces ST(0) by fn(ST(0)); C1 from rounding. */
function unary(s: S, fn: (a: F80, env: FpEnv) => F80): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const r = X.stackFault !== 0 ? INDEFINITE : fn(a, env);
  if (X.deliver) set(f, 0, r);
  X.commit(f, X.roundedUp);
  return 0;
}

/** FCHS/FABS: sign-bit operations, no exceptions but stack underflow; C1 = 0. */
function signOp(s: S, and: number, xor: number): number {
  const f = s.fpu;
  X.begin(f);
  const a = X.read(f, 0);
  if (X.deliver) set(f, 0, { se: (a.se & and) ^ xor, hi: a.hi, lo: a.lo });
  X.commit(f, false);
  return 0;
}

const ZERO: F80 = { se: 0, hi: 0, lo: 0 };

export const X87_ARITH_HELPERS = {
  farithReg,
  farith32: (s: S, _m: M, op: number, v: number) => withSource(s, op, (env) => fromF32(v, env, false)),
  farith64: (s: S, _m: M, op: number, lo: number, hi: number) => withSource(s, op, (env) => fromF64(lo, hi, env, false)),
  /** FIADD and friends: the m16int/m32int operand sign-extended to 32 bits by the semantics. */
  fiarith: (s: S, _m: M, op: number, v: number) => withSource(s, op, () => fromInt(BigInt(v | 0))),
  fcomReg: (s: S, _m: M, i: number, quiet: number, pops: number) =>
    compareWith(s, quiet !== 0, pops, () => X.read(s.fpu, i)),
  fcom32: (s: S, _m: M, v: number, pops: number) => compareWith(s, false, pops, (env) => fromF32(v, env, false)),
  fcom64: (s: S, _m: M, lo: number, hi: number, pops: number) => compareWith(s, false, pops, (env) => fromF64(lo, hi, env, false)),
  ficom: (s: S, _m: M, v: number, pops: number) => compareWith(s, false, pops, () => fromInt(BigInt(v | 0))),
  ftst: (s: S) => compareWith(s, false, 0, () => ZERO),
  fcomi,
  fchs: (s: S) => signOp(s, 0xffff, 0x8000),
  fabs: (s: S) => signOp(s, 0x7fff, 0),
  /**
   * FSQRT. C0 C2 C3 are undefined (SDM Vol. 2A); for a negative operand (-0 included) they are
   * set as the reference emulator sets them: C2 = 1, C0 = C3 = 0.
   */
  fsqrt: (s: S) => {
    const f = s.fpu;
    const env = X.begin(f);
    const negative = !isEmpty(f, 0) && (get(f, 0).se & 0x8000) !== 0;
    const a = X.read(f, 0);
    const r = X.stackFault !== 0 ? INDEFINITE : sqrt(a, env);
    if (X.deliver) set(f, 0, r);
    X.commit(f, X.roundedUp, negative ? C2 : 0, negative ? C0 | C2 | C3 : 0);
    return 0;
  },
  frndint: (s: S) => unary(s, roundToInt),
  fscale: (s: S) => {
    const f = s.fpu;
    const env = X.begin(f);
    const a = X.read(f, 0), b = X.read(f, 1);
    const r = X.stackFault !== 0 ? INDEFINITE : scale(a, b, env);
    if (X.deliver) set(f, 0, r);
    X.commit(f, X.roundedUp);
    return 0;
  },
  /** FXTRACT: ST(0) = exponent, then push the significand. */
  fxtract: (s: S) => {
    const f = s.fpu;
    const env = X.begin(f);
    const a = X.read(f, 0);
    const r = X.stackFault !== 0 ? { exponent: INDEFINITE, significand: INDEFINITE } : extract(a, env);
    if (X.deliver) {
      set(f, 0, r.exponent);
      X.push(f, r.significand);
    }
    X.commit(f, false);
    return 0;
  },
  /** FXAM: C3 C2 C0 = class of ST(0) (empty included), C1 = its sign; never faults. */
  fxam: (s: S) => {
    const f = s.fpu;
    X.begin(f);
    X.commit(f, null, examine(f), C0 | C1 | C2 | C3);
    return 0;
  },
};

