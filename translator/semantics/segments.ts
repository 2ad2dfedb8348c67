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
// SDM Vol. 2A "LAR", "LSL", Vol. 2B "VERR/VERW": these read a descriptor from the GDT/LDT. vxts
// gives the guest no descriptor tables: the user selectors and TLS entries are an emulation in
// the engine (Machine.segmentBase), with no descriptor image behind them whose access rights or
// limit could be reported consistently. The answer they give is therefore always the one the
// CPU gives for a selector that is null, beyond the table limit or not accessible at the
// current privilege: ZF := 0 and the destination unchanged. That is a valid outcome the
// programs that use them already handle, it reveals nothing about the host, and it cannot
// disagree with a later segment load. The selector operand is still read, so a bad memory
// operand faults as on hardware.

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

/** LAR/LSL (selector is operand 1) and VERR/VERW (operand 0): "not accessible". */
function descriptorQuery(selectorOperand: number) {
  return (e: Emitter, insn: Instruction) => {
    if (insn.hasMem) e.let(read(e, insn, selectorOperand));
    e.setArithFlags(e.bin('and', e.arithFlags(), e.imm(~ZF)));
  };
}

define(['lar', 'lsl'], descriptorQuery(1));
define(['verr', 'verw'], descriptorQuery(0));
