// Runs one generated case (cases.ts) in vxts and in Unicorn and compares the outcomes:
// registers, EIP, EFLAGS (the bits the SDM defines for that form and those inputs), segment
// selectors, the data pages after the run, x87 state for x87 forms (physical registers as
// 80-bit values, status word with TOP, control and tag words), and the fault (signal, si_code,
// address for memory faults). Also the compact golden encoding of cases and Unicorn outcomes
// (test/golden/unicorn-cases.json.gz, written by test/tools/make-unicorn-golden.ts).
//
// One instruction: vxts runs a Machine with maxBlockInstructions 1 and run(1); Unicorn stops at
// the next instruction start (see UnicornX86.step). REP string forms run until EIP leaves the
// instruction (or a fault). After a control transfer both engines look at the target before
// stopping, and report a fetch fault there when it is not executable: that is the fault of the
// next instruction, so a retired transfer's fetch fault is dropped on both sides ("normalised")
// and only the landing EIP is compared.

import { formatInstruction } from '../../decoder/disasm.js';
import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind as K, OperandSize as S, type OpcodeRow } from '../../decoder/types.js';
import { Cpuid } from '../../src/cpu/cpuid.js';
import { Machine } from '../../src/engine/machine.js';
import { Perm } from '../../src/memory/arena.js';
import {
  CASE_FEATURES, CODE_EIP, CODE_FILL, CODE_PAGE, DATA_BASE, decodeCase, FNINIT, hex, IMAGE_SIZE, isRepString,
  RO_BASE, RO_SIZE, RW_SIZE, caseBase, dataImage, type Case, type FpuState,
} from './cases.js';
import {
  C0, C1, C2, C3, comparedStatusBits, fbstpBytes, fxamBits, fistValue, isNormalFinite, nanLoad, nanStoreBytes, pseudoEncoding, roundedConstant, TOP, toNumber, validBcd, x87Spec, type X87Spec,
} from './x87-spec.js';
import {
  GPR_IDS, INT_BP, INT_BR, INT_DB, INT_DE, INT_GP, INT_OF, INT_UD, SIGFPE, SIGILL, SIGSEGV, SIGTRAP, UC_PROT_EXEC, UC_PROT_READ,
  UC_PROT_WRITE, UC_X86_REG, UcErr, UnicornX86,
} from './unicorn.js';

// ---------------------------------------------------------------------------------------------
// Outcomes.

export type Event =
  | { readonly kind: 'none' }
  | { readonly kind: 'syscall' }
  /** code: Linux si_code (null when the oracle cannot say); address: for memory faults. */
  | { readonly kind: 'signal'; readonly signal: number; readonly code: number | null; readonly address: number | null }
  /** The engine itself failed (a host exception from the translator, an oracle error). */
  | { readonly kind: 'error'; readonly message: string };

export interface Outcome {
  /** The instruction completed (traps like INT3 complete; faults do not). */
  readonly retired: boolean;
  readonly event: Event;
  readonly regs: readonly number[];
  readonly eip: number;
  readonly eflags: number;
  /** Selectors ES CS SS DS FS GS. */
  readonly segs: readonly number[];
  /** The read/write data pages after the run. */
  readonly mem: Uint8Array;
  readonly fpu: FpuState | null;
}

const SEGV_MAPERR = 1, SEGV_ACCERR = 2, FPE_INTDIV = 1, ILL_ILLOPN = 2, SI_KERNEL = 0x80;
const USER_CS = 0x73, USER_DS = 0x7b;
export const DEFAULT_SEGS = [USER_DS, USER_CS, USER_DS, USER_DS, 0, 0];

const TRANSFERS = new Set(['jump', 'jcc', 'call', 'ijump', 'icall', 'ret']);

/** Flows after which a fault at the landing address belongs to the next instruction. */
function isTransfer(row: OpcodeRow): boolean {
  return TRANSFERS.has(row.flow);
}

/** Applies the rule above: a retired transfer's fetch fault at the new EIP is dropped. */
function normalise(row: OpcodeRow, o: Outcome): Outcome {
  if (!o.retired || !isTransfer(row) || o.event.kind !== 'signal') return o;
  return { ...o, event: { kind: 'none' } };
}

/** Longest REP run a case may take (counts are small; this bounds a runaway). */
const REP_LIMIT = 4096;

// ---------------------------------------------------------------------------------------------
// vxts.

/** A Machine reused across cases with the harness layout. */
export class VxtsRunner {
  readonly m: Machine;
  private readonly cpuid = new Cpuid(CASE_FEATURES);

  constructor() {
    this.m = new Machine({ maxBlockInstructions: 1, memorySize: 0x0020_0000, features: CASE_FEATURES });
    const mem = this.m.memory;
    mem.map(CODE_PAGE, 0x1000, Perm.Read | Perm.Exec);
    mem.u8.fill(CODE_FILL, CODE_PAGE, CODE_PAGE + 0x1000);
    mem.map(DATA_BASE, RW_SIZE, Perm.Read | Perm.Write);
    mem.map(RO_BASE, RO_SIZE, Perm.Read);
  }

  /** Loads the case into the machine (memory, registers, flags, segments, x87). */
  load(c: Case, image: Uint8Array): void {
    const m = this.m, s = m.cpu, u8 = m.memory.u8;
    // Drop only the translations around the instruction: the INT3 blocks elsewhere in the code
    // page stay cached (the engine translates the fall-through block before it stops).
    m.invalidate(CODE_EIP - 16, 48);
    u8.fill(CODE_FILL, CODE_EIP - 16, CODE_EIP + 32);
    u8.set(c.bytes, CODE_EIP);
    u8.set(image, DATA_BASE);
    for (let r = 0; r < 8; r++) s.r[r] = c.regs[r] | 0;
    m.eip = CODE_EIP;
    s.eflags = c.eflags;
    s.fa = 0;
    for (let i = 0; i < 6; i++) { s.seg[i] = DEFAULT_SEGS[i]; s.segBase[i] = 0; }
    s.tls.clear();
    s.trapSignal = 0;
    s.trapCode = 0;
    s.tsc = tscOf(c);
    const f = s.fpu, st = c.fpu ?? FNINIT;
    for (let i = 0; i < 8; i++) {
      f.signExp[i] = st.regs[3 * i];
      f.mantHi[i] = st.regs[3 * i + 1];
      f.mantLo[i] = st.regs[3 * i + 2];
    }
    f.tag = st.tag;
    f.control = st.control;
    f.status = st.status;
    f.top = st.top;
    f.lastIp = f.lastDp = f.lastOpcode = 0;
  }

  run(c: Case, insn: Instruction, image = dataImage(c.memSeed)): Outcome {
    const m = this.m, s = m.cpu;
    this.load(c, image);
    let event: Event = { kind: 'none' };
    let retired = false;
    try {
      const rep = isRepString(insn);
      for (let i = 0; ; i++) {
        const r = m.run(1);
        retired = s.budget === 0;
        if (r.kind === 'syscall') { event = { kind: 'syscall' }; break; }
        if (r.kind === 'fault') {
          const memory = r.signal === SIGSEGV && (r.code === SEGV_MAPERR || r.code === SEGV_ACCERR);
          event = { kind: 'signal', signal: r.signal, code: r.code, address: memory ? r.address >>> 0 : null };
          break;
        }
        // A REP string instruction may stop between iterations (EIP unchanged): resume it.
        if (!rep || m.eip !== CODE_EIP || i >= REP_LIMIT) break;
      }
      if (insn.row !== null && isRepString(insn)) retired = m.eip !== CODE_EIP;
    } catch (e) {
      event = { kind: 'error', message: `vxts threw: ${(e as Error).stack ?? e}` };
    }
    const f = s.fpu;
    const regs: number[] = [];
    for (let i = 0; i < 8; i++) regs.push(f.signExp[i], f.mantHi[i] >>> 0, f.mantLo[i] >>> 0);
    const fpu: FpuState | null = c.fpu === null ? null : { top: f.top & 7, tag: f.tag & 0xffff, control: f.control & 0xffff, status: f.status & 0xffff & ~0x3800, regs };
    const o: Outcome = {
      retired, event,
      regs: Array.from(s.r, (x) => x >>> 0),
      eip: m.eip >>> 0,
      eflags: s.eflags >>> 0,
      segs: Array.from(s.seg),
      mem: m.memory.u8.slice(DATA_BASE, DATA_BASE + RW_SIZE),
      fpu,
    };
    return insn.row ? normalise(insn.row, o) : o;
  }

  /** What CPUID reports to the guest (the documented answer the translator must return). */
  cpuidAnswer(leaf: number, subleaf: number): number[] {
    const out = new Int32Array(4);
    this.cpuid.cpuid(leaf >>> 0, subleaf >>> 0, out);
    return Array.from(out, (x) => x >>> 0); // EAX, EBX, ECX, EDX
  }
}

/** The time-stamp counter a case starts with (vxts 'instructions' clock; checked for RDTSC). */
export function tscOf(c: Case): bigint {
  return (BigInt(c.seed >>> 0) << 20n) | 0x5a5n;
}

// ---------------------------------------------------------------------------------------------
// Unicorn.

/** Linux's si_code for the vectors the harness sees (arch/x86/kernel/traps.c). */
function siCodeOfVector(vector: number): number | null {
  switch (vector) {
    case INT_DE: return FPE_INTDIV;
    case INT_UD: return ILL_ILLOPN;
    case INT_BP: return SI_KERNEL;
    case INT_OF: case INT_BR: case INT_GP: return SI_KERNEL;
    default: return null;
  }
}

export class UnicornRunner {
  readonly uc: UnicornX86;
  private readonly window = new Uint8Array(48);

  constructor() {
    const uc = (this.uc = new UnicornX86());
    uc.map(CODE_PAGE, 0x1000, UC_PROT_READ | UC_PROT_EXEC);
    uc.write(CODE_PAGE, new Uint8Array(0x1000).fill(CODE_FILL));
    const rw = uc.mapHost(DATA_BASE, RW_SIZE, UC_PROT_READ | UC_PROT_WRITE);
    const ro = uc.mapHost(RO_BASE, RO_SIZE, UC_PROT_READ);
    this.rw = rw;
    this.ro = ro;
    uc.saveContext();
  }

  /** The data pages, backed by host memory shared with Unicorn (no uc_mem_write/read per case). */
  private readonly rw: Uint8Array;
  private readonly ro: Uint8Array;

  run(c: Case, insn: Instruction, image = dataImage(c.memSeed)): Outcome {
    const uc = this.uc;
    // The saved context (taken in user mode) resets segments, flags, the x87 unit and QEMU's
    // pending-exception state (old_exception: without the reset a second fault is a #DF).
    uc.restoreContext();
    const w = this.window;
    w.fill(CODE_FILL);
    w.set(oracleBytes(insn, c), 16);
    uc.write(CODE_EIP - 16, w);
    uc.invalidateCode(CODE_EIP - 16, CODE_EIP + 32);
    this.rw.set(image.subarray(0, RW_SIZE));
    this.ro.set(image.subarray(RW_SIZE, IMAGE_SIZE));
    for (let r = 0; r < 8; r++) uc.setReg(GPR_IDS[r], c.regs[r]);
    uc.setReg(UC_X86_REG.EFLAGS, c.eflags);
    const x87 = c.fpu !== null;
    if (x87) {
      const st = c.fpu!;
      for (let i = 0; i < 8; i++) uc.writeFloat80(UC_X86_REG.FP0 + i, st.regs[3 * i], st.regs[3 * i + 1], st.regs[3 * i + 2]);
      uc.setReg16(UC_X86_REG.FPCW, st.control);
      uc.setReg16(UC_X86_REG.FPSW, (st.status & ~0x3800) | (st.top << 11));
      uc.setReg16(UC_X86_REG.FPTAG, st.tag);
    }
    const rep = isRepString(insn);
    const r = uc.step(CODE_EIP, rep ? { sameAddress: REP_LIMIT } : 1);
    const eip = uc.reg(UC_X86_REG.EIP);
    let event: Event;
    let retired: boolean;
    if (r.intno === 0x80) { event = { kind: 'syscall' }; retired = true; }
    else if (r.intno >= 0) {
      // Traps (INT3, INTO, INT1) complete; faults leave EIP at the instruction.
      retired = r.intno === INT_BP || r.intno === INT_OF || r.intno === INT_DB;
      event = { kind: 'signal', signal: r.event.kind === 'signal' ? r.event.signal : -1, code: siCodeOfVector(r.intno), address: null };
    } else if (r.err === UcErr.OK) {
      event = { kind: 'none' };
      retired = rep ? eip !== CODE_EIP : r.nextStarted || eip !== CODE_EIP;
      if (!r.nextStarted && eip === CODE_EIP && !rep) {
        event = { kind: 'error', message: 'unicorn stopped without running the instruction (triple fault or a stop request)' };
      }
    } else if (r.event.kind === 'signal') {
      const memory = r.event.signal === SIGSEGV && r.event.address !== null;
      const prot = r.err === UcErr.READ_PROT || r.err === UcErr.WRITE_PROT || r.err === UcErr.FETCH_PROT;
      const fetch = r.err === UcErr.FETCH_UNMAPPED || r.err === UcErr.FETCH_PROT;
      // A fetch fault at a new EIP: the instruction completed and the next one cannot be fetched.
      retired = fetch && eip !== CODE_EIP;
      if (rep) retired = eip !== CODE_EIP;
      event = {
        kind: 'signal', signal: r.event.signal,
        code: memory ? (prot ? SEGV_ACCERR : SEGV_MAPERR) : r.event.signal === SIGILL ? ILL_ILLOPN : null,
        address: memory ? r.event.address : null,
      };
    } else {
      retired = false;
      event = { kind: 'error', message: `unicorn: ${JSON.stringify(r)}` };
    }
    const regs = GPR_IDS.map((id) => uc.reg(id));
    if (insn.row?.mnemonic === 'rdtsc') {
      // Unicorn's RDTSC reads the host clock: not an oracle answer (definedParts skips EDX:EAX),
      // and kept out of the golden file so it regenerates byte for byte.
      regs[0] = c.regs[0];
      regs[2] = c.regs[2];
    }
    const eflags = uc.reg(UC_X86_REG.EFLAGS);
    const segs = [0, 1, 2, 3, 4, 5].map((n) => uc.seg(n));

    let fpu: FpuState | null = null;
    if (x87) {
      const fr: number[] = [];
      for (let i = 0; i < 8; i++) fr.push(...uc.readFloat80(UC_X86_REG.FP0 + i));
      const sw = uc.reg16(UC_X86_REG.FPSW);
      fpu = { top: (sw >> 11) & 7, status: sw & ~0x3800, control: uc.reg16(UC_X86_REG.FPCW), tag: uc.reg16(UC_X86_REG.FPTAG), regs: fr };
    }
    const o: Outcome = { retired, event, regs, eip, eflags, segs, mem: this.rw.slice(), fpu };
    return insn.row ? normalise(insn.row, o) : o;
  }

  close(): void {
    this.uc.close();
  }
}

// ---------------------------------------------------------------------------------------------
// What the SDM defines.

/** EFLAGS bits compared: all but RF (16) and the reserved bits 3, 5, 15. */
export const EFLAGS_COMPARED = 0x003f7fd7;
const OF = 0x800, AF = 0x10, ARITH = 0x8d5;

const ROTATES = new Set(['rol', 'ror', 'rcl', 'rcr']);
const SHIFTS = new Set(['shl', 'shr', 'sal', 'sar']);
const DOUBLE_SHIFTS = new Set(['shld', 'shrd']);

/** Operand size in bytes of operand k of the instruction. */
function operandBytes(insn: Instruction, k: number): number {
  const op = insn.row!.operands[k];
  if (op.kind === K.ImmSx) return insn.opsize / 8;
  switch (op.size) {
    case S.B: return 1;
    case S.W: return 2;
    case S.D: return 4;
    default: return insn.opsize / 8;
  }
}

/** The masked count of a shift or rotate (count operand: Ib, CL or 1). */
function shiftCount(insn: Instruction, c: Case): number {
  const ops = insn.row!.operands;
  const countOp = ops[ops.length - 1];
  let count: number;
  if (countOp.kind === K.One) count = 1;
  else if (countOp.kind === K.Imm) count = ops.filter((o) => o.kind === K.Imm).length > 1 ? insn.imm2 : insn.imm;
  else count = c.regs[1] & 0xff; // CL
  return count & 0x1f;
}

export interface Defined {
  /** EFLAGS bits to compare. */
  readonly flags: number;
  /** Registers whose final value the SDM leaves undefined (or the oracle cannot know), with why. */
  readonly skipRegs: ReadonlyMap<number, string>;
  /** Memory bytes (offsets into the RW pages) left undefined. */
  readonly skipMem: readonly [number, number] | null;
}

/**
 * The parts of the outcome the SDM defines for this instruction and these inputs. The only
 * masking: flags the row marks undefined (flagsUndefined, with written-and-undefined resolved
 * as the SDM's per-count rules say for shifts and rotates), and results the SDM calls undefined
 * (SHLD/SHRD counts past the operand size, BSF/BSR of zero) or that no oracle can know (CPUID
 * and RDTSC outputs: checked against our documented CPUID and the tenant's clock instead).
 */
export function definedParts(insn: Instruction, c: Case): Defined {
  const row = insn.row!;
  const m = row.mnemonic;
  let undefinedFlags = row.flagsUndefined & ~row.flagsWritten;
  const skipRegs = new Map<number, string>();
  let skipMem: [number, number] | null = null;
  if (ROTATES.has(m) || SHIFTS.has(m) || DOUBLE_SHIFTS.has(m)) {
    const count = shiftCount(insn, c);
    const size = operandBytes(insn, 0) * 8;
    if (count === 0) undefinedFlags = 0; // no flag changes (SDM: "If the count is 0, the flags are not affected")
    else if (count === 1) undefinedFlags = row.flagsUndefined & ~OF;
    else undefinedFlags = row.flagsUndefined | OF;
    if (DOUBLE_SHIFTS.has(m) && count > size) {
      // SHLD/SHRD: "If the count is greater than the operand size, the result is undefined" and so are the flags.
      undefinedFlags = ARITH;
      if (insn.hasMem) skipMem = [0, 0]; // refined by the caller with the address
      else skipRegs.set(insn.rm, 'SHLD/SHRD count above the operand size: destination undefined');
    }
    if (!ROTATES.has(m) && !DOUBLE_SHIFTS.has(m) && count !== 0) undefinedFlags |= AF;
  }
  if ((m === 'bsf' || m === 'bsr') && sourceValue(insn, c, 1) === 0) {
    skipRegs.set(insn.reg, 'BSF/BSR of zero: destination undefined (SDM)');
  }
  if (m === 'cpuid') {
    for (const r of [0, 1, 2, 3]) skipRegs.set(r, 'CPUID output: ours is documented (src/cpu/cpuid.ts), checked separately');
  }
  if (m === 'rdtsc') {
    for (const r of [0, 2]) skipRegs.set(r, 'RDTSC output: the tenant clock, checked separately');
  }
  return { flags: EFLAGS_COMPARED & ~undefinedFlags, skipRegs, skipMem };
}

/** The value of a register source operand k (memory sources: null). */
function sourceValue(insn: Instruction, c: Case, k: number): number | null {
  const op = insn.row!.operands[k];
  if (op.kind !== K.RmGpr || insn.hasMem) return insn.hasMem ? memorySourceValue(insn, c, k) : null;
  const bytes = operandBytes(insn, k);
  return bytes === 4 ? c.regs[insn.rm] >>> 0 : c.regs[insn.rm] & 0xffff;
}

/** Reads a memory operand from the case's initial image (16/32-bit), or null outside it. */
function memorySourceValue(insn: Instruction, c: Case, k: number): number | null {
  const addr = effectiveAddressOf(insn, c);
  const img = dataImage(c.memSeed);
  const bytes = operandBytes(insn, k);
  const off = addr - DATA_BASE;
  if (off < 0 || off + bytes > IMAGE_SIZE) return null;
  return bytes === 4 ? new DataView(img.buffer).getUint32(off, true) : new DataView(img.buffer).getUint16(off, true);
}

/** The linear address of the instruction's ModRM memory operand with the case's registers. */
export function effectiveAddressOf(insn: Instruction, c: Case): number {
  let a = insn.disp;
  if (insn.base >= 0) a += insn.adsize === 16 ? c.regs[insn.base] & 0xffff : c.regs[insn.base];
  if (insn.index >= 0) a += insn.adsize === 16 ? c.regs[insn.index] & 0xffff : Math.imul(c.regs[insn.index], insn.scale);
  return insn.adsize === 16 ? a & 0xffff : a >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Unicorn errata. Unicorn 2.0.1 is QEMU 5.0.1's i386 target; where it deviates from the SDM
// (or from Linux on real hardware) for a form under test, the harness either runs Unicorn on
// an equivalent encoding or corrects Unicorn's outcome to what the SDM defines. Every
// correction is listed here with its reason, and the test reports how often each applied.

export interface Erratum {
  readonly id: string;
  readonly text: string;
}

export const ERRATA: Readonly<Record<string, Erratum>> = {
  'test-alias': {
    id: 'test-alias',
    text: 'F6 /1 and F7 /1 (TEST aliases, executed as TEST by Intel and AMD CPUs and decoded so by the table and capstone) ' +
      'are #UD in QEMU 5.0 (translate.c group 3 has no case 1): Unicorn runs the /0 encoding instead.',
  },
  'lock-neg': {
    id: 'lock-neg',
    text: 'LOCK NEG: QEMU 5.0 computes the flags from the old value (T0 is reloaded from the cmpxchg result before ' +
      'gen_op_update_neg_cc): Unicorn runs NEG without LOCK (same result on one CPU).',
  },
  'ret-imm16': {
    id: 'ret-imm16',
    text: 'RET imm16: QEMU reads the immediate with x86_ldsw_code (sign-extended); the SDM releases imm16 bytes ' +
      '(SDM Vol. 2B RET: "number of bytes to release", unsigned): ESP corrected by +0x10000 when imm16 >= 0x8000.',
  },
  'int1': {
    id: 'int1',
    text: 'INT1/ICEBP (F1): QEMU 5.0 raises its internal EXCP_DEBUG (Unicorn reports UC_ERR_INSN_INVALID); the CPU ' +
      'raises #DB as a trap (SDM Vol. 3A 17.3.1.2) and Linux sends SIGTRAP with si_code TRAP_BRKPT (traps.c ' +
      'exc_debug_user: icebp = !dr6; get_si_code(0)): expected outcome substituted.',
  },
  'precise-fault': {
    id: 'precise-fault',
    text: 'Faults are precise: the state is that before the faulting instruction (SDM Vol. 3A 6.5, "Faults"). QEMU ' +
      'commits part of some faulting instructions (page-split stores write their first page; RCL/RCR with a memory ' +
      'operand update EFLAGS before the store faults; ...): for a fault the reference state is the initial one.',
  },
  'x87-c1': {
    id: 'x87-c1',
    text: 'QEMU 5.0 never writes C1 where the SDM says "C1 set to 0" (FXCH, FLD, FCOM, FCMOVcc, ...): reference C1 cleared.',
  },
  'fcomi-flags': {
    id: 'fcomi-flags',
    text: 'FCOMI/FUCOMI/FCOMIP/FUCOMIP clear OF, SF and AF (SDM Vol. 2A FCOMI "Flags Affected"); QEMU keeps them ' +
      '(helper_fcomi_ST0_FT0 replaces only ZF PF CF): reference cleared.',
  },
  'x87-constants': {
    id: 'x87-constants',
    text: 'FLDPI/FLDL2E/FLDLG2/FLDLN2/FLDL2T round by the RC field (SDM Vol. 2A FLD1/FLDL2T/...); QEMU loads the ' +
      'round-to-nearest constant: reference rounded per RC.',
  },
  'fistp64': {
    id: 'fistp64',
    text: 'FISTP m64int: QEMU 5.0 converts through int32 (helper_fistll_ST0 calls floatx80_to_int32): reference ' +
      'is the SDM conversion (RC rounding, indefinite 8000000000000000h when out of range).',
  },
  'fist16': {
    id: 'fist16',
    text: 'FIST/FISTP m16int: QEMU converts to int64 then truncates to int32 before the int16 range check: ' +
      'reference is the SDM conversion.',
  },
  'fist32': { id: 'fist32', text: 'FIST/FISTP m32int: reference is the SDM conversion (QEMU differed).' },
  'fbstp': {
    id: 'fbstp',
    text: 'FBSTP: QEMU drops digits beyond 18 instead of storing the BCD indefinite, and loses the sign of -0 ' +
      '(SDM Vol. 2A FBSTP): reference is the SDM result.',
  },
  'store-order': {
    id: 'store-order',
    text: 'x87 memory operands (m80, BCD, FNSTENV/FNSAVE areas...) fault at their first inaccessible byte (the page ' +
      'fault address of the access); QEMU splits them (FBSTP stores the sign byte first, FBLD reads byte 8 first, ' +
      'page-split accesses report their start as unmapped): reference address and si_code from the layout.',
  },
  'snan-store': {
    id: 'snan-store',
    text: 'FST/FSTP m32fp/m64fp of a signalling NaN stores it quieted (masked #IA; SDM Vol. 1, 4.8.3.4); QEMU 5.0 ' +
      'converts it without setting the quiet bit: reference is the quieted NaN.',
  },
  'fxam': {
    id: 'fxam',
    text: 'FXAM classifies unnormals, pseudo-NaNs and pseudo-infinities as unsupported and empty registers as empty ' +
      '(SDM Vol. 2A FXAM); QEMU 5.0 looks at the exponent only and ignores the tag ("XXX: test fptags too"): reference ' +
      'C3 C2 C1 C0 from the SDM table.',
  },
  'snan-load': {
    id: 'snan-load',
    text: 'FLD m32fp/m64fp of a signalling NaN loads it quieted (masked #IA; SDM Vol. 2A FLD); QEMU 5.0 converts ' +
      'without setting the quiet bit: reference is the quieted extended NaN.',
  },
  'cmps-order': {
    id: 'cmps-order',
    text: 'CMPS with both operands faulting: QEMU reads ES:[EDI] first; the SDM computes SRC1 - SRC2 with SRC1 = ' +
      'DS:[ESI]: the reference reports the DS:[ESI] fault.',
  },
  'x87-es': {
    id: 'x87-es',
    text: 'ES and B summarise the unmasked exception flags (SDM Vol. 1, 8.1.3.1); after FLDCW/FLDENV/FRSTOR QEMU ' +
      'keeps the loaded or old ES/B bits: reference recomputed.',
  },
  'pusha-order': {
    id: 'pusha-order',
    text: 'PUSHA: QEMU stores EDI (lowest address) first; the SDM pushes EAX first (Vol. 2B PUSHA Operation), so ' +
      'the first faulting store, and the reported address, is the first one in SDM order.',
  },
};

/** Bytes Unicorn runs for the case: the case's own, or an equivalent encoding (errata above). */
export function oracleBytes(insn: Instruction, c: Case): Uint8Array {
  const e = oracleSubstitution(insn, c);
  return e === null ? c.bytes : e.bytes;
}

function prefixCount(bytes: Uint8Array): number {
  let n = 0;
  while (n < bytes.length && [0xf0, 0xf2, 0xf3, 0x66, 0x67, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65].includes(bytes[n])) n++;
  return n;
}

function oracleSubstitution(insn: Instruction, c: Case): { bytes: Uint8Array; erratum: string } | null {
  const row = insn.row;
  if (row === null) return null;
  if ((row.opcode === 0xf6 || row.opcode === 0xf7) && row.map === 0 && row.regField === 1) {
    const bytes = c.bytes.slice();
    const at = prefixCount(bytes) + 1;
    bytes[at] &= ~0x38;
    return { bytes, erratum: 'test-alias' };
  }
  if (row.mnemonic === 'neg' && (insn.prefixes & 1) !== 0) {
    return { bytes: c.bytes.filter((b, i) => !(b === 0xf0 && i < prefixCount(c.bytes))), erratum: 'lock-neg' };
  }
  return null;
}

/**
 * A REP string instruction that faults in an iteration keeps the completed iterations, but
 * the faulting iteration's store must not be partly done; QEMU commits the first page's part of
 * a page-split element store (see 'precise-fault'): those bytes revert to the initial image.
 */
function revertFaultingIteration(insn: Instruction, c: Case, o: Outcome, image: Uint8Array, applied: string[]): Outcome {
  const m = insn.row!.mnemonic;
  if (!/^(movs|stos)/.test(m)) return o;
  const size = m.endsWith('b') ? 1 : insn.opsize / 8;
  const edi = insn.adsize === 16 ? o.regs[7] & 0xffff : o.regs[7];
  const off = edi - DATA_BASE;
  let changed = false;
  const mem = o.mem.slice();
  for (let k = 0; k < size; k++) {
    const i = off + k;
    if (i >= 0 && i < RW_SIZE && mem[i] !== image[i]) { mem[i] = image[i]; changed = true; }
  }
  if (!changed) return o;
  applied.push('precise-fault');
  return { ...o, mem };
}

function cmpsFaultOrder(insn: Instruction, o: Outcome, applied: string[]): Outcome {
  const size = insn.row!.mnemonic.endsWith('b') ? 1 : insn.opsize / 8;
  const esi = insn.adsize === 16 ? o.regs[6] & 0xffff : o.regs[6];
  const first = firstLacking(esi, size, false);
  if (first === null || o.event.kind !== 'signal' || (first.address === o.event.address && first.code === o.event.code)) return o;
  applied.push('cmps-order');
  return { ...o, event: { ...o.event, address: first.address, code: first.code } };
}

/** Permission of a guest byte in the harness layout. */
function writable(a: number): boolean {
  return a >= DATA_BASE && a < DATA_BASE + RW_SIZE;
}

/**
 * The reference outcome: Unicorn's, corrected where Unicorn deviates from the SDM (ERRATA).
 * Returns the errata that changed something.
 */
export function referenceOutcome(insn: Instruction, c: Case, uc: Outcome, image: Uint8Array): { outcome: Outcome; applied: string[] } {
  const row = insn.row!;
  const applied: string[] = [];
  const sub = oracleSubstitution(insn, c);
  let o = uc;
  if (sub !== null) {
    applied.push(sub.erratum);
    // The substitute may be shorter (LOCK dropped): the fall-through EIP is the case's own.
    if (o.eip === CODE_EIP + sub.bytes.length && sub.bytes.length !== c.bytes.length) o = { ...o, eip: CODE_EIP + c.bytes.length };
  }
  if (row.mnemonic === 'int1') {
    o = { ...o, retired: true, event: { kind: 'signal', signal: SIGTRAP, code: 1 /* TRAP_BRKPT */, address: null }, eip: CODE_EIP + insn.length };
    applied.push('int1');
  }
  if (row.mnemonic === 'ret' && row.operands.length > 0 && insn.imm >= 0x8000 && o.retired) {
    const regs = [...o.regs];
    regs[4] = (regs[4] + 0x10000) >>> 0;
    o = { ...o, regs };
    applied.push('ret-imm16');
  }
  if (o.retired && o.event.kind === 'none' && c.fpu !== null && o.fpu !== null) {
    o = correctX87(insn, c, o, applied);
  }
  if (/^cmps/.test(row.mnemonic) && o.event.kind === 'signal' && o.event.address !== null) {
    // CMPS reads both operands; when both fault, which fault is reported is not ordered by the
    // SDM ("SRC1 - SRC2" only): QEMU reads ES:EDI first, the reference takes DS:ESI's as the
    // SDM's operand order does.
    o = cmpsFaultOrder(insn, o, applied);
  }
  if (isRepString(insn) && o.event.kind === 'signal' && o.event.address !== null) {
    o = revertFaultingIteration(insn, c, o, image, applied);
  }
  if (!o.retired && o.event.kind === 'signal' && !isRepString(insn)) {
    if (row.mnemonic === 'pushal' && o.event.address !== null) {
      const size = insn.opsize === 16 ? 2 : 4;
      let first: number | null = null;
      for (let i = 1; i <= 8 && first === null; i++) {
        const at = (c.regs[4] - i * size) >>> 0;
        for (let k = 0; k < size; k++) if (!writable((at + k) >>> 0)) { first = (at + k) >>> 0; break; }
      }
      if (first !== null && first !== o.event.address) {
        o = { ...o, event: { ...o.event, address: first } };
        applied.push('pusha-order');
      }
    }
    const block = x87Block(insn, c);
    if (block !== null && o.event.kind === 'signal' && o.event.signal === SIGSEGV && o.event.address !== null) {
      const first = firstLacking(block.address, block.size, block.write);
      if (first !== null && (first.address !== o.event.address || first.code !== o.event.code)) {
        o = { ...o, event: { ...o.event, address: first.address, code: first.code } };
        applied.push('store-order');
      }
    }
    const initial: Outcome = {
      retired: false, event: o.event, regs: c.regs, eip: CODE_EIP, eflags: c.eflags, segs: DEFAULT_SEGS,
      mem: image.subarray(0, RW_SIZE), fpu: c.fpu,
    };
    if (!sameState(o, initial)) applied.push('precise-fault');
    o = initial;
  }
  return { outcome: o, applied };
}

/** Byte equality through the native comparison (the pages are compared for every case). */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const X87_STORES = new Set(['fst', 'fstp', 'fist', 'fistp', 'fbstp', 'fnstenv', 'fnsave', 'fnstcw', 'fnstsw']);

/** The memory block an x87 form accesses (one operand): address, size, and whether it stores. */
function x87Block(insn: Instruction, c: Case): { address: number; size: number; write: boolean } | null {
  if (c.fpu === null || !insn.hasMem) return null;
  const op = insn.row!.operands.find((o) => o.kind === K.RmMemOnly);
  if (op === undefined) return null;
  const o16 = insn.opsize === 16;
  const size = op.size === S.W ? 2 : op.size === S.D ? 4 : op.size === S.Q ? 8 : op.size === S.T ? 10
    : op.size === S.Env ? (o16 ? 14 : 28) : op.size === S.State ? (o16 ? 94 : 108) : 0;
  if (size === 0) return null;
  return { address: effectiveAddressOf(insn, c), size, write: X87_STORES.has(insn.row!.mnemonic) };
}

/** The first byte of [address, address+size) the harness layout denies, with its si_code. */
function firstLacking(address: number, size: number, write: boolean): { address: number; code: number } | null {
  for (let k = 0; k < size; k++) {
    const a = (address + k) >>> 0;
    const rw = a >= DATA_BASE && a < DATA_BASE + RW_SIZE;
    const ro = a >= RO_BASE && a < RO_BASE + RO_SIZE;
    const code = a >= CODE_PAGE && a < CODE_PAGE + 0x1000;
    if (rw || ((ro || code) && !write)) continue;
    return { address: a, code: ro || code ? SEGV_ACCERR : SEGV_MAPERR };
  }
  return null;
}

/** QEMU 5.0 x87 errata with exact SDM answers (x87-spec.ts). */
function correctX87(insn: Instruction, c: Case, o: Outcome, applied: string[]): Outcome {
  const m = insn.row!.mnemonic;
  const spec = x87Spec(insn);
  const inF = c.fpu!, outF = o.fpu!;
  const rc = (inF.control >> 10) & 3;
  let fpu = outF;
  if (spec.c1 === 'zero' && (outF.status & C1) !== 0) {
    fpu = { ...fpu, status: fpu.status & ~C1 };
    applied.push('x87-c1');
  }
  if ((m === 'fcomi' || m === 'fucomi' || m === 'fcompi' || m === 'fucompi') && (o.eflags & 0x890) !== 0) {
    o = { ...o, eflags: o.eflags & ~0x890 };
    applied.push('fcomi-flags');
  }
  if (m === 'fldcw' || m === 'fldenv' || m === 'frstor') {
    // ES (and B, which mirrors it) summarise the unmasked exception flags (SDM Vol. 1, 8.1.3.1).
    const es = (fpu.status & ~fpu.control & 0x3f) !== 0;
    const status = es ? fpu.status | 0x8080 : fpu.status & ~0x8080;
    if (status !== fpu.status) { fpu = { ...fpu, status }; applied.push('x87-es'); }
  }
  if (m === 'fxam') {
    const i = inF.top & 7;
    const want = fxamBits(inF.regs[3 * i], inF.regs[3 * i + 1], inF.regs[3 * i + 2], ((inF.tag >> (2 * i)) & 3) === 3);
    const status = (fpu.status & ~(C0 | C1 | C2 | C3)) | want;
    if (status !== fpu.status) { fpu = { ...fpu, status }; applied.push('fxam'); }
  }
  const constant = roundedConstant(m, rc);
  if (constant !== null) {
    const slot = (inF.top + 7) & 7;
    const regs = [...fpu.regs];
    if (regs[3 * slot] !== constant[0] || regs[3 * slot + 1] !== constant[1] || regs[3 * slot + 2] !== constant[2]) {
      regs[3 * slot] = constant[0]; regs[3 * slot + 1] = constant[1]; regs[3 * slot + 2] = constant[2];
      fpu = { ...fpu, regs };
      applied.push('x87-constants');
    }
  }
  const st0 = inF.top & 7;
  const [se, hi, lo] = [inF.regs[3 * st0], inF.regs[3 * st0 + 1], inF.regs[3 * st0 + 2]];
  const memOp = insn.row!.operands.find((op) => op.kind === K.RmMemOnly);
  if ((m === 'fist' || m === 'fistp') && memOp !== undefined) {
    const bits = memOp.size === S.W ? 16 : memOp.size === S.D ? 32 : 64;
    const v = BigInt.asUintN(bits, fistValue(se, hi, lo, rc, bits as 16 | 32 | 64));
    const bytes = new Uint8Array(bits / 8);
    for (let k = 0; k < bytes.length; k++) bytes[k] = Number((v >> BigInt(8 * k)) & 0xffn);
    o = patchMemory(insn, c, o, bytes, bits === 64 ? 'fistp64' : bits === 16 ? 'fist16' : 'fist32', applied);
  }
  if (m === 'fld' && memOp !== undefined && (memOp.size === S.D || memOp.size === S.Q)) {
    const off = effectiveAddressOf(insn, c) - DATA_BASE;
    const n = memOp.size === S.D ? 4 : 8;
    const img = dataImage(c.memSeed);
    const want = off >= 0 && off + n <= IMAGE_SIZE ? nanLoad(img.subarray(off, off + n), n === 4 ? 32 : 64) : null;
    const slot = (inF.top + 7) & 7;
    if (want !== null && (fpu.regs[3 * slot] !== want[0] || fpu.regs[3 * slot + 1] !== want[1] || fpu.regs[3 * slot + 2] !== want[2])) {
      const regs = [...fpu.regs];
      regs[3 * slot] = want[0]; regs[3 * slot + 1] = want[1]; regs[3 * slot + 2] = want[2];
      fpu = { ...fpu, regs };
      applied.push('snan-load');
    }
  }
  if (m === 'fbstp') o = patchMemory(insn, c, o, fbstpBytes(se, hi, lo, rc), 'fbstp', applied);
  if ((m === 'fst' || m === 'fstp') && memOp !== undefined && (memOp.size === S.D || memOp.size === S.Q)) {
    const nan = nanStoreBytes(se, hi, lo, memOp.size === S.D ? 32 : 64);
    if (nan !== null) o = patchMemory(insn, c, o, nan, 'snan-store', applied);
  }
  return { ...o, fpu };
}

/** Replaces the bytes of the memory operand in the reference with the SDM's result. */
function patchMemory(insn: Instruction, c: Case, o: Outcome, bytes: Uint8Array, erratum: string, applied: string[]): Outcome {
  const off = effectiveAddressOf(insn, c) - DATA_BASE;
  if (off < 0 || off + bytes.length > RW_SIZE) return o;
  let same = true;
  for (let k = 0; k < bytes.length; k++) if (o.mem[off + k] !== bytes[k]) same = false;
  if (same) return o;
  const mem = o.mem.slice();
  mem.set(bytes, off);
  applied.push(erratum);
  return { ...o, mem };
}

function sameState(a: Outcome, b: Outcome): boolean {
  if (a.eip !== b.eip || a.eflags !== b.eflags) return false;
  for (let i = 0; i < 8; i++) if (a.regs[i] !== b.regs[i]) return false;
  for (let i = 0; i < 6; i++) if (a.segs[i] !== b.segs[i]) return false;
  if (!equalBytes(a.mem.subarray(0, RW_SIZE), b.mem.subarray(0, RW_SIZE))) return false;
  if (a.fpu !== null && b.fpu !== null) {
    if (a.fpu.top !== b.fpu.top || a.fpu.status !== b.fpu.status || a.fpu.control !== b.fpu.control || a.fpu.tag !== b.fpu.tag) return false;
    for (let i = 0; i < 24; i++) if (a.fpu.regs[i] !== b.fpu.regs[i]) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Comparison.

export interface Difference {
  readonly field: string;
  readonly vxts: string;
  readonly unicorn: string;
}

const REG_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];
const h32 = (x: number) => '0x' + (x >>> 0).toString(16).padStart(8, '0');
const h16 = (x: number) => '0x' + (x & 0xffff).toString(16).padStart(4, '0');

export function formatEvent(e: Event): string {
  switch (e.kind) {
    case 'none': return 'none';
    case 'syscall': return 'syscall';
    case 'error': return `error: ${e.message.split('\n').slice(0, 3).join(' | ')}`;
    case 'signal': {
      const names: Record<number, string> = { 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' };
      return `${names[e.signal] ?? 'signal ' + e.signal}${e.code !== null ? ` code ${e.code}` : ''}${e.address !== null ? ` at ${h32(e.address)}` : ''}`;
    }
  }
}

function float80(regs: readonly number[], i: number): string {
  return `${h16(regs[3 * i])}:${(regs[3 * i + 1] >>> 0).toString(16).padStart(8, '0')}${(regs[3 * i + 2] >>> 0).toString(16).padStart(8, '0')}`;
}

/** Compares two outcomes of the case under the SDM's definitions; [] when they agree. */
export function compareOutcomes(insn: Instruction, c: Case, vx: Outcome, uc: Outcome): Difference[] {
  const diffs: Difference[] = [];
  const add = (field: string, a: string, b: string) => diffs.push({ field, vxts: a, unicorn: b });
  const def = definedParts(insn, c);
  if (vx.event.kind === 'error' || uc.event.kind === 'error') {
    add('event', formatEvent(vx.event), formatEvent(uc.event));
    return diffs;
  }
  if (vx.retired !== uc.retired) add('retired', String(vx.retired), String(uc.retired));
  const ev = eventsDiffer(vx.event, uc.event);
  if (ev) add('event', formatEvent(vx.event), formatEvent(uc.event));
  if (vx.eip !== uc.eip) add('eip', h32(vx.eip), h32(uc.eip));
  for (let r = 0; r < 8; r++) {
    if (def.skipRegs.has(r)) continue;
    if (vx.regs[r] !== uc.regs[r]) add(REG_NAMES[r], h32(vx.regs[r]), h32(uc.regs[r]));
  }
  const fm = def.flags;
  if (((vx.eflags ^ uc.eflags) & fm) !== 0) {
    add(`eflags&${h32(fm)}`, `${h32(vx.eflags & fm)} (${flagNames(vx.eflags & fm)})`, `${h32(uc.eflags & fm)} (${flagNames(uc.eflags & fm)})`);
  }
  for (let i = 0; i < 6; i++) if (vx.segs[i] !== uc.segs[i]) add(SEG_NAMES[i], h16(vx.segs[i]), h16(uc.segs[i]));
  let skipLo = -1, skipHi = -1;
  if (def.skipMem !== null && insn.hasMem) {
    skipLo = effectiveAddressOf(insn, c) - DATA_BASE;
    skipHi = skipLo + operandBytes(insn, 0);
  }
  const memDiffs: number[] = [];
  if (!equalBytes(vx.mem, uc.mem)) {
    for (let i = 0; i < RW_SIZE; i++) {
      if (vx.mem[i] !== uc.mem[i] && !(i >= skipLo && i < skipHi)) memDiffs.push(i);
    }
  }
  if (memDiffs.length) {
    const show = memDiffs.slice(0, 8).map((i) => `${h32(DATA_BASE + i)}`).join(' ');
    const bytes = (mem: Uint8Array) => memDiffs.slice(0, 8).map((i) => mem[i].toString(16).padStart(2, '0')).join(' ');
    add(`memory (${memDiffs.length} bytes: ${show}${memDiffs.length > 8 ? ' ...' : ''})`, bytes(vx.mem), bytes(uc.mem));
  }
  if (vx.fpu !== null && uc.fpu !== null) compareFpu(insn, c, vx.fpu, uc.fpu, add);
  return diffs;
}

/** Relative/absolute tolerance of QEMU's double-precision transcendentals, and their domain. */
function approxAgrees(kind: NonNullable<X87Spec['approx']>, input: FpuState, a: number, b: number): boolean | null {
  const st = (k: number) => {
    const i = (input.top + k) & 7;
    return { se: input.regs[3 * i], hi: input.regs[3 * i + 1], lo: input.regs[3 * i + 2] };
  };
  const x = st(0), y = st(1);
  // Outside the normal, moderate domain QEMU's double arithmetic (and its special-case handling)
  // says nothing about the x87 result: not checked.
  if (!isNormalFinite(x.se, x.hi)) return null;
  const xv = toNumber(x.se, x.hi, x.lo);
  let scale: number;
  switch (kind) {
    case 'trig': if (Math.abs(xv) > 2 ** 20) return null; scale = Math.max(1, Math.abs(xv)); break;
    case 'f2xm1': if (Math.abs(xv) > 1) return null; scale = 1; break;
    case 'fpatan': if (!isNormalFinite(y.se, y.hi)) return null; scale = 4; break;
    case 'fyl2x': case 'fyl2xp1': {
      if (!isNormalFinite(y.se, y.hi) || xv <= (kind === 'fyl2x' ? 0 : -1) || Math.abs(xv) > 2 ** 1000) return null;
      const yv = toNumber(y.se, y.hi, y.lo);
      if (!Number.isFinite(yv) || Math.abs(yv) > 2 ** 900) return null;
      scale = Math.abs(yv) * (kind === 'fyl2x' ? Math.max(1, Math.abs(Math.log2(xv))) : Math.max(Math.abs(xv), 2 ** -60));
      break;
    }
  }
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 2 ** -40 * (scale + Math.abs(b));
}

/** Physical registers an x87 form reads as numbers: ST(0), and ST(i) or ST(1) where it takes them. */
function x87Operands(insn: Instruction, f: FpuState): number[] {
  const m = insn.row!.mnemonic;
  const out = [f.top & 7];
  if (insn.row!.operands.some((o) => o.kind === K.StI)) out.push((f.top + insn.rm) & 7);
  if (['fyl2x', 'fyl2xp1', 'fpatan', 'fscale', 'fprem', 'fprem1', 'fcompp', 'fucompp'].includes(m)) out.push((f.top + 1) & 7);
  return out;
}

/**
 * Cases where QEMU 5.0's result says nothing about the x87's: transcendental operands outside
 * the domain where its double-precision code is close, and FXTRACT/FSCALE with special operands
 * (QEMU treats NaN, infinity and denormal operands as ordinary numbers there). Returns the reason.
 */
export function x87OutOfOracle(insn: Instruction, c: Case): string | null {
  if (c.fpu === null) return null;
  const spec = x87Spec(insn);
  const m = insn.row!.mnemonic;
  const f = c.fpu;
  const st = (k: number) => { const i = (f.top + k) & 7; return [f.regs[3 * i], f.regs[3 * i + 1], f.regs[3 * i + 2]]; };
  const [se0, hi0] = st(0), [se1, hi1] = st(1);
  if (spec.noOracle && !spec.approx) return spec.noOracle;
  if (spec.raises || spec.approx || m === 'fxtract' || m === 'fscale') {
    for (const i of x87Operands(insn, f)) {
      if (((f.tag >> (2 * i)) & 3) !== 3 && pseudoEncoding(f.regs[3 * i], f.regs[3 * i + 1])) {
        return 'an operand in an unsupported or pseudo-denormal encoding (QEMU 5.0 softfloat mishandles them)';
      }
    }
  }
  if (spec.approx && approxAgrees(spec.approx, f, 0, 0) === null) return `${m} operand outside the domain of QEMU's double-precision code`;
  if (spec.noOracle) return spec.noOracle;
  const zero = (se: number, hi: number, i: number) => (se & 0x7fff) === 0 && hi === 0 && f.regs[3 * ((f.top + i) & 7) + 2] === 0;
  if (m === 'fxtract' && !isNormalFinite(se0, hi0) && !zero(se0, hi0, 0)) return 'FXTRACT of a NaN, infinity or denormal (QEMU helper_fxtract ignores them)';
  if (m === 'fscale') {
    const n = toNumber(se1, hi1, st(1)[2]);
    if (!(isNormalFinite(se0, hi0) || zero(se0, hi0, 0)) || !Number.isFinite(n) || Number.isNaN(n) || Math.abs(n) >= 2 ** 31 ||
        !(isNormalFinite(se1, hi1) || zero(se1, hi1, 1))) {
      return 'FSCALE with special or huge operands (QEMU passes NaNs through unquieted and saturates the scale)';
    }
  }
  return null;
}

function compareFpu(insn: Instruction, c: Case, a: FpuState, b: FpuState, add: (f: string, x: string, y: string) => void): void {
  const spec = x87Spec(insn);
  const m = insn.row!.mnemonic;
  if (spec.noOracle && spec.approx && x87OutOfOracle(insn, c) === spec.noOracle) {
    // Values computed differently: TOP, the control word and which registers are empty still agree.
    if (((a.top ^ b.top) & 7) !== 0) add('fpu top', String(a.top), String(b.top));
    if (a.control !== b.control) add('fpu control', h16(a.control), h16(b.control));
    if ((emptiness(a.tag) ^ emptiness(b.tag)) !== 0) add('fpu tag', h16(a.tag), h16(b.tag));
    return;
  }
  if (x87OutOfOracle(insn, c) !== null) {
    // Only what QEMU still gets right: the control word.
    if (a.control !== b.control) add('fpu control', h16(a.control), h16(b.control));
    return;
  }
  const undefinedValue = x87UndefinedValue(insn, c);
  for (let i = 0; i < 8; i++) {
    if (a.regs[3 * i] === b.regs[3 * i] && a.regs[3 * i + 1] === b.regs[3 * i + 1] && a.regs[3 * i + 2] === b.regs[3 * i + 2]) continue;
    if (spec.noOracle) continue;
    if (undefinedValue !== null && i === undefinedValue) continue;
    if (spec.approx && c.fpu !== null) {
      const ok = approxAgrees(spec.approx, c.fpu, toNumber(a.regs[3 * i], a.regs[3 * i + 1], a.regs[3 * i + 2]), toNumber(b.regs[3 * i], b.regs[3 * i + 1], b.regs[3 * i + 2]));
      if (ok === null || ok) continue;
    }
    add(`R${i} (st${(i - a.top + 8) & 7})`, float80(a.regs, i), float80(b.regs, i));
  }
  const bits = spec.noOracle ? TOP : comparedStatusBits(spec, m);
  const swA = (a.status & ~0x3800) | (a.top << 11), swB = (b.status & ~0x3800) | (b.top << 11);
  if (((swA ^ swB) & bits) !== 0) add(`fpu status&${h16(bits)}`, h16(swA & bits), h16(swB & bits));
  if (a.control !== b.control) add('fpu control', h16(a.control), h16(b.control));
  // Tags follow the values; where values are compared approximately only emptiness is compared.
  const tagMask = spec.noOracle ? 0 : spec.approx ? emptiness(a.tag) ^ emptiness(b.tag) : a.tag ^ b.tag;
  if (tagMask !== 0) add('fpu tag', h16(a.tag), h16(b.tag));
}

/** One bit per register: empty (tag 3). */
function emptiness(tag: number): number {
  let e = 0;
  for (let i = 0; i < 8; i++) if (((tag >> (2 * i)) & 3) === 3) e |= 1 << i;
  return e;
}

/** The physical register whose value the SDM leaves undefined (FBLD of an invalid BCD operand), or null. */
function x87UndefinedValue(insn: Instruction, c: Case): number | null {
  if (insn.row!.mnemonic !== 'fbld' || c.fpu === null) return null;
  const addr = effectiveAddressOf(insn, c);
  const off = addr - DATA_BASE;
  const img = dataImage(c.memSeed);
  if (off < 0 || off + 10 > IMAGE_SIZE) return null;
  return validBcd(img.subarray(off, off + 10)) ? null : (c.fpu.top + 7) & 7;
}

function eventsDiffer(a: Event, b: Event): boolean {
  if (a.kind !== b.kind) return true;
  if (a.kind !== 'signal' || b.kind !== 'signal') return false;
  if (a.signal !== b.signal) return true;
  if (a.code !== null && b.code !== null && a.code !== b.code) return true;
  if (b.address !== null && a.address !== b.address) return true;
  return false;
}

function flagNames(f: number): string {
  const names: [number, string][] = [[0x800, 'O'], [0x400, 'D'], [0x80, 'S'], [0x40, 'Z'], [0x10, 'A'], [0x4, 'P'], [0x1, 'C'], [0x100, 'T'], [0x40000, 'AC'], [0x200000, 'ID']];
  const s = names.filter(([b]) => f & b).map(([, n]) => n).join(' ');
  return s || '-';
}

/** Checks vxts's CPUID/RDTSC outputs against what vxts documents (Unicorn's are its own). */
export function checkDocumentedOutputs(runner: VxtsRunner, insn: Instruction, c: Case, vx: Outcome): Difference[] {
  const m = insn.row?.mnemonic;
  const diffs: Difference[] = [];
  if (vx.event.kind !== 'none' || !vx.retired) return diffs;
  if (m === 'cpuid') {
    const want = runner.cpuidAnswer(c.regs[0], c.regs[1]);
    const got = [vx.regs[0], vx.regs[3], vx.regs[1], vx.regs[2]];
    ['eax', 'ebx', 'ecx', 'edx'].forEach((n, i) => {
      if (got[i] !== want[i]) diffs.push({ field: `cpuid ${n} (vs src/cpu/cpuid.ts)`, vxts: h32(got[i]), unicorn: `documented ${h32(want[i])}` });
    });
  }
  if (m === 'rdtsc') {
    const t = tscOf(c);
    const lo = Number(t & 0xffffffffn) >>> 0, hi = Number(t >> 32n) >>> 0;
    if (vx.regs[0] !== lo || vx.regs[2] !== hi) diffs.push({ field: 'rdtsc edx:eax (vs the tenant clock)', vxts: `${h32(vx.regs[2])}:${h32(vx.regs[0])}`, unicorn: `clock ${h32(hi)}:${h32(lo)}` });
  }
  return diffs;
}

// ---------------------------------------------------------------------------------------------
// One case end to end.

export interface CaseResult {
  readonly c: Case;
  readonly insn: Instruction;
  readonly vx: Outcome;
  /** Unicorn's outcome as it ran, and the reference after the errata corrections. */
  readonly raw: Outcome;
  readonly ref: Outcome;
  readonly applied: readonly string[];
  /** Why part of the x87 state was left out of the comparison (oracle limits), or null. */
  readonly outOfOracle: string | null;
  readonly diffs: readonly Difference[];
}

/** Runs the case in vxts and compares with Unicorn's raw outcome (live, or from the golden file). */
export function checkCase(vx: VxtsRunner, c: Case, insn: Instruction, raw: Outcome): CaseResult {
  const image = dataImage(c.memSeed);
  const vo = vx.run(c, insn, image);
  const { outcome: ref, applied } = referenceOutcome(insn, c, raw, image);
  const diffs = [...compareOutcomes(insn, c, vo, ref), ...checkDocumentedOutputs(vx, insn, c, vo)];
  return { c, insn, vx: vo, raw, ref, applied, outOfOracle: x87OutOfOracle(insn, c), diffs };
}

// ---------------------------------------------------------------------------------------------
// Reports.

export function describeCase(c: Case, insn: Instruction): string {
  const regs = c.regs.map((v, i) => `${REG_NAMES[i]}=${h32(v)}`).join(' ');
  const lines = [
    `  bytes   ${hex(c.bytes)}   ${formatInstruction(insn)}   (form: ${insn.row?.source ?? insn.error})`,
    `  seed    0x${(c.seed >>> 0).toString(16)}   memSeed 0x${(c.memSeed >>> 0).toString(16)}`,
    `  regs    ${regs}`,
    `  eflags  ${h32(c.eflags)} (${flagNames(c.eflags)})`,
  ];
  if (insn.hasMem) {
    const ea = effectiveAddressOf(insn, c);
    const img = dataImage(c.memSeed);
    const off = ea - DATA_BASE;
    const around = off >= 0 && off < IMAGE_SIZE ? hex(img.subarray(off, Math.min(IMAGE_SIZE, off + 16))) : '(outside the data pages)';
    lines.push(`  memory  [${h32(ea)}] = ${around}`);
  }
  if (c.fpu !== null) {
    const f = c.fpu;
    lines.push(`  fpu     top=${f.top} status=${h16(f.status)} control=${h16(f.control)} tag=${h16(f.tag)}`);
    lines.push(`          ${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `R${i}=${float80(f.regs, i)}`).join(' ')}`);
  }
  return lines.join('\n');
}

export function describeOutcome(name: string, o: Outcome): string {
  const regs = o.regs.map((v, i) => `${REG_NAMES[i]}=${h32(v)}`).join(' ');
  return `  ${name.padEnd(7)} retired=${o.retired} event=${formatEvent(o.event)} eip=${h32(o.eip)} eflags=${h32(o.eflags)}\n          ${regs}`;
}

export function formatMismatch(c: Case, insn: Instruction, vx: Outcome, uc: Outcome, diffs: readonly Difference[]): string {
  return [
    `${insn.row?.mnemonic ?? '?'}: ${formatInstruction(insn)}`,
    describeCase(c, insn),
    describeOutcome('vxts', vx),
    describeOutcome('unicorn', uc),
    ...diffs.map((d) => `  differs ${d.field}: vxts ${d.vxts}  unicorn ${d.unicorn}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Golden encoding: a case is [seed, hex bytes, eflags, register overrides]; its Unicorn
// outcome is stored relative to the case's inputs (changed registers, memory, x87 registers).
// The random registers, the data image and the x87 state are regenerated from the seed
// (cases.ts caseBase/dataImage: frozen functions), so the file stays small.

/** [seed, hex bytes, eflags, register overrides, x87 tag word and x87 register overrides (x87 forms)]. */
export type GoldenCase =
  | [number, string, number, [number, number][]]
  | [number, string, number, [number, number][], number, [number, number, number, number][]];
export type GoldenEvent = 0 | 'S' | [number, number | null, number | null] | ['E', string];
/** [retired, event, changed regs, eip, eflags, changed segs, memory changes, x87 (or 0)]. */
export type GoldenOutcome = [0 | 1, GoldenEvent, [number, number][], number, number, [number, number][], [number, string][], GoldenFpu | 0];
/** [top, status, control, tag, changed registers [index, signExp, hi, lo]]. */
export type GoldenFpu = [number, number, number, number, [number, number, number, number][]];

export function encodeCase(c: Case): GoldenCase {
  const base = caseBase(c.seed);
  const overrides: [number, number][] = [];
  for (let r = 0; r < 8; r++) if (c.regs[r] !== base.regs[r]) overrides.push([r, c.regs[r]]);
  const bytes = Buffer.from(c.bytes).toString('hex');
  if (c.fpu === null) return [c.seed, bytes, c.eflags, overrides];
  const fpuOverrides: [number, number, number, number][] = [];
  for (let i = 0; i < 8; i++) {
    const a = c.fpu.regs, b = base.fpu.regs;
    if (a[3 * i] !== b[3 * i] || a[3 * i + 1] !== b[3 * i + 1] || a[3 * i + 2] !== b[3 * i + 2]) fpuOverrides.push([i, a[3 * i], a[3 * i + 1], a[3 * i + 2]]);
  }
  return [c.seed, bytes, c.eflags, overrides, c.fpu.tag, fpuOverrides];
}

export function decodeGoldenCase(g: GoldenCase): Case {
  const [seed, bytesHex, eflags, overrides] = g;
  const base = caseBase(seed);
  const regs = [...base.regs];
  for (const [r, v] of overrides) regs[r] = v >>> 0;
  const bytes = Uint8Array.from(Buffer.from(bytesHex, 'hex'));
  let fpu: FpuState | null = null;
  if (g.length > 4) {
    const [, , , , tag, fpuOverrides] = g as [number, string, number, [number, number][], number, [number, number, number, number][]];
    const fr = [...base.fpu.regs];
    for (const [i, se, hi, lo] of fpuOverrides) { fr[3 * i] = se; fr[3 * i + 1] = hi; fr[3 * i + 2] = lo; }
    fpu = { ...base.fpu, tag, regs: fr };
  }
  return { seed, bytes, regs, eflags, memSeed: base.memSeed, fpu };
}

function encodeEvent(e: Event): GoldenEvent {
  switch (e.kind) {
    case 'none': return 0;
    case 'syscall': return 'S';
    case 'signal': return [e.signal, e.code, e.address];
    case 'error': return ['E', e.message];
  }
}

function decodeEvent(g: GoldenEvent): Event {
  if (g === 0) return { kind: 'none' };
  if (g === 'S') return { kind: 'syscall' };
  if (g[0] === 'E') return { kind: 'error', message: g[1] as string };
  return { kind: 'signal', signal: g[0] as number, code: g[1] as number | null, address: g[2] as number | null };
}

export function encodeOutcome(c: Case, image: Uint8Array, o: Outcome): GoldenOutcome {
  const regs: [number, number][] = [];
  for (let r = 0; r < 8; r++) if (o.regs[r] !== c.regs[r]) regs.push([r, o.regs[r]]);
  const segs: [number, number][] = [];
  for (let i = 0; i < 6; i++) if (o.segs[i] !== DEFAULT_SEGS[i]) segs.push([i, o.segs[i]]);
  const mem: [number, string][] = [];
  for (let i = 0; i < RW_SIZE; i++) {
    if (o.mem[i] === image[i]) continue;
    let j = i;
    while (j < RW_SIZE && o.mem[j] !== image[j]) j++;
    mem.push([i, Buffer.from(o.mem.subarray(i, j)).toString('hex')]);
    i = j;
  }
  let fpu: GoldenFpu | 0 = 0;
  if (o.fpu !== null && c.fpu !== null) {
    const changed: [number, number, number, number][] = [];
    for (let i = 0; i < 8; i++) {
      const a = o.fpu.regs, b = c.fpu.regs;
      if (a[3 * i] !== b[3 * i] || a[3 * i + 1] !== b[3 * i + 1] || a[3 * i + 2] !== b[3 * i + 2]) changed.push([i, a[3 * i], a[3 * i + 1], a[3 * i + 2]]);
    }
    fpu = [o.fpu.top, o.fpu.status, o.fpu.control, o.fpu.tag, changed];
  }
  return [o.retired ? 1 : 0, encodeEvent(o.event), regs, o.eip, o.eflags, segs, mem, fpu];
}

export function decodeOutcome(c: Case, image: Uint8Array, g: GoldenOutcome): Outcome {
  const [retired, ev, regDiff, eip, eflags, segDiff, memDiff, fpuG] = g;
  const regs = [...c.regs];
  for (const [r, v] of regDiff) regs[r] = v >>> 0;
  const segs = [...DEFAULT_SEGS];
  for (const [i, v] of segDiff) segs[i] = v;
  const mem = image.slice(0, RW_SIZE);
  for (const [off, h] of memDiff) mem.set(Buffer.from(h, 'hex'), off);
  let fpu: FpuState | null = null;
  if (fpuG !== 0 && c.fpu !== null) {
    const [top, status, control, tag, changed] = fpuG;
    const fr = [...c.fpu.regs];
    for (const [i, se, hi, lo] of changed) { fr[3 * i] = se; fr[3 * i + 1] = hi; fr[3 * i + 2] = lo; }
    fpu = { top, status, control, tag, regs: fr };
  }
  return { retired: retired === 1, event: decodeEvent(ev), regs, eip, eflags, segs, mem, fpu };
}

export { decodeCase, SIGFPE, SIGILL, SIGSEGV, SIGTRAP, INT_UD };

// ---------------------------------------------------------------------------------------------
// Tallies for the test reports.

export class UnicornTally {
  cases = 0;
  mismatches = 0;
  readonly forms = new Set<string>();
  readonly byMnemonic = new Map<string, { cases: number; mismatches: number; fields: Map<string, number> }>();
  readonly errata = new Map<string, number>();
  /** Reason -> count and the mnemonics it applied to. */
  readonly outOfOracle = new Map<string, { count: number; mnemonics: Set<string> }>();
  readonly examples: string[] = [];

  constructor(private readonly keepExamples = 10) {}

  add(r: CaseResult): void {
    const row = r.insn.row!;
    this.cases++;
    this.forms.add(row.source);
    let m = this.byMnemonic.get(row.mnemonic);
    if (m === undefined) this.byMnemonic.set(row.mnemonic, (m = { cases: 0, mismatches: 0, fields: new Map() }));
    m.cases++;
    for (const e of r.applied) this.errata.set(e, (this.errata.get(e) ?? 0) + 1);
    if (r.outOfOracle !== null) {
      const reason = r.outOfOracle.replace(/^[a-z0-9]+ operand outside/, 'operand outside');
      let o = this.outOfOracle.get(reason);
      if (o === undefined) this.outOfOracle.set(reason, (o = { count: 0, mnemonics: new Set() }));
      o.count++;
      o.mnemonics.add(row.mnemonic);
    }
    if (r.diffs.length === 0) return;
    this.mismatches++;
    m.mismatches++;
    const key = r.diffs.map((d) => d.field.replace(/ \(.*$/, '').replace(/&0x[0-9a-f]+/, '')).join(',');
    m.fields.set(key, (m.fields.get(key) ?? 0) + 1);
    if (this.examples.length < this.keepExamples) this.examples.push(formatMismatch(r.c, r.insn, r.vx, r.ref, r.diffs));
  }

  /** `unicorn: N cases, M forms, K mismatches` and the tables. */
  report(title = 'unicorn'): string {
    const lines = [`${title}: ${this.cases} cases, ${this.forms.size} forms, ${this.mismatches} mismatches`];
    const bad = [...this.byMnemonic].filter(([, v]) => v.mismatches > 0).sort((a, b) => b[1].mismatches - a[1].mismatches);
    if (bad.length) {
      lines.push('mismatches by mnemonic (mismatches/cases: differing fields):');
      for (const [k, v] of bad) {
        lines.push(`  ${k.padEnd(12)} ${String(v.mismatches).padStart(6)}/${String(v.cases).padEnd(7)} ${[...v.fields].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} x${n}`).join('; ')}`);
      }
    }
    if (this.errata.size) {
      lines.push('Unicorn errata corrected (see ERRATA in test/support/compare.ts):');
      for (const [k, v] of [...this.errata].sort((a, b) => b[1] - a[1])) lines.push(`  ${k.padEnd(14)} ${v}`);
    }
    if (this.outOfOracle.size) {
      lines.push('x87 state not compared (outside what Unicorn 2.0.1 computes correctly):');
      for (const [k, v] of [...this.outOfOracle].sort((a, b) => b[1].count - a[1].count)) {
        lines.push(`  ${String(v.count).padStart(6)}  ${k} [${[...v.mnemonics].sort().join(' ')}]`);
      }
    }
    return lines.join('\n');
  }
}
