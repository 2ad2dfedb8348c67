// An exact software model of the x87 80-bit double extended-precision format (SDM Vol. 1, 4.2.2
// and 8.2): classification, the rounding step every arithmetic result goes through (the four
// rounding modes of the RC field and the 24/53/64-bit significands of the PC field, SDM Vol. 1,
// 4.8.4 and 8.1.5.2), NaN propagation (Table 4-7), and the basic arithmetic: add, subtract,
// multiply, divide, square root. Rounding to integers, scaling, remainders and conversions are in
// the float80-*.ts files beside it. Every operation here computes the exact mathematical result
// (BigInt significands) and rounds it once, so results are the correctly rounded ones the SDM
// specifies; these exact paths are the reference. add, mul, div and sqrt first try the
// allocation-free fast paths (float80-fast.ts, float80-divsqrt.ts: normal operands, normal
// results, the same rounding rule in 32-bit words), which leave everything else to the exact
// paths (the *Exact functions).
//
// Values are {se, hi, lo}: the sign/exponent word and the 64-bit significand (explicit integer
// bit J at bit 63) as two unsigned 32-bit halves, the layout of a register and of an m80 operand.
// Exceptions are accumulated in an FpEnv as the status-word bits IE DE ZE OE UE PE; the caller
// (the x87 helpers) turns them into status-word updates, C1 and masked or unmasked responses.

import { FAST_UP, OPND, RES, add80, mul80 } from './float80-fast.js';
import { div80, sqrt80 } from './float80-divsqrt.js';

export const IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;

export interface F80 {
  readonly se: number;
  readonly hi: number;
  readonly lo: number;
}

/** Rounding control, as encoded in the control word's RC field (SDM Vol. 1, Table 4-8). */
export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

/** Bias adjustment of unmasked overflow/underflow results (SDM Vol. 1, 8.5.4 and 8.5.5). */
const BIAS_ADJUST = 24576;

/** Rounding context and accumulated exceptions of one operation. */
export class FpEnv {
  rc = RC_NEAREST;
  /** Significand bits results are rounded to (PC field: 24, 53 or 64). */
  prec = 64;
  /** Exception mask bits (control word bits 0-5): a set bit means masked. */
  masks = 0x3f;
  /** Exceptions raised (IE DE ZE OE UE PE). */
  flags = 0;
  /** The last rounding increased the magnitude (reported in C1 when PE is set). */
  roundedUp = false;

  /** Prepares for one instruction under the given control word. */
  reset(control: number): this {
    this.rc = (control >> 10) & 3;
    const pc = (control >> 8) & 3;
    this.prec = pc === 0 ? 24 : pc === 2 ? 53 : 64; // PC = 1 is reserved; it acts as 64 here
    this.masks = control & 0x3f;
    this.flags = 0;
    this.roundedUp = false;
    return this;
  }
}

// ---- Constants and classification ------------------------------------------------------------

export const enum Kind { Zero, Denormal, Normal, Inf, QNaN, SNaN, Unsupported }

/** The QNaN floating-point indefinite: the masked response to invalid operations. */
export const INDEFINITE: F80 = { se: 0xffff, hi: 0xc0000000, lo: 0 };

export function f80(se: number, hi: number, lo: number): F80 {
  return { se: se & 0xffff, hi: hi >>> 0, lo: lo >>> 0 };
}

export const zero = (neg: boolean | number): F80 => ({ se: neg ? 0x8000 : 0, hi: 0, lo: 0 });
export const infinity = (neg: boolean | number): F80 => ({ se: neg ? 0xffff : 0x7fff, hi: 0x80000000, lo: 0 });
export const isNeg = (a: F80): boolean => (a.se & 0x8000) !== 0;

/**
 * SDM Vol. 1, 8.2.2 and Table 8-3: exponent 0 with J = 1 is a pseudo-denormal (classed with the
 * denormals); a non-zero exponent with J = 0 (unnormal, pseudo-infinity, pseudo-NaN) is an
 * unsupported encoding, an invalid operand for arithmetic.
 */
export function kind(a: F80): Kind {
  const exp = a.se & 0x7fff;
  const j = (a.hi & 0x80000000) !== 0;
  if (exp === 0x7fff) {
    if (!j) return Kind.Unsupported;
    if ((a.hi & 0x7fffffff) === 0 && a.lo === 0) return Kind.Inf;
    return (a.hi & 0x40000000) !== 0 ? Kind.QNaN : Kind.SNaN;
  }
  if (exp === 0) return a.hi === 0 && a.lo === 0 ? Kind.Zero : Kind.Denormal;
  return j ? Kind.Normal : Kind.Unsupported;
}

export const isNaNKind = (k: Kind): boolean => k === Kind.QNaN || k === Kind.SNaN;

export function sigOf(a: F80): bigint {
  return (BigInt(a.hi) << 32n) | BigInt(a.lo);
}

export function fromSig(se: number, sig: bigint): F80 {
  return { se: se & 0xffff, hi: Number(sig >> 32n) >>> 0, lo: Number(sig & 0xffffffffn) >>> 0 };
}

const TWO64 = 1n << 64n;

/** Number of significant bits of x > 0. */
export function bitLength(x: bigint): number {
  let n = 0;
  while (x >= TWO64) {
    x >>= 64n;
    n += 64;
  }
  const hi = Number(x >> 32n);
  return n + (hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(Number(x)));
}

/** A finite value as S * 2^q (S the 64-bit significand; denormals have the exponent of 1). */
export function scaleOf(a: F80): number {
  const exp = a.se & 0x7fff;
  return (exp === 0 ? 1 : exp) - 16383 - 63;
}

/** Quiets a NaN (sets the significand's bit 62). */
export function quiet(a: F80): F80 {
  return { se: a.se, hi: (a.hi | 0x40000000) >>> 0, lo: a.lo };
}

/**
 * NaN operands (SDM Vol. 1, Table 4-7): an SNaN raises IE; a NaN with a non-NaN gives that NaN;
 * an SNaN with a QNaN gives the QNaN; two of a kind give the one with the larger significand
 * (equal significands: the positive one). The result is always quiet.
 */
export function propagateNaN(a: F80, b: F80, env: FpEnv): F80 {
  const ka = kind(a), kb = kind(b);
  if (ka === Kind.SNaN || kb === Kind.SNaN) env.flags |= IE;
  const aNaN = isNaNKind(ka), bNaN = isNaNKind(kb);
  if (!bNaN) return quiet(a);
  if (!aNaN) return quiet(b);
  if (ka !== kb) return ka === Kind.QNaN ? a : b;
  if (a.hi !== b.hi) return quiet(a.hi > b.hi ? a : b);
  if (a.lo !== b.lo) return quiet(a.lo > b.lo ? a : b);
  return quiet(a.se < b.se ? a : b);
}

// ---- Rounding ------------------------------------------------------------------------------

/** An exact result rounded to p bits: value = m * 2^l. */
export interface Rounded {
  m: bigint;
  l: number;
  inexact: boolean;
  /** Magnitude increased by rounding. */
  up: boolean;
  /** Below the smallest normal before rounding (the x87 detects tininess before rounding). */
  tiny: boolean;
}

/**
 * Rounds (-1)^neg * (s * 2^q + sticky) to `p` significant bits, with the exponent bounded below by
 * `emin` (results under 2^emin keep the grid of 2^(emin-p+1): denormals). `sticky` says the true
 * value exceeds s * 2^q by less than 2^q; callers that set it give s at least p + 2 bits.
 */
export function roundExact(neg: boolean, s: bigint, q: number, sticky: boolean, p: number, emin: number, rc: number): Rounded {
  const n = s === 0n ? 0 : bitLength(s);
  const e = n === 0 ? emin - p : q + n - 1;
  const tiny = e < emin;
  let l = Math.max(e, emin) - p + 1;
  let m: bigint, inexact: boolean, half: boolean, rest: boolean;
  const shift = l - q;
  if (shift <= 0) {
    m = s << BigInt(-shift);
    inexact = sticky;
    half = false;
    rest = sticky;
  } else {
    const big = BigInt(shift);
    m = s >> big;
    const rem = s - (m << big);
    const halfBit = 1n << (big - 1n);
    half = rem >= halfBit;
    rest = (rem & (halfBit - 1n)) !== 0n || sticky;
    inexact = half || rest;
  }
  let inc: boolean;
  switch (rc) {
    case RC_NEAREST: inc = half && (rest || (m & 1n) === 1n); break;
    case RC_UP: inc = !neg && inexact; break;
    case RC_DOWN: inc = neg && inexact; break;
    default: inc = false;
  }
  if (inc) {
    m += 1n;
    if (m >> BigInt(p) !== 0n) { m >>= 1n; l += 1; }
  }
  return { m, l, inexact, up: inc, tiny };
}

/** Largest finite magnitude with p significant bits: (2^p - 1) * 2^(emax - p + 1). */
function maxFinite(p: number, emax: number): Rounded {
  return { m: (1n << BigInt(p)) - 1n, l: emax - p + 1, inexact: true, up: false, tiny: false };
}

/** Result of an overflow under masked OE (SDM Vol. 1, 4.9.1.4): infinity or the largest finite value. */
export function overflowResult(neg: boolean, rc: number): 'inf' | 'max' {
  if (rc === RC_NEAREST) return 'inf';
  if (rc === RC_ZERO) return 'max';
  if (rc === RC_UP) return neg ? 'max' : 'inf';
  return neg ? 'inf' : 'max';
}

/** Packs an exactly representable m * 2^l (m < 2^64) as an 80-bit value. */
export function pack80(neg: boolean, m: bigint, l: number): F80 {
  if (m === 0n) return zero(neg);
  const n = bitLength(m);
  const e = l + n - 1;
  const sign = neg ? 0x8000 : 0;
  if (e < -16382) return fromSig(sign, m << BigInt(l + 16445));
  return fromSig(sign | (e + 16383), m << BigInt(64 - n));
}

/**
 * Rounds an exact result into a register (80-bit format, `env.prec` bits) with the masked and
 * unmasked overflow/underflow responses, and records OE UE PE and the rounding direction.
 */
export function round80(neg: boolean, s: bigint, q: number, sticky: boolean, env: FpEnv, prec = env.prec): F80 {
  let r = roundExact(neg, s, q, sticky, prec, -16382, env.rc);
  const e = r.m === 0n ? -16383 : r.l + bitLength(r.m) - 1;
  if (e > 16383) {
    env.flags |= OE;
    if ((env.masks & OE) === 0) {
      // Unmasked: the result is delivered with its exponent divided by 2^24576 (SDM Vol. 1, 8.5.4).
      r = roundExact(neg, s, q - BIAS_ADJUST, sticky, prec, -16382, env.rc);
    } else {
      env.flags |= PE;
      if (overflowResult(neg, env.rc) === 'inf') {
        env.roundedUp = true;
        return infinity(neg);
      }
      r = maxFinite(prec, 16383);
    }
  } else if (r.tiny) {
    if ((env.masks & UE) === 0) {
      // Unmasked: tininess alone raises UE and the result is scaled by 2^24576 (SDM Vol. 1, 8.5.5).
      env.flags |= UE;
      r = roundExact(neg, s, q + BIAS_ADJUST, sticky, prec, -16382, env.rc);
    } else if (r.inexact) {
      env.flags |= UE;
    }
  }
  if (r.inexact) {
    env.flags |= PE;
    env.roundedUp = r.up;
  }
  return pack80(neg, r.m, r.l);
}

// ---- Arithmetic ----------------------------------------------------------------------------

/** The RC and PC fields of a control word equivalent to env's rounding context (for the fast paths). */
export function controlOf(env: FpEnv): number {
  return (env.rc << 10) | ((env.prec === 24 ? 0 : env.prec === 53 ? 2 : 3) << 8);
}

/** Puts a and b (sign of b flipped by `flip`) into the fast paths' operand slots. */
export function setOperands(a: F80, b: F80, flip = 0): void {
  OPND[0] = a.se; OPND[1] = a.hi; OPND[2] = a.lo;
  OPND[3] = b.se ^ flip; OPND[4] = b.hi; OPND[5] = b.lo;
}

/** The value a fast path left in RES, its PE and rounding direction recorded in env. */
export function takeResult(env: FpEnv): F80 {
  const flags = RES[3];
  if (flags !== 0) {
    env.flags |= PE;
    env.roundedUp = (flags & FAST_UP) !== 0;
  }
  return { se: RES[0] & 0xffff, hi: RES[1] >>> 0, lo: RES[2] >>> 0 };
}

/** Common operand screening for two-operand arithmetic: unsupported encodings, NaNs, denormals. */
export function screen(a: F80, b: F80, env: FpEnv): F80 | null {
  const ka = kind(a), kb = kind(b);
  if (ka === Kind.Unsupported || kb === Kind.Unsupported) {
    env.flags |= IE;
    return INDEFINITE;
  }
  if (isNaNKind(ka) || isNaNKind(kb)) return propagateNaN(a, b, env);
  if (ka === Kind.Denormal || kb === Kind.Denormal) env.flags |= DE;
  return null;
}

function invalid(env: FpEnv): F80 {
  env.flags |= IE;
  return INDEFINITE;
}

/** a + b, or a - b (FADD/FSUB, SDM Vol. 2A; special cases in Tables 3-18 and 3-40). */
export function add(a: F80, b: F80, env: FpEnv, subtract = false): F80 {
  setOperands(a, b, subtract ? 0x8000 : 0);
  return add80(controlOf(env)) ? takeResult(env) : addExact(a, b, env, subtract);
}

/** The general path of add (every operand class, rounding and precision control). */
export function addExact(a: F80, b: F80, env: FpEnv, subtract = false): F80 {
  const special = screen(a, b, env);
  if (special) return special;
  const ka = kind(a), kb = kind(b);
  const na = isNeg(a), nb = isNeg(b) !== subtract;
  if (ka === Kind.Inf || kb === Kind.Inf) {
    if (ka === Kind.Inf && kb === Kind.Inf && na !== nb) return invalid(env);
    return infinity(ka === Kind.Inf ? na : nb);
  }
  if (ka === Kind.Zero && kb === Kind.Zero) return zero(na === nb ? na : env.rc === RC_DOWN);
  let sa = sigOf(a), sb = sigOf(b);
  let qa = scaleOf(a), qb = scaleOf(b);
  // A far smaller non-zero operand only matters as "slightly more or less": any stand-in far below
  // every rounding position of the sum rounds the same way (the sum's grid is at least 2^(qa-1)).
  if (sa !== 0n && sb !== 0n) {
    if (qa - qb > 200) { sb = 1n; qb = qa - 200; }
    else if (qb - qa > 200) { sa = 1n; qa = qb - 200; }
  }
  const q = Math.min(qa, qb);
  const va = (na ? -sa : sa) << BigInt(qa - q);
  const vb = (nb ? -sb : sb) << BigInt(qb - q);
  const sum = va + vb;
  // An exact zero sum of non-zero operands is +0, or -0 when rounding down (SDM Vol. 2A, FADD).
  if (sum === 0n) return zero(env.rc === RC_DOWN);
  return round80(sum < 0n, sum < 0n ? -sum : sum, q, false, env);
}

/** a * b (FMUL, SDM Vol. 2A Table 3-26). */
export function mul(a: F80, b: F80, env: FpEnv): F80 {
  setOperands(a, b);
  return mul80(controlOf(env)) ? takeResult(env) : mulExact(a, b, env);
}

/** The general path of mul. */
export function mulExact(a: F80, b: F80, env: FpEnv): F80 {
  const special = screen(a, b, env);
  if (special) return special;
  const ka = kind(a), kb = kind(b);
  const neg = isNeg(a) !== isNeg(b);
  if (ka === Kind.Inf || kb === Kind.Inf) {
    if (ka === Kind.Zero || kb === Kind.Zero) return invalid(env);
    return infinity(neg);
  }
  if (ka === Kind.Zero || kb === Kind.Zero) return zero(neg);
  return round80(neg, sigOf(a) * sigOf(b), scaleOf(a) + scaleOf(b), false, env);
}

/** a / b (FDIV, SDM Vol. 2A Table 3-22): 0/0 and inf/inf are invalid, x/0 raises ZE. */
export function div(a: F80, b: F80, env: FpEnv): F80 {
  setOperands(a, b);
  return div80(controlOf(env), 0) ? takeResult(env) : divExact(a, b, env);
}

/** The general path of div. */
export function divExact(a: F80, b: F80, env: FpEnv): F80 {
  const special = screen(a, b, env);
  if (special) return special;
  const ka = kind(a), kb = kind(b);
  const neg = isNeg(a) !== isNeg(b);
  if (ka === Kind.Inf) return kb === Kind.Inf ? invalid(env) : infinity(neg);
  if (kb === Kind.Inf) return zero(neg);
  if (kb === Kind.Zero) {
    if (ka === Kind.Zero) return invalid(env);
    env.flags |= ZE;
    return infinity(neg);
  }
  if (ka === Kind.Zero) return zero(neg);
  const sa = sigOf(a), sb = sigOf(b);
  const k = Math.max(0, bitLength(sb) - bitLength(sa) + 70);
  const n = sa << BigInt(k);
  const quo = n / sb;
  return round80(neg, quo, scaleOf(a) - scaleOf(b) - k, quo * sb !== n, env);
}

/** Integer square root: floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(a) (FSQRT, SDM Vol. 2A Table 3-44): negative non-zero operands are invalid; sqrt(-0) = -0. */
export function sqrt(a: F80, env: FpEnv): F80 {
  setOperands(a, a);
  return sqrt80(controlOf(env)) ? takeResult(env) : sqrtExact(a, env);
}

/** The general path of sqrt. */
export function sqrtExact(a: F80, env: FpEnv): F80 {
  const special = screen(a, a, env);
  if (special) return special;
  const k = kind(a);
  if (k === Kind.Zero) return a;
  if (isNeg(a)) return invalid(env);
  if (k === Kind.Inf) return a;
  let s = sigOf(a), q = scaleOf(a);
  if (q & 1) { s <<= 1n; q -= 1; }
  let extra = Math.max(0, 140 - bitLength(s));
  extra += extra & 1;
  const n = s << BigInt(extra);
  const r = isqrt(n);
  return round80(false, r, (q - extra) / 2, r * r !== n, env);
}
