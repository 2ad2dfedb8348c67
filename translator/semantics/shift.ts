// Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR (by 1, CL or Ib; 8/16/32-bit) and the
// double shifts SHLD/SHRD (Ib or CL).
//
// SDM Vol. 2B "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD":
//  - the count is masked to 5 bits; a masked count of 0 changes no flag (a conditional flag write
//    when the count comes from CL), but the destination is still read and written, as QEMU does;
//  - CF is the last bit shifted out; OF is defined for a count of 1 only. For other counts the
//    value recorded is QEMU's (flags.ts Shl/Shr/Sar: MSB of (operand shifted by count-1) XOR
//    MSB of the result), which for a count of 1 is the SDM's definition; AF reads as 0;
//  - ROL/ROR touch only CF and OF; RCL/RCR rotate through CF with the count taken mod 9 / mod 17
//    for 8- and 16-bit operands (only a count that comes to 0 leaves the flags alone);
//  - SHLD/SHRD with a 16-bit operand and a count above 16 are undefined: this computes QEMU's
//    (and Intel's) answer, a shift of the 48-bit string dest:src:dest.

import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind as K } from '../../decoder/types.js';
import { Cc, CF, OF } from '../../src/cpu/flags.js';
import type { Emitter, Size, Val } from '../emitter.js';
import { opSize, read, rmwAddress, write } from '../operands.js';
import { define } from './registry.js';

interface Count {
  /** The masked count when the form fixes it (1 or an immediate), else null (CL). */
  readonly known: number | null;
  readonly v: Val;
}

/** Operand k as a shift count, masked to 5 bits. */
function countOf(e: Emitter, insn: Instruction, k: number): Count {
  const op = insn.row!.operands[k];
  if (op.kind === K.One) return { known: 1, v: e.imm(1) };
  if (op.kind === K.Imm) {
    const c = insn.imm & 31;
    return { known: c, v: e.imm(c) };
  }
  return { known: null, v: e.let(e.bin('and', e.reg(1, 1), e.imm(31))) }; // CL
}

/** Records flags computed by `flags` when the count is non-zero, given the old O S Z A P C. */
function setRotateFlags(e: Emitter, count: Count, old: Val, flags: Val): void {
  if (count.known !== null) e.setArithFlags(flags);
  else e.setArithFlags(e.select(e.cmp('ne', count.v, e.imm(0)), flags, old));
}

function shift(kind: 'shl' | 'shr' | 'sar') {
  const cc = kind === 'shl' ? Cc.Shl : kind === 'shr' ? Cc.Shr : Cc.Sar;
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const addr = rmwAddress(e, insn, 0);
    const a = e.let(read(e, insn, 0, addr));
    const count = countOf(e, insn, 1);
    if (count.known === 0) {
      write(e, insn, 0, a, addr);
      return;
    }
    // SAR shifts the sign-extended value; SHR the zero-extended one (operands come zero-extended).
    const x = kind === 'sar' ? e.let(e.sext(a, size)) : a;
    const res = e.let(e.zext(e.bin(kind, x, count.v), size));
    // The value shifted by count-1: its edge bit is the last one shifted out (flags.ts).
    const prev = e.let(e.bin(kind, x, count.known !== null ? e.imm(count.known - 1) : e.bin('sub', count.v, e.imm(1))));
    write(e, insn, 0, res, addr);
    if (count.known !== null) e.setFlags(cc, size, res, a, prev);
    else e.setFlagsIf(e.cmp('ne', count.v, e.imm(0)), cc, size, res, a, prev);
  };
}

define(['shl', 'sal'], shift('shl'));
define('shr', shift('shr'));
define('sar', shift('sar'));

/** ROL/ROR: rotate by count mod the operand width; only CF and OF change (when count != 0). */
function rotate(right: boolean) {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const bits = size * 8;
    const addr = rmwAddress(e, insn, 0);
    const a = e.let(read(e, insn, 0, addr));
    const count = countOf(e, insn, 1);
    if (count.known === 0) {
      write(e, insn, 0, a, addr);
      return;
    }
    const r = count.known !== null ? e.imm(count.known & (bits - 1)) : bits === 32 ? count.v : e.let(e.bin('and', count.v, e.imm(bits - 1)));
    // A rotation by 0 is x | x: a JS shift by 32 is a shift by 0, and 8/16-bit spill is masked off.
    const back = e.bin('sub', e.imm(bits), r);
    const res = e.let(e.zext(right
      ? e.bin('or', e.bin('shr', a, r), e.bin('shl', a, back))
      : e.bin('or', e.bin('shl', a, r), e.bin('shr', a, back)), size));
    write(e, insn, 0, res, addr);
    const msb = e.bin('and', e.bin('shr', res, e.imm(bits - 1)), e.imm(1));
    // ROL: CF = LSB(result), OF = MSB(result) XOR CF. ROR: CF = MSB(result), OF = the two top bits XORed.
    const cf = e.let(right ? msb : e.bin('and', res, e.imm(1)));
    const of = right ? e.bin('and', e.bin('xor', cf, e.bin('shr', res, e.imm(bits - 2))), e.imm(1)) : e.bin('xor', msb, cf);
    const old = e.let(e.arithFlags());
    const flags = e.bin('or', e.bin('and', old, e.imm(~(CF | OF))), e.bin('or', cf, e.bin('shl', of, e.imm(11))));
    setRotateFlags(e, count, old, flags);
  };
}

define('rol', rotate(false));
define('ror', rotate(true));

/** RCL/RCR: inline for the common count of 1, through the 'rcl'/'rcr' helpers otherwise. */
function rotateCarry(right: boolean) {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const bits = size * 8;
    const addr = rmwAddress(e, insn, 0);
    const a = e.let(read(e, insn, 0, addr));
    const count = countOf(e, insn, 1);
    if (count.known === 0) {
      write(e, insn, 0, a, addr);
      return;
    }
    const old = e.let(e.arithFlags());
    if (count.known === 1) {
      const cf = e.bin('and', old, e.imm(CF));
      let res: Val, out: Val;
      if (right) {
        res = e.let(e.zext(e.bin('or', e.bin('shr', a, e.imm(1)), e.bin('shl', cf, e.imm(bits - 1))), size));
        out = e.bin('and', a, e.imm(1));
      } else {
        res = e.let(e.zext(e.bin('or', e.bin('shl', a, e.imm(1)), cf), size));
        out = e.bin('and', e.bin('shr', a, e.imm(bits - 1)), e.imm(1));
      }
      // OF = MSB(operand) XOR MSB(result): for RCL that is MSB(result) XOR new CF, for RCR the
      // MSB of the operand XOR the old CF (SDM 2B, RCL/RCR/ROL/ROR operation, count 1).
      const of = e.bin('and', e.bin('shr', e.bin('xor', a, res), e.imm(bits - 1)), e.imm(1));
      write(e, insn, 0, res, addr);
      e.setArithFlags(e.bin('or', e.bin('and', old, e.imm(~(CF | OF))), e.bin('or', out, e.bin('shl', of, e.imm(11)))));
      return;
    }
    const res = e.let(e.helper(right ? 'rcr' : 'rcl', [a, count.v, e.imm(size), old]));
    const flags = e.scratch(0);
    write(e, insn, 0, res, addr);
    e.setArithFlags(flags);
  };
}

define('rcl', rotateCarry(false));
define('rcr', rotateCarry(true));

/**
 * SHLD/SHRD. The operands form one bit string: hi:lo with the destination on the side the bits
 * leave from (SHLD: dest:src; SHRD: src:dest); 16-bit forms use dest:src:dest (QEMU, Intel) so
 * that counts 17-31 read destination bits again. A JS shift by 32 - c must not see c = 0, so
 * that term is written ((x >>> 1) >>> (31 - c)), which is 0 for c = 0.
 */
function doubleShift(right: boolean) {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const addr = rmwAddress(e, insn, 0);
    const d = e.let(read(e, insn, 0, addr));
    const src = e.let(read(e, insn, 1));
    const count = countOf(e, insn, 2);
    if (count.known === 0) {
      write(e, insn, 0, d, addr);
      return;
    }
    const c = count.v;
    const cm1 = count.known !== null ? e.imm(count.known - 1) : e.bin('sub', c, e.imm(1));
    const wide = size === 2 ? e.let(e.bin('or', e.bin('shl', src, e.imm(16)), d)) : null; // src:dest
    let res: Val, prev: Val;
    if (!right) {
      const hi = d, lo = wide ?? src;
      const lo1 = e.let(e.bin('shr', lo, e.imm(1)));
      res = e.bin('or', e.bin('shl', hi, c), e.bin('shr', lo1, e.bin('sub', e.imm(31), c)));
      prev = e.bin('or', e.bin('shl', hi, cm1), e.bin('shr', lo1, e.bin('sub', e.imm(32), c)));
    } else {
      const lo = wide ?? d, hi = size === 2 ? d : src;
      const hi1 = e.let(e.bin('shl', hi, e.imm(1)));
      res = e.bin('or', e.bin('shr', lo, c), e.bin('shl', hi1, e.bin('sub', e.imm(31), c)));
      prev = e.bin('or', e.bin('shr', lo, cm1), e.bin('shl', hi1, e.bin('sub', e.imm(32), c)));
    }
    const r = e.let(e.zext(res, size as Size));
    const p = e.let(prev);
    write(e, insn, 0, r, addr);
    const cc = right ? Cc.Shr : Cc.Shl;
    if (count.known !== null) e.setFlags(cc, size, r, d, p);
    else e.setFlagsIf(e.cmp('ne', c, e.imm(0)), cc, size, r, d, p);
  };
}

define('shld', doubleShift(false));
define('shrd', doubleShift(true));
