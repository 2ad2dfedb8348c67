// The guest CPU state of one tenant: general registers, EIP, lazy flags, the non-arithmetic
// EFLAGS bits, segment selectors with their bases, and the budget. Translated code receives it
// as an argument (never closes over one tenant), so translations can be shared.

import { ARITH_FLAGS, computeFlags, ccOp, Cc } from './flags.js';
import { X87State } from './x87-state.js';

export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
export const REG_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];

/** Linux i386 user selectors (arch/x86/include/asm/segment.h): __USER_CS, __USER_DS. */
export const USER_CS = 0x73, USER_DS = 0x7b;

export class CpuState {
  /** EAX..EDI as int32. */
  readonly r = new Int32Array(8);
  eip = 0;
  /** Lazy arithmetic flags (see flags.ts). */
  ccOp = ccOp(Cc.Eflags, 4);
  ccDst = 0;
  ccSrc = 0;
  ccSrc2 = 0;
  /** First operand of the last flag-setting operation (lets conditions skip computing flags). */
  fa = 0;
  /** EFLAGS bits other than O S Z A P C: bit 1 (always 1), IF, DF, TF, AC, ID. */
  flagsRest = 0x202;
  /** Segment selectors ES CS SS DS FS GS and their base addresses. */
  readonly seg = Uint16Array.of(USER_DS, USER_CS, USER_DS, USER_DS, 0, 0);
  readonly segBase = new Int32Array(6);
  /** Instructions left before the engine must return to the host. */
  budget = 0;
  /** Instructions retired, for statistics. */
  retired = 0;
  /** The per-tenant time-stamp counter source (RDTSC); the engine advances it. */
  tsc = 0n;
  readonly fpu = new X87State();
  /** Set by translated code when it stops with a signal (EXIT_TRAP): Linux signal number and si_code. */
  trapSignal = 0;
  /** Extra results of helper calls (CPUID's four registers, DIV's remainder...). */
  readonly scratch = new Int32Array(4);
  trapCode = 0;

  /** The full EFLAGS value, computing the lazy part. */
  get eflags(): number {
    return (this.flagsRest & ~ARITH_FLAGS) | computeFlags(this.ccOp, this.ccDst, this.ccSrc, this.ccSrc2) | 2;
  }

  set eflags(v: number) {
    this.flagsRest = (v & ~ARITH_FLAGS) | 2;
    this.ccOp = ccOp(Cc.Eflags, 4);
    this.ccDst = v & ARITH_FLAGS;
    this.ccSrc = 0;
    this.ccSrc2 = 0;
  }
}
