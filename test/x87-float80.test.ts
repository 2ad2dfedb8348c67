// Unit tests of the exact 80-bit arithmetic (src/cpu/float80*.ts) and the correctly rounded double
// functions (src/cpu/cr-math.ts) against known bit patterns: 1/3 and sqrt(2) under the rounding
// and precision controls, integer, float and BCD conversions, NaN propagation, comparisons, the
// special operands of each operation, and the exception flags with their masked responses.
// The reference patterns are the well-known constants and values read back from the reference
// emulator (Unicorn 2) running the same operation.

import { crAtan2, crCos, crExp2, crLog, crSin, crTan } from '../src/cpu/cr-math';
import { EQUAL, GREATER, LESS, UNORDERED, compare, examineClass } from '../src/cpu/float80-compare';
import { x87Constant } from '../src/cpu/float80-constants';
import {
  BCD_INDEFINITE, fromBcd, fromF32, fromF64, fromInt, roundToInt, toBcd, toF32, toF32Exact, toF64, toF64Exact, toInt,
} from '../src/cpu/float80-convert';
import { extract, partialRemainder, scale } from '../src/cpu/float80-remainder';
import { f2xm1Value, fpatanValue, fyl2xValue, fyl2xp1Value } from '../src/cpu/float80-transcendental';
import {
  DE, type F80, FpEnv, IE, INDEFINITE, OE, PE, RC_DOWN, RC_NEAREST, RC_UP, RC_ZERO, UE, ZE, add, addExact, div, isqrt, mul, mulExact,
  pack80, roundExact, sqrt,
} from '../src/cpu/float80';

/** 'se:significand' in hex, as in the SDM's tables (e.g. '3fff:8000000000000000' = 1.0). */
function v(text: string): F80 {
  const [se, sig] = text.split(':');
  const s = sig.padStart(16, '0');
  return { se: parseInt(se, 16), hi: parseInt(s.slice(0, 8), 16) >>> 0, lo: parseInt(s.slice(8), 16) >>> 0 };
}
const hex = (a: F80): string => `${a.se.toString(16)}:${a.hi.toString(16).padStart(8, '0')}${a.lo.toString(16).padStart(8, '0')}`;

/** A context under control word bits: rc (0-3) and pc (0, 2, 3); all exceptions masked. */
function env(rc = RC_NEAREST, pc = 3): FpEnv {
  return new FpEnv().reset(0x3f | (pc << 8) | (rc << 10));
}

const ONE = v('3fff:8000000000000000');
const TWO = v('4000:8000000000000000');
const THREE = v('4000:c000000000000000');
const QNAN = v('7fff:c000000000001234');
const SNAN = v('7fff:8000000000005678');

describe('rounding: 1/3 under RC and PC (SDM Vol. 1, 4.8.4 and 8.1.5.2)', () => {
  test('64-bit precision, round to nearest rounds up and reports it', () => {
    const e = env();
    expect(hex(div(ONE, THREE, e))).toBe('3ffd:aaaaaaaaaaaaaaab');
    expect(e.flags).toBe(PE);
    expect(e.roundedUp).toBe(true);
  });
  test('round down and toward zero truncate; round up matches nearest here', () => {
    expect(hex(div(ONE, THREE, env(RC_DOWN)))).toBe('3ffd:aaaaaaaaaaaaaaaa');
    expect(hex(div(ONE, THREE, env(RC_ZERO)))).toBe('3ffd:aaaaaaaaaaaaaaaa');
    expect(hex(div(ONE, THREE, env(RC_UP)))).toBe('3ffd:aaaaaaaaaaaaaaab');
    const neg = { ...THREE, se: 0xc000 };
    expect(hex(div(ONE, neg, env(RC_DOWN)))).toBe('bffd:aaaaaaaaaaaaaaab');
  });
  test('53- and 24-bit precision control keep fewer significand bits', () => {
    expect(hex(div(ONE, THREE, env(RC_NEAREST, 2)))).toBe('3ffd:aaaaaaaaaaaaa800');
    expect(hex(div(ONE, THREE, env(RC_NEAREST, 0)))).toBe('3ffd:aaaaab0000000000');
    expect(hex(add(ONE, v('3fbf:8000000000000000'), env(RC_UP, 0)))).toBe('3fff:8000010000000000');
  });
  test('sqrt(2) and exact square roots', () => {
    const e = env();
    expect(hex(sqrt(TWO, e))).toBe('3fff:b504f333f9de6484');
    expect(e.flags).toBe(PE);
    const exact = env();
    expect(hex(sqrt(v('4002:9000000000000000'), exact))).toBe('4000:c000000000000000'); // sqrt(9) = 3
    expect(exact.flags).toBe(0);
  });
  test('round to integral by each mode, zero signs kept', () => {
    const x = v('4000:a000000000000000'); // 2.5
    const nx = v('c000:a000000000000000');
    expect([RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO].map((rc) => hex(roundToInt(x, env(rc))))).toEqual(
      ['4000:8000000000000000', '4000:8000000000000000', '4000:c000000000000000', '4000:8000000000000000']);
    expect([RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO].map((rc) => hex(roundToInt(nx, env(rc))))).toEqual(
      ['c000:8000000000000000', 'c000:c000000000000000', 'c000:8000000000000000', 'c000:8000000000000000']);
    expect(hex(roundToInt(v('bffd:8000000000000000'), env()))).toBe('8000:0000000000000000'); // -0.25 -> -0
  });
});

describe('special operands and exceptions', () => {
  test('x/0 is infinity with ZE; 0/0 and inf - inf are invalid (the indefinite)', () => {
    const e = env();
    expect(hex(div(ONE, v('0:0'), e))).toBe('7fff:8000000000000000');
    expect(e.flags).toBe(ZE);
    const z = env();
    expect(div(v('0:0'), v('8000:0'), z)).toEqual(INDEFINITE);
    expect(z.flags).toBe(IE);
    const i = env();
    expect(add(v('7fff:8000000000000000'), v('ffff:8000000000000000'), i)).toEqual(INDEFINITE);
    expect(i.flags).toBe(IE);
  });
  test('exact cancellation gives +0, or -0 when rounding down', () => {
    expect(hex(add(ONE, ONE, env(), true))).toBe('0:0000000000000000');
    expect(hex(add(ONE, ONE, env(RC_DOWN), true))).toBe('8000:0000000000000000');
  });
  test('overflow: infinity or the largest finite value by RC, with OE and PE', () => {
    const max = v('7ffe:ffffffffffffffff');
    const e = env();
    expect(hex(mul(max, TWO, e))).toBe('7fff:8000000000000000');
    expect(e.flags).toBe(OE | PE);
    expect(hex(mul(max, TWO, env(RC_ZERO)))).toBe('7ffe:ffffffffffffffff');
    expect(hex(mul(max, TWO, env(RC_ZERO, 2)))).toBe('7ffe:fffffffffffff800');
  });
  test('unmasked overflow delivers the result scaled by 2^-24576', () => {
    const e = new FpEnv().reset(0x37f & ~OE);
    expect(hex(mul(v('7ffe:8000000000000000'), v('4001:8000000000000000'), e))).toBe('2000:8000000000000000');
    expect(e.flags & OE).toBe(OE);
  });
  test('tiny inexact results raise UE and PE; denormal operands raise DE', () => {
    const e = env();
    const r = mul(v('0001:8000000000000001'), v('3ffe:8000000000000000'), e); // half the smallest normal, plus
    expect(hex(r)).toBe('0:4000000000000000');
    expect(e.flags).toBe(UE | PE);
    const d = env();
    expect(hex(add(v('0:0000000000000001'), v('0:0000000000000001'), d))).toBe('0:0000000000000002');
    expect(d.flags).toBe(DE);
  });
  test('unsupported encodings (unnormals, pseudo-infinity) are invalid operands', () => {
    const e = env();
    expect(add(v('3fff:4000000000000000'), ONE, e)).toEqual(INDEFINITE);
    expect(e.flags).toBe(IE);
    expect(mul(v('7fff:0000000000000000'), ONE, env())).toEqual(INDEFINITE);
  });
});

describe('NaN propagation (SDM Vol. 1, Table 4-7)', () => {
  test('a QNaN operand passes through without IE; an SNaN is quieted with IE', () => {
    const q = env();
    expect(hex(add(QNAN, ONE, q))).toBe('7fff:c000000000001234');
    expect(q.flags).toBe(0);
    const s = env();
    expect(hex(mul(ONE, SNAN, s))).toBe('7fff:c000000000005678');
    expect(s.flags).toBe(IE);
  });
  test('SNaN with QNaN gives the QNaN; two QNaNs give the larger significand', () => {
    expect(hex(add(SNAN, QNAN, env()))).toBe('7fff:c000000000001234');
    expect(hex(div(v('ffff:c000000000000001'), v('7fff:c000000000000002'), env()))).toBe('7fff:c000000000000002');
    expect(hex(sqrt(v('ffff:c000000000000009'), env()))).toBe('ffff:c000000000000009');
  });
  test('sqrt of a negative number is invalid; sqrt(-0) is -0', () => {
    expect(sqrt(v('bfff:8000000000000000'), env())).toEqual(INDEFINITE);
    expect(hex(sqrt(v('8000:0'), env()))).toBe('8000:0000000000000000');
  });
});

describe('comparisons and classes', () => {
  test('ordered results, signed zeros equal, infinities ordered', () => {
    expect(compare(ONE, TWO, false, env())).toBe(LESS);
    expect(compare(TWO, ONE, false, env())).toBe(GREATER);
    expect(compare(v('0:0'), v('8000:0'), false, env())).toBe(EQUAL);
    expect(compare(v('ffff:8000000000000000'), v('c3ff:ffffffffffffffff'), false, env())).toBe(LESS);
    expect(compare(v('0:0000000000000001'), v('0:0'), false, env())).toBe(GREATER);
  });
  test('FCOM raises IE for any NaN, FUCOM only for SNaN', () => {
    const ordered = env();
    expect(compare(QNAN, ONE, false, ordered)).toBe(UNORDERED);
    expect(ordered.flags).toBe(IE);
    const quiet = env();
    expect(compare(QNAN, ONE, true, quiet)).toBe(UNORDERED);
    expect(quiet.flags).toBe(0);
    const signaling = env();
    expect(compare(SNAN, ONE, true, signaling)).toBe(UNORDERED);
    expect(signaling.flags).toBe(IE);
  });
  test('FXAM classes (C3 C2 C0)', () => {
    expect(examineClass(ONE, false)).toBe(0x400);
    expect(examineClass(v('7fff:8000000000000000'), false)).toBe(0x500);
    expect(examineClass(QNAN, false)).toBe(0x100);
    expect(examineClass(v('0:0'), false)).toBe(0x4000);
    expect(examineClass(v('0:0000000000000010'), false)).toBe(0x4400);
    expect(examineClass(v('3fff:0000000000000010'), false)).toBe(0);
    expect(examineClass(ONE, true)).toBe(0x4100);
  });
});

describe('conversions', () => {
  test('integers load exactly and store by RC; out of range is invalid', () => {
    expect(hex(fromInt(-123456789012345678n))).toBe('c037:db4da5d31879a700');
    expect(hex(fromInt(-(1n << 63n)))).toBe('c03e:8000000000000000');
    const e = env();
    expect(toInt(v('4000:a000000000000000'), 32, e)).toBe(2n);
    expect(e.flags).toBe(PE);
    expect(toInt(v('4000:a000000000000000'), 32, env(RC_UP))).toBe(3n);
    const big = env();
    expect(toInt(v('400d:ffff000000000000'), 16, big)).toBeNull(); // 32767.5 rounds to 32768
    expect(big.flags).toBe(IE);
    expect(toInt(v('c00e:8000000000000000'), 16, env())).toBe(-32768n);
    expect(toInt(QNAN, 64, env())).toBeNull();
  });
  test('float32 and float64 round trips and roundings', () => {
    expect(hex(fromF64(0x9999999a, 0x3fb99999, env()))).toBe('3ffb:ccccccccccccd000'); // 0.1
    expect(toF32(div(ONE, THREE, env()), env())! >>> 0).toBe(0x3eaaaaab);
    expect(toF64(div(ONE, THREE, env()), env())).toEqual([0x55555555, 0x3fd55555]);
    expect(toF32(v('7ffe:8000000000000000'), env())! >>> 0).toBe(0x7f800000);
    expect(toF32(v('7ffe:8000000000000000'), env(RC_ZERO))! >>> 0).toBe(0x7f7fffff);
    expect(toF64(v('3bcd:8000000000000000'), env())).toEqual([1, 0]); // 2^-1074, the smallest denormal
    expect(toF64(v('3bcc:8000000000000000'), env())).toEqual([0, 0]); // 2^-1075 ties to even: +0
    const s = env();
    expect(hex(fromF32(0x7f800001, s))).toBe('7fff:c000010000000000'); // FLD quiets an SNaN
    expect(s.flags).toBe(IE);
    expect(hex(fromF32(0x7f800001, env(), false))).toBe('7fff:8000010000000000'); // arithmetic source keeps it
    expect(toF32(SNAN, env())! >>> 0).toBe(0x7fc00000);
  });
  test('packed BCD: round trip, signs, and the indefinite for out-of-range values', () => {
    const bytes = [0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80];
    const x = fromBcd(bytes);
    expect(hex(x)).toBe('c037:db4da5d31879a700');
    expect(toBcd(x, env())).toEqual(bytes);
    expect(toBcd(v('8000:0'), env())).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    const big = env();
    expect(toBcd(fromInt(10n ** 18n), big)).toBeNull();
    expect(big.flags).toBe(IE);
    expect(BCD_INDEFINITE).toEqual([0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff]);
  });
});

describe('remainder, extract, scale, constants', () => {
  test('FPREM is exact: 1 rem 0.1 (as doubles) is fmod(1, 0.1) = 0.09999999999999995, quotient 9', () => {
    const one = fromF64(0, 0x3ff00000, env());
    const tenth = fromF64(0x9999999a, 0x3fb99999, env());
    const r = partialRemainder(one, tenth, false, env());
    expect(r.complete).toBe(true);
    expect(r.quotient).toBe(9 & 7);
    expect(toF64(r.value, env())).toEqual([0x99999996 | 0, 0x3fb99999]);
  });
  test('FPREM1 rounds the quotient to nearest; large exponent gaps reduce partially', () => {
    const r = partialRemainder(v('3ffe:c000000000000000'), ONE, true, env()); // 0.75 rem 1
    expect(hex(r.value)).toBe('bffd:8000000000000000');
    expect(r.quotient).toBe(1);
    expect(partialRemainder(v('40ff:8000000000000001'), THREE, false, env()).complete).toBe(false);
  });
  test('FXTRACT splits exponent and significand; FSCALE scales exactly', () => {
    const r = extract(v('4005:c000000000000000'), env());
    expect(hex(r.exponent)).toBe('4001:c000000000000000'); // 6
    expect(hex(r.significand)).toBe('3fff:c000000000000000');
    const z = env();
    expect(hex(extract(v('8000:0'), z).exponent)).toBe('ffff:8000000000000000');
    expect(z.flags).toBe(ZE);
    expect(hex(scale(THREE, v('c000:a000000000000000'), env()))).toBe('3ffe:c000000000000000'); // 3 * 2^-2
  });
  test('constants are rounded by RC (FLDPI, FLDL2E)', () => {
    expect(hex(x87Constant(3, RC_NEAREST))).toBe('4000:c90fdaa22168c235');
    expect(hex(x87Constant(3, RC_DOWN))).toBe('4000:c90fdaa22168c234');
    expect(hex(x87Constant(2, RC_NEAREST))).toBe('3fff:b8aa3b295c17f0bc');
    expect(hex(x87Constant(1, RC_UP))).toBe('4000:d49a784bcd1b8aff');
  });
});

describe('correctly rounded double functions (the reference emulator calls glibc)', () => {
  const bits = (d: number): string => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, d);
    return view.getBigUint64(0).toString(16);
  };
  test('values with known correctly rounded bit patterns', () => {
    expect(bits(crSin(1))).toBe('3feaed548f090cee');
    expect(bits(crCos(1))).toBe('3fe14a280fb5068c');
    expect(bits(crTan(0.5))).toBe('3fe17b4f5bf3474a');
    expect(bits(crAtan2(1, 2))).toBe('3fddac670561bb4f');
    expect(bits(crLog(10))).toBe('40026bb1bbb55516');
    expect(bits(crExp2(0.5))).toBe('3ff6a09e667f3bcd');
    expect(bits(crSin(Math.PI))).toBe('3ca1a62633145c07');
  });
  test('exact and special cases', () => {
    expect(Object.is(crSin(-0), -0)).toBe(true);
    expect(crCos(0)).toBe(1);
    expect(crLog(1)).toBe(0);
    expect(crExp2(-1074)).toBe(5e-324);
    expect(crExp2(-1075)).toBe(0);
    expect(crAtan2(0, -1)).toBe(Math.PI);
    expect(crAtan2(-Infinity, Infinity)).toBe(-Math.PI / 4);
  });
});

describe('the fast add and multiply paths agree with the exact ones', () => {
  /** A small deterministic generator (xorshift32), so a failure reproduces. */
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed;
  };
  const operand = (exp: number): F80 => ({ se: (next() & 0x8000) | exp, hi: (next() | 0x80000000) >>> 0, lo: next() });
  const near = (a: F80, gap: number): F80 => {
    const b = operand(Math.max(1, Math.min(0x7ffe, (a.se & 0x7fff) - gap)));
    // Often share leading significand bits, so subtraction cancels deeply.
    return next() & 1 ? { ...b, hi: a.hi, lo: (a.lo ^ (next() >>> (next() & 31))) >>> 0 } : b;
  };
  const result = (f: (e: FpEnv) => F80) => {
    const e = env();
    const r = f(e);
    return `${hex(r)} ${e.flags} ${e.roundedUp && (e.flags & PE) !== 0}`;
  };
  test('20000 random normal operand pairs: equal exponents, gaps up to 70, extreme exponents', () => {
    let mismatches = 0;
    for (let k = 0; k < 20000; k++) {
      const exp = [0x3fff, 1 + (next() % 3), 0x7ffe - (next() % 3), 1 + (next() % 0x7ffe)][k & 3];
      const a = operand(exp);
      const b = near(a, (next() % 72) - 1);
      for (const subtract of [false, true]) {
        if (result((e) => add(a, b, e, subtract)) !== result((e) => addExact(a, b, e, subtract))) mismatches++;
      }
      const c = operand(k & 1 ? 0x3fff + (next() % 64) - 32 : 1 + (next() % 0x7ffe));
      if (result((e) => mul(a, c, e)) !== result((e) => mulExact(a, c, e))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
  test('20000 random stores to m32fp/m64fp and loads back', () => {
    let mismatches = 0;
    for (let k = 0; k < 20000; k++) {
      let a = operand(0x3fff + (next() % 2400) - 1200);
      // Exact halfway cases for double (low 11 bits 0x400) and single (low 40 bits 0x80_00000000).
      if ((k & 3) === 1) a = { ...a, lo: ((a.lo & ~0x7ff) | 0x400) >>> 0 };
      if ((k & 3) === 2) a = { ...a, hi: ((a.hi & ~0xff) | 0x80) >>> 0, lo: 0 };
      if (result((e) => fromF32(toF32(a, e) ?? 0, e)) !== result((e) => fromF32(toF32Exact(a, e) ?? 0, e))) mismatches++;
      const d = (e: FpEnv, f: typeof toF64) => { const r = f(a, e) ?? [0, 0]; return fromF64(r[0], r[1], e); };
      if (result((e) => d(e, toF64)) !== result((e) => d(e, toF64Exact))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe('F2XM1, FYL2X, FYL2XP1, FPATAN in extended precision (correctly rounded, RC applies)', () => {
  const FLDL2T = 1, FLDL2E = 2, FLDPI = 3, FLDLN2 = 5;
  const HALF = v('3ffe:8000000000000000');
  const TEN = v('4002:a000000000000000');
  const NEG = (a: F80): F80 => ({ ...a, se: a.se ^ 0x8000 });
  const withExponent = (a: F80, se: number): F80 => ({ ...a, se });
  /** 2 artanh(1/n) * 2^bits (truncated), from its series. */
  function artanh2(n: bigint, bits: bigint): bigint {
    let sum = 0n;
    for (let k = 0n, p = (1n << bits) / n; p !== 0n; k++, p /= n * n) sum += (2n * p) / (2n * k + 1n);
    return sum;
  }
  /** FLDLN2 * log2(1.25) = FLDLN2 * ln(5/4) / ln 2 = FLDLN2 * artanh(1/9) / artanh(1/3), rounded to nearest. */
  const LN_1_25 = (() => {
    const bits = 320n;
    const y = x87Constant(FLDLN2, RC_NEAREST);
    const ySig = (BigInt(y.hi) << 32n) | BigInt(y.lo); // y = ySig * 2^-64
    const q = (ySig * artanh2(9n, bits) << bits) / artanh2(3n, bits); // result * 2^(bits + 64), error far below 2^200
    const r = roundExact(false, q, -Number(bits) - 64, true, 64, -16382, RC_NEAREST);
    return hex(pack80(false, r.m, r.l));
  })();
  /** (sqrt(2) - 1) or (sqrt(2)/2 - 1), from an integer square root, rounded by rc. */
  function sqrt2Minus1(rc: number, half: boolean): string {
    const bits = 300n;
    const root = isqrt(2n << (2n * bits)); // floor(sqrt(2) * 2^bits), never exact
    const negative = half;
    const value = half ? (1n << bits) - (root >> 1n) : root - (1n << bits); // |result| * 2^bits, floor or ceil by < 1
    const r = roundExact(negative, value, -Number(bits), true, 64, -16382, rc);
    return hex(pack80(negative, r.m, r.l));
  }

  test('f2xm1(0.5) = sqrt(2) - 1 and f2xm1(-0.5) = sqrt(1/2) - 1 under every RC, PE and C1', () => {
    for (const rc of [RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO]) {
      const e = env(rc);
      expect(hex(f2xm1Value(HALF, e))).toBe(sqrt2Minus1(rc, false));
      expect(e.flags).toBe(PE);
      expect(e.roundedUp).toBe(rc === RC_UP);
      expect(hex(f2xm1Value(NEG(HALF), env(rc)))).toBe(sqrt2Minus1(rc, true));
    }
    expect(hex(f2xm1Value(HALF, env()))).toBe('3ffd:d413cccfe7799211');
    expect(hex(f2xm1Value(HALF, env(RC_UP)))).toBe('3ffd:d413cccfe7799212');
  });

  test('f2xm1: exact at the integers, ln 2 * x for tiny x, special operands', () => {
    let e = env();
    expect(hex(f2xm1Value(ONE, e))).toBe('3fff:8000000000000000');
    expect(e.flags).toBe(0);
    e = env();
    expect(hex(f2xm1Value(NEG(ONE), e))).toBe('bffe:8000000000000000');
    expect(e.flags).toBe(0);
    // 2^(2^-100) - 1 = 2^-100 ln 2 (1 + 2^-101 ln 2 + ...): the rounding of FLDLN2.
    for (const rc of [RC_NEAREST, RC_DOWN, RC_UP]) {
      expect(hex(f2xm1Value(v('3f9b:8000000000000000'), env(rc)))).toBe(hex(withExponent(x87Constant(FLDLN2, rc), 0x3ffe - 100)));
    }
    expect(hex(f2xm1Value(v('8000:0000000000000000'), env()))).toBe('8000:0000000000000000');
    expect(hex(f2xm1Value(v('ffff:8000000000000000'), env()))).toBe('bfff:8000000000000000');
    expect(hex(f2xm1Value(v('7fff:8000000000000000'), env()))).toBe('7fff:8000000000000000');
  });

  test('fyl2x: log2 10 is FLDL2T under every RC; powers of two are exact; 8 -> 3 * y', () => {
    for (const rc of [RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO]) {
      const e = env(rc);
      expect(hex(fyl2xValue(TEN, ONE, e))).toBe(hex(x87Constant(FLDL2T, rc)));
      expect(e.flags).toBe(PE);
    }
    let e = env();
    expect(hex(fyl2xValue(TWO, ONE, e))).toBe('3fff:8000000000000000'); // fyl2x(2, 1) = 1
    expect(e.flags).toBe(0);
    e = env();
    expect(hex(fyl2xValue(v('4002:8000000000000000'), THREE, e))).toBe('4002:9000000000000000'); // 3 log2 8 = 9
    expect(e.flags).toBe(0);
    expect(hex(fyl2xValue(HALF, THREE, env()))).toBe('c000:c000000000000000'); // 3 log2(1/2) = -3
    // musl's log(1.25): FLDLN2; FXCH; FYL2X.
    expect(hex(fyl2xValue(v('3fff:a000000000000000'), x87Constant(FLDLN2, RC_NEAREST), env()))).toBe(LN_1_25);
    expect(LN_1_25).toBe('3ffc:e47fbe3cd4d10d61');
  });

  test('fyl2x special operands (SDM table): log 0, log of negatives, log 1, infinities', () => {
    let e = env();
    expect(hex(fyl2xValue(v('0:0'), ONE, e))).toBe('ffff:8000000000000000');
    expect(e.flags).toBe(ZE);
    e = env();
    expect(fyl2xValue(NEG(ONE), ONE, e)).toEqual(INDEFINITE);
    expect(e.flags).toBe(IE);
    expect(hex(fyl2xValue(ONE, v('4001:a000000000000000'), env()))).toBe('0:0000000000000000');
    expect(hex(fyl2xValue(ONE, v('c001:a000000000000000'), env()))).toBe('8000:0000000000000000');
    expect(hex(fyl2xValue(HALF, v('7fff:8000000000000000'), env()))).toBe('ffff:8000000000000000');
    expect(fyl2xValue(ONE, v('7fff:8000000000000000'), env())).toEqual(INDEFINITE);
    expect(fyl2xValue(v('7fff:8000000000000000'), v('0:0'), env())).toEqual(INDEFINITE);
    expect(fyl2xValue(v('0:0'), v('0:0'), env())).toEqual(INDEFINITE);
  });

  test('fyl2xp1: log2(1 + 2^-100) is 2^-100 FLDL2E; exact powers of two; x <= -1 is invalid', () => {
    for (const rc of [RC_NEAREST, RC_DOWN, RC_UP]) {
      // log2(1 + t) = t log2(e) (1 - t/2 + ...), t = 2^-100: the correction is far below the last bit.
      const e = env(rc);
      const r = fyl2xp1Value(v('3f9b:8000000000000000'), ONE, e);
      if (rc === RC_NEAREST) expect(hex(r)).toBe(hex(withExponent(x87Constant(FLDL2E, rc), 0x3fff - 100)));
      expect(e.flags).toBe(PE);
    }
    let e = env();
    expect(hex(fyl2xp1Value(ONE, THREE, e))).toBe('4000:c000000000000000'); // 3 log2(2)
    expect(e.flags).toBe(0);
    expect(hex(fyl2xp1Value(NEG(HALF), ONE, env()))).toBe('bfff:8000000000000000'); // log2(1/2)
    e = env();
    expect(fyl2xp1Value(NEG(ONE), ONE, e)).toEqual(INDEFINITE);
    expect(e.flags).toBe(IE);
    expect(hex(fyl2xp1Value(v('8000:0000000000000000'), ONE, env()))).toBe('8000:0000000000000000');
    // log1p(0.25) (glibc's path, FLDLN2; FXCH; FYL2XP1) = ln 1.25, as log(1.25) above.
    expect(hex(fyl2xp1Value(v('3ffd:8000000000000000'), x87Constant(FLDLN2, RC_NEAREST), env()))).toBe(LN_1_25);
  });

  test('fpatan: atan2(1, 1) = pi/4 and atan2(-0, -1) = -pi follow FLDPI under every RC', () => {
    for (const rc of [RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO]) {
      const pi = x87Constant(FLDPI, rc);
      const e = env(rc);
      expect(hex(fpatanValue(ONE, ONE, e))).toBe(hex(withExponent(pi, 0x3ffe)));
      expect(e.flags).toBe(PE);
      expect(hex(fpatanValue(ONE, v('3fff:8000000000000000'), env(rc)))).toBe(hex(withExponent(pi, 0x3ffe)));
      expect(hex(fpatanValue(v('0:0'), ONE, env(rc)))).toBe(hex(withExponent(pi, 0x3fff))); // pi/2
    }
    expect(hex(fpatanValue(ONE, ONE, env()))).toBe('3ffe:c90fdaa22168c235');
    // Round down to -pi: the magnitude rounds up.
    expect(hex(fpatanValue(NEG(ONE), v('8000:0000000000000000'), env(RC_DOWN)))).toBe(hex(NEG(x87Constant(FLDPI, RC_UP))));
    // atan(1/2) (QEMU 7.2's table value).
    expect(hex(fpatanValue(TWO, ONE, env()))).toBe('3ffd:ed63382b0dda7b45');
    // Tiny quotients: atan2(2^-16000, 1) = 2^-16000 (1 - ...), inexact, rounded below under RC_DOWN.
    let e = env(RC_DOWN);
    expect(hex(fpatanValue(ONE, v('00bf:8000000000000000'), e))).toBe('be:ffffffffffffffff');
    expect(e.flags).toBe(PE);
    e = env();
    expect(hex(fpatanValue(v('7fff:8000000000000000'), ONE, e))).toBe('0:0000000000000000');
    expect(e.flags).toBe(0);
  });

  test('the precision control does not apply (SDM Vol. 1, 8.1.5.2)', () => {
    expect(hex(fpatanValue(ONE, ONE, env(RC_NEAREST, 0)))).toBe('3ffe:c90fdaa22168c235');
    expect(hex(f2xm1Value(HALF, env(RC_NEAREST, 2)))).toBe('3ffd:d413cccfe7799211');
  });
});
