// Bit tests and bit counts: BT BTS BTR BTC (register and immediate offsets), BSF BSR, TZCNT
// LZCNT, POPCNT.
//
// SDM Vol. 2A "BT" (and BTS/BTR/BTC): CF := the selected bit; ZF is unaffected; OF SF AF PF are
// undefined and kept here (QEMU keeps S Z P too). With a memory operand and a register offset the
// operand is a bit string that starts at the effective address: the offset is signed (-2^31 ..
// 2^31-1 for 32 bits) and the CPU accesses the operand-size word at EA + (offset SAR 5) * 4
// (SAR 4, * 2 for 16 bits), testing bit (offset AND 31). An immediate offset is taken modulo the
// operand width and never leaves the operand.
//
// SDM Vol. 2A "BSF"/"BSR": ZF := (source = 0); the destination is undefined for a zero source;
// Intel and AMD CPUs (and QEMU/Unicorn) leave it unchanged, and programs rely on that, so it is
// kept. The other flags are undefined: QEMU's LOGIC flags of the source are recorded.
//
// SDM Vol. 2B "TZCNT"/"LZCNT": F3 0F BC/BD. Without BMI1/LZCNT in the tenant's features the F3 is
// ignored and they execute as BSF/BSR (which is what the validator admits them as). With them:
// the count of trailing/leading zero bits (the operand width for 0), CF := (source = 0),
// ZF := (result = 0); O S A P undefined, recorded as QEMU does (cleared).
//
// SDM Vol. 2B "POPCNT": the count of one bits; ZF := (source = 0), O S A C P cleared.

import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind as K } from '../../decoder/types.js';
import { Cc, CF, ZF } from '../../src/cpu/flags.js';
import type { Emitter, Val } from '../emitter.js';
import { linear, offsetOf, opSize, read, write } from '../operands.js';
import { define, type TranslateContext } from './registry.js';

function bitTest(kind: 'bt' | 'bts' | 'btr' | 'btc') {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const bits = size * 8;
    const byImmediate = insn.row!.operands[1].kind === K.Imm;
    let bit: Val;
    let addr: Val | undefined;
    if (byImmediate) {
      bit = e.imm(insn.imm & (bits - 1));
      if (insn.hasMem) addr = e.let(linear(e, insn.seg, offsetOf(e, insn)));
    } else {
      const off = e.let(e.sext(read(e, insn, 1), size));
      bit = e.let(e.bin('and', off, e.imm(bits - 1)));
      if (insn.hasMem) {
        const words = e.bin('sar', off, e.imm(Math.log2(bits)));
        let o = e.bin('add', offsetOf(e, insn), e.bin('shl', words, e.imm(Math.log2(size))));
        if (insn.adsize === 16) o = e.zext(o, 2);
        addr = e.let(linear(e, insn.seg, o));
      }
    }
    const v = e.let(addr !== undefined ? e.load(addr, size) : read(e, insn, 0));
    const cf = e.let(e.bin('and', e.bin('shr', v, bit), e.imm(1)));
    if (kind !== 'bt') {
      const mask = e.bin('shl', e.imm(1), bit);
      const nv = e.zext(kind === 'bts' ? e.bin('or', v, mask) : kind === 'btr' ? e.bin('and', v, e.un('not', mask)) : e.bin('xor', v, mask), size);
      if (addr !== undefined) e.store(addr, size, nv);
      else write(e, insn, 0, nv);
    }
    e.setArithFlags(e.bin('or', e.bin('and', e.arithFlags(), e.imm(~CF)), cf));
  };
}

define('bt', bitTest('bt'));
define('bts', bitTest('bts'));
define('btr', bitTest('btr'));
define('btc', bitTest('btc'));

/** BSF/BSR: the index of the lowest/highest set bit; a zero source leaves the destination. */
function bitScan(reverse: boolean) {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const src = e.let(read(e, insn, 1));
    const index = reverse ? e.bin('xor', e.un('clz', src), e.imm(31)) : e.un('ctz', src);
    write(e, insn, 0, e.select(e.cmp('eq', src, e.imm(0)), read(e, insn, 0), index));
    e.setFlags(Cc.Logic, size, src, src, e.imm(0));
  };
}

const bsf = bitScan(false);
const bsr = bitScan(true);
define('bsf', bsf);
define('bsr', bsr);

/** TZCNT/LZCNT proper (BMI1 / LZCNT present). */
function zeroCount(leading: boolean) {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const src = e.let(read(e, insn, 1));
    // 16-bit: a guard bit above the operand makes a zero source count 16 (ctz); clz of the
    // zero-extended value counts 16 extra leading zeros.
    const r = e.let(leading
      ? (size === 2 ? e.bin('sub', e.un('clz', src), e.imm(16)) : e.un('clz', src))
      : e.un('ctz', size === 2 ? e.bin('or', src, e.imm(0x10000)) : src));
    write(e, insn, 0, r);
    e.setArithFlags(e.bin('or',
      e.select(e.cmp('eq', r, e.imm(0)), e.imm(ZF), e.imm(0)),
      e.select(e.cmp('eq', src, e.imm(0)), e.imm(CF), e.imm(0))));
  };
}

const tzcnt = zeroCount(false);
const lzcnt = zeroCount(true);
define('tzcnt', (e: Emitter, insn: Instruction, ctx: TranslateContext) =>
  (ctx.features.has('bmi1') ? tzcnt : bsf)(e, insn));
define('lzcnt', (e: Emitter, insn: Instruction, ctx: TranslateContext) =>
  (ctx.features.has('lzcnt') ? lzcnt : bsr)(e, insn));

define('popcnt', (e, insn) => {
  const src = e.let(read(e, insn, 1));
  write(e, insn, 0, e.un('popcnt', src));
  e.setArithFlags(e.select(e.cmp('eq', src, e.imm(0)), e.imm(ZF), e.imm(0)));
});
