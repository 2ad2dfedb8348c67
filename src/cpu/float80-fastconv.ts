// Fast paths of the x87 conversions and comparisons (conventions of float80-fast.ts: operands in
// OPND or, for memory operands, MEMOP; loads leave their value in OPND's B slot, so it can be an
// arithmetic operand as it stands; other results in RES; false when the exact path of
// float80-convert.ts / float80-compare.ts must decide): loads of m32fp/m64fp and of integers,
// stores to m32fp/m64fp and to integers under every rounding control, the ordered relation of
// two normal or zero values, and the tag of a register's contents.

import { FAST_PE, FAST_UP, OPND, RES, isNormal, isZero } from './float80-fast.js';

/** A memory operand as loaded: [0] the low (or only) 32 bits, [1] the high 32 bits. */
export const MEMOP = new Int32Array(2);

const TWO32 = 4294967296;
const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2;

/** Whether a value rounded away (inexact, `half` the first dropped bit, `odd` the last kept one) grows. */
function roundsUp(rc: number, neg: boolean, half: number, sticky: number, odd: number): boolean {
  if (rc === RC_NEAREST) return half !== 0 && (sticky !== 0 || odd !== 0);
  const inexact = (half | sticky) !== 0;
  return rc === RC_UP ? !neg && inexact : rc === RC_DOWN ? neg && inexact : false;
}

/** Sets OPND's B (where loads leave their value) to a sign/exponent word and significand. */
function setB(se: number, hi: number, lo: number): true {
  OPND[3] = se;
  OPND[4] = hi;
  OPND[5] = lo;
  return true;
}

/**
 * FLD m64fp (and m64fp sources) of a normal double, a zero or an infinity: exact, no exception
 * (SDM Vol. 2A, FLD), into OPND's B (OPND[3..5]). Denormals (DE) and NaNs (IE for SNaN loads)
 * take the exact path.
 */
export function loadF64(): boolean {
  const lo = MEMOP[0], hi = MEMOP[1];
  const exp = (hi >>> 20) & 0x7ff;
  const frac = hi & 0xfffff;
  const sign = (hi >>> 16) & 0x8000;
  if (exp === 0) return frac === 0 && lo === 0 && setB(sign, 0, 0);
  if (exp === 0x7ff) return frac === 0 && lo === 0 && setB(sign | 0x7fff, 0x80000000, 0);
  return setB(sign | (exp + 16383 - 1023), 0x80000000 | (frac << 11) | (lo >>> 21), lo << 11);
}

/** FLD m32fp of a normal single, a zero or an infinity (exact), into OPND's B. */
export function loadF32(): boolean {
  const bits = MEMOP[0];
  const exp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  const sign = (bits >>> 16) & 0x8000;
  if (exp === 0) return frac === 0 && setB(sign, 0, 0);
  if (exp === 0xff) return frac === 0 && setB(sign | 0x7fff, 0x80000000, 0);
  return setB(sign | (exp + 16383 - 127), 0x80000000 | (frac << 8), 0);
}

/** FILD m16int/m32int: any 32-bit integer (sign-extended by the caller), exactly, into OPND's B. */
export function loadInt32(): true {
  const v = MEMOP[0];
  if (v === 0) return setB(0, 0, 0);
  const mag = v < 0 ? -v : v; // 2^31 for -2^31: still exact
  const s = Math.clz32(mag);
  // mag << s: 2^31 for -2^31 shifts as -2^31, the same bit pattern.
  return setB((v < 0 ? 0x8000 : 0) | (16383 + 31 - s), mag << s, 0);
}

/** FILD m64int: the 64-bit integer hi:lo (two's complement), exactly, into OPND's B. */
export function loadInt64(): true {
  const lo = MEMOP[0] >>> 0, hi = MEMOP[1];
  const neg = hi < 0;
  let mh = hi >>> 0, ml = lo;
  if (neg) {
    // Two's complement negation of the 64-bit pattern; -2^63 stays 2^63 (unsigned), as it must.
    ml = (TWO32 - ml) % TWO32;
    mh = ((~mh >>> 0) + (lo === 0 ? 1 : 0)) >>> 0;
  }
  if (mh === 0 && ml === 0) return setB(0, 0, 0);
  let e = 16383 + 63;
  if (mh === 0) { mh = ml; ml = 0; e -= 32; }
  const s = Math.clz32(mh);
  if (s !== 0) {
    mh = ((mh << s) | (ml >>> (32 - s))) >>> 0;
    ml = (ml << s) >>> 0;
  }
  return setB((neg ? 0x8000 : 0) | (e - s), mh, ml);
}

/**
 * FST m64fp of OPND's A by the RC field (not PC: SDM Vol. 1, 8.1.5.2), for a zero or a normal
 * value whose rounded result is a normal double: RES[1] = high word, RES[2] = low word, RES[3]
 * = flags. Values that overflow or are tiny (OE/UE and their responses) take the exact path.
 */
export function storeF64(cw: number): boolean {
  const se = OPND[0], hi = OPND[1], lo = OPND[2];
  const sign = se & 0x8000;
  if (!isNormal(se, hi)) {
    if (!isZero(se, hi, lo)) return false;
    RES[1] = sign << 16; RES[2] = 0; RES[3] = 0;
    return true;
  }
  let exp = (se & 0x7fff) - 16383 + 1023;
  if (exp < 1 || exp > 2046) return false;
  let fh = (hi >>> 11) & 0xfffff;
  let fl = ((hi << 21) | (lo >>> 11)) >>> 0;
  const half = lo & 0x400, sticky = lo & 0x3ff;
  const up = roundsUp((cw >>> 10) & 3, sign !== 0, half, sticky, fl & 1);
  if (up) {
    fl += 1;
    if (fl === TWO32) {
      fl = 0;
      fh += 1;
      if (fh === 0x100000) {
        fh = 0;
        exp += 1;
        if (exp > 2046) return false;
      }
    }
  }
  RES[1] = (sign << 16) | (exp << 20) | fh;
  RES[2] = fl;
  RES[3] = (half | sticky) !== 0 ? (up ? FAST_PE | FAST_UP : FAST_PE) : 0;
  return true;
}

/** FST m32fp by RC, as storeF64: RES[2] = the single's bits. */
export function storeF32(cw: number): boolean {
  const se = OPND[0], hi = OPND[1], lo = OPND[2];
  const sign = se & 0x8000;
  if (!isNormal(se, hi)) {
    if (!isZero(se, hi, lo)) return false;
    RES[2] = sign << 16; RES[3] = 0;
    return true;
  }
  let exp = (se & 0x7fff) - 16383 + 127;
  if (exp < 1 || exp > 254) return false;
  let frac = (hi >>> 8) & 0x7fffff;
  const half = hi & 0x80, sticky = (hi & 0x7f) | lo;
  const up = roundsUp((cw >>> 10) & 3, sign !== 0, half, sticky, frac & 1);
  if (up) {
    frac += 1;
    if (frac === 0x800000) {
      frac = 0;
      exp += 1;
      if (exp > 254) return false;
    }
  }
  RES[2] = (sign << 16) | (exp << 23) | frac;
  RES[3] = (half | sticky) !== 0 ? (up ? FAST_PE | FAST_UP : FAST_PE) : 0;
  return true;
}

/**
 * FIST/FISTP/FISTTP (rc 3 truncates) of OPND's A to a `bits`-bit integer (16, 32 or 64), for a
 * zero or a normal value below 2^63 in magnitude whose rounded value fits: RES[1]:RES[2] = the integer
 * (two's complement, sign-extended to 64 bits), RES[3] = flags. Out-of-range values (IE and
 * the integer indefinite) take the exact path.
 */
export function storeInt(bits: number, rc: number): boolean {
  const se = OPND[0], hi = OPND[1], lo = OPND[2];
  if (!isNormal(se, hi)) {
    if (!isZero(se, hi, lo)) return false;
    RES[1] = 0; RES[2] = 0; RES[3] = 0;
    return true;
  }
  const E = (se & 0x7fff) - 16383;
  if (E > 62) return false;
  const neg = (se & 0x8000) !== 0;
  // value = hi:lo * 2^(E - 63): the integer part ih:il, the first dropped bit and the rest.
  const sh = 63 - E;
  let ih = 0, il = 0, half = 0, sticky = 0;
  if (sh < 32) {
    ih = hi >>> sh;
    il = ((hi << (32 - sh)) | (lo >>> sh)) >>> 0;
    half = (lo >>> (sh - 1)) & 1;
    sticky = lo & ((1 << (sh - 1)) - 1);
  } else if (sh === 32) {
    il = hi;
    half = lo >>> 31;
    sticky = lo & 0x7fffffff;
  } else if (sh < 64) {
    const k = sh - 32;
    il = hi >>> k;
    half = (hi >>> (k - 1)) & 1;
    sticky = (hi & ((1 << (k - 1)) - 1)) | lo;
  } else if (sh === 64) {
    half = hi >>> 31;
    sticky = (hi & 0x7fffffff) | lo;
  } else {
    sticky = 1; // |value| < 1/2
  }
  const up = roundsUp(rc, neg, half, sticky, il & 1);
  if (up) {
    il += 1;
    if (il === TWO32) { il = 0; ih += 1; }
  }
  // The magnitude limit is 2^(bits-1), reachable by negative values only.
  if (bits === 64) {
    if (ih > 0x80000000 || (ih === 0x80000000 && (il !== 0 || !neg))) return false;
  } else {
    const limit = bits === 32 ? 0x80000000 : 0x8000;
    if (ih !== 0 || il > limit || (il === limit && !neg)) return false;
  }
  if (neg) {
    const borrow = il !== 0 ? 1 : 0;
    il = (TWO32 - il) % TWO32;
    ih = (TWO32 - ih - borrow) % TWO32;
  }
  RES[1] = ih;
  RES[2] = il;
  RES[3] = (half | sticky) !== 0 ? (up ? FAST_PE | FAST_UP : FAST_PE) : 0;
  return true;
}

/**
 * The relation of OPND's A to B when both are normal or zero (0 less, 1 equal, 2 greater, as
 * float80-compare.ts),
 * raising nothing; -1 when either is of another class (NaNs, denormals, infinities, unsupported
 * encodings: the exact compare and its IE/DE rules decide those).
 */
export function compare80(): number {
  const seA = OPND[0], hiA = OPND[1], loA = OPND[2], seB = OPND[3], hiB = OPND[4], loB = OPND[5];
  const za = isZero(seA, hiA, loA), zb = isZero(seB, hiB, loB);
  if ((!za && !isNormal(seA, hiA)) || (!zb && !isNormal(seB, hiB))) return -1;
  const na = (seA & 0x8000) !== 0, nb = (seB & 0x8000) !== 0;
  if (za) return zb ? 1 : nb ? 2 : 0;
  if (zb) return na ? 0 : 2;
  if (na !== nb) return na ? 0 : 2;
  const ea = seA & 0x7fff, eb = seB & 0x7fff;
  let order = ea !== eb ? ea - eb : hiA !== hiB ? hiA - hiB : loA - loB;
  if (na) order = -order;
  return order < 0 ? 0 : order > 0 ? 2 : 1;
}

/**
 * The tag of a non-empty register from its contents (SDM Vol. 1, 8.1.7; tagOf in
 * float80-compare.ts): 0 valid (normal), 1 zero, 2 special (NaN, infinity, denormal,
 * pseudo-denormal, unsupported).
 */
export function tagBits(se: number, hi: number, lo: number): number {
  const e = se & 0x7fff;
  if (e === 0) return hi === 0 && lo === 0 ? 1 : 2;
  return e !== 0x7fff && (hi & 0x80000000) !== 0 ? 0 : 2;
}
