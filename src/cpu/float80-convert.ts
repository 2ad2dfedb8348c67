// Conversions between the 80-bit format and the other x87 data types (SDM Vol. 1, 4.2 and 8.2):
// rounding to integers (FRNDINT, and FIST/FISTP/FISTTP to 16/32/64-bit integers), FILD, single and
// double precision (FLD/FST m32fp/m64fp), and 18-digit packed BCD (FBLD/FBSTP, SDM Vol. 1, 4.7).
// Loads into the 80-bit format are exact;
// stores round by the RC field (never by PC) and raise IE OE UE PE as the SDM's FST/FIST/FBSTP
// pages say (a denormal source raises no DE: the register is already in the extended format).
// Integer and BCD stores that cannot be represented return null: the caller stores
// the integer or BCD indefinite.

import {
  DE, type F80, FpEnv, IE, Kind, OE, PE, RC_DOWN, RC_NEAREST, RC_UP, UE, bitLength, infinity, isNeg, kind,
  overflowResult, pack80, roundExact, scaleOf, screen, setOperands, sigOf, zero,
} from './float80.js';
import { FAST_UP, OPND, RES } from './float80-fast.js';
import { MEMOP, loadF32, loadF64, storeF32, storeF64 } from './float80-fastconv.js';

// ---- Integers --------------------------------------------------------------------------------

/**
 * Rounds a finite value to an integer by the rounding mode: returns the integer magnitude and
 * whether it was inexact / rounded up. Used by FRNDINT, FIST and FBSTP.
 */
export function toIntegral(a: F80, rc: number): { m: bigint; inexact: boolean; up: boolean } {
  const q = scaleOf(a);
  const s = sigOf(a);
  if (q >= 0) return { m: s << BigInt(q), inexact: false, up: false };
  if (q < -66) {
    // |a| < 2^-2: only the rounding mode (and non-zero-ness) decides between 0 and 1.
    const nz = s !== 0n;
    const up = nz && ((rc === RC_UP && !isNeg(a)) || (rc === RC_DOWN && isNeg(a)));
    return { m: up ? 1n : 0n, inexact: nz, up };
  }
  const big = BigInt(-q);
  let m = s >> big;
  const rem = s - (m << big);
  const halfBit = 1n << (big - 1n);
  const inexact = rem !== 0n;
  let inc: boolean;
  switch (rc) {
    case RC_NEAREST: inc = rem > halfBit || (rem === halfBit && (m & 1n) === 1n); break;
    case RC_UP: inc = !isNeg(a) && inexact; break;
    case RC_DOWN: inc = isNeg(a) && inexact; break;
    default: inc = false;
  }
  if (inc) m += 1n;
  return { m, inexact, up: inc };
}

/** FRNDINT (SDM Vol. 2A): rounds to an integral value by RC; precision control does not apply. */
export function roundToInt(a: F80, env: FpEnv): F80 {
  const special = screen(a, a, env);
  if (special) return special;
  const k = kind(a);
  if (k === Kind.Zero || k === Kind.Inf) return a;
  if ((a.se & 0x7fff) >= 0x403e) return a; // already an integer
  const r = toIntegral(a, env.rc);
  if (r.inexact) {
    env.flags |= PE;
    env.roundedUp = r.up;
  }
  return pack80(isNeg(a), r.m, 0);
}

/** An integer (|n| < 2^64) as an exact 80-bit value. */
export function fromInt(n: bigint): F80 {
  return n < 0n ? pack80(true, -n, 0) : pack80(false, n, 0);
}

/**
 * Rounds to a signed integer of `bits` bits by RC (FIST/FISTP, SDM Vol. 2A): NaNs, infinities,
 * unsupported encodings and out-of-range values raise IE and return null.
 */
export function toInt(a: F80, bits: number, env: FpEnv): bigint | null {
  const k = kind(a);
  if (k === Kind.Unsupported || k === Kind.Inf || k === Kind.QNaN || k === Kind.SNaN) {
    env.flags |= IE;
    return null;
  }
  if (k === Kind.Zero) return 0n;
  if ((a.se & 0x7fff) > 16383 + bits) {
    env.flags |= IE;
    return null;
  }
  const r = toIntegral(a, env.rc);
  const v = isNeg(a) ? -r.m : r.m;
  const limit = 1n << BigInt(bits - 1);
  if (v >= limit || v < -limit) {
    env.flags |= IE;
    return null;
  }
  if (r.inexact) {
    env.flags |= PE;
    env.roundedUp = r.up;
  }
  return v;
}

// ---- Single and double precision ---------------------------------------------------------------

interface BinaryFormat {
  /** Significand bits (with the hidden bit), exponent bias, fraction width. */
  readonly p: number;
  readonly bias: number;
  readonly frac: number;
  /** Total width in bits (the sign is the top bit). */
  readonly width: number;
}

const SINGLE: BinaryFormat = { p: 24, bias: 127, frac: 23, width: 32 };
const DOUBLE: BinaryFormat = { p: 53, bias: 1023, frac: 52, width: 64 };

/**
 * Widens a float of format f given as sign, biased exponent and fraction (BigInt). Exact; a
 * denormal source raises DE. A loaded SNaN raises IE and becomes a QNaN (SDM Vol. 2A, FLD);
 * an arithmetic source operand keeps it signaling (`load` false), so the operation's NaN rules
 * see an SNaN (SDM Vol. 1, Table 4-7: an SNaN with a QNaN gives the QNaN).
 */
function widen(f: BinaryFormat, neg: boolean, exp: number, frac: bigint, env: FpEnv, load: boolean): F80 {
  const sign = neg ? 0x8000 : 0;
  const maxExp = f.bias * 2 + 1;
  if (exp === maxExp) {
    if (frac === 0n) return infinity(neg);
    const quietBit = 1n << BigInt(f.frac - 1);
    let sig = (1n << 63n) | (frac << BigInt(63 - f.frac));
    if (load) {
      if ((frac & quietBit) === 0n) env.flags |= IE;
      sig |= 1n << 62n;
    }
    return { se: sign | 0x7fff, hi: Number(sig >> 32n) >>> 0, lo: Number(sig & 0xffffffffn) >>> 0 };
  }
  if (exp === 0) {
    if (frac === 0n) return zero(neg);
    env.flags |= DE;
    return pack80(neg, frac, 1 - f.bias - f.frac);
  }
  return pack80(neg, frac | (1n << BigInt(f.frac)), exp - f.bias - f.frac);
}

/** The value a fast load left in OPND's B slot (exact: no flags). */
function loaded(): F80 {
  return { se: OPND[3] & 0xffff, hi: OPND[4], lo: OPND[5] };
}

/** An m32fp operand: `load` for FLD (SNaNs quieted), false for arithmetic sources. */
export function fromF32(bits: number, env: FpEnv, load = true): F80 {
  MEMOP[0] = bits;
  return loadF32() ? loaded() : fromF32Exact(bits, env, load);
}

/** The general path of fromF32. */
export function fromF32Exact(bits: number, env: FpEnv, load = true): F80 {
  return widen(SINGLE, (bits >>> 31) !== 0, (bits >>> 23) & 0xff, BigInt(bits & 0x7fffff), env, load);
}

/** An m64fp operand given as its low and high 32-bit halves. */
export function fromF64(lo: number, hi: number, env: FpEnv, load = true): F80 {
  MEMOP[0] = lo;
  MEMOP[1] = hi;
  return loadF64() ? loaded() : fromF64Exact(lo, hi, env, load);
}

/** The general path of fromF64. */
export function fromF64Exact(lo: number, hi: number, env: FpEnv, load = true): F80 {
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  return widen(DOUBLE, (hi >>> 31) !== 0, (hi >>> 20) & 0x7ff, frac, env, load);
}

/**
 * Narrows to format f by RC (FST/FSTP m32fp/m64fp, SDM Vol. 2A): returns the bit pattern as a
 * BigInt, or null when an unmasked exception (IE, OE, UE) means nothing is stored.
 */
function narrow(f: BinaryFormat, a: F80, env: FpEnv): bigint | null {
  const k = kind(a);
  const neg = isNeg(a);
  const topBit = 1n << BigInt(f.width - 1);
  const signBit = neg ? topBit : 0n;
  const expShift = BigInt(f.frac);
  const maxExp = BigInt(f.bias * 2 + 1);
  const unmasked = (bit: number) => (env.masks & bit) === 0;
  if (k === Kind.Unsupported) {
    env.flags |= IE;
    return unmasked(IE) ? null : topBit | (maxExp << expShift) | (1n << (expShift - 1n));
  }
  if (k === Kind.QNaN || k === Kind.SNaN) {
    // The NaN keeps its sign and its significand's top fraction bits, and is quieted.
    if (k === Kind.SNaN) {
      env.flags |= IE;
      if (unmasked(IE)) return null;
    }
    const frac = (sigOf(a) >> BigInt(63 - f.frac)) & ((1n << expShift) - 1n);
    return signBit | (maxExp << expShift) | frac | (1n << (expShift - 1n));
  }
  if (k === Kind.Inf) return signBit | (maxExp << expShift);
  if (k === Kind.Zero) return signBit;
  const emin = 1 - f.bias;
  const emax = f.bias;
  const r = roundExact(neg, sigOf(a), scaleOf(a), false, f.p, emin, env.rc);
  const e = r.m === 0n ? emin - 1 : r.l + bitLength(r.m) - 1;
  if (e > emax) {
    env.flags |= OE;
    if (unmasked(OE)) return null;
    env.flags |= PE;
    if (overflowResult(neg, env.rc) === 'inf') {
      env.roundedUp = true;
      return signBit | (maxExp << expShift);
    }
    return signBit | ((maxExp - 1n) << expShift) | ((1n << expShift) - 1n);
  }
  if (r.tiny) {
    if (unmasked(UE)) {
      env.flags |= UE;
      return null;
    }
    if (r.inexact) env.flags |= UE;
  }
  if (r.inexact) {
    env.flags |= PE;
    env.roundedUp = r.up;
  }
  if (r.m === 0n) return signBit;
  if (e < emin) return signBit | (r.m << BigInt(r.l - (emin - f.p + 1)));
  const n = bitLength(r.m);
  const fracBits = (r.m << BigInt(f.p - n)) & ((1n << expShift) - 1n);
  return signBit | (BigInt(e + f.bias) << expShift) | fracBits;
}

/** Records the PE flag and rounding direction of a fast store (RES[3]) in env. */
function storeFlags(env: FpEnv): void {
  if (RES[3] !== 0) {
    env.flags |= PE;
    env.roundedUp = (RES[3] & FAST_UP) !== 0;
  }
}

/** FST m32fp: the single-precision bit pattern, or null (nothing stored). */
export function toF32(a: F80, env: FpEnv): number | null {
  setOperands(a, a);
  if (!storeF32(env.rc << 10)) return toF32Exact(a, env);
  storeFlags(env);
  return RES[2];
}

/** The general path of toF32. */
export function toF32Exact(a: F80, env: FpEnv): number | null {
  const r = narrow(SINGLE, a, env);
  return r === null ? null : Number(r) | 0;
}

/** FST m64fp: the double-precision bit pattern as [low, high] 32-bit halves, or null. */
export function toF64(a: F80, env: FpEnv): [number, number] | null {
  setOperands(a, a);
  if (!storeF64(env.rc << 10)) return toF64Exact(a, env);
  storeFlags(env);
  return [RES[2], RES[1]];
}

/** The general path of toF64. */
export function toF64Exact(a: F80, env: FpEnv): [number, number] | null {
  const r = narrow(DOUBLE, a, env);
  return r === null ? null : [Number(r & 0xffffffffn) | 0, Number(r >> 32n) | 0];
}

// ---- Packed BCD ------------------------------------------------------------------------------

/**
 * FBLD (SDM Vol. 2A): 18 BCD digits in bytes 0-8 (two per byte, low digit in the low nibble) and
 * the sign in bit 7 of byte 9. The conversion is exact; -0 loads as -0. Digits above 9 are
 * undefined by the SDM; they are weighted like valid ones (nibble * 10^position).
 */
export function fromBcd(bytes: ArrayLike<number>): F80 {
  let v = 0n;
  for (let i = 8; i >= 0; i--) {
    const b = bytes[i] & 0xff;
    v = v * 100n + BigInt((b >> 4) * 10 + (b & 15));
  }
  return pack80((bytes[9] & 0x80) !== 0, v, 0);
}

/** The packed BCD indefinite: sign byte and byte 8 all ones, then 0xC0 and zeros (SDM Vol. 1, Table 4-4). */
export const BCD_INDEFINITE: readonly number[] = [0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff];

/**
 * FBSTP (SDM Vol. 2A): rounds by RC to an integer and stores 18 digits with the sign (the sign
 * of zero is kept); NaNs, infinities and |value| >= 10^18 raise IE and return null.
 */
export function toBcd(a: F80, env: FpEnv): number[] | null {
  const k = kind(a);
  if (k === Kind.Unsupported || k === Kind.Inf || k === Kind.QNaN || k === Kind.SNaN) {
    env.flags |= IE;
    return null;
  }
  let m = 0n;
  if (k !== Kind.Zero) {
    if ((a.se & 0x7fff) > 16383 + 64) {
      env.flags |= IE;
      return null;
    }
    const r = toIntegral(a, env.rc);
    if (r.m >= 10n ** 18n) {
      env.flags |= IE;
      return null;
    }
    if (r.inexact) {
      env.flags |= PE;
      env.roundedUp = r.up;
    }
    m = r.m;
  }
  const out = new Array<number>(10).fill(0);
  for (let i = 0; i < 9; i++) {
    const two = Number(m % 100n);
    m /= 100n;
    out[i] = ((Math.floor(two / 10)) << 4) | (two % 10);
  }
  out[9] = isNeg(a) ? 0x80 : 0;
  return out;
}

