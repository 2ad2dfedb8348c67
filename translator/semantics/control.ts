// Control transfers and traps: JMP, Jcc, CALL, RET, LOOP/LOOPcc/JECXZ, INT 0x80, INT3, INTO,
// INT1, BOUND, and the forms the validator passes that raise signals when executed.

import type { Instruction } from '../../decoder/instruction.js';
import { OF } from '../../src/cpu/flags.js';
import type { Emitter, Val } from '../emitter.js';
import { linear, offsetOf, read } from '../operands.js';
import { pop, push } from './data.js';
import { define } from './registry.js';

const ESP = 4;

/** A near target under a 16-bit operand size wraps to 16 bits (SDM 2A, JMP/CALL). */
function near(e: Emitter, insn: Instruction, target: Val): Val {
  return insn.opsize === 16 ? e.zext(target, 2) : target;
}

define('jmp', (e, insn) => {
  if (insn.row!.flow === 'jump') e.jump(insn.target);
  else e.jumpIndirect(near(e, insn, read(e, insn, 0)));
});

for (let cc = 0; cc < 16; cc++) {
  const name = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'][cc];
  define(`j${name}`, (e, insn) => e.branch(e.cond(cc), insn.target, e.nextEip));
}

define('call', (e, insn) => {
  const size = insn.opsize === 16 ? 2 : 4;
  if (insn.row!.flow === 'call') {
    push(e, e.imm(e.nextEip), size);
    e.jump(insn.target);
    return;
  }
  // CALL r/m: the target is read before the return address is pushed (SDM 2A, CALL).
  const target = e.let(near(e, insn, read(e, insn, 0)));
  push(e, e.imm(e.nextEip), size);
  e.jumpIndirect(target);
});

define('ret', (e, insn) => {
  const size = insn.opsize === 16 ? 2 : 4;
  const target = near(e, insn, pop(e, size));
  if (insn.row!.operands.length > 0) e.setReg(ESP, 4, e.bin('add', e.bin('add', e.reg(ESP, 4), e.imm(size)), e.imm(insn.imm)));
  e.jumpIndirect(target);
});

/** LOOP family: decrement eCX (by address size) without touching flags, then branch. */
function loop(kind: 'loop' | 'loope' | 'loopne') {
  return (e: Emitter, insn: Instruction) => {
    const size = insn.adsize === 16 ? 2 : 4;
    const count = e.let(e.zext(e.bin('sub', e.reg(1, size), e.imm(1)), size));
    e.setReg(1, size, count);
    let cond = e.cmp('ne', count, e.imm(0));
    if (kind === 'loope') cond = e.bin('and', cond, e.cond(4));
    if (kind === 'loopne') cond = e.bin('and', cond, e.cond(5));
    e.branch(cond, insn.target, e.nextEip);
  };
}
define('loop', loop('loop'));
define('loope', loop('loope'));
define('loopne', loop('loopne'));
define('jecxz', (e, insn) => {
  const size = insn.adsize === 16 ? 2 : 4;
  e.branch(e.cmp('eq', e.reg(1, size), e.imm(0)), insn.target, e.nextEip);
});

// The validator lets through the gates Linux opens to user mode: 0x80 (system calls), 3 (#BP:
// SIGTRAP as INT3) and 4 (#OF: SIGSEGV as a taken INTO), both with EIP after the instruction
// and si_code SI_KERNEL; other vectors never reach here.
define('int', (e, insn) => {
  if (insn.imm === 0x80) e.syscall();
  else if (insn.imm === 3) e.trap('SIGTRAP', 0x80, true);
  else if (insn.imm === 4) e.trap('SIGSEGV', 0x80, true);
  else e.trap('SIGSEGV', 0, false);
});
// INT3 and INT1 report EIP after the instruction. INT3 arrives as SI_KERNEL (0x80); INT1 (ICEBP)
// comes through the debug exception with no DR6 bits, which Linux reports as TRAP_BRKPT (1).
define('int3', (e) => e.trap('SIGTRAP', 0x80, true));
define('int1', (e) => e.trap('SIGTRAP', 1, true));
define('into', (e) => {
  e.when(e.bin('and', e.arithFlags(), e.imm(OF)), () => e.trap('SIGSEGV', 0x80, true));
});
define('ud2', (e) => e.trap('SIGILL', 2 /* ILL_ILLOPN */, false));

// BOUND r, m: the signed index must lie between the bounds at m and m + size (operand size), else
// #BR, which Linux delivers as SIGSEGV (si_code SI_KERNEL) at the BOUND (SDM 2A, BOUND).
define('bound', (e, insn) => {
  const size = insn.opsize === 16 ? 2 : 4;
  const off = e.let(offsetOf(e, insn));
  const upperOff = e.bin('add', off, e.imm(size));
  const lower = e.let(e.sext(e.load(linear(e, insn.seg, off), size), size));
  const upper = e.let(e.sext(e.load(linear(e, insn.seg, insn.adsize === 16 ? e.zext(upperOff, 2) : upperOff), size), size));
  const index = e.let(e.sext(e.reg(insn.reg, size), size));
  const out = e.bin('or', e.cmp('lts', index, lower), e.cmp('gts', index, upper));
  e.when(out, () => e.trap('SIGSEGV', 0x80, false));
});
