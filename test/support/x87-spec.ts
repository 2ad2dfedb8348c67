// What the SDM defines of the x87 status word per form ("FPU Flags Affected" in each
// instruction's entry, SDM Vol. 2A/2B), and where Unicorn 2.0.1 (QEMU 5.0.1's x87, fpu_helper.c)
// cannot serve as the oracle. Used by compare.ts for x87 forms.
//
// QEMU 5.0's x87 keeps no exception flags: softfloat's flags are never merged into the status
// word (only FDIV's ZE and a few C2 settings are written by hand), and C1 is never computed
// (round-up) nor cleared where the SDM says "set to 0". Transcendentals (F2XM1 FYL2X FYL2XP1
// FPTAN FPATAN FSIN FCOS FSINCOS) and FPREM/FPREM1 are computed in host double precision.
// FISTP m64 converts through int32 (helper_fistll_ST0 calls floatx80_to_int32), FIST m16
// through a truncated int64, FBSTP ignores overflow and the sign of zero, and the FLD
// constants ignore the rounding control. Each of these is either corrected to the SDM's answer
// here (when the SDM defines it exactly and the model is small) or excluded from the
// comparison with its reason, and counted.

import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind as K, OperandSize as S } from '../../decoder/types.js';

export const C0 = 0x0100, C1 = 0x0200, C2 = 0x0400, C3 = 0x4000, TOP = 0x3800;
/** IE DE ZE OE UE PE SF, ES, B. */
export const EXCEPTION_BITS = 0x807f | 0x0080;
const ALL_CC = C0 | C1 | C2 | C3;

export interface X87Spec {
  /** C0/C2/C3 bits the SDM defines for the form. */
  readonly cc: number;
  /** C1: always 0 (no stack fault), rounding direction, defined by the form, or undefined. */
  readonly c1: 'zero' | 'round' | 'defined' | 'undefined';
  /** The form may raise numeric exceptions (their flags: not modelled by QEMU 5.0). */
  readonly raises: boolean;
  /**
   * Results computed by QEMU in double precision: compared approximately, in their domain (with
   * noOracle: only the domain is used, to decide where TOP and emptiness are comparable).
   */
  readonly approx?: 'f2xm1' | 'fyl2x' | 'fyl2xp1' | 'fpatan' | 'trig';
  /**
   * QEMU's result is unusable (FPREM/FPREM1, F2XM1/FYL2X/FYL2XP1/FPATAN in doubles): no value,
   * condition-code or exception comparison; TOP and which registers are empty still are.
   */
  readonly noOracle?: string;
}

const ARITH: X87Spec = { cc: 0, c1: 'round', raises: true };
const QUIET_MOVE: X87Spec = { cc: 0, c1: 'zero', raises: false };
const COMPARE: X87Spec = { cc: C0 | C2 | C3, c1: 'zero', raises: true };
const CONTROL: X87Spec = { cc: 0, c1: 'undefined', raises: false };
const LOADS_ALL: X87Spec = { cc: C0 | C2 | C3, c1: 'defined', raises: false };

// Computed in extended precision by the processor (and by vxts), in double by QEMU 5.0: values,
// condition codes and exceptions are not compared; TOP and emptiness are, where the operands are
// in the domain of QEMU's double-precision code (`approx` names that domain).
const TRANSCENDENTAL_EXTENDED: X87Spec = {
  cc: 0, c1: 'round', raises: true, noOracle: 'QEMU 5.0 computes F2XM1/FYL2X/FYL2XP1/FPATAN in double precision',
};

const BY_MNEMONIC: Record<string, X87Spec> = {
  fadd: ARITH, fsub: ARITH, fsubr: ARITH, fmul: ARITH, fdiv: ARITH, fdivr: ARITH,
  faddp: ARITH, fsubp: ARITH, fsubrp: ARITH, fmulp: ARITH, fdivp: ARITH, fdivrp: ARITH,
  fiadd: ARITH, fisub: ARITH, fisubr: ARITH, fimul: ARITH, fidiv: ARITH, fidivr: ARITH,
  fsqrt: ARITH, fscale: ARITH, frndint: ARITH,
  fabs: QUIET_MOVE, fchs: QUIET_MOVE, fxch: QUIET_MOVE, fincstp: QUIET_MOVE, fdecstp: QUIET_MOVE,
  fcmovb: QUIET_MOVE, fcmove: QUIET_MOVE, fcmovbe: QUIET_MOVE, fcmovu: QUIET_MOVE,
  fcmovnb: QUIET_MOVE, fcmovne: QUIET_MOVE, fcmovnbe: QUIET_MOVE, fcmovnu: QUIET_MOVE,
  fild: QUIET_MOVE, fbld: QUIET_MOVE,
  fld1: QUIET_MOVE, fldl2t: QUIET_MOVE, fldl2e: QUIET_MOVE, fldpi: QUIET_MOVE, fldlg2: QUIET_MOVE, fldln2: QUIET_MOVE, fldz: QUIET_MOVE,
  fist: ARITH, fistp: ARITH, fbstp: ARITH,
  fcom: COMPARE, fcomp: COMPARE, fcompp: COMPARE, fucom: COMPARE, fucomp: COMPARE, fucompp: COMPARE,
  ficom: COMPARE, ficomp: COMPARE, ftst: COMPARE,
  // FCOMI & co.: "C1 Set to 0. C0, C2, C3 Not affected."
  fcomi: { cc: C0 | C2 | C3, c1: 'zero', raises: true }, fucomi: { cc: C0 | C2 | C3, c1: 'zero', raises: true },
  fcompi: { cc: C0 | C2 | C3, c1: 'zero', raises: true }, fucompi: { cc: C0 | C2 | C3, c1: 'zero', raises: true },
  fxam: { cc: C0 | C2 | C3, c1: 'defined', raises: false },
  ffree: CONTROL, ffreep: CONTROL, fnop: CONTROL, fldcw: CONTROL, fnstcw: CONTROL, fnstsw: CONTROL, fnstenv: CONTROL,
  wait: CONTROL, feni8087_nop: CONTROL, fdisi8087_nop: CONTROL, fsetpm: CONTROL,
  // FNCLEX: the exception flags, ES, SF and B are cleared (defined); C0-C3 undefined.
  fnclex: CONTROL,
  fninit: LOADS_ALL, fldenv: LOADS_ALL, frstor: LOADS_ALL, fnsave: LOADS_ALL,
  fxtract: { cc: 0, c1: 'zero', raises: true },
  f2xm1: { ...TRANSCENDENTAL_EXTENDED, approx: 'f2xm1' },
  fyl2x: { ...TRANSCENDENTAL_EXTENDED, approx: 'fyl2x' },
  fyl2xp1: { ...TRANSCENDENTAL_EXTENDED, approx: 'fyl2xp1' },
  fpatan: { ...TRANSCENDENTAL_EXTENDED, approx: 'fpatan' },
  fptan: { cc: C2, c1: 'round', raises: true, approx: 'trig' },
  fsin: { cc: C2, c1: 'round', raises: true, approx: 'trig' },
  fcos: { cc: C2, c1: 'round', raises: true, approx: 'trig' },
  fsincos: { cc: C2, c1: 'round', raises: true, approx: 'trig' },
  fprem: { cc: C0 | C2 | C3, c1: 'defined', raises: true, noOracle: 'QEMU 5.0 computes FPREM in double precision (helper_fprem)' },
  fprem1: { cc: C0 | C2 | C3, c1: 'defined', raises: true, noOracle: 'QEMU 5.0 computes FPREM1 in double precision (helper_fprem1)' },
};

/** FLD/FST of single/double precision memory operands convert (and may raise); m80 and ST(i) do not. */
function memoryFloatOperand(insn: Instruction): boolean {
  const ops = insn.row!.operands;
  return ops.some((o) => o.kind === K.RmMemOnly && (o.size === S.D || o.size === S.Q));
}

export function x87Spec(insn: Instruction): X87Spec {
  const m = insn.row!.mnemonic;
  if (m === 'fld') return memoryFloatOperand(insn) ? { cc: 0, c1: 'zero', raises: true } : QUIET_MOVE;
  if (m === 'fst' || m === 'fstp' || m === 'fstpnce') {
    return memoryFloatOperand(insn) ? ARITH : { cc: 0, c1: 'zero', raises: false };
  }
  return BY_MNEMONIC[m] ?? { cc: 0, c1: 'undefined', raises: true };
}

/**
 * Status-word bits compared against Unicorn: TOP, the condition codes the SDM defines, C1 when
 * the SDM defines it and QEMU can know it, and the exception/ES/B bits for forms that cannot
 * raise (they must stay unchanged, and QEMU leaves them unchanged).
 */
export function comparedStatusBits(spec: X87Spec, m: string): number {
  let bits = TOP | spec.cc;
  if (spec.c1 === 'zero' || spec.c1 === 'defined') bits |= C1;
  if (!spec.raises) bits |= EXCEPTION_BITS;
  if (m === 'fninit' || m === 'fnsave' || m === 'fldenv' || m === 'frstor') bits |= ALL_CC | EXCEPTION_BITS;
  if (m === 'fnclex') bits |= EXCEPTION_BITS;
  return bits & 0xffff;
}

// ---------------------------------------------------------------------------------------------
// Exact models for the few results QEMU 5.0 gets wrong and the SDM defines exactly.

/** The exact value of an 80-bit register as a rational: sign, significand (BigInt), binary exponent. */
function decompose(se: number, hi: number, lo: number): { sign: boolean; mant: bigint; exp: number; cls: 'zero' | 'finite' | 'inf' | 'nan' | 'invalid' } {
  const sign = (se & 0x8000) !== 0;
  const e = se & 0x7fff;
  const mant = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  if (e === 0x7fff) {
    if ((hi & 0x80000000) === 0) return { sign, mant, exp: 0, cls: 'invalid' }; // pseudo-NaN/inf
    return { sign, mant, exp: 0, cls: mant === 0x8000000000000000n ? 'inf' : 'nan' };
  }
  if (e !== 0 && (hi & 0x80000000) === 0) return { sign, mant, exp: 0, cls: 'invalid' }; // unnormal
  if (mant === 0n) return { sign, mant, exp: 0, cls: 'zero' };
  // value = mant * 2^(e - 16383 - 63); denormals (and pseudo-denormals) use exponent 1 - 16383.
  return { sign, mant, exp: (e === 0 ? 1 : e) - 16383 - 63, cls: 'finite' };
}

/** Rounds sign * mant * 2^exp to an integer with x87 rounding control rc (0 near, 1 down, 2 up, 3 chop). */
function roundToInteger(sign: boolean, mant: bigint, exp: number, rc: number): bigint {
  if (exp >= 0) return (sign ? -1n : 1n) * (mant << BigInt(exp));
  const shift = BigInt(-exp);
  const q = shift > 200n ? 0n : mant >> shift;
  const rem = shift > 200n ? mant : mant - (q << shift);
  const half = shift > 200n ? -1n : 1n << (shift - 1n);
  let r = q;
  if (rem !== 0n) {
    switch (rc) {
      case 0: if (half >= 0n && (rem > half || (rem === half && (q & 1n) === 1n))) r = q + 1n; break;
      case 1: if (sign) r = q + 1n; break; // toward -inf: magnitude up for negatives
      case 2: if (!sign) r = q + 1n; break;
      default: break;
    }
  }
  return sign ? -r : r;
}

/** FIST/FISTP to `bits`: the integer, or the integer indefinite (SDM Vol. 2A FIST: masked #IA). */
export function fistValue(se: number, hi: number, lo: number, rc: number, bits: 16 | 32 | 64): bigint {
  const d = decompose(se, hi, lo);
  const indefinite = -(1n << BigInt(bits - 1));
  if (d.cls === 'nan' || d.cls === 'inf' || d.cls === 'invalid') return indefinite;
  if (d.cls === 'zero') return 0n;
  const v = roundToInteger(d.sign, d.mant, d.exp, rc);
  const limit = 1n << BigInt(bits - 1);
  return v >= limit || v < -limit ? indefinite : v;
}

/** FBSTP's 10 bytes (SDM Vol. 2A FBSTP: rounded per RC; out of range, NaN or infinity: the BCD indefinite). */
export function fbstpBytes(se: number, hi: number, lo: number, rc: number): Uint8Array {
  const d = decompose(se, hi, lo);
  const out = new Uint8Array(10);
  const indefinite = () => { out.fill(0); out[7] = 0xc0; out[8] = 0xff; out[9] = 0xff; return out; };
  if (d.cls === 'nan' || d.cls === 'inf' || d.cls === 'invalid') return indefinite();
  let v = d.cls === 'zero' ? 0n : roundToInteger(d.sign, d.mant, d.exp, rc);
  if (v >= 10n ** 18n || v <= -(10n ** 18n)) return indefinite();
  if (d.sign) out[9] = 0x80; // negative values and -0 keep their sign
  if (v < 0n) v = -v;
  for (let i = 0; i < 9; i++) {
    const two = Number(v % 100n);
    v /= 100n;
    out[i] = ((Math.floor(two / 10)) << 4) | (two % 10);
  }
  return out;
}

/** True when every digit nibble of a packed BCD operand is 0-9 (FBLD of others is undefined, SDM Vol. 2A FBLD). */
export function validBcd(bytes: Uint8Array): boolean {
  for (let i = 0; i < 9; i++) if ((bytes[i] & 0xf) > 9 || (bytes[i] >> 4) > 9) return false;
  return true;
}

/**
 * The FLD constants rounded by the rounding control: the 64-bit significand of the nearest
 * rounding (what QEMU always loads) and whether the exact value lies above it (SDM Vol. 2A
 * FLD1/FLDL2T/...: "the constant is rounded ... according to the RC field" since the 80387).
 * Exact expansions: pi = C90FDAA2 2168C234 C4C6628B..., log2(e) = B8AA3B29 5C17F0BB BE87FED0...,
 * log10(2) = 9A209A84 FBCFF798 8F8959AC..., ln(2) = B17217F7 D1CF79AB C9E3B398..., log2(10) =
 * D49A784B CD1B8AFE 492BF6FF...
 */
const CONSTANTS: Record<string, { exp: number; truncated: bigint }> = {
  fldpi: { exp: 0x4000, truncated: 0xc90fdaa22168c234n },
  fldl2e: { exp: 0x3fff, truncated: 0xb8aa3b295c17f0bbn },
  fldlg2: { exp: 0x3ffd, truncated: 0x9a209a84fbcff798n },
  fldln2: { exp: 0x3ffe, truncated: 0xb17217f7d1cf79abn },
  fldl2t: { exp: 0x4000, truncated: 0xd49a784bcd1b8afen },
};
/** The bits after the 64 truncated ones: all these constants have a non-zero tail; above half? */
const TAIL_ABOVE_HALF: Record<string, boolean> = { fldpi: true, fldl2e: true, fldlg2: true, fldln2: true, fldl2t: false };

/** The constant a form loads under rounding control rc: [signExp, hi, lo], or null for exact ones. */
export function roundedConstant(m: string, rc: number): [number, number, number] | null {
  const c = CONSTANTS[m];
  if (c === undefined) return null;
  // Positive constants: down and chop truncate; up adds one; nearest adds one when the tail is above half.
  const up = rc === 2 || (rc === 0 && TAIL_ABOVE_HALF[m]);
  const mant = up ? c.truncated + 1n : c.truncated;
  return [c.exp, Number(mant >> 32n) >>> 0, Number(mant & 0xffffffffn) >>> 0];
}

/** An 80-bit value as a JS number (for approximate comparisons). */
export function toNumber(se: number, hi: number, lo: number): number {
  const d = decompose(se, hi, lo);
  if (d.cls === 'nan' || d.cls === 'invalid') return NaN;
  if (d.cls === 'inf') return d.sign ? -Infinity : Infinity;
  if (d.cls === 'zero') return d.sign ? -0 : 0;
  const v = Number(d.mant) * Math.pow(2, d.exp);
  return d.sign ? -v : v;
}

/** The class of an 80-bit value (for approximate comparisons' domains). */
export function isNormalFinite(se: number, hi: number): boolean {
  const e = se & 0x7fff;
  return e !== 0 && e !== 0x7fff && (hi & 0x80000000) !== 0;
}

/**
 * FST/FSTP m32fp/m64fp of a NaN: the NaN's top significand bits with the quiet bit set (a
 * signalling NaN is quieted under masked #IA; SDM Vol. 1, 4.8.3.4 and Table 4-7). Null when
 * the source is not a NaN.
 */
export function nanStoreBytes(se: number, hi: number, lo: number, bits: 32 | 64): Uint8Array | null {
  if ((se & 0x7fff) !== 0x7fff || (hi & 0x80000000) === 0) return null;
  const mant = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  if (mant === 0x8000000000000000n) return null; // infinity
  const frac = bits === 32 ? 23n : 52n;
  const expBits = bits === 32 ? 8n : 11n;
  const fraction = ((mant & 0x7fffffffffffffffn) >> (63n - frac)) | (1n << (frac - 1n));
  const value = ((se & 0x8000 ? 1n : 0n) << BigInt(bits - 1)) | (((1n << expBits) - 1n) << frac) | fraction;
  const out = new Uint8Array(bits / 8);
  for (let k = 0; k < out.length; k++) out[k] = Number((value >> BigInt(8 * k)) & 0xffn);
  return out;
}

/** FXAM's C3 C2 C1 C0 for a register (SDM Vol. 2A FXAM, Table 3-xx "FXAM Results"). */
export function fxamBits(se: number, hi: number, lo: number, empty: boolean): number {
  const sign = (se & 0x8000) !== 0 ? C1 : 0;
  if (empty) return sign | C3 | C0;
  const e = se & 0x7fff;
  const integer = (hi & 0x80000000) !== 0;
  const fracZero = (hi & 0x7fffffff) === 0 && lo === 0;
  if (e === 0x7fff) {
    if (!integer) return sign; // pseudo-NaN / pseudo-infinity: unsupported
    return sign | (fracZero ? C2 | C0 : C0);
  }
  if (e === 0) {
    if (!integer && fracZero) return sign | C3; // zero
    return sign | C3 | C2; // denormal (pseudo-denormals included)
  }
  return integer ? sign | C2 : sign; // normal, or unnormal (unsupported)
}

/**
 * Encodings QEMU 5.0's softfloat does not handle as the x87 does: unnormals, pseudo-NaNs and
 * pseudo-infinities (unsupported formats: #IA on the x87, SDM Vol. 1, 8.2.2) and
 * pseudo-denormals (accepted as denormals by the x87; QEMU drops their integer bit).
 */
export function pseudoEncoding(se: number, hi: number): boolean {
  const e = se & 0x7fff;
  const integer = (hi & 0x80000000) !== 0;
  if (e === 0) return integer;
  return !integer;
}

/** FLD m32fp/m64fp of a NaN: the extended NaN with the quiet bit set (masked #IA for a signalling one). */
export function nanLoad(bytes: Uint8Array, bits: 32 | 64): [number, number, number] | null {
  let v = 0n;
  for (let k = bytes.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]);
  const frac = bits === 32 ? 23n : 52n;
  const expBits = bits === 32 ? 8n : 11n;
  const exp = (v >> frac) & ((1n << expBits) - 1n);
  const fraction = v & ((1n << frac) - 1n);
  if (exp !== (1n << expBits) - 1n || fraction === 0n) return null;
  const sign = (v >> BigInt(bits - 1)) & 1n;
  const mant = (1n << 63n) | (1n << 62n) | (fraction << (63n - frac));
  return [Number(sign << 15n) | 0x7fff, Number(mant >> 32n) >>> 0, Number(mant & 0xffffffffn) >>> 0];
}
