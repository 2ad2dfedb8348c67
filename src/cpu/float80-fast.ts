// The allocation-free fast paths of the x87 arithmetic: add/subtract and multiply of normal (or
// zero) operands whose rounded result is normal, under every rounding control (RC) and precision
// control (PC) setting, plus the shared rounding step. Division and square root are in
// float80-divsqrt.ts, conversions and comparisons in float80-fastconv.ts.
//
// Why: the general path of float80.ts computes the exact result as a BigInt and rounds it once.
// That is the reference, but a BigInt per operation (and an {se, hi, lo} object per result) made
// guest double code spend most of its time in the soft float. Here the same exact value is
// computed in 32-bit words held in plain numbers: a 64-bit significand is hi:lo, a 128-bit
// intermediate w0:w1:w2:w3 (w0 the most significant word). 32x32-bit products are split into
// their exact low word (Math.imul) and high word (the double product, corrected by the low word
// and rounded: see mulHigh). The result is rounded by the same rule as roundExact in float80.ts
// and left in RES; nothing is allocated.
//
// Every function returns false, having written no result, for operands or results it does not
// cover (denormals, infinities, NaNs, unsupported encodings, results that are tiny before
// rounding or overflow after it); the caller then takes the exact general path, which also owns
// every exception but PE. test/x87-fast.test.ts compares these paths with the exact ones.
//
// Operands are passed in OPND and the rounding step's input in WIN (typed arrays), not as
// arguments: a number outside the small-integer range passed to or returned from a call V8 did
// not inline is boxed in a new heap object, and significand words mostly are outside it. `cw`,
// the x87 control word, is the only number argument (only RC, bits 11-10, and PC, bits 9-8, are
// read).

/**
 * The result of the last successful fast operation: [0] sign/exponent word, [1] significand
 * bits 63-32, [2] bits 31-0 (both as int32: read them with >>> 0), [3] PE (0x20) when inexact,
 * plus 0x200 when rounding increased the magnitude (the status word's C1 position, SDM Vol. 1,
 * 8.1.3.1: C1 reports "rounded up" when PE is raised).
 */
export const RES = new Int32Array(4);

/**
 * The operands of a fast operation, written by the caller: A's sign/exponent word, significand
 * bits 63-32 and 31-0 at [0], [1], [2], B's at [3], [4], [5] (stored modulo 2^32, read unsigned).
 */
export const OPND = new Uint32Array(6);

/** The input of roundPack: a significand's top 64 bits (WIN[0] bit 31 set), the next 32, the rest. */
export const WIN = new Uint32Array(4);

export const FAST_PE = 0x20;
export const FAST_UP = 0x200;
const TWO32 = 4294967296;
const INV32 = 1 / 4294967296;
const RC_DOWN = 1, RC_UP = 2;

/**
 * High 32 bits of the 64-bit product x * y (x, y unsigned 32-bit) given its exact low word
 * `low` (Math.imul(x, y) >>> 0). The double product is within 2^10 of the exact one and
 * subtracting `low` adds at most 2^10 more, so (x * y - low) / 2^32 is within 2^-21 of the
 * integer high word: adding 0.5 and truncating gives it exactly.
 */
export function mulHigh(x: number, y: number, low: number): number {
  return ((x * y - low) * INV32 + 0.5) >>> 0;
}

/** A normal operand: exponent 1..0x7ffe and the integer bit J set (SDM Vol. 1, 8.2.2). */
export function isNormal(se: number, hi: number): boolean {
  const e = se & 0x7fff;
  return e !== 0 && e !== 0x7fff && (hi & 0x80000000) !== 0;
}

export function isZero(se: number, hi: number, lo: number): boolean {
  return (se & 0x7fff) === 0 && hi === 0 && lo === 0;
}

/** Stores an exact signed zero as the result. */
export function zeroResult(sign: number): true {
  RES[0] = sign;
  RES[1] = 0;
  RES[2] = 0;
  RES[3] = 0;
  return true;
}

/**
 * roundPack for the control word's usual setting (PC = 64 bits, RC = nearest), kept small enough
 * for V8 to inline into its callers; anything else goes to roundPack.
 */
export function round(sign: number, e: number, cw: number): boolean {
  if ((cw & 0xd00) !== 0x100 || e < 1) return roundPack(sign, e, cw);
  let hi = WIN[0], lo = WIN[1];
  const w2 = WIN[2];
  const inexact = (w2 | WIN[3]) !== 0;
  // Nearest-even: up when above half, or at half with the last kept bit odd.
  if (w2 >= 0x80000000 && (w2 !== 0x80000000 || WIN[3] !== 0 || (lo & 1) !== 0)) {
    lo += 1;
    if (lo === TWO32) {
      lo = 0;
      hi += 1;
      if (hi === TWO32) {
        hi = 0x80000000;
        e += 1;
      }
    }
    if (e > 0x7ffe) return false;
    RES[3] = FAST_PE | FAST_UP;
  } else {
    if (e > 0x7ffe) return false;
    RES[3] = inexact ? FAST_PE : 0;
  }
  RES[0] = sign | e;
  RES[1] = hi;
  RES[2] = lo;
  return true;
}

/**
 * Rounds a non-zero significand to the PC precision by the RC mode and packs it into RES.
 * WIN[0]:WIN[1] are its top 64 bits (WIN[0] bit 31 set), WIN[2] the next 32 and WIN[3] is
 * non-zero when any bit below WIN[2] is. `e` is the biased exponent of WIN[0]'s top bit.
 * Returns false when the value is tiny before rounding (the x87 detects tininess before
 * rounding, SDM Vol. 1, 4.9.1.5) or the rounded result overflows: the general path produces those, with their masked or unmasked responses. The rule is
 * roundExact's (float80.ts): nearest-even, toward -inf, toward +inf, toward zero (SDM Vol. 1,
 * Table 4-8) at 24, 53 or 64 bits (PC = 1, reserved, acts as 64 as in FpEnv.reset).
 */
export function roundPack(sign: number, e: number, cw: number): boolean {
  if (e < 1) return false;
  const pc = (cw >>> 8) & 3;
  let hi = WIN[0], lo = WIN[1];
  const w2 = WIN[2], rest = WIN[3];
  let half: number, sticky: number, odd: number;
  if (pc === 0) {
    half = hi & 0x80;
    sticky = (hi & 0x7f) | lo | w2 | rest;
    odd = hi & 0x100;
    hi = (hi & 0xffffff00) >>> 0;
    lo = 0;
  } else if (pc === 2) {
    half = lo & 0x400;
    sticky = (lo & 0x3ff) | w2 | rest;
    odd = lo & 0x800;
    lo = (lo & 0xfffff800) >>> 0;
  } else {
    half = w2 & 0x80000000;
    sticky = (w2 & 0x7fffffff) | rest;
    odd = lo & 1;
  }
  const inexact = (half | sticky) !== 0;
  const rc = (cw >>> 10) & 3;
  let inc: boolean;
  if (rc === 0) inc = half !== 0 && (sticky !== 0 || odd !== 0);
  else if (rc === RC_DOWN) inc = sign !== 0 && inexact;
  else if (rc === RC_UP) inc = sign === 0 && inexact;
  else inc = false;
  if (inc) {
    // One unit in the last kept place; a carry out of the significand renormalizes.
    if (pc === 0) hi += 0x100;
    else lo += pc === 2 ? 0x800 : 1;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    if (hi >= TWO32) {
      hi = 0x80000000;
      e += 1;
    }
  }
  if (e > 0x7ffe) return false;
  RES[0] = sign | e;
  RES[1] = hi;
  RES[2] = lo;
  RES[3] = inexact ? (inc ? FAST_PE | FAST_UP : FAST_PE) : 0;
  return true;
}

/**
 * A + B (FADD; FSUB passes B with its sign flipped). Covers normal and zero operands: a zero
 * sum of two zeros has their common sign, else +0 (-0 when rounding down), as does an exact
 * cancellation (SDM Vol. 2A, FADD); x + 0 is x rounded to the precision control.
 */
export function add80(cw: number): boolean {
  const seA = OPND[0], seB = OPND[3];
  let hiA = OPND[1], loA = OPND[2], hiB = OPND[4], loB = OPND[5];
  if (!isNormal(seA, hiA) || !isNormal(seB, hiB)) return addZero(cw);
  let ea = seA & 0x7fff, eb = seB & 0x7fff;
  let sign = seA & 0x8000;
  const subtract = sign !== (seB & 0x8000);
  // Order by magnitude: A becomes the larger (its sign is the result's, bar exact cancellation).
  if (eb > ea || (eb === ea && (hiB > hiA || (hiB === hiA && loB > loA)))) {
    let t = hiA; hiA = hiB; hiB = t;
    t = loA; loA = loB; loB = t;
    t = ea; ea = eb; eb = t;
    sign = seB & 0x8000;
  }
  // B's significand shifted right by the exponent gap d into a 128-bit window below A's top
  // bit: exact for d <= 64; at d = 65 the one bit falling out is ORed into the lowest bit
  // ("jamming": every rounding position is far above it, so only its being non-zero matters).
  // For d >= 66 B is below 2^62 in the window; A +/- any such value rounds alike at every
  // precision (its top 64 bits, round bit and sticky bit do not depend on which), so 1 stands in.
  const d = ea - eb;
  let y0 = 0, y1 = 0, y2 = 0, y3 = 0;
  if (d === 0) {
    y0 = hiB; y1 = loB;
  } else if (d < 32) {
    y0 = hiB >>> d;
    y1 = ((hiB << (32 - d)) | (loB >>> d)) >>> 0;
    y2 = (loB << (32 - d)) >>> 0;
  } else if (d === 32) {
    y1 = hiB; y2 = loB;
  } else if (d < 64) {
    const k = d - 32;
    y1 = hiB >>> k;
    y2 = ((hiB << (32 - k)) | (loB >>> k)) >>> 0;
    y3 = (loB << (32 - k)) >>> 0;
  } else if (d === 64) {
    y2 = hiB; y3 = loB;
  } else if (d === 65) {
    y2 = hiB >>> 1;
    y3 = ((hiB << 31) | (loB >>> 1) | (loB & 1)) >>> 0;
  } else {
    y3 = 1;
  }
  let w0: number, w1: number, w2: number, w3: number, e = ea;
  if (!subtract) {
    const t1 = loA + y1;
    w1 = t1 >>> 0;
    w0 = hiA + y0 + (t1 >= TWO32 ? 1 : 0);
    w2 = y2;
    w3 = y3;
    if (w0 >= TWO32) {
      // Carry out: shift right one place; the bit shifted out of w2 joins the sticky bits.
      w0 -= TWO32;
      w3 = (w2 & 1) | w3;
      w2 = (w1 << 31) | (w2 >>> 1);
      w1 = (w0 << 31) | (w1 >>> 1);
      w0 = 0x80000000 | (w0 >>> 1);
      e += 1;
    }
  } else {
    // A - B >= 0 with borrows, word by word from the bottom (A's low two words are zero).
    let borrow = 0;
    w3 = 0;
    if (y3 !== 0) { w3 = TWO32 - y3; borrow = 1; }
    let t = -y2 - borrow;
    if (t < 0) { t += TWO32; borrow = 1; } else borrow = 0;
    w2 = t;
    t = loA - y1 - borrow;
    if (t < 0) { t += TWO32; borrow = 1; } else borrow = 0;
    w1 = t;
    w0 = hiA - y0 - borrow;
    if ((w0 | w1 | w2 | w3) === 0) return zeroResult(((cw >>> 10) & 3) === RC_DOWN ? 0x8000 : 0);
    // Normalize: the window holds the exact difference, so left shifts bring in zeros only.
    if (w0 === 0) {
      if (w1 !== 0) { w0 = w1; w1 = w2; w2 = w3; w3 = 0; e -= 32; }
      else if (w2 !== 0) { w0 = w2; w1 = w3; w2 = 0; w3 = 0; e -= 64; }
      else { w0 = w3; w1 = 0; w2 = 0; w3 = 0; e -= 96; }
    }
    const s = Math.clz32(w0);
    if (s !== 0) {
      w0 = (w0 << s) | (w1 >>> (32 - s));
      w1 = (w1 << s) | (w2 >>> (32 - s));
      w2 = (w2 << s) | (w3 >>> (32 - s));
      w3 = w3 << s;
      e -= s;
    }
  }
  WIN[0] = w0; WIN[1] = w1; WIN[2] = w2; WIN[3] = w3;
  return round(sign, e, cw);
}

/** add80 when an operand is not normal: zeros are covered, the rest is the general path's. */
function addZero(cw: number): boolean {
  const seA = OPND[0], hiA = OPND[1], loA = OPND[2], seB = OPND[3], hiB = OPND[4], loB = OPND[5];
  const za = isZero(seA, hiA, loA), zb = isZero(seB, hiB, loB);
  if (za && zb) {
    const sa = seA & 0x8000;
    return zeroResult(sa === (seB & 0x8000) ? sa : ((cw >>> 10) & 3) === RC_DOWN ? 0x8000 : 0);
  }
  if (za && isNormal(seB, hiB)) {
    WIN[0] = hiB; WIN[1] = loB; WIN[2] = 0; WIN[3] = 0;
    return roundPack(seB & 0x8000, seB & 0x7fff, cw);
  }
  if (zb && isNormal(seA, hiA)) {
    WIN[0] = hiA; WIN[1] = loA; WIN[2] = 0; WIN[3] = 0;
    return roundPack(seA & 0x8000, seA & 0x7fff, cw);
  }
  return false;
}

/** A * B (FMUL) for normal operands; zero times a normal or zero operand is an exact signed zero. */
export function mul80(cw: number): boolean {
  const seA = OPND[0], hiA = OPND[1], loA = OPND[2], seB = OPND[3], hiB = OPND[4], loB = OPND[5];
  const sign = (seA ^ seB) & 0x8000;
  if (!isNormal(seA, hiA) || !isNormal(seB, hiB)) {
    const za = isZero(seA, hiA, loA), zb = isZero(seB, hiB, loB);
    if ((za && (zb || isNormal(seB, hiB))) || (zb && isNormal(seA, hiA))) return zeroResult(sign);
    return false;
  }
  // (hiA:loA) * (hiB:loB) from four exact 32x32-bit products, summed by columns with carries.
  const ll = Math.imul(loA, loB) >>> 0, llh = mulHigh(loA, loB, ll);
  const hl = Math.imul(hiA, loB) >>> 0, hlh = mulHigh(hiA, loB, hl);
  const lh = Math.imul(loA, hiB) >>> 0, lhh = mulHigh(loA, hiB, lh);
  const hh = Math.imul(hiA, hiB) >>> 0, hhh = mulHigh(hiA, hiB, hh);
  let t = llh + hl + lh;
  let w2 = t >>> 0;
  t = hh + hlh + lhh + (t - w2) * INV32;
  let w1 = t >>> 0;
  let w0 = hhh + (t - w1) * INV32;
  let w3 = ll;
  let e = (seA & 0x7fff) + (seB & 0x7fff) - 16382;
  // Two significands in [2^63, 2^64) multiply to [2^126, 2^128): at most one shift normalizes.
  if (w0 < 0x80000000) {
    w0 = (w0 << 1) | (w1 >>> 31);
    w1 = (w1 << 1) | (w2 >>> 31);
    w2 = (w2 << 1) | (w3 >>> 31);
    w3 = w3 << 1;
    e -= 1;
  }
  WIN[0] = w0; WIN[1] = w1; WIN[2] = w2; WIN[3] = w3;
  return round(sign, e, cw);
}
