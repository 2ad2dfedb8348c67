// Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST INC DEC NEG NOT.
// Flags per SDM Vol. 2A/2B "Flags Affected"; recorded lazily (src/cpu/flags.ts conventions:
// result, first operand, second operand, extra = carry-in or the old CF).

import type { Instruction } from '../../decoder/instruction.js';
import { Cc } from '../../src/cpu/flags.js';
import type { Emitter, Size, Val } from '../emitter.js';
import { opSize, read, rmwAddress, write } from '../operands.js';
import { define } from './registry.js';

/** CF as 0/1: condition B, which the emitter computes from the operands when it can. */
function carry(e: Emitter): Val {
  return e.cond(2);
}

/** dst = dst op src, with lazy flags; CMP and TEST only set flags. */
function binary(kind: 'add' | 'adc' | 'sub' | 'sbb' | 'and' | 'or' | 'xor', store: boolean) {
  return (e: Emitter, insn: Instruction) => {
    const size = opSize(insn);
    const addr = rmwAddress(e, insn, 0);
    const a = e.let(read(e, insn, 0, addr));
    const b = e.let(read(e, insn, 1));
    let r: Val;
    switch (kind) {
      case 'add': r = e.let(e.zext(e.bin('add', a, b), size)); e.setFlags(Cc.Add, size, r, a, b); break;
      case 'sub': r = e.let(e.zext(e.bin('sub', a, b), size)); e.setFlags(Cc.Sub, size, r, a, b); break;
      case 'adc': {
        const c = e.let(carry(e));
        r = e.let(e.zext(e.bin('add', e.bin('add', a, b), c), size));
        e.setFlags(Cc.Adc, size, r, a, b, c);
        break;
      }
      case 'sbb': {
        const c = e.let(carry(e));
        r = e.let(e.zext(e.bin('sub', e.bin('sub', a, b), c), size));
        e.setFlags(Cc.Sbb, size, r, a, b, c);
        break;
      }
      default:
        r = e.let(e.bin(kind, a, b));
        e.setFlags(Cc.Logic, size, r, a, b);
    }
    if (store) write(e, insn, 0, r, addr);
  };
}

define('add', binary('add', true));
define('adc', binary('adc', true));
define('sub', binary('sub', true));
define('sbb', binary('sbb', true));
define('and', binary('and', true));
define('or', binary('or', true));
define('xor', binary('xor', true));
define('cmp', binary('sub', false));
define('test', binary('and', false));

function incDec(kind: Cc.Inc | Cc.Dec) {
  return (e: Emitter, insn: Instruction) => {
    const size: Size = opSize(insn);
    const addr = rmwAddress(e, insn, 0);
    const a = e.let(read(e, insn, 0, addr));
    const r = e.let(e.zext(e.bin(kind === Cc.Inc ? 'add' : 'sub', a, e.imm(1)), size));
    // INC/DEC leave CF alone: the old CF rides along as the extra operand.
    e.setFlags(kind, size, r, a, e.imm(1), e.let(carry(e)));
    write(e, insn, 0, r, addr);
  };
}

define('inc', incDec(Cc.Inc));
define('dec', incDec(Cc.Dec));

define('neg', (e, insn) => {
  const size = opSize(insn);
  const addr = rmwAddress(e, insn, 0);
  const b = e.let(read(e, insn, 0, addr));
  const r = e.let(e.zext(e.un('neg', b), size));
  // NEG is 0 - x: CF = (x != 0), as the SUB formulas give with a = 0 (SDM 2B, NEG).
  e.setFlags(Cc.Sub, size, r, e.imm(0), b);
  write(e, insn, 0, r, addr);
});

define('not', (e, insn) => {
  const size = opSize(insn);
  const addr = rmwAddress(e, insn, 0);
  const a = read(e, insn, 0, addr);
  write(e, insn, 0, e.zext(e.un('not', a), size), addr);
});
