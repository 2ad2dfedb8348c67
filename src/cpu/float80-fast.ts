// Fast paths for the most frequent x87 operations in the common case: FADD/FSUB and FMUL with
// both operands normal, 64-bit precision control, round to nearest and a normal result; loads of
// normal m32fp/m64fp values; stores to m32fp/m64fp, rounding to nearest, of values that stay
// normal. They compute the same exact value as the general paths (a 128-bit integer significand,
// here in 32-bit words held in plain numbers instead of BigInt) and round it by the same rule, so
// they give the same bits and flags; anything else (other rounding or precision control, zeros, denormals, NaNs,
// infinities, exponent gaps over 64, results that overflow or are tiny) returns null and takes
// the exact general path. test/x87-float80.test.ts compares both paths on random operands.

import type { F80, FpEnv } from './float80.js';

const TWO32 = 4294967296;
/** PE in the status word (float80.ts exports the same value; not imported to keep this file a leaf). */
const PRECISION = 0x20;

/** A normal operand: exponent 1..0x7ffe with the integer bit set. */
function normal(a: F80): boolean {
  const e = a.se & 0x7fff;
  return e !== 0 && e !== 0x7fff && a.hi >= 0x80000000;
}

/** A true zero (either sign). */
function isZero(a: F80): boolean {
  return (a.se & 0x7fff) === 0 && a.hi === 0 && a.lo === 0;
}

/**
 * a + b when an operand is zero and the other normal or zero, under round to nearest: exact
 * (no flags), the other operand itself, or a zero whose sign is the common sign, else +0
 * (SDM Vol. 2A, FADD). Null otherwise. The general path would align the zero's scale with the
 * other operand's, a shift of thousands of bits.
 */
function zeroAdd(a: F80, b: F80, subtract: boolean): F80 | null {
  const za = isZero(a), zb = isZero(b);
  if (!za && !zb) return null;
  const na = (a.se & 0x8000) !== 0, nb = ((b.se & 0x8000) !== 0) !== subtract;
  if (za && zb) return { se: na && nb ? 0x8000 : 0, hi: 0, lo: 0 };
  if (za) return normal(b) ? { se: (b.se & 0x7fff) | (nb ? 0x8000 : 0), hi: b.hi, lo: b.lo } : null;
  return normal(a) ? { se: a.se, hi: a.hi, lo: a.lo } : null;
}

/**
 * Rounds the 128-bit significand w0:w1:w2:w3 (w0 holding bit 127, which is set) plus `sticky`
 * to 64 bits by round-to-nearest-even and packs it with biased exponent e; null when the result
 * would not be normal.
 */
function roundPack(neg: boolean, e: number, w0: number, w1: number, w2: number, w3: number, sticky: boolean, env: FpEnv): F80 | null {
  const half = w2 >= 0x80000000;
  const rest = (w2 & 0x7fffffff) !== 0 || w3 !== 0 || sticky;
  let hi = w0, lo = w1;
  const up = half && (rest || (lo & 1) === 1);
  if (up) {
    lo += 1;
    if (lo === TWO32) {
      lo = 0;
      hi += 1;
      if (hi === TWO32) {
        hi = 0x80000000;
        e += 1;
      }
    }
  }
  if (e < 1 || e > 0x7ffe) return null;
  if (half || rest) {
    env.flags |= PRECISION;
    env.roundedUp = up;
  }
  return { se: (neg ? 0x8000 : 0) | e, hi, lo };
}

/** a * b for normal operands under PC = 64 bits and round to nearest, or null. */
export function fastMul(a: F80, b: F80, env: FpEnv): F80 | null {
  if (!normal(a) || !normal(b)) {
    // Zero times normal (or zero) is an exact zero with the sign of the product.
    if ((isZero(a) && (normal(b) || isZero(b))) || (isZero(b) && normal(a))) return { se: (a.se ^ b.se) & 0x8000, hi: 0, lo: 0 };
    return null;
  }
  // 16-bit limbs keep every partial sum below 2^35, exact in a double (unrolled: no arrays).
  const x0 = a.lo & 0xffff, x1 = a.lo >>> 16, x2 = a.hi & 0xffff, x3 = a.hi >>> 16;
  const y0 = b.lo & 0xffff, y1 = b.lo >>> 16, y2 = b.hi & 0xffff, y3 = b.hi >>> 16;
  let t = x0 * y0;
  let c = Math.floor(t / 65536);
  const p0 = t - c * 65536;
  t = c + x0 * y1 + x1 * y0;
  c = Math.floor(t / 65536);
  const p1 = t - c * 65536;
  t = c + x0 * y2 + x1 * y1 + x2 * y0;
  c = Math.floor(t / 65536);
  const p2 = t - c * 65536;
  t = c + x0 * y3 + x1 * y2 + x2 * y1 + x3 * y0;
  c = Math.floor(t / 65536);
  const p3 = t - c * 65536;
  t = c + x1 * y3 + x2 * y2 + x3 * y1;
  c = Math.floor(t / 65536);
  const p4 = t - c * 65536;
  t = c + x2 * y3 + x3 * y2;
  c = Math.floor(t / 65536);
  const p5 = t - c * 65536;
  t = c + x3 * y3;
  c = Math.floor(t / 65536);
  const p6 = t - c * 65536;
  let w0 = c * 65536 + p6, w1 = p5 * 65536 + p4, w2 = p3 * 65536 + p2, w3 = p1 * 65536 + p0;
  let e = (a.se & 0x7fff) + (b.se & 0x7fff) - 16383;
  if (w0 >= 0x80000000) e += 1;
  else {
    // The product of two significands in [2^63, 2^64) is at least 2^126: one shift normalizes it.
    w0 = ((w0 * 2) % TWO32) + (w1 >= 0x80000000 ? 1 : 0);
    w1 = ((w1 * 2) % TWO32) + (w2 >= 0x80000000 ? 1 : 0);
    w2 = ((w2 * 2) % TWO32) + (w3 >= 0x80000000 ? 1 : 0);
    w3 = (w3 * 2) % TWO32;
  }
  return roundPack(((a.se ^ b.se) & 0x8000) !== 0, e, w0, w1, w2, w3, false, env);
}

/** Word buffers of fastAdd (module level: no allocation per operation; nothing here re-enters). */
const X = new Uint32Array(4), Y = new Uint32Array(4), W = new Uint32Array(4);

/** Shifts the 4-word value right by n bits (0 <= n <= 64); the low word drops out only past 64. */
function shiftRight(w: Uint32Array, n: number): void {
  const words = n >>> 5, bits = n & 31;
  for (let k = 3; k >= 0; k--) w[k] = k - words >= 0 ? w[k - words] : 0;
  if (bits === 0) return;
  for (let k = 3; k >= 0; k--) {
    const above = k > 0 ? w[k - 1] : 0;
    w[k] = ((w[k] >>> bits) | (above << (32 - bits))) >>> 0;
  }
}

/** a + b (or a - b) for normal operands under PC = 64 bits and round to nearest, or null. */
export function fastAdd(a: F80, b: F80, env: FpEnv, subtract: boolean): F80 | null {
  if (!normal(a) || !normal(b)) return zeroAdd(a, b, subtract);
  let na = (a.se & 0x8000) !== 0, nb = ((b.se & 0x8000) !== 0) !== subtract;
  let ea = a.se & 0x7fff, eb = b.se & 0x7fff;
  // Order by magnitude: x is the larger.
  let big = a, small = b;
  if (eb > ea || (eb === ea && (b.hi > a.hi || (b.hi === a.hi && b.lo > a.lo)))) {
    big = b; small = a;
    const n = na; na = nb; nb = n;
    const x = ea; ea = eb; eb = x;
  }
  const d = ea - eb;
  if (d > 64) return null;
  const x = X, y = Y, w = W;
  x[0] = big.hi; x[1] = big.lo; x[2] = 0; x[3] = 0;
  y[0] = small.hi; y[1] = small.lo; y[2] = 0; y[3] = 0;
  w[0] = 0; w[1] = 0; w[2] = 0; w[3] = 0;
  shiftRight(y, d);
  let e = ea;
  if (na === nb) {
    let c = 0;
    for (let k = 3; k >= 0; k--) {
      const s = x[k] + y[k] + c;
      c = s >= TWO32 ? 1 : 0;
      w[k] = s - c * TWO32;
    }
    if (c) {
      // A carry out: shift right one, the dropped bit joins the sticky bits below the window.
      const dropped = w[3] & 1;
      shiftRight(w, 1);
      w[0] += 0x80000000;
      e += 1;
      return roundPack(na, e, w[0], w[1], w[2], w[3], dropped !== 0, env);
    }
  } else {
    let borrow = 0;
    for (let k = 3; k >= 0; k--) {
      let s = x[k] - y[k] - borrow;
      borrow = s < 0 ? 1 : 0;
      if (borrow) s += TWO32;
      w[k] = s;
    }
    if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0) return { se: 0, hi: 0, lo: 0 }; // exact cancellation: +0
    // Normalize: the window holds the exact difference, so left shifts bring in zeros only.
    let k = 0;
    while (w[k] === 0) k++;
    const shift = k * 32 + Math.clz32(w[k]);
    if (shift > 0) {
      for (let j = 0; j < 4; j++) {
        const from = j * 32 + shift;
        const word = from >>> 5, bit = from & 31;
        const part = word < 4 ? w[word] : 0;
        const next = word + 1 < 4 ? w[word + 1] : 0;
        w[j] = bit === 0 ? part : ((part << bit) | (next >>> (32 - bit))) >>> 0;
      }
      e -= shift;
    }
  }
  return roundPack(na, e, w[0], w[1], w[2], w[3], false, env);
}

// ---- Conversions of normal values between the 80-bit format and double/single -------------------

/** FLD m64fp of a normal double (exact): null for zeros, denormals, infinities and NaNs. */
export function fastFromF64(lo: number, hi: number): F80 | null {
  const exp = (hi >>> 20) & 0x7ff;
  if (exp === 0 || exp === 0x7ff) return null;
  return {
    se: ((hi >>> 16) & 0x8000) | (exp - 1023 + 16383),
    hi: (0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21)) >>> 0,
    lo: (lo << 11) >>> 0,
  };
}

/** FLD m32fp of a normal single (exact), or null. */
export function fastFromF32(bits: number): F80 | null {
  const exp = (bits >>> 23) & 0xff;
  if (exp === 0 || exp === 0xff) return null;
  return { se: ((bits >>> 16) & 0x8000) | (exp - 127 + 16383), hi: (0x80000000 | ((bits & 0x7fffff) << 8)) >>> 0, lo: 0 };
}

/**
 * FST m64fp of a normal value whose rounded result is a normal double, rounding to nearest:
 * [low, high] bits, or null. The significand keeps its top 53 bits; bit 10 of the low word is
 * the rounding bit and bits 9-0 the sticky bits.
 */
export function fastToF64(a: F80, env: FpEnv): [number, number] | null {
  if (!normal(a)) return null;
  let exp = (a.se & 0x7fff) - 16383 + 1023;
  if (exp < 1 || exp > 2046) return null;
  let fracHi = (a.hi >>> 11) & 0xfffff;
  let fracLo = (((a.hi & 0x7ff) << 21) | (a.lo >>> 11)) >>> 0;
  const half = (a.lo & 0x400) !== 0, rest = (a.lo & 0x3ff) !== 0;
  const up = half && (rest || (fracLo & 1) === 1);
  if (up) {
    fracLo += 1;
    if (fracLo === TWO32) {
      fracLo = 0;
      fracHi += 1;
      if (fracHi === 0x100000) {
        fracHi = 0;
        exp += 1;
        if (exp > 2046) return null;
      }
    }
  }
  if (half || rest) {
    env.flags |= PRECISION;
    env.roundedUp = up;
  }
  return [fracLo | 0, ((a.se & 0x8000) << 16) | (exp << 20) | fracHi];
}

/** FST m32fp of a normal value whose rounded result is a normal single, rounding to nearest, or null. */
export function fastToF32(a: F80, env: FpEnv): number | null {
  if (!normal(a)) return null;
  let exp = (a.se & 0x7fff) - 16383 + 127;
  if (exp < 1 || exp > 254) return null;
  let frac = (a.hi >>> 8) & 0x7fffff;
  const half = (a.hi & 0x80) !== 0, rest = (a.hi & 0x7f) !== 0 || a.lo !== 0;
  const up = half && (rest || (frac & 1) === 1);
  if (up) {
    frac += 1;
    if (frac === 0x800000) {
      frac = 0;
      exp += 1;
      if (exp > 254) return null;
    }
  }
  if (half || rest) {
    env.flags |= PRECISION;
    env.roundedUp = up;
  }
  return ((a.se & 0x8000) << 16) | (exp << 23) | frac;
}
