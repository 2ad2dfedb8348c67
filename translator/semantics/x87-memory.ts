// Memory operands of the x87 semantics: the operand's size from the table row, and loads and
// stores wider than the emitter's 4 bytes done as several checked accesses. A multi-part store
// must not be left half done by a fault on its second page, so when the operand crosses a page
// boundary the first byte of the second page is first rewritten with its own value: that access
// faults (at the address a whole-operand access would report) if the page is not writable,
// before any part is stored; a fault on the first page comes from the first part, again before
// anything changed.

import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind as K, OperandSize as Sz } from '../../decoder/types.js';
import type { Emitter, Size, Val } from '../emitter.js';
import { addressOf } from '../operands.js';

/** The memory operand's size in bytes: 2, 4, 8 or 10 (Mw, Md, Mq, Mt). */
export function memSize(insn: Instruction): number {
  const op = insn.row!.operands.find((o) => o.kind === K.RmMemOnly);
  if (op === undefined || !(op.size === Sz.W || op.size === Sz.D || op.size === Sz.Q || op.size === Sz.T)) {
    throw new Error(`x87: ${insn.mnemonic} has no Mw/Md/Mq/Mt operand`);
  }
  return op.size;
}

/** The operand address, evaluated once. */
export function x87Address(e: Emitter, insn: Instruction): Val {
  return e.let(addressOf(e, insn));
}

export function at(e: Emitter, addr: Val, offset: number): Val {
  return offset === 0 ? addr : e.let(e.bin('add', addr, e.imm(offset)));
}

/** Loads `bytes` (2, 4, 8 or 10) at addr as 32-bit parts, the last one 16 bits when bytes is 10. */
export function loadParts(e: Emitter, addr: Val, bytes: number): Val[] {
  const parts: Val[] = [];
  for (let off = 0; off < bytes; off += 4) {
    const size: Size = bytes - off >= 4 ? 4 : 2;
    parts.push(e.let(e.load(at(e, addr, off), size)));
  }
  return parts;
}

/** Makes a store of `bytes` bytes at addr all-or-nothing with respect to page faults. */
export function probeWritable(e: Emitter, addr: Val, bytes: number): void {
  if (bytes <= 4) return;
  const crosses = e.cmp('gtu', e.bin('and', addr, e.imm(4095)), e.imm(4096 - bytes));
  e.when(crosses, () => {
    const second = e.let(e.bin('and', e.bin('add', addr, e.imm(bytes - 1)), e.imm(~4095)));
    e.store(second, 1, e.load(second, 1));
  });
}

/** Stores parts (32-bit values, the last of a 10-byte operand 16 bits) of `bytes` bytes at addr. */
export function storeParts(e: Emitter, addr: Val, bytes: number, parts: Val[]): void {
  probeWritable(e, addr, bytes);
  let k = 0;
  for (let off = 0; off < bytes; off += 4) {
    const size: Size = bytes - off >= 4 ? 4 : 2;
    e.store(at(e, addr, off), size, parts[k++]);
  }
}
