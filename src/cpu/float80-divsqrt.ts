// Fast paths of FDIV and FSQRT without BigInt (see float80-fast.ts for the conventions: 32-bit
// words in plain numbers, results in RES, false for whatever the exact path must do).
//
// Division is schoolbook long division in base 2^32: each quotient digit is estimated from
// doubles (within one of the true digit), the partial remainder is updated exactly from the
// digit's exact product with the divisor, and one correction step makes the digit exact. Two
// digits (plus the leading 0 or 1) give 64 or 65 quotient bits; the final remainder gives the
// round and sticky bits, so the result is rounded from the exact quotient as the general path
// rounds it.
//
// Square root takes the double square root as a first approximation (53 bits), refines it with
// one Newton step whose residual is computed in double-double (error-free products), then
// checks it exactly: with N the scaled significand and S the candidate, the exact remainder
// N - S^2 is computed in 32-bit words and S corrected until 0 <= N - S^2 <= 2S, so S is
// floor(sqrt(N)). The bit below S is 1 exactly when N - S^2 > S, and a square root is never
// exactly halfway between two integers (that would make N - S^2 = S + 1/4), so the rounding is
// decided exactly.

import { OPND, WIN, isNormal, isZero, mulHigh, roundPack, zeroResult } from './float80-fast.js';

const TWO32 = 4294967296;
const INV32 = 1 / 4294967296;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;
/** Veltkamp's splitting constant for doubles: 2^27 + 1. */
const SPLIT = 134217729;

/**
 * A / B (FDIV, operands in OPND), or B / A when `swap` is 1 (FDIVR), for normal operands; zero
 * divided by a normal operand is an exact signed zero. Division by zero (ZE), 0/0 and the other
 * special cases are the general path's.
 */
export function div80(cw: number, swap: number): boolean {
  const n = swap !== 0 ? 3 : 0, d = 3 - n;
  const seA = OPND[n], hiA = OPND[n + 1], loA = OPND[n + 2], seB = OPND[d], hiB = OPND[d + 1], loB = OPND[d + 2];
  const sign = (seA ^ seB) & 0x8000;
  if (!isNormal(seB, hiB)) return false;
  if (!isNormal(seA, hiA)) return isZero(seA, hiA, loA) ? zeroResult(sign) : false;
  // The leading quotient bit: A / B is in (1/2, 2).
  let rh = hiA, rl = loA, q0 = 0;
  if (hiA > hiB || (hiA === hiB && loA >= loB)) {
    q0 = 1;
    rl = loA - loB;
    rh = hiA - hiB;
    if (rl < 0) { rl += TWO32; rh -= 1; }
  }
  // 2^32 / B in double: each digit estimate R * 2^32 / B is then within 2^-19 of the true
  // quotient (< 2^32 because R < B), so its floor is the digit or one off.
  const inv = TWO32 / (hiB * TWO32 + loB);
  let d1 = 0, d2 = 0;
  for (let k = 0; k < 2; k++) {
    let d = Math.floor((rh * TWO32 + rl) * inv);
    if (d > 0xffffffff) d = 0xffffffff;
    // T = d * B as t2:t1:t0, then R' = R * 2^32 - T as the signed top word r2 and r1:r0.
    const pl = Math.imul(d, loB) >>> 0, plh = mulHigh(d, loB, pl);
    const ph = Math.imul(d, hiB) >>> 0, phh = mulHigh(d, hiB, ph);
    const s = ph + plh;
    const t1 = s >>> 0, t2 = phh + (s >= TWO32 ? 1 : 0);
    let r0 = 0, borrow = 0;
    if (pl !== 0) { r0 = TWO32 - pl; borrow = 1; }
    let r1 = rl - t1 - borrow;
    if (r1 < 0) { r1 += TWO32; borrow = 1; } else borrow = 0;
    let r2 = rh - t2 - borrow;
    if (r2 < 0) {
      // The estimate was one too large: add B back.
      d -= 1;
      r0 += loB;
      const c0 = r0 >= TWO32 ? 1 : 0;
      r0 -= c0 * TWO32;
      r1 += hiB + c0;
      const c1 = r1 >= TWO32 ? 1 : 0;
      r1 -= c1 * TWO32;
      r2 += c1;
    } else if (r2 > 0 || r1 > hiB || (r1 === hiB && r0 >= loB)) {
      // One too small: subtract B once more.
      d += 1;
      r0 -= loB;
      const b0 = r0 < 0 ? 1 : 0;
      r0 += b0 * TWO32;
      r1 -= hiB + b0;
      const b1 = r1 < 0 ? 1 : 0;
      r1 += b1 * TWO32;
      r2 -= b1;
    }
    // A remainder still out of [0, B) would mean the estimate was off by more than one (the
    // analysis above says never): leave it to the exact path rather than guess.
    if (r2 !== 0 || r1 > hiB || (r1 === hiB && r0 >= loB)) return false;
    rh = r1;
    rl = r0;
    if (k === 0) d1 = d;
    else d2 = d;
  }
  const ea = seA & 0x7fff, eb = seB & 0x7fff;
  if (q0 === 1) {
    // Quotient 1:d1:d2 (65 bits): the top 64, its last bit as the round bit, R as sticky.
    WIN[0] = 0x80000000 | (d1 >>> 1);
    WIN[1] = (d1 << 31) | (d2 >>> 1);
    WIN[2] = d2 << 31;
    WIN[3] = rh | rl;
    return roundPack(sign, ea - eb + 16383, cw);
  }
  // Quotient d1:d2 (64 bits, d1's top bit set): the round bit is 2R >= B, sticky 2R != B or R != 0.
  const top = rh >>> 31;
  const h2 = ((rh << 1) | (rl >>> 31)) >>> 0, l2 = (rl << 1) >>> 0;
  const round = top !== 0 || h2 > hiB || (h2 === hiB && l2 >= loB);
  const rest = round ? (top !== 0 || h2 !== hiB || l2 !== loB ? 1 : 0) : rh | rl;
  WIN[0] = d1;
  WIN[1] = d2;
  WIN[2] = round ? 0x80000000 : 0;
  WIN[3] = rest;
  return roundPack(sign, ea - eb + 16382, cw);
}

/**
 * sqrt(A) (FSQRT, the operand in OPND[0..2]) for a positive normal operand or a zero
 * (sqrt(+-0) = +-0, exact). Negative operands (invalid) and the special classes are the
 * general path's.
 */
export function sqrt80(cw: number): boolean {
  const se = OPND[0], hi = OPND[1], lo = OPND[2];
  if (!isNormal(se, hi) || (se & 0x8000) !== 0) return isZero(se, hi, lo) ? zeroResult(se & 0x8000) : false;
  // a = M * 2^(E - 63). With N = M * 2^64 (E odd) or M * 2^63 (E even), the power of two left
  // over is even and S = floor(sqrt(N)) lies in [2^63, 2^64): a 64-bit significand.
  const E = (se & 0x7fff) - 16383;
  const odd = (E & 1) !== 0;
  const scale = odd ? TWO64 : TWO63;
  let y = Math.sqrt((hi * TWO32 + lo) * scale);
  if (y >= TWO64) y = TWO64 - 2048;
  // Newton step S1 = y + (N - y^2) / 2y. y^2 = P + err exactly (Dekker's product with
  // Veltkamp's split); N - P is exact by Sterbenz's lemma once N is cut to its top 53 bits Mh
  // (the 11 bits below, Ml, are added separately). The step leaves S1 within 2^-30 of sqrt(N)
  // plus the floor's one unit.
  const P = y * y;
  const c = y * SPLIT;
  const yh = c - (c - y), yl = y - yh;
  const err = ((yh * yh - P) + 2 * yh * yl) + yl * yl;
  const low11 = lo & 0x7ff;
  const residual = ((hi * TWO32 + (lo - low11)) * scale - P - err) + low11 * scale;
  const step = Math.floor(residual / (2 * y));
  let sh = Math.floor(y * INV32);
  let sl = y - sh * TWO32 + step;
  if (sl < 0) { sl += TWO32; sh -= 1; } else if (sl >= TWO32) { sl -= TWO32; sh += 1; }
  if (sh >= TWO32) { sh = 0xffffffff; sl = 0xffffffff; }
  // N's words n0 (top) .. n2; the lowest word of N is zero.
  const n0 = odd ? hi : hi >>> 1;
  const n1 = odd ? lo : ((hi << 31) | (lo >>> 1)) >>> 0;
  const n2 = odd ? 0 : (lo << 31) >>> 0;
  // Rem = N - S^2 as r0 (signed top word) r1 r2 r3.
  const ll = Math.imul(sl, sl) >>> 0, llh = mulHigh(sl, sl, ll);
  const hl = Math.imul(sh, sl) >>> 0, hlh = mulHigh(sh, sl, hl);
  const hh = Math.imul(sh, sh) >>> 0, hhh = mulHigh(sh, sh, hh);
  let t = llh + 2 * hl;
  const q2 = t >>> 0;
  t = hh + 2 * hlh + (t - q2) * INV32;
  const q1 = t >>> 0;
  const q0 = hhh + (t - q1) * INV32;
  let r3 = 0, borrow = 0;
  if (ll !== 0) { r3 = TWO32 - ll; borrow = 1; }
  let r2 = n2 - q2 - borrow;
  if (r2 < 0) { r2 += TWO32; borrow = 1; } else borrow = 0;
  let r1 = n1 - q1 - borrow;
  if (r1 < 0) { r1 += TWO32; borrow = 1; } else borrow = 0;
  let r0 = n0 - q0 - borrow;
  for (let k = 0; ; k++) {
    if (k > 3 || r0 > 0 || r0 < -1) return false; // not within a few units: the exact path decides
    // 2S + 1 of the current S as a1:a2:a3.
    if (r0 < 0) {
      // S too large: S -= 1, Rem += 2S + 1 (of the new S).
      if (sl === 0) { sl = 0xffffffff; sh -= 1; } else sl -= 1;
      const a1 = sh >>> 31, a2 = ((sh << 1) | (sl >>> 31)) >>> 0, a3 = ((sl << 1) | 1) >>> 0;
      r3 += a3;
      const c3 = r3 >= TWO32 ? 1 : 0;
      r3 -= c3 * TWO32;
      r2 += a2 + c3;
      const c2 = r2 >= TWO32 ? 1 : 0;
      r2 -= c2 * TWO32;
      r1 += a1 + c2;
      const c1 = r1 >= TWO32 ? 1 : 0;
      r1 -= c1 * TWO32;
      r0 += c1;
      continue;
    }
    const a1 = sh >>> 31, a2 = ((sh << 1) | (sl >>> 31)) >>> 0, a3 = ((sl << 1) | 1) >>> 0;
    // Rem >= 2S + 1: S too small; Rem -= 2S + 1, S += 1.
    if (r1 > a1 || (r1 === a1 && (r2 > a2 || (r2 === a2 && r3 >= a3)))) {
      r3 -= a3;
      const b3 = r3 < 0 ? 1 : 0;
      r3 += b3 * TWO32;
      r2 -= a2 + b3;
      const b2 = r2 < 0 ? 1 : 0;
      r2 += b2 * TWO32;
      r1 -= a1 + b2;
      if (sl === 0xffffffff) { sl = 0; sh += 1; } else sl += 1;
      continue;
    }
    break;
  }
  if (sh < 0x80000000 || sh > 0xffffffff) return false;
  const round = r1 !== 0 || r2 > sh || (r2 === sh && r3 > sl);
  const rest = round ? 1 : r1 | r2 | r3;
  const k = odd ? (E - 127) / 2 : (E - 126) / 2;
  WIN[0] = sh;
  WIN[1] = sl;
  WIN[2] = round ? 0x80000000 : 0;
  WIN[3] = rest;
  return roundPack(0, 16383 + 63 + k, cw);
}
