// Host helpers for the integer families too large to inline: RCL/RCR by a count other than 1,
// the BCD adjustments, AAM, CRC32, and 32-bit MUL/IMUL/DIV/IDIV without BigInt on their common
// paths; the REP string helpers (string-helpers.ts) are merged in. Called from generated code as
// H.name(s, m, ...args); extra results go to s.scratch[k] (read by the semantics right after the
// call).

import { AF, CF, OF, PARITY, SF, ZF } from '../../src/cpu/flags.js';
import { FPE_INTDIV, GuestTrap, SIGFPE } from '../../src/cpu/faults.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { Arena } from '../../src/memory/arena.js';
import { STRING_HELPERS } from './string-helpers.js';

type S = CpuState;
type M = Arena;

const TWO32 = 4294967296;

function divideError(): never {
  // #DE: Linux delivers SIGFPE with FPE_INTDIV for zero divisors and for quotients that overflow.
  throw new GuestTrap(SIGFPE, FPE_INTDIV);
}

// ---- Rotates through carry -------------------------------------------------------------------

/**
 * RCL/RCR (SDM Vol. 2B, RCL/RCR/ROL/ROR): the operand and CF form a (bits+1)-bit ring; the count
 * is masked to 5 bits and taken mod 9 / mod 17 for 8- and 16-bit operands. A count that comes to
 * 0 leaves the flags alone. OF is defined for a count of 1 only; for the others this computes
 * what QEMU does (MSB of operand XOR result), which for 1 is the SDM's formula.
 * Returns the result; scratch[0] = the new O S Z A P C bits.
 */
function rotateThroughCarry(s: S, value: number, count: number, size: number, flags: number, right: boolean): number {
  const bits = size * 8;
  let c = count & 31;
  if (bits === 8) c %= 9;
  else if (bits === 16) c %= 17;
  if (c === 0) {
    s.scratch[0] = flags;
    return value;
  }
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  const x = value & mask;
  const cf = flags & CF;
  let res: number, out: number;
  if (right) {
    res = (x >>> c) | (cf << (bits - c)) | (c > 1 ? x << (bits + 1 - c) : 0);
    out = (x >>> (c - 1)) & 1;
  } else {
    res = (x << c) | (cf << (c - 1)) | (c > 1 ? x >>> (bits + 1 - c) : 0);
    out = (x >>> (bits - c)) & 1;
  }
  res &= mask;
  const of = ((x ^ res) >>> (bits - 1)) & 1;
  s.scratch[0] = (flags & ~(CF | OF)) | out | (of ? OF : 0);
  return res;
}

// ---- BCD (SDM Vol. 2A, DAA/DAS/AAA/AAS/AAM) --------------------------------------------------

function szp(al: number): number {
  return (al === 0 ? ZF : 0) | PARITY[al] | (al & SF);
}

/** DAA: returns the new AL; scratch[0] = flags (OF, undefined, is 0 as on QEMU). */
function daa(s: S, _m: M, al: number, flags: number): number {
  const oldAl = al & 0xff, oldCf = flags & CF;
  let r = oldAl, f = 0;
  if ((oldAl & 0x0f) > 9 || (flags & AF) !== 0) {
    r = (r + 6) & 0xff;
    f |= AF;
  }
  if (oldAl > 0x99 || oldCf) {
    r = (r + 0x60) & 0xff;
    f |= CF;
  }
  s.scratch[0] = f | szp(r);
  return r;
}

/** DAS: like DAA; the first step's borrow sets CF, which the second step only ever sets. */
function das(s: S, _m: M, al: number, flags: number): number {
  const oldAl = al & 0xff, oldCf = flags & CF;
  let r = oldAl, f = 0;
  if ((oldAl & 0x0f) > 9 || (flags & AF) !== 0) {
    if (oldAl < 6 || oldCf) f |= CF;
    r = (r - 6) & 0xff;
    f |= AF;
  }
  if (oldAl > 0x99 || oldCf) {
    r = (r - 0x60) & 0xff;
    f |= CF;
  }
  s.scratch[0] = f | szp(r);
  return r;
}

/**
 * AAA/AAS: returns the new AX; scratch[0] = flags with AF = CF = the adjustment and O S Z P
 * (undefined) kept as they were, as QEMU does.
 */
function aaa(s: S, _m: M, ax: number, flags: number): number {
  let al = ax & 0xff, ah = (ax >>> 8) & 0xff;
  if ((al & 0x0f) > 9 || (flags & AF) !== 0) {
    // AX := AX + 106H: the +6 may carry out of AL into AH.
    ah = (ah + 1 + (al > 0xf9 ? 1 : 0)) & 0xff;
    al = (al + 6) & 0x0f;
    s.scratch[0] = flags | AF | CF;
  } else {
    al &= 0x0f;
    s.scratch[0] = flags & ~(AF | CF);
  }
  return (ah << 8) | al;
}

function aas(s: S, _m: M, ax: number, flags: number): number {
  let al = ax & 0xff, ah = (ax >>> 8) & 0xff;
  if ((al & 0x0f) > 9 || (flags & AF) !== 0) {
    // AX := AX - 6; AH := AH - 1: the -6 may borrow from AH.
    ah = (ah - 1 - (al < 6 ? 1 : 0)) & 0xff;
    al = (al - 6) & 0x0f;
    s.scratch[0] = flags | AF | CF;
  } else {
    al &= 0x0f;
    s.scratch[0] = flags & ~(AF | CF);
  }
  return (ah << 8) | al;
}

/** AAM imm8 (imm8 != 0; the semantics raise #DE for 0): returns AH:AL = AL / imm8 : AL % imm8. */
function aam(_s: S, _m: M, al: number, base: number): number {
  al &= 0xff;
  return ((Math.floor(al / base) & 0xff) << 8) | (al % base);
}

// ---- 32-bit multiply and divide ---------------------------------------------------------------

/**
 * High half of a 32x32 product from the double product: the double is within 2^11 of the exact
 * product (53-bit mantissa, |product| < 2^64), the low half is exact from Math.imul, so the
 * difference rounds to the exact multiple of 2^32.
 */
function high(a: number, b: number): number {
  const lo = Math.imul(a, b) >>> 0;
  return Math.round((a * b - lo) / TWO32) | 0;
}

/** MUL r/m32: returns the low half; scratch[0] = the high half (unsigned operands). */
function mulu32(s: S, _m: M, a: number, b: number): number {
  s.scratch[0] = high(a >>> 0, b >>> 0);
  return Math.imul(a, b);
}

/** IMUL (32-bit forms): returns the low half; scratch[0] = the high half (signed operands). */
function muls32(s: S, _m: M, a: number, b: number): number {
  s.scratch[0] = high(a | 0, b | 0);
  return Math.imul(a, b);
}

/** DIV r/m32: EDX:EAX / d; returns the quotient, scratch[0] = remainder. */
function udiv32(s: S, _m: M, hi: number, lo: number, d: number): number {
  const dd = d >>> 0;
  if (dd === 0) divideError();
  if (hi === 0) {
    const n = lo >>> 0;
    const q = Math.floor(n / dd);
    s.scratch[0] = n - q * dd;
    return q | 0;
  }
  if ((hi >>> 0) >= dd) divideError(); // the quotient would not fit in 32 bits
  return longDivide(s, hi >>> 0, lo >>> 0, dd);
}

/**
 * hi:lo / d for hi < d < 2^32, without BigInt: two steps of long division by 16-bit digits. Each
 * partial dividend is below 2^48, so the double quotient is off by at most one and the
 * remainder, computed exactly, corrects it. Quotient returned (as int32), remainder in scratch[0].
 */
function longDivide(s: S, hi: number, lo: number, d: number): number {
  let n = hi * 65536 + (lo >>> 16);
  let q1 = Math.floor(n / d);
  let r = n - q1 * d;
  if (r < 0) { q1--; r += d; } else if (r >= d) { q1++; r -= d; }
  n = r * 65536 + (lo & 0xffff);
  let q0 = Math.floor(n / d);
  r = n - q0 * d;
  if (r < 0) { q0--; r += d; } else if (r >= d) { q0++; r -= d; }
  s.scratch[0] = r | 0;
  return (q1 * 65536 + q0) | 0;
}

/** IDIV r/m32: signed EDX:EAX / d, quotient truncated toward zero; scratch[0] = remainder. */
function sdiv32(s: S, _m: M, hi: number, lo: number, d: number): number {
  d |= 0;
  if (d === 0) divideError();
  if ((hi | 0) === (lo >> 31)) {
    // The dividend is EAX sign-extended (CDQ): exact in doubles.
    const n = lo | 0;
    if (n === -2147483648 && d === -1) divideError();
    const q = Math.trunc(n / d);
    s.scratch[0] = n - q * d;
    return q | 0;
  }
  // |dividend| / |divisor| by unsigned long division, then the signs (quotient toward zero,
  // remainder with the dividend's sign), as IDIV defines them.
  const negative = (hi | 0) < 0;
  let nh = hi >>> 0, nl = lo >>> 0;
  if (negative) {
    nl = (~nl + 1) >>> 0;
    nh = (~nh + (nl === 0 ? 1 : 0)) >>> 0;
  }
  const ad = d < 0 ? -d : d; // |d| as a positive double (2^31 for INT_MIN)
  if (nh >= ad) divideError(); // |quotient| >= 2^32
  const uq = longDivide(s, nh, nl, ad) >>> 0;
  const ur = s.scratch[0] >>> 0;
  const qNegative = negative !== d < 0;
  if (qNegative ? uq > 2147483648 : uq > 2147483647) divideError();
  s.scratch[0] = negative ? -ur | 0 : ur | 0;
  return qNegative ? -uq | 0 : uq | 0;
}

// ---- CRC32 (SDM Vol. 2A, CRC32): CRC-32C, reflected, one table lookup per byte -------------------

const CRC32C = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  CRC32C[i] = c;
}

/** Folds the `size` low bytes of `value`, lowest first, into `crc`. */
function crc32c(_s: S, _m: M, crc: number, value: number, size: number): number {
  for (let i = 0; i < size; i++) crc = CRC32C[(crc ^ (value >>> (8 * i))) & 0xff] ^ (crc >>> 8);
  return crc | 0;
}

export const INTEGER_HELPERS = {
  ...STRING_HELPERS,
  rcl: (s: S, _m: M, value: number, count: number, size: number, flags: number) => rotateThroughCarry(s, value, count, size, flags, false),
  rcr: (s: S, _m: M, value: number, count: number, size: number, flags: number) => rotateThroughCarry(s, value, count, size, flags, true),
  daa,
  das,
  aaa,
  aas,
  aam,
  mulu32,
  muls32,
  udiv32,
  sdiv32,
  crc32c,
};
