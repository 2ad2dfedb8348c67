// Correctly rounded (to nearest) double-precision sin, cos, tan, atan2, log and 2^x. The x87
// transcendental instructions of the reference emulator (Unicorn 2 / QEMU 5.0) convert their
// operands to double, call the host C library and convert back; the glibc functions it calls
// return the correctly rounded result in all but rare cases, so computing the correctly rounded
// value reproduces them. (JavaScript's Math functions are not correctly rounded and differ
// from glibc in about 2% of sin/cos results and 18% of atan2 results.)
//
// Method: a small binary floating-point type with a 200-bit BigInt significand (BF), exact
// argument reduction against pi computed to as many bits as the argument needs, Taylor and
// artanh series, and one final rounding. Intermediate errors stay below 2^-180 relative, far
// below what could change a rounding except in cases that are exact (handled exactly).

import { bitLength, RC_NEAREST, roundExact } from './float80.js';
import { ln2Fixed, piFixed } from './float80-constants.js';

const P = 200;

/** value = m * 2^e; |m| < 2^P (truncated toward zero when it grows). */
interface BF { readonly m: bigint; readonly e: number }

function bf(m: bigint, e: number): BF {
  if (m === 0n) return { m: 0n, e: 0 };
  const n = bitLength(m < 0n ? -m : m);
  return n > P ? { m: m >> BigInt(n - P), e: e + n - P } : { m, e };
}

const ONE: BF = { m: 1n, e: 0 };
const mul = (a: BF, b: BF): BF => bf(a.m * b.m, a.e + b.e);
const neg = (a: BF): BF => ({ m: -a.m, e: a.e });
/** Magnitude exponent: |a| < 2^top(a). */
const top = (a: BF): number => (a.m === 0n ? -Infinity : a.e + bitLength(a.m < 0n ? -a.m : a.m));

function add(a: BF, b: BF): BF {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  if (top(a) - top(b) > P + 4) return a;
  if (top(b) - top(a) > P + 4) return b;
  const e = Math.min(a.e, b.e);
  return bf((a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e);
}

function div(a: BF, b: BF): BF {
  const shift = P + 8 + Math.max(0, bitLength(b.m < 0n ? -b.m : b.m) - bitLength(a.m < 0n ? -a.m : a.m));
  return bf((a.m << BigInt(shift)) / b.m, a.e - b.e - shift);
}

const divInt = (a: BF, k: number): BF => bf((a.m << 64n) / BigInt(k), a.e - 64);

function sqrtBF(a: BF): BF {
  let shift = Math.max(0, 2 * P + 8 - bitLength(a.m));
  if ((a.e - shift) & 1) shift++;
  const n = a.m << BigInt(shift);
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  return bf(x, (a.e - shift) / 2);
}

// ---- Doubles <-> BF ----------------------------------------------------------------------------

const view = new DataView(new ArrayBuffer(8));

/** A finite double as an exact BF. */
function fromDouble(x: number): BF {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  if (exp !== 0) m |= 1n << 52n;
  if (bits >> 63n) m = -m;
  return bf(m, (exp === 0 ? 1 : exp) - 1075);
}

/** m * 2^l (m < 2^53, on the double grid) as a double. */
function exactDouble(negative: boolean, m: bigint, l: number): number {
  if (m === 0n) return negative ? -0 : 0;
  const n = bitLength(m);
  const e = l + n - 1;
  if (e > 1023) return negative ? -Infinity : Infinity;
  let bits: bigint;
  if (e < -1022) bits = m << BigInt(l + 1074);
  else bits = (BigInt(e + 1023) << 52n) | ((m << BigInt(53 - n)) & 0xfffffffffffffn);
  view.setBigUint64(0, bits | (negative ? 1n << 63n : 0n));
  return view.getFloat64(0);
}

/** Rounds to the nearest double; `inexact` says a is an approximation of an irrational value. */
function toDouble(a: BF, inexact = true): number {
  const negative = a.m < 0n;
  const r = roundExact(negative, negative ? -a.m : a.m, a.e, inexact, 53, -1022, RC_NEAREST);
  return exactDouble(negative, r.m, r.l);
}

// ---- Constants -----------------------------------------------------------------------------------

let piBits = 0;
let piCached: bigint = 0n;
/** pi with at least `bits` fractional bits. */
function pi(bits: number): bigint {
  if (bits > piBits) {
    piBits = Math.max(bits, 2 * piBits, 512);
    piCached = piFixed(piBits);
  }
  return piCached >> BigInt(piBits - bits);
}
let piBF: BF | null = null;
const PI = (): BF => (piBF ??= bf(pi(P + 8), -(P + 8)));
const LN2: BF = bf(ln2Fixed(P + 8), -(P + 8));

// ---- Series ------------------------------------------------------------------------------------

/** True when term no longer changes sum at P bits. */
const negligible = (term: BF, sum: BF): boolean => term.m === 0n || top(term) < top(sum) - P - 2;

/** sin r and cos r for |r| <= pi/4 (Taylor series). */
function sinCosSmall(r: BF): [BF, BF] {
  const r2 = mul(r, r);
  let s = r, t = r;
  for (let n = 1; ; n++) {
    t = neg(divInt(mul(t, r2), (2 * n) * (2 * n + 1)));
    if (negligible(t, s)) break;
    s = add(s, t);
  }
  let c = ONE, u = ONE;
  for (let n = 1; ; n++) {
    u = neg(divInt(mul(u, r2), (2 * n - 1) * (2 * n)));
    if (negligible(u, c)) break;
    c = add(c, u);
  }
  return [s, c];
}

/** x = k * pi/2 + r with |r| <= pi/4, exactly enough for any double: returns k mod 4 and r. */
function reduce(x: number): [number, BF] {
  if (Math.abs(x) <= 0.78) return [0, fromDouble(x)];
  const a = fromDouble(Math.abs(x));
  const bits = 256 + Math.max(0, a.e + 64);
  const fixed = a.m << BigInt(bits + a.e); // |x| * 2^bits, exact (a.e >= -52 here)
  const halfPi = pi(bits) >> 1n;
  const k = (fixed + (halfPi >> 1n)) / halfPi;
  let r = bf(fixed - k * halfPi, -bits);
  let q = Number(k & 3n);
  if (x < 0) {
    r = neg(r);
    q = (4 - q) & 3;
  }
  return [q, r];
}

function sinCos(x: number): [BF, BF] {
  const [q, r] = reduce(x);
  const [s, c] = sinCosSmall(r);
  switch (q) {
    case 0: return [s, c];
    case 1: return [c, neg(s)];
    case 2: return [neg(s), neg(c)];
    default: return [neg(c), s];
  }
}

export function crSin(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? x : NaN;
  return toDouble(sinCos(x)[0]);
}

export function crCos(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 1 : NaN;
  return toDouble(sinCos(x)[1]);
}

export function crTan(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? x : NaN;
  const [s, c] = sinCos(x);
  return toDouble(div(s, c));
}

/** Natural logarithm of x > 0. */
export function crLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity || x === 1) return x === 1 ? 0 : Infinity;
  const a = fromDouble(x);
  const n = bitLength(a.m);
  let exponent = a.e + n - 1;
  // x = f * 2^exponent with f = m / 2^(n-1) in [1, 2); use f / 2 when f > sqrt(2).
  let unit = 1n << BigInt(n - 1);
  if (a.m * a.m > unit * unit * 2n) { unit <<= 1n; exponent += 1; }
  const s = div(bf(a.m - unit, 0), bf(a.m + unit, 0)); // (f - 1) / (f + 1)
  const s2 = mul(s, s);
  let sum = s, power = s;
  for (let k = 1; ; k++) {
    power = mul(power, s2);
    const term = divInt(power, 2 * k + 1);
    if (negligible(term, sum)) break;
    sum = add(sum, term);
  }
  return toDouble(add(bf(sum.m, sum.e + 1), mul(bf(BigInt(exponent), 0), LN2)));
}

/** pow(2, x). */
export function crExp2(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 1024) return Infinity;
  if (x <= -1080) return 0;
  if (Number.isInteger(x)) return toDouble(bf(1n, x), false);
  const n = Math.floor(x);
  const t = mul(add(fromDouble(x), bf(BigInt(-n), 0)), LN2); // (x - n) ln 2, exactly in (0, ln 2)
  let sum = add(ONE, t), term = t;
  for (let k = 2; ; k++) {
    term = divInt(mul(term, t), k);
    if (negligible(term, sum)) break;
    sum = add(sum, term);
  }
  return toDouble(bf(sum.m, sum.e + n));
}

/** atan t for t > 0: halves the argument three times, then the Taylor series. */
function atanPositive(t: BF): BF {
  let inverted = false;
  if (add(t, neg(ONE)).m > 0n) {
    t = div(ONE, t);
    inverted = true;
  }
  for (let k = 0; k < 3; k++) t = div(t, add(ONE, sqrtBF(add(ONE, mul(t, t)))));
  const t2 = mul(t, t);
  let sum = t, power = t;
  for (let k = 1; ; k++) {
    power = neg(mul(power, t2));
    const term = divInt(power, 2 * k + 1);
    if (negligible(term, sum)) break;
    sum = add(sum, term);
  }
  const a = bf(sum.m, sum.e + 3);
  return inverted ? add(bf(PI().m, PI().e - 1), neg(a)) : a;
}

/** atan2(y, x) with the C99 (Annex F) special cases, as glibc implements them. */
export function crAtan2(y: number, x: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  const sy = y < 0 || Object.is(y, -0) ? -1 : 1;
  const xNeg = x < 0 || Object.is(x, -0);
  const piScaled = (num: number, den: number): number => sy * toDouble(divInt(bf(PI().m * BigInt(num), PI().e), den));
  if (y === 0) return xNeg ? piScaled(1, 1) : sy * 0;
  if (!Number.isFinite(y)) {
    if (x === Infinity) return piScaled(1, 4);
    if (x === -Infinity) return piScaled(3, 4);
    return piScaled(1, 2);
  }
  if (x === 0) return piScaled(1, 2);
  if (x === Infinity) return sy * 0;
  if (x === -Infinity) return piScaled(1, 1);
  const a = atanPositive(div(fromDouble(Math.abs(y)), fromDouble(Math.abs(x))));
  const r = xNeg ? add(PI(), neg(a)) : a;
  return sy * toDouble(r);
}
