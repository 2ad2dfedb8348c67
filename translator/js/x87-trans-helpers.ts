// x87 helpers for the partial remainders (FPREM, FPREM1) and the transcendental instructions
// (FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1; SDM Vol. 2A pages).
//
// FPREM/FPREM1 are exact (src/cpu/float80-remainder.ts). F2XM1, FYL2X, FYL2XP1 and FPATAN are
// computed in extended precision and rounded once, as the processor and QEMU 7.2 do
// (src/cpu/float80-transcendental.ts). FSIN, FCOS, FSINCOS and FPTAN follow the reference
// emulators (Unicorn 2 on QEMU 5.0, and QEMU 7.2 too): the operand is rounded to double by RC,
// the function is evaluated in double (the C library's sin, cos, tan) and the double is widened
// back. We evaluate the library functions correctly rounded (src/cpu/cr-math.ts), which
// reproduces glibc except in its rare not-correctly-rounded cases. Operands the SDM treats
// specially are handled as the SDM says: NaNs propagate (Table 4-7), infinities and
// out-of-domain operands raise IE (masked response: the indefinite), zeros keep their sign,
// denormals raise DE, an empty register is a stack underflow.

import { crCos, crSin, crTan } from '../../src/cpu/cr-math.js';
import { fromF64, toF64 } from '../../src/cpu/float80-convert.js';
import { partialRemainder } from '../../src/cpu/float80-remainder.js';
import { f2xm1Value, fpatanValue, fyl2xValue, fyl2xp1Value } from '../../src/cpu/float80-transcendental.js';
import {
  DE, type F80, FpEnv, IE, INDEFINITE, Kind, PE, isNeg, isNaNKind, kind, propagateNaN,
} from '../../src/cpu/float80.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { Arena } from '../../src/memory/arena.js';
import { X } from './x87-arith-helpers.js';
import { C0, C2, C3, pop, set } from './x87-stack.js';

type S = CpuState;
type M = Arena;

/**
 * FPREM/FPREM1 (SDM Vol. 2A): complete reductions set C2 = 0 and C0 C3 C1 = quotient bits 2 1 0;
 * a partial one sets C2 = 1 and leaves C0 C3 C1 alone.
 */
function fprem(s: S, _m: M, nearest: number): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0), b = X.read(f, 1);
  const r = X.stackFault !== 0 ? { value: INDEFINITE, quotient: 0, complete: true } : partialRemainder(a, b, nearest !== 0, env);
  if (!X.deliver) {
    X.commit(f, null);
    return 0;
  }
  set(f, 0, r.value);
  if (r.complete) {
    const q = r.quotient;
    X.commit(f, (q & 1) !== 0, ((q & 4) ? C0 : 0) | ((q & 2) ? C3 : 0), C0 | C2 | C3);
  } else {
    X.commit(f, null, C2, C2);
  }
  return 0;
}

// ---- The double-precision path ------------------------------------------------------------------

const convert = new FpEnv();
const bits = new DataView(new ArrayBuffer(8));

/** A finite or infinite (non-NaN) value rounded to double by RC, as the reference converts it. */
function toDouble(a: F80, rc: number): number {
  convert.reset(0x037f | (rc << 10));
  const d = toF64(a, convert)!;
  bits.setInt32(0, d[1]);
  bits.setInt32(4, d[0]);
  return bits.getFloat64(0);
}

/** A double result widened exactly; a NaN (from inf * 0 and the like) is an invalid operation. */
function fromDouble(d: number, env: FpEnv): F80 {
  if (Number.isNaN(d)) {
    env.flags |= IE;
    return INDEFINITE;
  }
  bits.setFloat64(0, d);
  if (d !== 0 && Number.isFinite(d)) env.flags |= PE;
  return fromF64(bits.getInt32(4), bits.getInt32(0), env);
}

/** |d| beyond 2^63: FSIN/FCOS/FSINCOS/FPTAN leave the operand and set C2 (SDM Vol. 2A, FSIN). */
const MAX_ARGUMENT = 2 ** 63;

/**
 * The one-operand trigonometric instructions. `fn` maps the double argument to the values the
 * instruction leaves: [new ST(0)] or [new ST(0), value to push].
 */
function trig(s: S, fn: (d: number) => number[]): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const k = kind(a);
  let results: F80[];
  if (X.stackFault !== 0) results = fn(0).map(() => INDEFINITE);
  else if (isNaNKind(k)) results = fn(0).map(() => propagateNaN(a, a, env));
  else if (k === Kind.Unsupported || k === Kind.Inf) {
    env.flags |= IE;
    results = fn(0).map(() => INDEFINITE);
  } else {
    if (k === Kind.Denormal) env.flags |= DE;
    const d = toDouble(a, env.rc);
    if (d > MAX_ARGUMENT || d < -MAX_ARGUMENT) {
      X.commit(f, false, C2, C2);
      return 0;
    }
    results = k === Kind.Zero ? zeroResults(fn, a) : fn(d).map((v) => fromDouble(v, env));
  }
  if (X.deliver) {
    set(f, 0, results[0]);
    if (results.length > 1) X.push(f, results[1]);
  }
  X.commit(f, false, 0, C2);
  return 0;
}

/** sin, tan of a zero keep its sign; cos of zero and the pushed 1 of FPTAN are exact. */
function zeroResults(fn: (d: number) => number[], a: F80): F80[] {
  return fn(isNeg(a) ? -0 : 0).map((v) => (v === 0 ? a : one(v < 0)));
}

const one = (negative: boolean): F80 => ({ se: negative ? 0xbfff : 0x3fff, hi: 0x80000000, lo: 0 });

/**
 * A two-operand instruction on ST(1) and ST(0) that pops, with the result in the new ST(0):
 * FPATAN, FYL2X, FYL2XP1. `fn` gets the operands (NaNs and unsupported encodings are handled
 * here) and returns the result.
 */
function binaryPop(s: S, fn: (x: F80, y: F80, env: FpEnv) => F80): number {
  const f = s.fpu;
  const env = X.begin(f);
  const x = X.read(f, 0), y = X.read(f, 1);
  const kx = kind(x), ky = kind(y);
  let r: F80;
  if (X.stackFault !== 0) r = INDEFINITE;
  else if (kx === Kind.Unsupported || ky === Kind.Unsupported) r = invalid(env);
  else if (isNaNKind(kx) || isNaNKind(ky)) r = propagateNaN(x, y, env);
  else {
    if (kx === Kind.Denormal || ky === Kind.Denormal) env.flags |= DE;
    r = fn(x, y, env);
  }
  if (X.deliver) {
    set(f, 1, r);
    pop(f);
  }
  X.commit(f, false);
  return 0;
}

function invalid(env: FpEnv): F80 {
  env.flags |= IE;
  return INDEFINITE;
}

/** F2XM1: 2^ST(0) - 1 in extended precision (src/cpu/float80-transcendental.ts). */
function f2xm1(s: S): number {
  const f = s.fpu;
  const env = X.begin(f);
  const a = X.read(f, 0);
  const k = kind(a);
  let r: F80;
  if (X.stackFault !== 0) r = INDEFINITE;
  else if (k === Kind.Unsupported) r = invalid(env);
  else if (isNaNKind(k)) r = propagateNaN(a, a, env);
  else {
    if (k === Kind.Denormal) env.flags |= DE;
    r = f2xm1Value(a, env);
  }
  if (X.deliver) set(f, 0, r);
  X.commit(f, false);
  return 0;
}

export const X87_TRANS_HELPERS = {
  fprem,
  fsin: (s: S) => trig(s, (d) => [crSin(d)]),
  fcos: (s: S) => trig(s, (d) => [crCos(d)]),
  fsincos: (s: S) => trig(s, (d) => [crSin(d), crCos(d)]),
  fptan: (s: S) => trig(s, (d) => [crTan(d), 1]),
  fpatan: (s: S) => binaryPop(s, fpatanValue),
  fyl2x: (s: S) => binaryPop(s, fyl2xValue),
  fyl2xp1: (s: S) => binaryPop(s, fyl2xp1Value),
  f2xm1,
};

