// The exponent-manipulating x87 operations, exact: partial remainder (FPREM, FPREM1), FXTRACT
// and FSCALE (SDM Vol. 2A, the FPREM, FPREM1, FXTRACT and FSCALE pages and their tables of
// special operands).

import { fromInt } from './float80-convert.js';
import {
  DE, type F80, FpEnv, IE, INDEFINITE, Kind, ZE, bitLength, infinity, isNeg, isNaNKind, kind,
  propagateNaN, quiet, round80, scaleOf, sigOf, zero,
} from './float80.js';

/** The true (unbiased, normalized) exponent of a finite non-zero value. */
export function exponentOf(a: F80): number {
  return scaleOf(a) + bitLength(sigOf(a)) - 1;
}

/** a * 2^n for a finite non-zero a, rounded to the precision control (|n| beyond 2^16 changes nothing). */
function scaleBy(a: F80, n: number, env: FpEnv): F80 {
  const clamped = Math.max(-0x10000, Math.min(0x10000, n));
  return round80(isNeg(a), sigOf(a), scaleOf(a) + clamped, false, env);
}

export interface PartialRemainder {
  value: F80;
  /** Low three bits of the quotient (C0 = bit 2, C3 = bit 1, C1 = bit 0) when complete. */
  quotient: number;
  /** False when the exponent difference was too large (C2 = 1: run the instruction again). */
  complete: boolean;
}

/**
 * FPREM (truncating quotient) or FPREM1 (quotient rounded to nearest, the IEEE remainder) of
 * a = ST(0) by b = ST(1). When the exponents differ by 64 or more, only a partial reduction is
 * done: the quotient is taken of a / (b * 2^(D - N)) with N = 32 + D mod 32, between 32 and 63
 * as the SDM allows. The remainder is exact, so precision control does not apply.
 */
export function partialRemainder(a: F80, b: F80, nearest: boolean, env: FpEnv): PartialRemainder {
  const done = (value: F80): PartialRemainder => ({ value, quotient: 0, complete: true });
  const ka = kind(a), kb = kind(b);
  if (ka === Kind.Unsupported || kb === Kind.Unsupported) {
    env.flags |= IE;
    return done(INDEFINITE);
  }
  if (isNaNKind(ka) || isNaNKind(kb)) return done(propagateNaN(a, b, env));
  if (ka === Kind.Inf || kb === Kind.Zero) {
    env.flags |= IE;
    return done(INDEFINITE);
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) env.flags |= DE;
  if (ka === Kind.Zero || kb === Kind.Inf) return done(a);
  const d = exponentOf(a) - exponentOf(b);
  if (d < (nearest ? -1 : 0)) return done(a);
  const neg = isNeg(a);
  const qa = scaleOf(a), qb = scaleOf(b);
  const q = Math.min(qa, qb);
  const big = sigOf(a) << BigInt(qa - q);
  let divisor = sigOf(b) << BigInt(qb - q);
  const complete = d < 64;
  if (!complete) divisor <<= BigInt(d - (32 + (d % 32)));
  let quo = big / divisor;
  let rem = big - quo * divisor;
  let remNeg = neg;
  if (complete && nearest) {
    const twice = rem << 1n;
    if (twice > divisor || (twice === divisor && (quo & 1n) === 1n)) {
      quo += 1n;
      rem = divisor - rem;
      remNeg = !neg;
    }
  }
  const value = rem === 0n ? zero(neg) : round80(remNeg, rem, q, false, env, 64);
  return { value, quotient: complete ? Number(quo & 7n) : 0, complete };
}

/**
 * FXTRACT: the unbiased exponent (as a value) and the significand (exponent 0, the sign kept).
 * Zero gives -infinity with ZE and keeps the zero; infinity gives +infinity and keeps it.
 */
export function extract(a: F80, env: FpEnv): { exponent: F80; significand: F80 } {
  const k = kind(a);
  if (k === Kind.Unsupported) {
    env.flags |= IE;
    return { exponent: INDEFINITE, significand: INDEFINITE };
  }
  if (isNaNKind(k)) {
    if (k === Kind.SNaN) env.flags |= IE;
    return { exponent: quiet(a), significand: quiet(a) };
  }
  if (k === Kind.Zero) {
    env.flags |= ZE;
    return { exponent: infinity(true), significand: a };
  }
  if (k === Kind.Inf) return { exponent: infinity(false), significand: a };
  if (k === Kind.Denormal) env.flags |= DE;
  const s = sigOf(a);
  const normalized = s << BigInt(64 - bitLength(s));
  const significand: F80 = {
    se: (a.se & 0x8000) | 0x3fff,
    hi: Number(normalized >> 32n) >>> 0,
    lo: Number(normalized & 0xffffffffn) >>> 0,
  };
  return { exponent: fromInt(BigInt(exponentOf(a))), significand };
}

/**
 * FSCALE: ST(0) * 2^trunc(ST(1)), rounded by RC and PC. An infinite scale gives infinity or zero,
 * except 0 * 2^+inf and inf * 2^-inf, which are invalid.
 */
export function scale(a: F80, b: F80, env: FpEnv): F80 {
  const ka = kind(a), kb = kind(b);
  if (ka === Kind.Unsupported || kb === Kind.Unsupported) {
    env.flags |= IE;
    return INDEFINITE;
  }
  if (isNaNKind(ka) || isNaNKind(kb)) return propagateNaN(a, b, env);
  if (ka === Kind.Denormal || kb === Kind.Denormal) env.flags |= DE;
  if (kb === Kind.Inf) {
    if (isNeg(b)) {
      if (ka === Kind.Inf) { env.flags |= IE; return INDEFINITE; }
      return ka === Kind.Zero ? a : zero(isNeg(a));
    }
    if (ka === Kind.Zero) { env.flags |= IE; return INDEFINITE; }
    return infinity(isNeg(a));
  }
  if (ka === Kind.Zero || ka === Kind.Inf) return a;
  let n = 0;
  if (kb !== Kind.Zero) {
    const e = exponentOf(b);
    if (e > 30) n = 0x10000;
    else if (e >= 0) n = Number(sigOf(b) >> BigInt(-scaleOf(b)));
    if (isNeg(b)) n = -n;
  }
  return scaleBy(a, n, env);
}
