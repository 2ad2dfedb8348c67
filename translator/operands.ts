// Operand access for semantics, derived from the table row's operand letters: effective
// addresses (32- and 16-bit forms, FS/GS bases), reads and writes of register, memory and
// immediate operands. Backend-independent: everything goes through the Emitter.

import type { Instruction } from '../decoder/instruction.js';
import { OperandKind as K, OperandSize as S, type OperandSpec } from '../decoder/types.js';
import type { Emitter, Size, Val } from './emitter.js';

const FS = 4, GS = 5;

/** Operand size in bytes for this instruction (v and z follow the operand-size attribute). */
export function sizeOf(op: OperandSpec, insn: Instruction): Size {
  // Ibs is a byte in the encoding but an operand of the operation size once sign-extended
  // (83 /r, 6A PUSH, 6B IMUL: SDM Vol. 2D, A.2.2 "b" with the sign-extension note).
  if (op.size === S.V || op.size === S.Z || op.kind === K.ImmSx) return insn.opsize === 16 ? 2 : 4;
  if (op.size === S.B || op.size === S.W || op.size === S.D) return op.size;
  if (op.size === S.RdMb) return insn.hasMem ? 1 : 4;
  if (op.size === S.RdMw) return insn.hasMem ? 2 : 4;
  throw new Error(`translator: operand ${op.text} has no integer size`);
}

/** The operation size of an instruction: the size of its first operand (or v). */
export function opSize(insn: Instruction): Size {
  const first = insn.row!.operands[0];
  return first ? sizeOf(first, insn) : insn.opsize === 16 ? 2 : 4;
}

/** Offset part of the ModRM memory operand (no segment base): what LEA computes. */
export function offsetOf(e: Emitter, insn: Instruction): Val {
  const wide = insn.adsize === 32;
  let a: Val | null = null;
  if (insn.base >= 0) a = e.reg(insn.base, wide ? 4 : 2);
  if (insn.index >= 0) {
    let idx = e.reg(insn.index, wide ? 4 : 2);
    if (insn.scale > 1) idx = e.bin('shl', idx, e.imm(Math.log2(insn.scale)));
    a = a ? e.bin('add', a, idx) : idx;
  }
  if (insn.disp !== 0 || a === null) a = a ? e.bin('add', a, e.imm(insn.disp)) : e.imm(insn.disp);
  return wide ? a : e.zext(a, 2);
}

/** Adds the segment base where one applies: in the flat model only FS and GS have a base. */
export function linear(e: Emitter, seg: number, offset: Val): Val {
  return seg === FS || seg === GS ? e.bin('add', e.segBase(seg), offset) : offset;
}

/** Linear address of the ModRM memory operand. */
export function addressOf(e: Emitter, insn: Instruction): Val {
  return linear(e, insn.seg, offsetOf(e, insn));
}

function isMemory(op: OperandSpec, insn: Instruction): boolean {
  switch (op.kind) {
    case K.RmGpr: case K.RmMmx: case K.RmXmm: return insn.hasMem;
    case K.RmMemOnly: case K.MemOffset: return true;
    default: return false;
  }
}

/** Address of a memory operand (ModRM or moffs). */
export function memoryAddress(e: Emitter, op: OperandSpec, insn: Instruction): Val {
  if (op.kind === K.MemOffset) return linear(e, insn.seg, e.imm(insn.imm));
  return addressOf(e, insn);
}

/**
 * Reads operand k. `addr` may pass an address computed once for read-modify-write forms.
 * Immediates come masked to the operand size; sign-extended forms (Ibs) sign-extend first.
 */
export function read(e: Emitter, insn: Instruction, k: number, addr?: Val): Val {
  const op = insn.row!.operands[k];
  const size = sizeOf(op, insn);
  if (isMemory(op, insn)) return e.load(addr ?? memoryAddress(e, op, insn), size);
  switch (op.kind) {
    case K.RmGpr: case K.RmGprRegOnly: return e.reg(insn.rm, size);
    case K.RegGpr: return e.reg(insn.reg, size);
    case K.OpcodeGpr: return e.reg(insn.opcodeReg, size);
    case K.FixedGpr: return e.reg(op.fixed, size);
    case K.Imm: case K.ImmSx: {
      const value = k > 0 && insn.row!.operands.slice(0, k).some((o) => o.kind === K.Imm) ? insn.imm2 : insn.imm;
      return e.imm(size === 4 ? value | 0 : value & (size === 2 ? 0xffff : 0xff));
    }
    case K.One: return e.imm(1);
    default: throw new Error(`translator: cannot read operand ${op.text} of ${insn.mnemonic}`);
  }
}

/** Writes operand k (register or memory). */
export function write(e: Emitter, insn: Instruction, k: number, value: Val, addr?: Val): void {
  const op = insn.row!.operands[k];
  const size = sizeOf(op, insn);
  if (isMemory(op, insn)) {
    e.store(addr ?? memoryAddress(e, op, insn), size, value);
    return;
  }
  switch (op.kind) {
    case K.RmGpr: case K.RmGprRegOnly: e.setReg(insn.rm, size, value); return;
    case K.RegGpr: e.setReg(insn.reg, size, value); return;
    case K.OpcodeGpr: e.setReg(insn.opcodeReg, size, value); return;
    case K.FixedGpr: e.setReg(op.fixed, size, value); return;
    default: throw new Error(`translator: cannot write operand ${op.text} of ${insn.mnemonic}`);
  }
}

/** For read-modify-write forms: the memory address of operand k evaluated once, or undefined. */
export function rmwAddress(e: Emitter, insn: Instruction, k: number): Val | undefined {
  const op = insn.row!.operands[k];
  return isMemory(op, insn) ? e.let(memoryAddress(e, op, insn)) : undefined;
}
