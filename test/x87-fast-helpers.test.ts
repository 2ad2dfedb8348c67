// The fast x87 helpers (translator/js/x87-fast-helpers.ts, x87-fastmove-helpers.ts) against the
// general helpers they replace (x87-arith-helpers.ts, x87-move-helpers.ts, x87-env-helpers.ts),
// instruction by instruction on random FPU states: random TOP, empty and non-empty registers
// with tags that need not match their contents (signal frames and FRSTOR images can carry any),
// values of every class, control words with any masks, RC and PC, status words with flags,
// condition codes and ES set or not. Both must leave the same registers, tags, TOP, status and
// control words and scratch results, and return or throw the same. X87_FAST_N=1000000 runs a
// long soak.

import { CpuState } from '../src/cpu/state';
import { X87_ARITH_HELPERS } from '../translator/js/x87-arith-helpers';
import { X87_ENV_HELPERS } from '../translator/js/x87-env-helpers';
import { X87_FAST_HELPERS } from '../translator/js/x87-fast-helpers';
import { X87_FASTMOVE_HELPERS } from '../translator/js/x87-fastmove-helpers';
import { X87_MOVE_HELPERS } from '../translator/js/x87-move-helpers';

const N = Number(process.env.X87_FAST_N ?? 6000);

let seed = 0x1234567;
function next(): number {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}
const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length];

/** A register's contents: mostly normal values of double-like or full significands, every class too. */
function register(): [number, number, number] {
  const sign = next() & 0x8000;
  let hi = (next() | 0x80000000) >>> 0, lo = next();
  const shape = next() & 7;
  if (shape === 0) lo = (lo & ~0x7ff) >>> 0;
  if (shape === 1) { hi = (hi & ~0xff) >>> 0; lo = 0; }
  if (shape === 2) { hi = 0x80000000; lo = 0; }
  const r = next() % 100;
  if (r < 8) return [sign, 0, 0];
  if (r < 10) return [sign, hi & 0x7fffffff, lo];
  if (r < 11) return [sign, hi, lo];
  if (r < 13) return [sign | 0x7fff, 0x80000000, 0];
  if (r < 15) return [sign | 0x7fff, (hi | (next() & 0x40000000)) >>> 0, (lo | 1) >>> 0];
  if (r < 16) return [sign | (1 + (next() % 0x7ffe)), hi & 0x7fffffff, lo];
  if (r < 19) return [sign | (next() & 1 ? 1 + (next() % 70) : 0x7ffe - (next() % 70)), hi, lo];
  if (r < 22) return [sign | (0x3fff + (next() % 2200) - 1100), hi, lo];
  return [sign | (0x3fff + (next() % 80) - 40), hi, lo];
}

/** A double's bits [lo, hi]: normal near 1, huge or tiny exponents, zeros, denormals, infinities, NaNs. */
function double(): [number, number] {
  const sign = next() & 0x80000000, frac = next() & 0xfffff, lo = next() & 1 ? next() : 0;
  const exp = pick([1023 + (next() % 60) - 30, 1023 + (next() % 60) - 30, 1023, 0, 0x7ff, 1 + (next() % 2046), 1, 2046]);
  return [lo | 0, (sign | (exp << 20) | (exp === 0 && next() & 1 ? 0 : frac)) | 0];
}

function single(): number {
  const exp = pick([127 + (next() % 40) - 20, 127, 0, 0xff, 1 + (next() % 254)]);
  return (next() & 0x80000000) | (exp << 23) | (next() & 0x7fffff);
}

function randomState(s: CpuState): void {
  const f = s.fpu;
  f.top = next() & 7;
  f.tag = 0;
  for (let p = 0; p < 8; p++) {
    const [se, hi, lo] = register();
    f.signExp[p] = se; f.mantHi[p] = hi; f.mantLo[p] = lo;
    f.tag |= (next() % 5 === 0 ? 3 : next() % 3) << (p * 2);
  }
  f.control = pick([0x037f, 0x027f, 0x007f, 0x0f7f, 0x0b7f, 0x077f, 0x1372, 0x0360 | (next() & 0x1f), next() & 0x1f7f]);
  const flags = next() % 3 === 0 ? next() & 0x3f : 0;
  f.status = flags | (next() & 0x4700) | (next() % 7 === 0 ? 0x80 : 0) | (next() % 9 === 0 ? 0x40 : 0);
  if ((f.status & 0x80) !== 0) f.status |= 0x8000;
  for (let k = 0; k < 4; k++) s.scratch[k] = next();
}

function clone(from: CpuState, to: CpuState): void {
  const a = from.fpu, b = to.fpu;
  b.signExp.set(a.signExp); b.mantHi.set(a.mantHi); b.mantLo.set(a.mantLo);
  b.tag = a.tag; b.top = a.top; b.control = a.control; b.status = a.status;
  to.scratch.set(from.scratch);
}

function snapshot(s: CpuState, outcome: string): string {
  const f = s.fpu;
  const regs = Array.from({ length: 8 }, (_, p) => `${f.signExp[p].toString(16)}:${f.mantHi[p].toString(16)}:${f.mantLo[p].toString(16)}`);
  return `${outcome} top=${f.top} tag=${f.tag.toString(16)} cw=${f.control.toString(16)} sw=${f.status.toString(16)} ` +
    `scratch=${Array.from(s.scratch).join(',')} ${regs.join(' ')}`;
}

type Helper = (s: CpuState, m: null, ...args: number[]) => number;
const SLOW = { ...X87_ARITH_HELPERS, ...X87_MOVE_HELPERS, ...X87_ENV_HELPERS } as unknown as Record<string, Helper>;
const FAST = { ...X87_FAST_HELPERS, ...X87_FASTMOVE_HELPERS } as unknown as Record<string, Helper>;

function run(h: Helper, s: CpuState, args: number[]): string {
  try {
    return snapshot(s, `ret=${h(s, null, ...args)}`);
  } catch (e) {
    return snapshot(s, `threw ${(e as Error).message}`);
  }
}

const OPS = [0, 1, 4, 5, 6, 7];
const i7 = () => next() & 7;
/** Argument makers of each fast helper (the semantics pass these shapes). */
const ARGS: Record<string, () => number[]> = {
  farithReg: () => {
    const i = i7();
    return next() & 1 ? [pick(OPS), 0, i, 0] : [pick(OPS), i, 0, next() & 1];
  },
  farith64: () => [pick(OPS), ...double()],
  farith32: () => [pick(OPS), single()],
  fiarith: () => [pick(OPS), next() & 1 ? (next() << 16) >> 16 : next() | 0],
  fcomReg: () => (next() % 5 === 0 ? [1, next() & 1, 2] : [i7(), next() & 1, next() & 1]),
  fcom64: () => [...double(), next() & 1],
  fcom32: () => [single(), next() & 1],
  ficom: () => [(next() << 16) >> 16, next() & 1],
  ftst: () => [],
  fcomi: () => [i7(), next() & 1, next() & 1, next() & 0x8d5],
  fchs: () => [],
  fabs: () => [],
  fsqrt: () => [],
  fld64: () => double(),
  fld32: () => [single()],
  fld80: () => { const [se, hi, lo] = register(); return [lo | 0, hi | 0, se]; },
  fild: () => [next() & 1 ? (next() << 16) >> 16 : next() | 0],
  fild64: () => [next() | 0, pick([next() | 0, 0, -1, (next() >> (next() & 31))])],
  fldReg: () => [i7()],
  fldConst: () => [next() % 7],
  fst64: () => [],
  fst32: () => [],
  fst80: () => [],
  fist: () => [pick([16, 32, 64]), next() & 1],
  fstReg: () => [i7(), next() & 1],
  fxch: () => [i7()],
  fldcw: () => [pick([0x037f, 0x027f, 0x0f7f, 0x0372, next() & 0xffff])],
};

describe('fast x87 helpers leave the state the general helpers leave', () => {
  const names = Object.keys(FAST);
  test('every fast helper has an argument maker and a general counterpart', () => {
    expect(names.filter((n) => ARGS[n] === undefined || SLOW[n] === undefined)).toEqual([]);
  });
  test.each(names)('%s on random states', (name) => {
    const a = new CpuState(), b = new CpuState();
    const bad: string[] = [];
    for (let k = 0; k < N; k++) {
      randomState(a);
      clone(a, b);
      const before = snapshot(a, '');
      const args = ARGS[name]();
      const fast = run(FAST[name], a, args), slow = run(SLOW[name], b, args);
      if (fast !== slow && bad.length < 3) bad.push(`${name}(${args.join(', ')}) on ${before}\n  fast ${fast}\n  slow ${slow}`);
    }
    expect(bad).toEqual([]);
  });
});
