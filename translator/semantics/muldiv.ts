// Multiplication and division: MUL, IMUL (one, two and three operands), DIV, IDIV.
//
// SDM Vol. 2A "IMUL", Vol. 2B "MUL", Vol. 2A "DIV"/"IDIV":
//  - MUL sets CF = OF = 1 when the upper half of the product is non-zero; IMUL when the product
//    does not fit the destination (the truncated result sign-extended differs from the full one).
//    SF ZF AF PF are undefined; they are recorded as QEMU computes them (flags.ts Mul/Imul: from
//    the low half, AF = 0). The lazy record's `src` is non-zero exactly when CF = OF = 1.
//  - DIV/IDIV raise #DE (Linux: SIGFPE, FPE_INTDIV) for a zero divisor or a quotient that does
//    not fit; the helpers throw it, so the registers stay as before the instruction. The flags
//    are undefined and left alone, as QEMU leaves them.

import type { Instruction } from '../../decoder/instruction.js';
import { Cc } from '../../src/cpu/flags.js';
import type { Emitter, Size, Val } from '../emitter.js';
import { opSize, read, write } from '../operands.js';
import { define } from './registry.js';

const EAX = 0, EDX = 2;

/** Non-zero when the signed value v does not fit `size` bytes (v - sext(trunc(v))). */
function signedOverflow(e: Emitter, v: Val, size: Size): Val {
  return e.bin('sub', v, e.sext(v, size));
}

define('mul', (e, insn) => {
  const size = opSize(insn);
  const b = e.let(read(e, insn, 0));
  const a = e.let(e.reg(EAX, size));
  if (size === 1) {
    const p = e.let(e.bin('mul', a, b));
    e.setReg(EAX, 2, p);
    e.setFlags(Cc.Mul, 1, p, a, e.bin('shr', p, e.imm(8)));
  } else if (size === 2) {
    const p = e.let(e.bin('mul', a, b));
    const hi = e.let(e.bin('shr', p, e.imm(16)));
    e.setReg(EAX, 2, p);
    e.setReg(EDX, 2, hi);
    e.setFlags(Cc.Mul, 2, p, a, hi);
  } else {
    const lo = e.let(e.helper('mulu32', [a, b]));
    const hi = e.scratch(0);
    e.setReg(EAX, 4, lo);
    e.setReg(EDX, 4, hi);
    e.setFlags(Cc.Mul, 4, lo, a, hi);
  }
});

define('imul', (e, insn) => {
  const size = opSize(insn);
  const n = insn.row!.operands.length;
  if (n === 1) {
    // IMUL r/m: AX := AL * r/m8, DX:AX := AX * r/m16, EDX:EAX := EAX * r/m32.
    const b = e.let(e.sext(read(e, insn, 0), size));
    const a = e.let(e.sext(e.reg(EAX, size), size));
    if (size === 4) {
      const lo = e.let(e.helper('muls32', [a, b]));
      const hi = e.let(e.scratch(0));
      e.setReg(EAX, 4, lo);
      e.setReg(EDX, 4, hi);
      e.setFlags(Cc.Imul, 4, lo, a, e.bin('sub', hi, e.bin('sar', lo, e.imm(31))));
      return;
    }
    const p = e.let(e.bin('mul', a, b)); // exact: |p| <= 2^30
    if (size === 1) {
      e.setReg(EAX, 2, p);
    } else {
      e.setReg(EAX, 2, p);
      e.setReg(EDX, 2, e.bin('sar', p, e.imm(16)));
    }
    e.setFlags(Cc.Imul, size, p, a, signedOverflow(e, p, size));
    return;
  }
  // IMUL r, r/m and IMUL r, r/m, imm: the product truncated to the destination.
  const x = e.let(e.sext(read(e, insn, n === 2 ? 0 : 1), size));
  const y = e.let(e.sext(read(e, insn, n === 2 ? 1 : 2), size));
  if (size === 4) {
    const lo = e.let(e.helper('muls32', [x, y]));
    const hi = e.scratch(0);
    write(e, insn, 0, lo);
    e.setFlags(Cc.Imul, 4, lo, x, e.bin('sub', hi, e.bin('sar', lo, e.imm(31))));
    return;
  }
  const p = e.let(e.bin('mul', x, y));
  write(e, insn, 0, e.zext(p, 2));
  e.setFlags(Cc.Imul, 2, p, x, signedOverflow(e, p, 2));
});

function divide(signed: boolean) {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const d = e.let(read(e, insn, 0));
    if (size === 1) {
      // AL := AX / r/m8, AH := remainder.
      const q = e.let(e.helper(signed ? 'idiv8' : 'div8', [e.reg(EAX, 2), d]));
      const r = e.scratch(0);
      e.setReg(EAX, 2, e.bin('or', e.bin('shl', r, e.imm(8)), e.zext(q, 1)));
    } else if (size === 2) {
      const q = e.let(e.helper(signed ? 'idiv16' : 'div16', [e.reg(EDX, 2), e.reg(EAX, 2), d]));
      const r = e.scratch(0);
      e.setReg(EAX, 2, q);
      e.setReg(EDX, 2, r);
    } else {
      const q = e.let(e.helper(signed ? 'sdiv32' : 'udiv32', [e.reg(EDX, 4), e.reg(EAX, 4), d]));
      const r = e.scratch(0);
      e.setReg(EAX, 4, q);
      e.setReg(EDX, 4, r);
    }
  };
}

define('div', divide(false));
define('idiv', divide(true));
