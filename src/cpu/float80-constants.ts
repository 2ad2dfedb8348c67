// The x87 constants (FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ; SDM Vol. 2A, FLD1/FLDL2T/...
// and Vol. 1, 8.3.8): computed here to 256 bits from series (Machin's formula for pi, atanh
// series for the logarithms), then rounded to 64 bits by the current rounding mode, as the
// processor rounds its internal constants (the SDM notes the result depends on RC). Round to
// nearest gives the well-known patterns, e.g. pi = 4000 C90FDAA22168C235.
//
// piFixed and ln2Fixed are also what the correctly rounded double math (cr-math.ts) uses.

import { type F80, pack80, roundExact } from './float80.js';

/** sum over k of s^k / ((2k+1) n^(2k+1)), s = -1 (arctan 1/n) or 1 (artanh 1/n), scaled by 2^bits. */
function inverseSeries(n: bigint, alternating: boolean, bits: number): bigint {
  let power = (1n << BigInt(bits)) / n;
  const n2 = n * n;
  let sum = 0n;
  for (let k = 0n; power !== 0n; k++) {
    const term = power / (2n * k + 1n);
    sum += alternating && (k & 1n) === 1n ? -term : term;
    power /= n2;
  }
  return sum;
}

const piCache = new Map<number, bigint>();

/** pi with `bits` fractional bits (truncated; 16 guard bits absorb the series' rounding). */
export function piFixed(bits: number): bigint {
  let v = piCache.get(bits);
  if (v === undefined) {
    const g = bits + 16;
    v = (16n * inverseSeries(5n, true, g) - 4n * inverseSeries(239n, true, g)) >> 16n;
    piCache.set(bits, v);
  }
  return v;
}

/** ln 2 = 2 artanh(1/3), with `bits` fractional bits. */
export function ln2Fixed(bits: number): bigint {
  return (2n * inverseSeries(3n, false, bits + 16)) >> 16n;
}

/** ln 10 = 3 ln 2 + ln(5/4), and ln(5/4) = 2 artanh(1/9). */
function ln10Fixed(bits: number): bigint {
  return (6n * inverseSeries(3n, false, bits + 16) + 2n * inverseSeries(9n, false, bits + 16)) >> 16n;
}

/** Fractional bits of the constants before they are rounded to 64 bits. */
const FIXED_BITS = 256;
const PI_FIXED = piFixed(FIXED_BITS);
const LN2_FIXED = ln2Fixed(FIXED_BITS);
const LN10_FIXED = ln10Fixed(FIXED_BITS);
const SCALE = 1n << BigInt(FIXED_BITS);
const L2E_FIXED = (SCALE * SCALE) / LN2_FIXED;
const L2T_FIXED = (LN10_FIXED * SCALE) / LN2_FIXED;
const LG2_FIXED = (LN2_FIXED * SCALE) / LN10_FIXED;
/** Rounds a positive irrational fixed-point constant to the 80-bit format by `rc`. */
function constant(fixed: bigint, rc: number): F80 {
  const r = roundExact(false, fixed, -FIXED_BITS, true, 64, -16382, rc);
  return pack80(false, r.m, r.l);
}

const TABLE: F80[][] = [L2T_FIXED, L2E_FIXED, PI_FIXED, LG2_FIXED, LN2_FIXED].map((v) =>
  [0, 1, 2, 3].map((rc) => constant(v, rc)));

/**
 * The constant of D9 E8+k (k = 0 FLD1, 1 FLDL2T, 2 FLDL2E, 3 FLDPI, 4 FLDLG2, 5 FLDLN2, 6 FLDZ)
 * under rounding control rc.
 */
export function x87Constant(k: number, rc: number): F80 {
  if (k === 0) return { se: 0x3fff, hi: 0x80000000, lo: 0 };
  if (k === 6) return { se: 0, hi: 0, lo: 0 };
  return TABLE[k - 1][rc & 3];
}
