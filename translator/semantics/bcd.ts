// Decimal adjustments: DAA DAS AAA AAS AAM AAD (SDM Vol. 2A, each instruction's Operation).
//
//  - DAA/DAS adjust AL after a packed-BCD add/subtract: CF and AF per the SDM pseudo-code, S Z P
//    from the result; OF is undefined and recorded as 0, as QEMU does.
//  - AAA/AAS adjust AX after an unpacked add/subtract (AX := AX +/- 106H style, the low nibble
//    kept); only AF and CF are defined; O S Z P (undefined) keep their old values, as QEMU's.
//  - AAM imm8: AH := AL / imm8, AL := AL MOD imm8; imm8 = 0 raises #DE (Linux: SIGFPE,
//    FPE_INTDIV). AAD imm8: AL := (AL + AH * imm8) AND FFH, AH := 0. Both set S Z P from AL;
//    O A C are undefined and recorded as QEMU does (LOGIC flags: cleared).
// The flag-dependent adjustments run in host helpers (js/integer-helpers.ts).

import { Cc } from '../../src/cpu/flags.js';
import type { Emitter } from '../emitter.js';
import { define } from './registry.js';

const EAX = 0, AH = 4;
const FPE_INTDIV = 1;

function adjustAl(name: 'daa' | 'das') {
  return (e: Emitter) => {
    const al = e.let(e.helper(name, [e.reg(EAX, 1), e.arithFlags()]));
    const flags = e.scratch(0);
    e.setReg(EAX, 1, al);
    e.setArithFlags(flags);
  };
}

function adjustAx(name: 'aaa' | 'aas') {
  return (e: Emitter) => {
    const ax = e.let(e.helper(name, [e.reg(EAX, 2), e.arithFlags()]));
    const flags = e.scratch(0);
    e.setReg(EAX, 2, ax);
    e.setArithFlags(flags);
  };
}

define('daa', adjustAl('daa'));
define('das', adjustAl('das'));
define('aaa', adjustAx('aaa'));
define('aas', adjustAx('aas'));

define('aam', (e, insn) => {
  const base = insn.imm & 0xff;
  if (base === 0) {
    e.trap('SIGFPE', FPE_INTDIV, false);
    return;
  }
  const ax = e.let(e.helper('aam', [e.reg(EAX, 1), e.imm(base)]));
  e.setReg(EAX, 2, ax);
  const al = e.zext(ax, 1);
  e.setFlags(Cc.Logic, 1, al, al, e.imm(0));
});

define('aad', (e, insn) => {
  const base = insn.imm & 0xff;
  const al = e.let(e.zext(e.bin('add', e.reg(EAX, 1), e.bin('mul', e.reg(AH, 1), e.imm(base))), 1));
  e.setReg(EAX, 2, al); // AH := 0
  e.setFlags(Cc.Logic, 1, al, al, e.imm(0));
});
