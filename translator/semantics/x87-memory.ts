// Memory operands of the x87 semantics: the operand's size from the table row, and loads and
// stores wider than the emitter's 4 bytes done as several checked accesses. A multi-part access
// must fault exactly as one access of its full width would (the SDM's page-fault address is
// the first inaccessible byte): when the operand crosses a page boundary, the whole range is
// first checked by a host probe (probeRead/probeWrite in translator/js/helpers.ts), which
// reports the lowest byte lacking the permission, SEGV_ACCERR on a mapped page and SEGV_MAPERR
// on an unmapped one, before any part is loaded or stored. So a store is never left half done,
// and a load whose parts skip bytes (the FLDENV/FRSTOR fields) still faults at the first
// inaccessible byte of its image. Within one page the first part faults first, at the operand's
// own address, before anything changed.

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

/**
 * Loads `bytes` (2, 4, 8 or 10) at addr as 32-bit parts, the last one 16 bits when bytes is 10.
 * The parts cover the operand contiguously in address order, so the first part that faults
 * reports the operand's first unreadable byte: no probe is needed (FLDENV/FRSTOR, whose loads
 * skip bytes, probe their image first).
 */
export function loadParts(e: Emitter, addr: Val, bytes: number): Val[] {
  const parts: Val[] = [];
  for (let off = 0; off < bytes; off += 4) {
    const size: Size = bytes - off >= 4 ? 4 : 2;
    parts.push(e.let(e.load(at(e, addr, off), size)));
  }
  return parts;
}

/**
 * Checks the whole range [addr, addr+bytes) for a load or a store before its parts are done, when
 * it crosses a page boundary (within one page the first part faults at the right address).
 */
export function probeRange(e: Emitter, addr: Val, bytes: number, write: boolean): void {
  if (bytes <= 4) return;
  const crosses = e.cmp('gtu', e.bin('and', addr, e.imm(4095)), e.imm(4096 - bytes));
  e.when(crosses, () => {
    const result = e.helper(write ? 'probeWrite' : 'probeRead', [addr, e.imm(bytes)]);
    // probeWrite invalidates translations on code pages; the block must then end after this
    // instruction, as after any store to them.
    if (write) e.helperStored(result);
  });
}

/** Stores parts (32-bit values, the last of a 10-byte operand 16 bits) of `bytes` bytes at addr. */
export function storeParts(e: Emitter, addr: Val, bytes: number, parts: Val[]): void {
  probeRange(e, addr, bytes, true);
  let k = 0;
  for (let off = 0; off < bytes; off += 4) {
    const size: Size = bytes - off >= 4 ? 4 : 2;
    e.store(at(e, addr, off), size, parts[k++]);
  }
}
