// x87 helpers for the control instructions (SDM Vol. 1, 8.3.10-8.3.12; Vol. 2A pages): FWAIT,
// FNINIT, FNCLEX, FLDCW/FNSTCW, FNSTSW, and the environment and state images of FLDENV/FNSTENV
// and FRSTOR/FNSAVE (SDM Vol. 1, 8.1.10 and Figures 8-9 to 8-12). The semantics do the memory
// accesses: storing instructions read the image fields from these helpers (nothing changes
// until every store is done), loading ones pass the loaded fields in.
//
// The instruction and operand pointer fields are stored as zeros (a selector of 0 and offsets
// of 0), as the reference emulator does; programs only pass them back to FLDENV/FRSTOR.

import { tagOf } from '../../src/cpu/float80-compare.js';
import type { CpuState } from '../../src/cpu/state.js';
import type { X87State } from '../../src/cpu/x87-state.js';
import type { Arena } from '../../src/memory/arena.js';
import { X } from './x87-arith-helpers.js';
import { BUSY, ES, checkPending, get, getPhys, set, setTag } from './x87-stack.js';

type S = CpuState;
type M = Arena;

/** ES and B follow the exception flags the control word leaves unmasked. */
function summarize(f: X87State): void {
  if ((f.status & ~f.control & 0x3f) !== 0) f.status |= ES | BUSY;
  else f.status &= ~(ES | BUSY);
}

/** The tag word as FNSTENV/FNSAVE store it: recomputed from each non-empty register's contents. */
export function tagWord(f: X87State): number {
  let word = 0;
  for (let p = 7; p >= 0; p--) {
    const t = (f.tag >> (p * 2)) & 3;
    word = (word << 2) | (t === 3 ? 3 : tagOf(getPhys(f, p)));
  }
  return word;
}

/** Loads control, status (with TOP) and tag words; non-empty tags are recomputed from contents. */
function loadEnv(f: X87State, cw: number, sw: number, tag: number): void {
  f.control = cw & 0xffff;
  f.top = (sw >> 11) & 7;
  f.status = sw & 0xffff & ~0x3800;
  summarize(f);
  for (let p = 0; p < 8; p++) setTag(f, p, ((tag >> (p * 2)) & 3) === 3 ? 3 : tagOf(getPhys(f, p)));
}

export const X87_ENV_HELPERS = {
  /** FWAIT: #MF when an unmasked exception is pending. */
  fwait: (s: S) => {
    checkPending(s.fpu);
    return 0;
  },
  fnstsw: (s: S) => s.fpu.statusWord,
  fnstcw: (s: S) => s.fpu.control,
  ftagWord: (s: S) => tagWord(s.fpu),
  /** FLDCW: unmasking a pending exception sets ES, so the next waiting instruction faults. */
  fldcw: (s: S, _m: M, cw: number) => {
    const f = s.fpu;
    X.begin(f);
    f.control = cw & 0xffff;
    summarize(f);
    return 0;
  },
  /** FNCLEX: clears the exception flags, SF, ES and B (SDM Vol. 2A, FCLEX/FNCLEX). */
  fnclex: (s: S) => {
    s.fpu.status &= 0x7f00;
    return 0;
  },
  fninit: (s: S) => {
    s.fpu.reset();
    return 0;
  },
  /** After FNSTENV has stored the environment it masks every exception (SDM Vol. 2A, FSTENV). */
  fnstenvDone: (s: S) => {
    s.fpu.control |= 0x3f;
    return 0;
  },
  fldenv: (s: S, _m: M, cw: number, sw: number, tag: number) => {
    X.begin(s.fpu);
    loadEnv(s.fpu, cw, sw, tag);
    return 0;
  },
  /** FNSAVE's register part: 0 = significand low, 1 = significand high, 2 = sign/exponent of ST(i). */
  fregPart: (s: S, _m: M, i: number, part: number) => {
    const v = get(s.fpu, i);
    return part === 0 ? v.lo | 0 : part === 1 ? v.hi | 0 : v.se;
  },
  /** FRSTOR: the environment, then ST(0)..ST(7) relative to the loaded TOP (24 words: lo, hi, se each). */
  frstor: (s: S, _m: M, cw: number, sw: number, tag: number, ...regs: number[]) => {
    const f = s.fpu;
    X.begin(f);
    f.top = (sw >> 11) & 7;
    for (let i = 0; i < 8; i++) set(f, i, { se: regs[i * 3 + 2] & 0xffff, hi: regs[i * 3 + 1] >>> 0, lo: regs[i * 3] >>> 0 });
    loadEnv(f, cw, sw, tag);
    return 0;
  },
};
