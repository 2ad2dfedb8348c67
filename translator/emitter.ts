// The emitter interface: what instruction semantics may say. Semantics (translator/semantics/)
// are written once against this interface; the JavaScript backend (translator/js/) implements it
// by writing JS source, and a WebAssembly backend can implement it the same way.
//
// Values are opaque handles. Every value is a 32-bit integer pattern; 8- and 16-bit values are
// zero-extended. Register and flag writes made by an instruction take effect when the
// instruction ends (after all its memory accesses), so a fault inside an instruction leaves the
// registers as they were before it: precise exceptions by construction.

import type { Cc } from '../src/cpu/flags.js';

export type Val = { readonly __val: unique symbol };
export type Size = 1 | 2 | 4;

export type BinOp =
  | 'add' | 'sub' | 'and' | 'or' | 'xor' | 'shl' | 'shr' | 'sar' | 'mul'
  /** Unsigned 32x32 multiply, high 32 bits; and the signed one. */
  | 'mulhu' | 'mulhs';
/** clz/ctz/popcnt count bits of the 32-bit pattern; clz and ctz of 0 are 32 (as Wasm's i32.clz/ctz). */
export type UnOp = 'not' | 'neg' | 'clz' | 'ctz' | 'popcnt';
export type CmpOp = 'eq' | 'ne' | 'ltu' | 'leu' | 'lts' | 'les' | 'gtu' | 'gts';

/** Name of a host helper (the JS backend's table is translator/js/helpers.ts; unknown names throw at translation). */
export type HelperName = string;

/** Why translated code leaves to the engine. */
export type TrapKind = 'SIGTRAP' | 'SIGSEGV' | 'SIGILL' | 'SIGFPE' | 'SIGBUS';

export interface Emitter {
  /** The guest address of the instruction being translated and of the next one. */
  readonly eip: number;
  readonly nextEip: number;

  imm(n: number): Val;
  reg(r: number, size: Size): Val;
  setReg(r: number, size: Size, v: Val): void;
  /** Base address of a segment register (FS/GS for TLS; 0 for the flat ones). */
  segBase(seg: number): Val;
  segSelector(seg: number): Val;
  /** Evaluates once into a temporary (use when a value is used more than once). */
  let(v: Val): Val;

  bin(op: BinOp, a: Val, b: Val): Val;
  un(op: UnOp, a: Val): Val;
  zext(v: Val, size: Size): Val;
  sext(v: Val, size: Size): Val;
  cmp(op: CmpOp, a: Val, b: Val): Val;
  select(cond: Val, a: Val, b: Val): Val;

  load(addr: Val, size: Size): Val;
  store(addr: Val, size: Size, v: Val): void;

  /** Records flags lazily: kind and size, result, first and second operand, extra (carry-in, old CF). */
  setFlags(kind: Cc, size: Size, result: Val, a: Val, b: Val, extra?: Val): void;
  /** Like setFlags, but only when `cond` is non-zero (shifts by a count that may be 0). */
  setFlagsIf(cond: Val, kind: Cc, size: Size, result: Val, a: Val, b: Val, extra?: Val): void;
  /** O S Z A P C as EFLAGS bits. */
  arithFlags(): Val;
  /** Replaces O S Z A P C with the given bits. */
  setArithFlags(v: Val): void;
  /** The whole EFLAGS register, and writing the user-changeable part of it. */
  eflags(): Val;
  setEflags(v: Val): void;
  /** Condition code 0-15 as 0/1. */
  cond(cc: number): Val;
  /** The direction flag as +1/-1 step multiplier. */
  direction(): Val;
  setDirection(down: boolean): void;

  /** Calls a host helper with the CPU state; it may throw a guest fault. */
  helper(name: HelperName, args: Val[]): Val;
  /** Extra results of the last helper call (s.scratch[k]), read right after the call. */
  scratch(k: number): Val;
  /**
   * Declares that the last helper call wrote guest memory (REP MOVS/STOS); `codeWritten` is
   * non-zero when a page holding translated code was written, and then the block ends after
   * this instruction, exactly as after a store.
   */
  helperStored(codeWritten: Val): void;
  /** Conditional code inside one instruction. */
  when(cond: Val, then: () => void, otherwise?: () => void): void;

  /** Ends the block: continue at a known address, at one of two, or at a computed one. */
  jump(target: number): void;
  branch(cond: Val, taken: number, notTaken: number): void;
  jumpIndirect(target: Val): void;
  /** Ends the block with a system call (EIP = next instruction). */
  syscall(): void;
  /**
   * Ends the block after this instruction and returns to the engine's loop, which looks at the
   * CPU state again (POPF may have set EFLAGS.TF: single-stepping starts with the next one).
   */
  leave(): void;
  /** Ends the block with a signal; `atNext` puts EIP after the instruction (INT3 does). */
  trap(signal: TrapKind, code: number, atNext: boolean): void;
  /** Re-executes this instruction in the next dispatch (an interrupted REP string operation). */
  restart(): void;
}
