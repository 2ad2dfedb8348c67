// Integer instructions of optional extensions that a tenant may enable (MachineOptions.features):
// MOVBE (0F 38 F0/F1, ext 'movbe') and CRC32 (F2 0F 38 F0/F1, ext 'sse42'; an integer instruction
// despite its extension). The validator refuses them with SIGILL when the extension is off.
//
// SDM Vol. 2B "MOVBE": a load or store with the bytes of the operand reversed; 16- or 32-bit.
// SDM Vol. 2A "CRC32": accumulates CRC-32C (Castagnoli, reflected polynomial 82F63B78H, no
// inversion) of the 8/16/32-bit source, low byte first, into the 32-bit destination. No flags.

import type { Emitter, Size, Val } from '../emitter.js';
import { opSize, read, sizeOf, write } from '../operands.js';
import { define } from './registry.js';

function byteSwap(e: Emitter, x: Val, size: Size): Val {
  if (size === 2) return e.bin('or', e.bin('shr', x, e.imm(8)), e.bin('and', e.bin('shl', x, e.imm(8)), e.imm(0xff00)));
  return e.bin('or',
    e.bin('or', e.bin('shl', x, e.imm(24)), e.bin('and', e.bin('shl', x, e.imm(8)), e.imm(0xff0000))),
    e.bin('or', e.bin('and', e.bin('shr', x, e.imm(8)), e.imm(0xff00)), e.bin('shr', x, e.imm(24))));
}

define('movbe', (e, insn) => {
  const size = opSize(insn);
  write(e, insn, 0, byteSwap(e, e.let(read(e, insn, 1)), size));
});

define('crc32', (e, insn) => {
  const size = sizeOf(insn.row!.operands[1], insn);
  write(e, insn, 0, e.helper('crc32c', [e.reg(insn.reg, 4), read(e, insn, 1), e.imm(size)]));
});
