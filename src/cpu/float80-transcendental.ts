// The x87 transcendental instructions computed in extended precision: F2XM1 (2^x - 1), FYL2X
// (y * log2 x), FYL2XP1 (y * log2(x + 1)) and FPATAN (atan2(y, x)); SDM Vol. 2A. The processor
// (and QEMU since 6.0) computes these to well beyond 64 bits and rounds once to the 80-bit
// format under the rounding control; the precision control does not apply to them (SDM Vol. 1,
// 8.1.5.2 lists the instructions it affects), so results always get a 64-bit significand.
//
// Method: operands are exact BigInt binary fractions; the function is evaluated with a working
// precision of P bits (series: artanh for the logarithm, Taylor for expm1 and arctan after
// argument halving) with a relative error far below 2^-(P - GUARD). The result is rounded once
// (Ziv's test): if both ends of the error interval round to the same 80-bit value, in the same
// direction, that is the correctly rounded result; otherwise P doubles. Results that are exact
// (log2 of a power of two, 2^n - 1 for integer n, zeros) are detected first and rounded exactly.
// Special operands follow the SDM's tables for each instruction.

import { ln2Fixed, piFixed } from './float80-constants.js';
import {
  type F80, FpEnv, IE, INDEFINITE, Kind, ZE, bitLength, infinity, isNeg, kind, roundExact, round80, scaleOf, sigOf, zero,
} from './float80.js';

/** value = m * 2^e (m signed, at most P bits once normalized by `norm`). */
interface BF { readonly m: bigint; readonly e: number }

/** Bits the evaluation may lose to rounding of intermediate steps (conservative). */
const GUARD = 24;
const FIRST_PRECISION = 128;
const MAX_PRECISION = 2560;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** The arithmetic at one working precision. */
class Work {
  constructor(readonly P: number) {}

  norm(m: bigint, e: number): BF {
    if (m === 0n) return { m: 0n, e: 0 };
    const n = bitLength(abs(m));
    return n > this.P ? { m: m >> BigInt(n - this.P), e: e + n - this.P } : { m, e };
  }

  /** |a| < 2^top(a). */
  top(a: BF): number {
    return a.m === 0n ? -Infinity : a.e + bitLength(abs(a.m));
  }

  mul(a: BF, b: BF): BF {
    return this.norm(a.m * b.m, a.e + b.e);
  }

  add(a: BF, b: BF): BF {
    if (a.m === 0n) return b;
    if (b.m === 0n) return a;
    const ta = this.top(a), tb = this.top(b);
    // A far smaller addend changes the sum by less than 2^-(P+4) relative: it is dropped.
    if (ta - tb > this.P + 4) return a;
    if (tb - ta > this.P + 4) return b;
    const e = Math.min(a.e, b.e);
    return this.norm((a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e);
  }

  sub(a: BF, b: BF): BF {
    return this.add(a, { m: -b.m, e: b.e });
  }

  div(a: BF, b: BF): BF {
    const shift = this.P + 8 + Math.max(0, bitLength(abs(b.m)) - bitLength(abs(a.m)));
    return this.norm((a.m << BigInt(shift)) / b.m, a.e - b.e - shift);
  }

  divInt(a: BF, k: number): BF {
    return this.norm((a.m << 64n) / BigInt(k), a.e - 64);
  }

  sqrt(a: BF): BF {
    let shift = Math.max(0, 2 * this.P + 8 - bitLength(a.m));
    if ((a.e - shift) & 1) shift++;
    const n = a.m << BigInt(shift);
    let x = 1n << BigInt((bitLength(n) + 1) >> 1);
    for (;;) {
      const y = (x + n / x) >> 1n;
      if (y >= x) break;
      x = y;
    }
    return this.norm(x, (a.e - shift) / 2);
  }

  /** A term no longer changes the sum at P bits. */
  negligible(term: BF, sum: BF): boolean {
    return term.m === 0n || this.top(term) < this.top(sum) - this.P - 2;
  }

  pi(): BF {
    return this.norm(piFixed(this.P + 8), -(this.P + 8));
  }

  ln2(): BF {
    return this.norm(ln2Fixed(this.P + 8), -(this.P + 8));
  }

  /** 2 artanh(u) = ln((1 + u) / (1 - u)), |u| <= 1/3. */
  artanh2(u: BF): BF {
    const u2 = this.mul(u, u);
    let sum = u, power = u;
    for (let k = 1; ; k++) {
      power = this.mul(power, u2);
      const term = this.divInt(power, 2 * k + 1);
      if (this.negligible(term, sum)) break;
      sum = this.add(sum, term);
    }
    return { m: sum.m, e: sum.e + 1 };
  }

  /** log2 of a positive value. */
  log2(x: BF): BF {
    const n = bitLength(x.m);
    let k = x.e + n - 1;
    // x = f * 2^k with f = m / 2^(n-1) in [1, 2); use f / 2 when f > sqrt(2).
    let unit = 1n << BigInt(n - 1);
    if (x.m * x.m > unit * unit * 2n) {
      unit <<= 1n;
      k += 1;
    }
    const f = this.div(this.norm(x.m - unit, 0), this.norm(x.m + unit, 0));
    const lf = f.m === 0n ? f : this.div(this.artanh2(f), this.ln2());
    return this.add(this.norm(BigInt(k), 0), lf);
  }

  /** log2(1 + x) for x > -1, x exact. */
  log2p1(x: BF): BF {
    if (this.top(x) <= -2) {
      // |x| < 1/4: ln(1 + x) = 2 artanh(x / (2 + x)), without forming 1 + x.
      const u = this.div(x, this.add(this.norm(2n, 0), x));
      return this.div(this.artanh2(u), this.ln2());
    }
    return this.log2(this.add(this.norm(1n, 0), x));
  }

  /** e^t - 1 for |t| < 1 (Taylor series, relative to t). */
  expm1(t: BF): BF {
    let sum = t, term = t;
    for (let k = 2; ; k++) {
      term = this.divInt(this.mul(term, t), k);
      if (this.negligible(term, sum)) break;
      sum = this.add(sum, term);
    }
    return sum;
  }

  /** 2^x - 1 for |x| < 2^15, x exact and not an integer. */
  exp2m1(x: BF): BF {
    // x = n + r, n the nearest integer, |r| <= 1/2 (exact).
    const n = x.e >= 0 ? x.m << BigInt(x.e) : (x.m + (1n << BigInt(-x.e - 1))) >> BigInt(-x.e);
    const r = this.add(x, this.norm(-n, 0));
    const em1 = this.expm1(this.mul(r, this.ln2()));
    if (n === 0n) return em1;
    // 2^n e^t - 1 = 2^n (e^t - 1) + (2^n - 1): no cancellation for |x| >= 1/2.
    const scaled = { m: em1.m, e: em1.e + Number(n) };
    return this.add(scaled, this.add(this.norm(1n, Number(n)), this.norm(-1n, 0)));
  }

  /** atan t for t > 0. */
  atan(t: BF): BF {
    const one = this.norm(1n, 0);
    let inverted = false;
    if (this.top(t) > 1 || (this.top(t) === 1 && this.sub(t, one).m > 0n)) {
      t = this.div(one, t);
      inverted = true;
    }
    // Three halvings: atan t = 8 atan(t'), t' <= tan(pi/32).
    for (let k = 0; k < 3; k++) t = this.div(t, this.add(one, this.sqrt(this.add(one, this.mul(t, t)))));
    const t2 = this.mul(t, t);
    let sum = t, power = t;
    for (let k = 1; ; k++) {
      power = this.mul(power, t2);
      power = { m: -power.m, e: power.e };
      const term = this.divInt(power, 2 * k + 1);
      if (this.negligible(term, sum)) break;
      sum = this.add(sum, term);
    }
    const a = { m: sum.m, e: sum.e + 3 };
    if (!inverted) return a;
    const pi = this.pi();
    return this.sub({ m: pi.m, e: pi.e - 1 }, a);
  }
}

/** A finite non-zero register value, exactly. */
function exact(a: F80): BF {
  const s = sigOf(a);
  return { m: isNeg(a) ? -s : s, e: scaleOf(a) };
}

/**
 * Rounds the value `evaluate` approximates (relative error < 2^-(P - GUARD), never exact) into a
 * register, raising PE (and OE/UE as round80 does) and recording the rounding direction.
 */
function roundApprox(evaluate: (w: Work) => BF, env: FpEnv): F80 {
  for (let P = FIRST_PRECISION; ; P *= 2) {
    const v = evaluate(new Work(P));
    const neg = v.m < 0n;
    const a = abs(v.m);
    const err = (a >> BigInt(P - GUARD)) + 1n;
    const lo = a - err, hi = a + err;
    if (P < MAX_PRECISION && !sameRounding(neg, lo, hi, v.e, env.rc)) continue;
    return round80(neg, lo, v.e, true, env, 64);
  }
}

/** Both ends round alike: on the register's grid (with denormals) and on the unbounded grid. */
function sameRounding(neg: boolean, lo: bigint, hi: bigint, e: number, rc: number): boolean {
  for (const emin of [-16382, -1e9]) {
    const a = roundExact(neg, lo, e, true, 64, emin, rc);
    const b = roundExact(neg, hi, e, true, 64, emin, rc);
    if (a.m !== b.m || a.l !== b.l || a.up !== b.up) return false;
  }
  return true;
}

/** An exact value into a register (round80 detects inexactness). */
function roundExactValue(v: BF, env: FpEnv): F80 {
  if (v.m === 0n) return zero(false);
  return round80(v.m < 0n, abs(v.m), v.e, false, env, 64);
}

function invalid(env: FpEnv): F80 {
  env.flags |= IE;
  return INDEFINITE;
}

/** If x (finite, non-zero, positive) is 2^k, k; otherwise null. */
function powerOfTwo(x: BF): number | null {
  const m = abs(x.m);
  return (m & (m - 1n)) === 0n ? x.e + bitLength(m) - 1 : null;
}

/** Value of x relative to 1: -1, 0, 1 (x finite, not a NaN). */
function compareOne(x: F80): number {
  const k = kind(x);
  if (k === Kind.Zero || isNeg(x)) return -1;
  if (k === Kind.Inf) return 1;
  const v = exact(x);
  const p = powerOfTwo(v);
  if (p === 0) return 0;
  return v.e + bitLength(v.m) - 1 >= 0 ? 1 : -1;
}

/** Multiplies an exact integer by a finite register value, rounding once. */
function timesInteger(k: bigint, y: F80, env: FpEnv): F80 {
  const neg = (k < 0n) !== isNeg(y);
  if (k === 0n || kind(y) === Kind.Zero) return zero(neg);
  return round80(neg, abs(k) * sigOf(y), scaleOf(y), false, env, 64);
}

/**
 * F2XM1: 2^x - 1. Zeros keep their sign, +inf gives +inf and -inf gives -1 (SDM Vol. 2A, F2XM1).
 * The SDM defines the result for -1 <= x <= 1; outside, it is still computed (and overflows or
 * approaches -1).
 */
export function f2xm1Value(x: F80, env: FpEnv): F80 {
  const k = kind(x);
  if (k === Kind.Zero) return x;
  if (k === Kind.Inf) return isNeg(x) ? { se: 0xbfff, hi: 0x80000000, lo: 0 } : x;
  const v = exact(x);
  const top = v.e + bitLength(abs(v.m));
  if (top > 15) {
    // |x| >= 2^15: the result overflows or is -1 + (less than 2^-32767).
    if (v.m > 0n) return round80(false, 1n, 40000, true, env, 64);
    return round80(true, (1n << 200n) - 1n, -200, true, env, 64);
  }
  if (v.e >= 0 || (v.m & ((1n << BigInt(-v.e)) - 1n)) === 0n) {
    // An integer n: 2^n - 1 is exact (rounded only if it needs more than 64 bits).
    const n = Number(v.e >= 0 ? v.m << BigInt(v.e) : v.m >> BigInt(-v.e));
    if (n < -200) return round80(true, (1n << 200n) - 1n, -200, true, env, 64);
    return n >= 0 ? roundExactValue({ m: (1n << BigInt(n)) - 1n, e: 0 }, env)
      : roundExactValue({ m: -((1n << BigInt(-n)) - 1n), e: n }, env);
  }
  if (v.m < 0n && top > 8) {
    // x < -128: -1 + 2^x, 2^x far below the result's last bit.
    return round80(true, (1n << 200n) - 1n, -200, true, env, 64);
  }
  return roundApprox((w) => w.exp2m1(v), env);
}

/**
 * FYL2X: y * log2(x), x = ST(0), y = ST(1), neither a NaN nor unsupported (SDM Vol. 2A, FYL2X
 * table): negative x is invalid, log2(0) is -inf with ZE (0 * log2(0) is invalid), inf * 0 is
 * invalid, log2(1) = 0 takes the sign of y.
 */
export function fyl2xValue(x: F80, y: F80, env: FpEnv): F80 {
  const kx = kind(x), ky = kind(y);
  if (isNeg(x) && kx !== Kind.Zero) return invalid(env);
  if (ky === Kind.Inf) {
    const c = compareOne(x);
    if (c === 0) return invalid(env);
    return infinity(c < 0 ? !isNeg(y) : isNeg(y));
  }
  if (kx === Kind.Inf) return ky === Kind.Zero ? invalid(env) : infinity(isNeg(y));
  if (kx === Kind.Zero) {
    if (ky === Kind.Zero) return invalid(env);
    env.flags |= ZE;
    return infinity(!isNeg(y));
  }
  if (ky === Kind.Zero) return compareOne(x) < 0 ? zero(!isNeg(y)) : y;
  const vx = exact(x);
  const p = powerOfTwo(vx);
  if (p !== null) return timesInteger(BigInt(p), y, env);
  const vy = exact(y);
  return roundApprox((w) => w.mul(w.log2(vx), vy), env);
}

/**
 * FYL2XP1: y * log2(x + 1) (SDM Vol. 2A, FYL2XP1). The SDM defines it for |x| < 1 - sqrt(2)/2;
 * it is computed for every x > -1. x <= -1 is invalid; zeros and infinities give the exact
 * products (0 * inf invalid).
 */
export function fyl2xp1Value(x: F80, y: F80, env: FpEnv): F80 {
  const kx = kind(x), ky = kind(y);
  if (isNeg(x) && kx !== Kind.Zero && (kx === Kind.Inf || compareOne({ se: x.se & 0x7fff, hi: x.hi, lo: x.lo }) >= 0)) {
    return invalid(env);
  }
  if (kx === Kind.Zero || ky === Kind.Zero || kx === Kind.Inf || ky === Kind.Inf) {
    if ((kx === Kind.Zero && ky === Kind.Inf) || (kx === Kind.Inf && ky === Kind.Zero)) return invalid(env);
    const neg = isNeg(x) !== isNeg(y);
    return kx === Kind.Inf || ky === Kind.Inf ? infinity(neg) : zero(neg);
  }
  const vx = exact(x), vy = exact(y);
  const top = vx.e + bitLength(abs(vx.m));
  if (top >= -200 && top <= 200) {
    // 1 + x exactly; a power of two gives an exact logarithm.
    const e = Math.min(vx.e, 0);
    const sum = { m: (vx.m << BigInt(vx.e - e)) + (1n << BigInt(-e)), e };
    const p = powerOfTwo(sum);
    if (p !== null) return timesInteger(BigInt(p), y, env);
  }
  return roundApprox((w) => w.mul(w.log2p1(vx), vy), env);
}

/** pi * num / 4 with the given sign, rounded. */
function piQuarters(num: number, negative: boolean, env: FpEnv): F80 {
  return roundApprox((w) => {
    const pi = w.pi();
    const m = pi.m * BigInt(num);
    return w.norm(negative ? -m : m, pi.e - 2);
  }, env);
}

/**
 * FPATAN: atan2(y, x), x = ST(0), y = ST(1), neither a NaN nor unsupported (SDM Vol. 2A, FPATAN
 * table): the signs select the quadrant; zero results are exact, every other result is inexact.
 */
export function fpatanValue(x: F80, y: F80, env: FpEnv): F80 {
  const kx = kind(x), ky = kind(y);
  const ny = isNeg(y), nx = isNeg(x);
  if (ky === Kind.Zero) return nx ? piQuarters(4, ny, env) : y;
  if (ky === Kind.Inf) {
    if (kx === Kind.Inf) return piQuarters(nx ? 3 : 1, ny, env);
    return piQuarters(2, ny, env);
  }
  if (kx === Kind.Zero) return piQuarters(2, ny, env);
  if (kx === Kind.Inf) return nx ? piQuarters(4, ny, env) : zero(ny);
  const vx = exact(x), vy = exact(y);
  const ax = { m: abs(vx.m), e: vx.e }, ay = { m: abs(vy.m), e: vy.e };
  return roundApprox((w) => {
    const a = w.atan(w.div(ay, ax));
    const r = nx ? w.sub(w.pi(), a) : a;
    return ny ? { m: -r.m, e: r.e } : r;
  }, env);
}
