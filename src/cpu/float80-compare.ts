// Comparison and classification of 80-bit values: the ordered/unordered compare behind
// FCOM/FUCOM/FCOMI/FUCOMI/FTST/FICOM (SDM Vol. 2A, FCOM and FUCOM pages), the FXAM classes
// (SDM Vol. 2A, FXAM, the table of C3 C2 C0 classes), and the two-bit tag of a register
// (SDM Vol. 1, 8.1.7).

import { DE, type F80, FpEnv, IE, Kind, isNeg, kind } from './float80.js';

export const LESS = 0, EQUAL = 1, GREATER = 2, UNORDERED = 3;
export type Relation = typeof LESS | typeof EQUAL | typeof GREATER | typeof UNORDERED;

/** Magnitude order of two finite values by (effective exponent, significand). */
function magnitudeOrder(a: F80, b: F80): number {
  // Denormals and pseudo-denormals use the exponent of 1 (SDM Vol. 1, 8.2.2), so a
  // pseudo-denormal equals the smallest normal with the same significand.
  const ea = Math.max(a.se & 0x7fff, 1), eb = Math.max(b.se & 0x7fff, 1);
  if (ea !== eb) return ea < eb ? -1 : 1;
  if (a.hi !== b.hi) return a.hi < b.hi ? -1 : 1;
  if (a.lo !== b.lo) return a.lo < b.lo ? -1 : 1;
  return 0;
}

/**
 * Compares a with b. `quiet` (FUCOM family) raises IE only for SNaN operands; the ordered forms
 * (FCOM family) raise it for any NaN. Unsupported encodings are invalid and unordered.
 */
export function compare(a: F80, b: F80, quiet: boolean, env: FpEnv): Relation {
  const ka = kind(a), kb = kind(b);
  if (ka === Kind.Unsupported || kb === Kind.Unsupported) {
    env.flags |= IE;
    return UNORDERED;
  }
  const nanA = ka === Kind.QNaN || ka === Kind.SNaN, nanB = kb === Kind.QNaN || kb === Kind.SNaN;
  if (nanA || nanB) {
    if (!quiet || ka === Kind.SNaN || kb === Kind.SNaN) env.flags |= IE;
    return UNORDERED;
  }
  if (ka === Kind.Denormal || kb === Kind.Denormal) env.flags |= DE;
  const za = ka === Kind.Zero, zb = kb === Kind.Zero;
  if (za && zb) return EQUAL;
  const na = isNeg(a), nb = isNeg(b);
  if (za) return nb ? GREATER : LESS;
  if (zb) return na ? LESS : GREATER;
  if (na !== nb) return na ? LESS : GREATER;
  let order = ka === Kind.Inf ? (kb === Kind.Inf ? 0 : 1) : kb === Kind.Inf ? -1 : magnitudeOrder(a, b);
  if (na) order = -order;
  return order < 0 ? LESS : order > 0 ? GREATER : EQUAL;
}

/**
 * FXAM's C3 C2 C0 class bits (status-word positions 0x4000, 0x400, 0x100), C1 excluded:
 * unsupported 000, NaN 001, normal 010, infinity 011, zero 100, empty 101, denormal 110.
 */
export function examineClass(a: F80, empty: boolean): number {
  if (empty) return 0x4100;
  switch (kind(a)) {
    case Kind.Unsupported: return 0;
    case Kind.QNaN: case Kind.SNaN: return 0x100;
    case Kind.Normal: return 0x400;
    case Kind.Inf: return 0x500;
    case Kind.Zero: return 0x4000;
    case Kind.Denormal: return 0x4400;
  }
}

/** The tag of a non-empty register: 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unsupported). */
export function tagOf(a: F80): number {
  const k = kind(a);
  return k === Kind.Normal ? 0 : k === Kind.Zero ? 1 : 2;
}
