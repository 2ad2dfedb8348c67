// The allocation-free fast paths of the x87 arithmetic (src/cpu/float80-fast.ts,
// float80-divsqrt.ts, float80-fastconv.ts) against the exact BigInt paths they stand in for
// (the *Exact functions of float80.ts and float80-convert.ts, compare, tagOf, toInt, fromInt),
// on random operands of every class (zeros, denormals, pseudo-denormals, unnormals, infinities,
// NaNs, extreme exponents, significands with few bits or long runs of ones, exact products and
// squares, near-cancellations) under every rounding and precision control. Whenever a fast path
// answers, its bits, PE and rounding direction must be the exact path's; the hit counts show
// the fast paths do answer for the common cases. X87_FAST_N=2000000 runs a long soak.

import { compare, tagOf } from '../src/cpu/float80-compare';
import { fromF32Exact, fromF64Exact, fromInt, toF32Exact, toF64Exact, toInt } from '../src/cpu/float80-convert';
import { FAST_PE, FAST_UP, OPND, RES, add80, mul80 } from '../src/cpu/float80-fast';
import { div80, sqrt80 } from '../src/cpu/float80-divsqrt';
import {
  MEMOP, compare80, loadF32, loadF64, loadInt32, loadInt64, storeF32, storeF64, storeInt, tagBits,
} from '../src/cpu/float80-fastconv';
import { type F80, FpEnv, PE, addExact, divExact, mulExact, setOperands, sqrtExact } from '../src/cpu/float80';

const N = Number(process.env.X87_FAST_N ?? 25000);

/** xorshift32: deterministic, so a failure reproduces. */
let seed = 0x9e3779b9;
function next(): number {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}

const hex = (a: F80): string => `${a.se.toString(16)}:${a.hi.toString(16).padStart(8, '0')}${a.lo.toString(16).padStart(8, '0')}`;

/** A significand (J set) with a random bit pattern of one of several shapes. */
function significand(): [number, number] {
  const r = next() & 15;
  const hi = (next() | 0x80000000) >>> 0, lo = next();
  switch (r) {
    case 0: return [0x80000000, 0];
    case 1: return [0xffffffff, 0xffffffff];
    case 2: return [hi, (lo & ~0x7ff) >>> 0]; // a double's 53 bits
    case 3: return [(hi & ~0xff) >>> 0, 0]; // a single's 24 bits
    case 4: return [(0x80000000 | (1 << (next() & 31))) >>> 0, next() & 1 ? (1 << (next() & 31)) >>> 0 : 0];
    case 5: return [hi, (lo | 0x3ff) >>> 0];
    case 6: return [(hi | 0xff) >>> 0, (lo & ~0x7ff | 0x400) >>> 0]; // halfway for 53 bits
    case 7: return [(hi >>> (next() & 31) | 0x80000000) >>> 0, lo >>> (next() & 31)];
    default: return [hi, lo];
  }
}

/** A random 80-bit value: mostly normal near 1.0, every other class too. */
function operand(): F80 {
  const sign = next() & 0x8000;
  const [hi, lo] = significand();
  const r = next() % 100;
  if (r < 4) return { se: sign, hi: 0, lo: 0 };
  if (r < 6) return { se: sign, hi: hi & 0x7fffffff, lo }; // denormal
  if (r < 7) return { se: sign, hi, lo }; // pseudo-denormal
  if (r < 8) return { se: sign | 0x7fff, hi: 0x80000000, lo: 0 };
  if (r < 9) return { se: sign | 0x7fff, hi: (hi | (next() & 0x40000000)) >>> 0, lo: (lo | 1) >>> 0 }; // NaN
  if (r < 10) return { se: sign | (1 + (next() % 0x7ffe)), hi: hi & 0x7fffffff, lo }; // unnormal
  if (r < 14) return { se: sign | (next() & 1 ? 1 + (next() % 80) : 0x7ffe - (next() % 80)), hi, lo };
  if (r < 20) return { se: sign | (1 + (next() % 0x7ffe)), hi, lo };
  return { se: sign | (0x3fff + (next() % 128) - 64), hi, lo };
}

/** A second operand: unrelated, or close to `a` (exponent gaps 0-70, shared leading bits). */
function partner(a: F80): F80 {
  const b = operand();
  if ((next() & 1) === 0 || (a.se & 0x7fff) === 0 || (a.se & 0x7fff) === 0x7fff) return b;
  const e = Math.max(1, Math.min(0x7ffe, (a.se & 0x7fff) - (next() % 72) + 1));
  const lo = next() & 1 ? (a.lo ^ (next() >>> (next() & 31))) >>> 0 : b.lo;
  return { se: (b.se & 0x8000) | e, hi: next() & 1 ? a.hi : b.hi, lo };
}

/** Every rounding control and precision control (PC = 1 reserved), all exceptions masked. */
const CONTROLS = Array.from({ length: 16 }, (_, k) => 0x3f | ((k & 3) << 10) | ((k >> 2) << 8));

const fastText = (): string =>
  `${hex({ se: RES[0] & 0xffff, hi: RES[1] >>> 0, lo: RES[2] >>> 0 })} ${RES[3] & FAST_PE} ${(RES[3] & FAST_UP) !== 0}`;
/** A fast load's value (OPND's B slot; loads raise nothing). */
const loadedText = (): string => `${hex({ se: OPND[3] & 0xffff, hi: OPND[4], lo: OPND[5] })} 0 false`;
function exactText(f: (e: FpEnv) => F80, cw: number): string {
  const e = new FpEnv().reset(cw);
  const r = f(e);
  return `${hex(r)} ${e.flags} ${e.roundedUp && (e.flags & PE) !== 0}`;
}

/** Runs `n` cases; returns [hits, mismatch descriptions]. */
function check(n: number, one: (cw: number) => [boolean, () => string, string]): [number, string[]] {
  let hits = 0;
  const bad: string[] = [];
  for (let k = 0; k < n; k++) {
    const cw = CONTROLS[next() & 15];
    const [hit, fast, what] = one(cw);
    if (!hit) continue;
    hits++;
    const got = fast();
    const want = what.split('|')[1];
    if (got !== want && bad.length < 5) bad.push(`${what.split('|')[0]} cw=${cw.toString(16)}: fast ${got}, exact ${want}`);
  }
  return [hits, bad];
}

describe('fast arithmetic agrees with the exact paths', () => {
  type Core = (cw: number, swap: number) => boolean;
  const binary = (name: string, core: Core, exact: (a: F80, b: F80, e: FpEnv) => F80, make?: () => [F80, F80], swap = 0) =>
    (cw: number): [boolean, () => string, string] => {
      const [a, b] = make ? make() : ((x) => [x, partner(x)] as [F80, F80])(operand());
      setOperands(swap ? b : a, swap ? a : b);
      const hit = core(cw, swap);
      const fast = hit ? fastText() : '';
      return [hit, () => fast, `${name}(${hex(a)}, ${hex(b)})|${hit ? exactText((e) => exact(a, b, e), cw) : ''}`];
    };
  test.each([
    ['add', add80, (a: F80, b: F80, e: FpEnv) => addExact(a, b, e), 0],
    ['mul', mul80, mulExact, 0],
    ['div', div80, divExact, 0],
    ['div (operands swapped, FDIVR)', div80, divExact, 1],
  ] as const)('%s on random operands', (name, core, exact, swap) => {
    const [hits, bad] = check(N, binary(name, core, exact, undefined, swap));
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.5);
  });
  test('subtraction with deep cancellation (a - b, b close to a)', () => {
    const [hits, bad] = check(N, binary('sub', add80, (a, b, e) => addExact(a, b, e), () => {
      const a = operand();
      const b = partner(a);
      return [a, { ...b, se: (a.se ^ 0x8000) & 0x8000 | (b.se & 0x7fff) }];
    }));
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.5);
  });
  test('exact quotients: (b * c) / b with c of few bits', () => {
    const [hits, bad] = check(N, binary('div', div80, divExact, () => {
      const b = operand();
      const c: F80 = { se: 0x3fff + (next() % 40), hi: (0x80000000 | (next() >>> (next() % 32))) >>> 0, lo: 0 };
      return [mulExact(b, c, new FpEnv()), b];
    }));
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.5);
  });
  const unary = (make: () => F80) => (cw: number): [boolean, () => string, string] => {
    const a = make();
    setOperands(a, a);
    const hit = sqrt80(cw);
    const fast = hit ? fastText() : '';
    return [hit, () => fast, `sqrt(${hex(a)})|${hit ? exactText((e) => sqrtExact(a, e), cw) : ''}`];
  };
  test('sqrt on random operands', () => {
    const [hits, bad] = check(N, unary(() => {
      const a = operand();
      return { ...a, se: a.se & 0x7fff };
    }));
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.5);
  });
  test('sqrt of exact squares and of their neighbours', () => {
    const [hits, bad] = check(N, unary(() => {
      const x: F80 = { se: 0x3fff + (next() % 200) - 100, hi: (0x80000000 | (next() >>> (next() % 32))) >>> 0, lo: 0 };
      const sq = mulExact(x, x, new FpEnv());
      const d = (next() % 5) - 2;
      const lo = sq.lo + d;
      return lo < 0 || lo > 0xffffffff ? sq : { ...sq, lo: lo >>> 0 };
    }));
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.9);
  });
});

/** Significands (as BigInt) whose exact products, quotients and roots end just at rounding boundaries. */
describe('fast arithmetic at constructed rounding boundaries', () => {
  const M64 = (1n << 64n) - 1n;
  const big = (): bigint => (BigInt(next()) << 32n) | BigInt(next());
  const split = (se: number, m: bigint): F80 => ({ se, hi: Number(m >> 32n) >>> 0, lo: Number(m & 0xffffffffn) >>> 0 });
  /** x^-1 modulo 2^64 for odd x (Newton's iteration doubles the correct low bits). */
  const inverse = (x: bigint): bigint => {
    let y = x;
    for (let k = 0; k < 6; k++) y = (y * (2n - x * y)) & M64;
    return y;
  };
  /** An odd x with x^2 = c modulo 2^k (c = 1 mod 8), lifted bit by bit (Hensel). */
  const rootMod = (c: bigint, k: number): bigint => {
    let x = 1n;
    for (let i = 3n; i < BigInt(k); i++) if ((((x * x - c) >> i) & 1n) !== 0n) x += 1n << (i - 1n);
    return x & ((1n << BigInt(k)) - 1n);
  };
  const LOWS = [0n, 1n, M64, 1n << 63n, (1n << 63n) + 1n, (1n << 63n) - 1n, 1n << 62n, (1n << 62n) + 1n, (1n << 62n) - 1n];
  test('products whose low 64 bits are 0, 1, -1 or near 2^63 and 2^62 (ties and sticky bits at the bottom)', () => {
    const [hits, bad] = check(N, (cw) => {
      const a = big() | 1n | (1n << 63n);
      let b = (LOWS[next() % LOWS.length] * inverse(a)) & M64;
      b |= 1n << 63n;
      const x = split(0x3fff + (next() % 8), a), y = split((next() & 0x8000) | 0x3ff0, b);
      setOperands(x, y);
      const hit = mul80(cw);
      const fast = hit ? fastText() : '';
      return [hit, () => fast, `mul(${hex(x)}, ${hex(y)})|${hit ? exactText((e) => mulExact(x, y, e), cw) : ''}`];
    });
    expect(bad).toEqual([]);
    expect(hits).toBe(N);
  });
  test('quotients with remainders below 2^32 or just below the divisor', () => {
    const [hits, bad] = check(N, (cw) => {
      const b = big() | 1n | (1n << 63n);
      const r = next() & 1 ? BigInt(next() & 0xff) : b - 1n - BigInt(next() & 0xff);
      // A * 2^64 = Q * B + R needs Q = -R / B modulo 2^64; Q's top bit decides A's range.
      let q = (-r * inverse(b)) & M64;
      if (next() & 1) q += 1n << 64n;
      const a = (q * b + r) >> 64n;
      if (a < 1n << 63n || a > M64 || (q * b + r) % (1n << 64n) !== 0n) return [false, () => '', ''];
      const x = split(0x3fff, a), y = split((next() & 0x8000) | 0x3ffe, b);
      setOperands(x, y);
      const hit = div80(cw, 0);
      const fast = hit ? fastText() : '';
      return [hit, () => fast, `div(${hex(x)}, ${hex(y)})|${hit ? exactText((e) => divExact(x, y, e), cw) : ''}`];
    });
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.3);
  });
  test('square roots with remainders N - S^2 below 2^32', () => {
    const [hits, bad] = check(N, (cw) => {
      // N = S^2 + d with N = M * 2^63 (even exponent) or M * 2^64 (odd), d = 1 mod 8 small:
      // S is a square root of -d modulo 2^63 or 2^64, moved into N's range of roots.
      const wide = (next() & 1) === 1;
      const k = wide ? 64n : 63n;
      const d = BigInt((next() & 0x1f) * 8 + 7);
      // The roots of -d modulo 2^k are +-s and +-s + 2^(k-1); S must lie in [2^63, 2^63.5)
      // for N = M * 2^63, in [2^63.5, 2^64) for N = M * 2^64.
      const s0 = rootMod((1n << k) - d, Number(k)) & ((1n << 62n) - 1n);
      const half = 1n << 62n;
      const r = [s0, half - s0].reduce((x, y) => (x < y ? x : y));
      const s = wide ? (1n << 64n) - r : (1n << 63n) + r;
      const m = (s * s + d) >> k;
      if (m < 1n << 63n || m > M64) return [false, () => '', ''];
      // E = exponent - 16383 is even for N = M * 2^63 and odd for M * 2^64.
      const a = split((wide ? 0x4000 : 0x3fff) + 2 * (next() % 50) - 50, m);
      setOperands(a, a);
    const hit = sqrt80(cw);
      const fast = hit ? fastText() : '';
      return [hit, () => fast, `sqrt(${hex(a)})|${hit ? exactText((e) => sqrtExact(a, e), cw) : ''}`];
    });
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.3);
  });
});

describe('fast conversions and comparisons agree with the exact paths', () => {
  const env = (cw: number) => new FpEnv().reset(cw);
  test('stores to m64fp and m32fp under every RC', () => {
    const [hits, bad] = check(N, (cw) => {
      const a = operand();
      setOperands(a, a);
      const r64 = storeF64(cw);
      const f64 = r64 ? `${RES[2] >>> 0}:${RES[1] >>> 0} ${RES[3] & FAST_PE} ${(RES[3] & FAST_UP) !== 0}` : '';
      const r32 = storeF32(cw);
      const f32 = r32 ? ` ${RES[2] >>> 0} ${RES[3] & FAST_PE} ${(RES[3] & FAST_UP) !== 0}` : '';
      const e = env(cw), g = env(cw);
      const x64 = toF64Exact(a, e), x32 = toF32Exact(a, g);
      const want = (r64 ? `${x64![0] >>> 0}:${x64![1] >>> 0} ${e.flags} ${e.roundedUp && (e.flags & PE) !== 0}` : '') +
        (r32 ? ` ${x32! >>> 0} ${g.flags} ${g.roundedUp && (g.flags & PE) !== 0}` : '');
      return [r64 || r32, () => f64 + f32, `store ${hex(a)}|${want}`];
    });
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.5);
  });
  test('loads of m64fp and m32fp, FILD of 32- and 64-bit integers', () => {
    const bad: string[] = [];
    const same = (what: string, fast: string, exact: string) => {
      if (fast !== exact && bad.length < 5) bad.push(`${what}: fast ${fast}, exact ${exact}`);
    };
    for (let k = 0; k < N; k++) {
      const hi = next(), lo = next();
      const dhi = [hi, hi & 0x800fffff, hi | 0x7ff00000, hi & 0x80000000][next() & 3];
      const dlo = dhi === (hi & 0x80000000) || next() & 1 ? lo : 0;
      MEMOP[0] = dlo; MEMOP[1] = dhi;
      if (loadF64()) same(`m64 ${dhi}:${dlo}`, loadedText(), exactText((e) => fromF64Exact(dlo, dhi, e), 0x37f));
      const s = [hi, hi & 0x807fffff, hi | 0x7f800000, hi & 0xff800000][next() & 3];
      MEMOP[0] = s;
      if (loadF32()) same(`m32 ${s}`, loadedText(), exactText((e) => fromF32Exact(s, e), 0x37f));
      const v = next() >>> (next() & 31);
      MEMOP[0] = v;
      loadInt32();
      same(`int32 ${v}`, loadedText(), exactText(() => fromInt(BigInt(v | 0)), 0x37f));
      const h = [hi >> (next() & 31), 0, -1, 0x80000000][next() & 3];
      const l = next() & 1 ? lo : 0;
      MEMOP[0] = l; MEMOP[1] = h;
      loadInt64();
      same(`int64 ${h}:${l}`, loadedText(), exactText(() => fromInt((BigInt(h | 0) << 32n) | BigInt(l >>> 0)), 0x37f));
    }
    expect(bad).toEqual([]);
  });
  test('stores to 16-, 32- and 64-bit integers under every RC', () => {
    const [hits, bad] = check(N, (cw) => {
      const b = operand();
      const a = (b.se & 0x7fff) > 0 && (b.se & 0x7fff) < 0x7fff && next() & 1 ? { ...b, se: (b.se & 0x8000) | (0x3fff + (next() % 70) - 4) } : b;
      const bits = [16, 32, 64][next() % 3];
      const rc = (cw >> 10) & 3;
      setOperands(a, a);
      const hit = storeInt(bits, rc);
      const got = hit ? `${(BigInt(RES[1]) << 32n) | BigInt(RES[2] >>> 0)} ${RES[3] & FAST_PE} ${(RES[3] & FAST_UP) !== 0}` : '';
      const e = env(cw);
      const v = hit ? toInt(a, bits, e) : null;
      const want = `${v} ${e.flags} ${e.roundedUp && (e.flags & PE) !== 0}`;
      return [hit, () => got, `fist${bits} ${hex(a)}|${want}`];
    });
    expect(bad).toEqual([]);
    expect(hits).toBeGreaterThan(N * 0.3);
  });
  test('ordered comparisons and tags', () => {
    const bad: string[] = [];
    for (let k = 0; k < N; k++) {
      const a = operand(), b = next() & 3 ? partner(a) : { ...a, se: a.se ^ (next() & 0x8000) };
      setOperands(a, b);
      const rel = compare80();
      const e = new FpEnv();
      if (rel >= 0 && (rel !== compare(a, b, false, e) || e.flags !== 0) && bad.length < 5) bad.push(`compare ${hex(a)} ${hex(b)}`);
      if (tagBits(a.se, a.hi, a.lo) !== tagOf(a) && bad.length < 5) bad.push(`tag ${hex(a)}`);
    }
    expect(bad).toEqual([]);
  });
});
