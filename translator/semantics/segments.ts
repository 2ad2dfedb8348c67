// Segment and protection instructions a flat 32-bit user program can execute: LDS LES LFS LGS
// LSS (load far pointer), ARPL, and the descriptor queries LAR LSL VERR VERW. (MOV to/from a
// segment register and PUSH/POP of one are in data.ts.)
//
// SDM Vol. 2A "LDS/LES/LFS/LGS/LSS": the memory operand holds the offset (16 or 32 bits by the
// operand size) followed by a 16-bit selector. The selector is loaded through the 'loadSeg' helper,
// which accepts what the tenant may hold (the flat user selectors, TLS entries) and raises the
// fault the kernel would deliver otherwise; the general register is written only after it.
//
// SDM Vol. 2A "ARPL": if DEST.RPL < SRC.RPL then ZF := 1 and DEST.RPL := SRC.RPL, else ZF := 0.
// The destination is written back either way (as QEMU does); the other flags are unchanged.
//
// SDM Vol. 2A "LAR", "LSL", Vol. 2B "VERR/VERW": answered from the same descriptor model the
// segment loads use (src/cpu/segments.ts): the user code/data segments and TLS entries report
// their access rights and limits, anything else ZF = 0 with the destination unchanged.

import { ZF } from '../../src/cpu/flags.js';
import type { Instruction } from '../../decoder/instruction.js';
import type { Emitter } from '../emitter.js';
import { linear, offsetOf, read, rmwAddress, write } from '../operands.js';
import { define } from './registry.js';

const ES = 0, SS = 2, DS = 3, FS = 4, GS = 5;

function loadFarPointer(seg: number) {
  return (e: Emitter, insn: Instruction) => {
    const size = insn.opsize === 16 ? 2 : 4;
    const off = e.let(offsetOf(e, insn));
    const offset = e.let(e.load(linear(e, insn.seg, off), size));
    const selOff = e.bin('add', off, e.imm(size));
    const selector = e.let(e.load(linear(e, insn.seg, insn.adsize === 16 ? e.zext(selOff, 2) : selOff), 2));
    e.helper('loadSeg', [e.imm(seg), selector]);
    e.setReg(insn.reg, size, offset);
  };
}

define('les', loadFarPointer(ES));
define('lds', loadFarPointer(DS));
define('lss', loadFarPointer(SS));
define('lfs', loadFarPointer(FS));
define('lgs', loadFarPointer(GS));

define('arpl', (e, insn) => {
  const addr = rmwAddress(e, insn, 0);
  const dest = e.let(read(e, insn, 0, addr));
  const srcRpl = e.let(e.bin('and', read(e, insn, 1), e.imm(3)));
  const raise = e.let(e.cmp('ltu', e.bin('and', dest, e.imm(3)), srcRpl));
  write(e, insn, 0, e.select(raise, e.bin('or', e.bin('and', dest, e.imm(~3)), srcRpl), dest), addr);
  e.setArithFlags(e.bin('or', e.bin('and', e.arithFlags(), e.imm(~ZF)), e.select(raise, e.imm(ZF), e.imm(0))));
});

const QUERIES = ['lar', 'lsl', 'verr', 'verw'];

/** LAR/LSL (selector is operand 1, result to operand 0) and VERR/VERW (selector operand 0). */
function descriptorQuery(query: number) {
  return (e: Emitter, insn: Instruction) => {
    const selectorOperand = query < 2 ? 1 : 0;
    const selector = e.let(e.zext(read(e, insn, selectorOperand), 2));
    const ok = e.let(e.helper('segmentQuery', [selector, e.imm(query)]));
    if (query < 2) {
      // LAR masks the rights to 00FxFF00h with a 32-bit operand, FF00h with a 16-bit one.
      const value = query === 0 ? e.bin('and', e.scratch(0), e.imm(insn.opsize === 16 ? 0xff00 : 0x00f0ff00)) : e.scratch(0);
      write(e, insn, 0, e.select(ok, value, read(e, insn, 0)));
    }
    e.setArithFlags(e.bin('or', e.bin('and', e.arithFlags(), e.imm(~ZF)), e.select(ok, e.imm(ZF), e.imm(0))));
  };
}

QUERIES.forEach((name, query) => define(name, descriptorQuery(query)));
