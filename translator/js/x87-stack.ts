// The x87 register stack and status word as the helpers see them (SDM Vol. 1, 8.1): ST(i) maps
// to physical register (TOP + i) mod 8; every register write recomputes its two-bit tag; pushes
// and pops move TOP and tag the freed register empty. One instruction runs as begin() ... commit():
// begin() checks for a pending unmasked exception (a waiting instruction raises #MF first, SDM
// Vol. 1, 8.6; Linux delivers SIGFPE) and prepares the rounding context; commit() merges the
// raised exceptions into the status word, with C1, the stack-fault flag SF and ES/B.

import { examineClass, tagOf } from '../../src/cpu/float80-compare.js';
import { DE, type F80, FpEnv, IE, INDEFINITE, OE, PE, UE, ZE } from '../../src/cpu/float80.js';
import { GuestTrap, SIGFPE } from '../../src/cpu/faults.js';
import type { X87State } from '../../src/cpu/x87-state.js';

export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
export const SF = 0x40, ES = 0x80, BUSY = 0x8000;
/** Condition-code bits as a mask. */
export const CC = C0 | C1 | C2 | C3;

/** Linux si_code values for SIGFPE from #MF (include/uapi/asm-generic/siginfo.h). */
const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;

/** The si_code Linux reports for the pending unmasked exceptions (the kernel's priority order). */
export function fpeCode(f: X87State): number {
  const err = f.status & ~f.control & 0x3f;
  if (err & IE) return FPE_FLTINV;
  if (err & ZE) return FPE_FLTDIV;
  if (err & OE) return FPE_FLTOVF;
  if (err & (UE | DE)) return FPE_FLTUND;
  if (err & PE) return FPE_FLTRES;
  return 0;
}

/** #MF on a waiting x87 instruction: an unmasked exception is pending (ES set, SDM Vol. 1, 8.7). */
export function checkPending(f: X87State): void {
  if ((f.status & ES) !== 0) {
    const code = fpeCode(f);
    if (code !== 0) throw new GuestTrap(SIGFPE, code);
  }
}

export const phys = (f: X87State, i: number): number => (f.top + i) & 7;

export function isEmpty(f: X87State, i: number): boolean {
  return ((f.tag >> (phys(f, i) * 2)) & 3) === 3;
}

export function getPhys(f: X87State, p: number): F80 {
  return { se: f.signExp[p], hi: f.mantHi[p], lo: f.mantLo[p] };
}

export function get(f: X87State, i: number): F80 {
  return getPhys(f, phys(f, i));
}

export function setTag(f: X87State, p: number, tag: number): void {
  f.tag = (f.tag & ~(3 << (p * 2))) | (tag << (p * 2));
}

export function setPhys(f: X87State, p: number, v: F80): void {
  f.signExp[p] = v.se;
  f.mantHi[p] = v.hi;
  f.mantLo[p] = v.lo;
  setTag(f, p, tagOf(v));
}

export function set(f: X87State, i: number, v: F80): void {
  setPhys(f, phys(f, i), v);
}

export function pop(f: X87State): void {
  setTag(f, f.top, 3);
  f.top = (f.top + 1) & 7;
}

/** The FXAM class of ST(0) (empty included) with C1 = sign. */
export function examine(f: X87State): number {
  const v = get(f, 0);
  return examineClass(v, isEmpty(f, 0)) | ((v.se & 0x8000) !== 0 ? C1 : 0);
}

/**
 * One instruction's exception bookkeeping. `stackFault` records a stack overflow (+1) or
 * underflow (-1): IE with SF, and C1 = 1 for overflow, 0 for underflow (SDM Vol. 1, 8.5.1.1).
 */
export class X87Op {
  readonly env = new FpEnv();
  stackFault = 0;

  begin(f: X87State, wait = true): FpEnv {
    if (wait) checkPending(f);
    this.stackFault = 0;
    return this.env.reset(f.control);
  }

  /** Reads ST(i); an empty register is a stack underflow and reads as the indefinite. */
  read(f: X87State, i: number): F80 {
    if (isEmpty(f, i)) {
      this.underflow();
      return INDEFINITE;
    }
    return get(f, i);
  }

  underflow(): void {
    this.env.flags |= IE;
    if (this.stackFault === 0) this.stackFault = -1;
  }

  overflow(): void {
    this.env.flags |= IE;
    this.stackFault = 1;
  }

  /** False when an unmasked IE, DE or ZE means the instruction leaves its destination alone. */
  get deliver(): boolean {
    return (this.env.flags & ~this.env.masks & (IE | DE | ZE)) === 0;
  }

  /**
   * Pushes v. With ST(7) in use that is a stack overflow: the masked response pushes the
   * indefinite instead; unmasked, nothing is pushed. Returns whether a push happened.
   */
  push(f: X87State, v: F80): boolean {
    const p = (f.top - 1) & 7;
    if (((f.tag >> (p * 2)) & 3) !== 3) {
      this.overflow();
      if ((this.env.masks & IE) === 0) return false;
      v = INDEFINITE;
    }
    f.top = p;
    setPhys(f, p, v);
    return true;
  }

  /**
   * The status word after this instruction: the raised exceptions merged in, C1 (`c1`, for an
   * instruction that defines it; a stack fault overrides it), C3 C2 C0 replaced where `ccMask`
   * says by `cc`, and ES/B when an unmasked exception flag is set.
   */
  statusAfter(f: X87State, c1: boolean | null, cc = 0, ccMask = 0): number {
    let st = f.status | (this.env.flags & 0x3f);
    if (this.stackFault !== 0) {
      st |= SF;
      c1 = this.stackFault > 0;
    }
    if (ccMask !== 0) st = (st & ~ccMask) | (cc & ccMask);
    if (c1 !== null) st = (st & ~C1) | (c1 ? C1 : 0);
    if ((st & ~f.control & 0x3f) !== 0) st |= ES | BUSY;
    return st;
  }

  commit(f: X87State, c1: boolean | null, cc = 0, ccMask = 0): void {
    f.status = this.statusAfter(f, c1, cc, ccMask);
  }

  /** C1 for a rounded result: set when PE was raised by rounding up (SDM Vol. 1, 8.1.3.1). */
  get roundedUp(): boolean {
    return (this.env.flags & PE) !== 0 && this.env.roundedUp;
  }
}
