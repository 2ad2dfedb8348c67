// Intel-syntax text for decoded instructions, derived from the table row's operand letters.
// The same text serves `vxts disasm`, traces and error messages. Spelling follows the common
// Intel-syntax conventions (capstone/objdump): `mov eax, dword ptr [ebp - 8]`.

import type { Instruction } from './instruction.js';
import { OperandKind as K, OperandSize as S, Prefix, type OperandSpec } from './types.js';

const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const GPR8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs', 'seg6?', 'seg7?'];

function hex(n: number): string {
  return n > 9 ? '0x' + n.toString(16) : String(n);
}

function signedHex(n: number): string {
  return n < 0 ? '-' + hex(-n) : hex(n);
}

/** Resolves a size code to bytes for this instruction (v and z by operand size). */
function bytesOf(size: S, insn: Instruction): number {
  if (size === S.V || size === S.Z) return insn.opsize === 16 ? 2 : 4;
  if (size === S.P) return insn.opsize === 16 ? 4 : 6;
  if (size === S.A) return insn.opsize === 16 ? 4 : 8;
  if (size === S.RdMb) return insn.hasMem ? 1 : 4;
  if (size === S.RdMw) return insn.hasMem ? 2 : 4;
  return size;
}

function gpr(n: number, bytes: number): string {
  return bytes === 1 ? GPR8[n] : bytes === 2 ? GPR16[n] : GPR32[n];
}

const PTR: Record<number, string> = {
  1: 'byte ptr ', 2: 'word ptr ', 4: 'dword ptr ', 6: 'fword ptr ', 8: 'qword ptr ', 10: 'tbyte ptr ', 16: 'xmmword ptr ',
};

function memory(insn: Instruction, size: S, defaultSeg = -1): string {
  const regs = insn.adsize === 16 ? GPR16 : GPR32;
  const parts: string[] = [];
  if (insn.base >= 0) parts.push(regs[insn.base]);
  if (insn.index >= 0) parts.push(insn.scale > 1 ? `${regs[insn.index]}*${insn.scale}` : regs[insn.index]);
  let text = parts.join(' + ');
  const disp = insn.disp;
  if (parts.length === 0) text = hex(insn.adsize === 16 ? disp & 0xffff : disp >>> 0);
  else if (disp < 0) text += ` - ${hex(-disp)}`;
  else if (disp > 0) text += ` + ${hex(disp)}`;
  const seg = insn.seg >= 0 ? insn.seg : defaultSeg;
  const prefix = seg >= 0 ? SEGS[seg] + ':' : '';
  const ptr = size === S.None || size === S.Env || size === S.State || size === S.Fx ? '' : PTR[bytesOf(size, insn)] ?? '';
  return `${ptr}${prefix}[${text}]`;
}

function operandText(op: OperandSpec, insn: Instruction): string {
  switch (op.kind) {
    case K.RmGpr: case K.RmGprRegOnly:
      return insn.hasMem ? memory(insn, op.size) : gpr(insn.rm, bytesOf(op.size, insn));
    case K.RmMemOnly: return memory(insn, op.size);
    case K.RmMmx: case K.RmMmxRegOnly: return insn.hasMem ? memory(insn, op.size) : `mm${insn.rm}`;
    case K.RmXmm: case K.RmXmmRegOnly: return insn.hasMem ? memory(insn, op.size) : `xmm${insn.rm}`;
    case K.RegGpr: return gpr(insn.reg, bytesOf(op.size, insn));
    case K.RegSeg: return SEGS[insn.reg];
    case K.RegCtl: return `cr${insn.reg}`;
    case K.RegDbg: return `dr${insn.reg}`;
    case K.RegMmx: return `mm${insn.reg}`;
    case K.RegXmm: return `xmm${insn.reg}`;
    case K.OpcodeGpr: return gpr(insn.opcodeReg, bytesOf(op.size, insn));
    case K.StI: return `st(${insn.rm})`;
    case K.St0: return 'st(0)';
    case K.Imm: return hex(op === firstImm(insn) ? insn.imm : insn.imm2);
    case K.ImmSx: return signedHex(insn.imm);
    case K.Rel: return '0x' + insn.target.toString(16);
    case K.FarPtr: return `${hex(insn.imm2)}:${hex(insn.imm)}`;
    case K.MemOffset: {
      const seg = insn.seg >= 0 ? insn.seg : 3;
      return `${PTR[bytesOf(op.size, insn)]}${SEGS[seg]}:[${hex(insn.imm)}]`;
    }
    case K.StrSrc: {
      const regs = insn.adsize === 16 ? GPR16 : GPR32;
      const seg = insn.seg >= 0 ? SEGS[insn.seg] : 'ds';
      return `${PTR[bytesOf(op.size, insn)]}${seg}:[${regs[6]}]`;
    }
    case K.StrDst: {
      const regs = insn.adsize === 16 ? GPR16 : GPR32;
      return `${PTR[bytesOf(op.size, insn)]}es:[${regs[7]}]`;
    }
    case K.FixedGpr: return gpr(op.fixed, bytesOf(op.size, insn));
    case K.FixedSeg: return SEGS[op.fixed];
    case K.One: return '1';
    case K.FixedXmm0: return 'xmm0';
  }
}

/** The first Imm operand of the row: ENTER's Iw is imm, its Ib is imm2. */
function firstImm(insn: Instruction): OperandSpec | undefined {
  return insn.row?.operands.find((o) => o.kind === K.Imm);
}

/** Intel-syntax text of one instruction, with its prefixes; `(bad)` when it did not decode. */
export function formatInstruction(insn: Instruction): string {
  const row = insn.row;
  if (row === null) return '(bad)';
  let mnemonic = insn.mnemonic;
  if (insn.prefixes & Prefix.Lock) mnemonic = 'lock ' + mnemonic;
  if (row.rep === 'rep' && insn.prefixes & (Prefix.Rep | Prefix.Repne)) mnemonic = 'rep ' + mnemonic;
  if (row.rep === 'repcc' && insn.prefixes & (Prefix.Rep | Prefix.Repne)) {
    mnemonic = (insn.prefixes & Prefix.Repne ? 'repne ' : 'repe ') + mnemonic;
  }
  const ops = row.operands.map((o) => operandText(o, insn));
  return ops.length ? `${mnemonic} ${ops.join(', ')}` : mnemonic;
}

/** One listing line: `8049000: 55                     push ebp`. */
export function formatLine(insn: Instruction, bytes: Uint8Array, offset: number): string {
  const n = Math.max(1, insn.error === null ? insn.length : 1);
  const hexBytes: string[] = [];
  for (let i = 0; i < n && offset + i < bytes.length; i++) hexBytes.push(bytes[offset + i].toString(16).padStart(2, '0'));
  return `${insn.address.toString(16)}: ${hexBytes.join(' ').padEnd(21)} ${formatInstruction(insn)}`;
}
