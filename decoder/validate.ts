// The validator: Vx32's whitelist, derived from the table. Every decoded instruction gets a
// verdict before it may be translated: allowed (with its control-flow kind), or rejected with
// the signal Linux would deliver for it on a real i386 machine and a message naming the
// address, the bytes and the mnemonic.

import type { Instruction } from './instruction.js';
import type { FlowKind, IsaExt } from './types.js';

export type GuestSignal = 'SIGILL' | 'SIGSEGV' | 'SIGTRAP';

/** Why an instruction is refused. */
export type RejectReason =
  | 'truncated'     // runs into the end of the readable bytes
  | 'too-long'      // over 15 bytes: #GP
  | 'undefined'     // no such encoding, or a defined #UD (UD2, UD0, UD1): #UD
  | 'bad-lock'      // LOCK where it is not allowed: #UD
  | 'vex'           // AVX and later encodings: #UD on the target CPU
  | 'privileged'    // needs CPL 0 or IOPL: #GP
  | 'far'           // far transfers and IRET would load CS: refused, #GP
  | 'int'           // INT n other than INT 0x80: #GP through a DPL-0 gate
  | 'unsupported';  // an extension this tenant's CPU does not report: #UD

export type Verdict =
  | { readonly ok: true; readonly flow: FlowKind }
  | { readonly ok: false; readonly signal: GuestSignal; readonly reason: RejectReason; readonly message: string };

/** The instruction-set extensions a tenant's CPU reports (see docs/DECODER.md). */
export type CpuFeatures = ReadonlySet<IsaExt>;

/**
 * The default CPU: the P6 feature set glibc and musl need (FPU, TSC, CX8, CMOV), no MMX or SSE,
 * so C libraries choose their integer string functions. 'base' includes the hint-space forms
 * that every CPU executes as NOPs: PAUSE (REP NOP) and ENDBR32 (a NOP without CET).
 */
export const DEFAULT_FEATURES: CpuFeatures = new Set<IsaExt>(['base', 'x87', 'cmov', 'cx8', 'pause', 'cet']);

const EXT_NAMES: Partial<Record<IsaExt, string>> = {
  sse41: 'SSE4.1', sse42: 'SSE4.2', x87: 'x87 FPU', cx8: 'CMPXCHG8B (CX8)', cmov: 'CMOV',
};

function extName(ext: IsaExt): string {
  return EXT_NAMES[ext] ?? ext.toUpperCase();
}

/** Hex bytes of an instruction (at most its length, at least one byte). */
export function instructionBytes(insn: Instruction, bytes: Uint8Array, offset: number): string {
  const n = Math.max(1, insn.length);
  const out: string[] = [];
  for (let i = 0; i < n && offset + i < bytes.length; i++) out.push(bytes[offset + i].toString(16).padStart(2, '0'));
  return out.join(' ');
}

const ERROR_TEXT: Record<string, [GuestSignal, string]> = {
  truncated: ['SIGSEGV', 'instruction runs past the end of executable memory'],
  'too-long': ['SIGSEGV', 'instruction longer than 15 bytes'],
  undefined: ['SIGILL', 'undefined opcode'],
  'bad-lock': ['SIGILL', 'LOCK prefix on an instruction that cannot be locked'],
  vex: ['SIGILL', 'VEX/EVEX/XOP encoding (AVX or later), not supported by the guest CPU'],
};

/**
 * Gives the verdict on a decoded instruction. `bytes`/`offset` locate it for the message.
 * LOCK misuse and undefined encodings are SIGILL; privileged, far and INT n are SIGSEGV as
 * the kernel maps #GP; loads of FS/GS are allowed here and checked when executed.
 */
export function validate(insn: Instruction, bytes: Uint8Array, offset: number, features: CpuFeatures = DEFAULT_FEATURES): Verdict {
  const row = insn.row;
  // The common case allocates nothing: a shared verdict per control-flow kind.
  if (row !== null && row.verdict === 'ok' && features.has(row.ext)) return ALLOWED[row.flow];
  const where = () => `at 0x${insn.address.toString(16)}: ${instructionBytes(insn, bytes, offset)}`;
  if (row === null) {
    const err = insn.error ?? 'undefined';
    const [signal, text] = ERROR_TEXT[err];
    return { ok: false, signal, reason: err, message: `${signal} ${where()}: ${text}` };
  }
  const named = () => `${where()} (${insn.mnemonic})`;
  switch (row.verdict) {
    case 'privileged':
      return { ok: false, signal: 'SIGSEGV', reason: 'privileged', message: `SIGSEGV ${named()}: privileged instruction` };
    case 'far':
      return { ok: false, signal: 'SIGSEGV', reason: 'far', message: `SIGSEGV ${named()}: far control transfer` };
    case 'undefined':
      return { ok: false, signal: 'SIGILL', reason: 'undefined', message: `SIGILL ${named()}: undefined instruction` };
    case 'int':
      // INT 0x80 is the i386 Linux system call gate (DPL 3). Linux also makes the #BP (3) and #OF
      // (4) gates DPL 3, so INT 3 and INT 4 in their two-byte form trap as INT3 and INTO do
      // (SIGTRAP, SIGSEGV; EIP after the instruction). Every other vector has DPL 0 and faults
      // with #GP (SDM Vol. 3A, 6.12.1.1), which Linux reports as SIGSEGV at the instruction.
      if (insn.imm === 0x80) return ALLOWED.syscall;
      if (insn.imm === 3 || insn.imm === 4) return ALLOWED.trap;
      return { ok: false, signal: 'SIGSEGV', reason: 'int', message: `SIGSEGV ${named()}: interrupt 0x${insn.imm.toString(16)} is not a system call gate` };
    case 'ok':
      break;
  }
  if (!features.has(row.ext)) {
    // TZCNT and LZCNT are REP BSF / REP BSR: without BMI1 / LZCNT the CPU ignores the REP and
    // executes BSF / BSR (SDM Vol. 2B, TZCNT and LZCNT). The translator does the same.
    if (row.ext === 'bmi1' || row.ext === 'lzcnt') return ALLOWED[row.flow];
    return {
      ok: false, signal: 'SIGILL', reason: 'unsupported',
      message: `SIGILL ${named()}: ${extName(row.ext)} is not enabled for this guest CPU`,
    };
  }
  return ALLOWED[row.flow];
}

const FLOWS: FlowKind[] = ['none', 'jump', 'jcc', 'call', 'ijump', 'icall', 'ret', 'trap', 'syscall'];
const ALLOWED = Object.fromEntries(FLOWS.map((flow) => [flow, Object.freeze({ ok: true, flow })])) as Record<FlowKind, Verdict>;
