// Data movement and the stack: MOV (and moffs, Sreg), MOVZX/MOVSX, LEA, XCHG, BSWAP,
// CBW/CWDE/CWD/CDQ, CMOVcc, SETcc, PUSH/POP (registers, immediates, memory, segment registers),
// PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE, XLAT, LAHF/SAHF, flag bit instructions, SALC, NOP forms,
// CPUID and RDTSC.

import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind as K } from '../../decoder/types.js';
import { CF, USER_FLAGS } from '../../src/cpu/flags.js';
import type { Emitter, Size, Val } from '../emitter.js';
import { linear, offsetOf, opSize, read, rmwAddress, sizeOf, write } from '../operands.js';
import { define } from './registry.js';

const ESP = 4, DS = 3;

/** Stack push of `size` bytes: the store happens before ESP changes (precise faults). */
export function push(e: Emitter, value: Val, size: Size): void {
  const sp = e.let(e.bin('sub', e.reg(ESP, 4), e.imm(size)));
  e.store(sp, size, value);
  e.setReg(ESP, 4, sp);
}

/** Stack pop: the load happens before ESP changes. */
export function pop(e: Emitter, size: Size): Val {
  const sp = e.let(e.reg(ESP, 4));
  const value = e.let(e.load(sp, size));
  e.setReg(ESP, 4, e.bin('add', sp, e.imm(size)));
  return value;
}

/**
 * Checks that a store of `size` bytes at `addr` would succeed, faulting now if not: instructions
 * that store several times probe every store first, in their own order, so a fault leaves memory
 * untouched and names the address the first failing store would have named.
 */
export function probeWrite(e: Emitter, addr: Val, size: number): void {
  e.helperStored(e.helper('probeWrite', [addr, e.imm(size)]));
}

function stackSize(insn: Instruction): Size {
  return insn.opsize === 16 ? 2 : 4;
}

define('mov', (e, insn) => {
  const ops = insn.row!.operands;
  if (ops[0].kind === K.RegSeg) {
    // MOV Sreg, r/m: the helper checks the selector (flat or a TLS entry) or faults.
    const sel = read(e, insn, 1);
    e.helper('loadSeg', [e.imm(insn.reg), sel]);
    return;
  }
  if (ops[1].kind === K.RegSeg) {
    // MOV r/m, Sreg: a 16-bit store to memory; to a 32-bit register it zero-extends (SDM 2B, MOV).
    const sel = e.segSelector(insn.reg);
    if (insn.hasMem) e.store(offsetOrLinear(e, insn), 2, sel);
    else e.setReg(insn.rm, insn.opsize === 16 ? 2 : 4, sel);
    return;
  }
  write(e, insn, 0, read(e, insn, 1));
});

function offsetOrLinear(e: Emitter, insn: Instruction): Val {
  return linear(e, insn.seg, offsetOf(e, insn));
}

define('movzx', (e, insn) => write(e, insn, 0, read(e, insn, 1)));
define('movsx', (e, insn) => {
  const src = sizeOf(insn.row!.operands[1], insn);
  write(e, insn, 0, e.zext(e.sext(read(e, insn, 1), src), opSize(insn)));
});
define('lea', (e, insn) => write(e, insn, 0, e.zext(offsetOf(e, insn), opSize(insn))));

define('xchg', (e, insn) => {
  const addr = rmwAddress(e, insn, 0);
  const a = e.let(read(e, insn, 0, addr));
  const b = e.let(read(e, insn, 1));
  write(e, insn, 0, b, addr);
  write(e, insn, 1, a);
});

define('bswap', (e, insn) => {
  const x = e.let(read(e, insn, 0));
  const r = e.bin('or',
    e.bin('or', e.bin('shl', x, e.imm(24)), e.bin('and', e.bin('shl', x, e.imm(8)), e.imm(0xff0000))),
    e.bin('or', e.bin('and', e.bin('shr', x, e.imm(8)), e.imm(0xff00)), e.bin('shr', x, e.imm(24))));
  write(e, insn, 0, r);
});

define('cwde', (e, insn) => {
  if (insn.opsize === 16) e.setReg(0, 2, e.zext(e.sext(e.reg(0, 1), 1), 2)); // CBW
  else e.setReg(0, 4, e.sext(e.reg(0, 2), 2));
});
define('cdq', (e, insn) => {
  const size: Size = insn.opsize === 16 ? 2 : 4;
  e.setReg(2, size, e.zext(e.bin('sar', e.sext(e.reg(0, size), size), e.imm(31)), size));
});

for (let cc = 0; cc < 16; cc++) {
  const name = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'][cc];
  // CMOV always reads its source (a faulting load faults even when the condition is false) and,
  // with a 32-bit destination, always writes it: a false condition still zero-extends (SDM 2A).
  define(`cmov${name}`, (e, insn) => {
    const src = read(e, insn, 1);
    write(e, insn, 0, e.select(e.cond(cc), src, read(e, insn, 0)));
  });
  define(`set${name}`, (e, insn) => write(e, insn, 0, e.cond(cc)));
}

define('push', (e, insn) => {
  const op = insn.row!.operands[0];
  if (op.kind === K.FixedSeg) {
    // PUSH Sreg with 32-bit operand size writes 16 bits on P6 and later (SDM 2B, PUSH); we
    // store the zero-extended selector, as Unicorn and qemu do.
    push(e, e.segSelector(op.fixed), stackSize(insn));
    return;
  }
  push(e, read(e, insn, 0), stackSize(insn));
});

define('pop', (e, insn) => {
  const op = insn.row!.operands[0];
  const size = stackSize(insn);
  if (op.kind === K.FixedSeg) {
    const sel = pop(e, size);
    e.helper('loadSeg', [e.imm(op.fixed), sel]);
    return;
  }
  if (insn.hasMem) {
    // POP r/m with an ESP-based address uses ESP after the increment (SDM 2B, POP).
    const sp = e.let(e.reg(ESP, 4));
    const value = e.let(e.load(sp, size));
    const base = insn.base === ESP ? e.bin('add', offsetOf(e, insn), e.imm(size)) : offsetOf(e, insn);
    e.store(linear(e, insn.seg, base), size, value);
    e.setReg(ESP, 4, e.bin('add', sp, e.imm(size)));
    return;
  }
  write(e, insn, 0, pop(e, size));
});

define('pushal', (e, insn) => {
  const size = stackSize(insn);
  const sp = e.let(e.reg(ESP, 4));
  const slots = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => e.let(e.bin('sub', sp, e.imm(size * (r + 1)))));
  for (const slot of slots) probeWrite(e, slot, size);
  for (let r = 0; r < 8; r++) e.store(slots[r], size, e.reg(r, size));
  e.setReg(ESP, 4, e.bin('sub', sp, e.imm(size * 8)));
});

define('popal', (e, insn) => {
  const size = stackSize(insn);
  const sp = e.let(e.reg(ESP, 4));
  // Popped from the lowest address up: EDI, ESI, EBP, (the ESP slot is skipped, not read), EBX,
  // EDX, ECX, EAX (SDM Vol. 2B, POPA), so a fault names the slot the CPU would reach first.
  for (const r of [7, 6, 5, 3, 2, 1, 0]) e.setReg(r, size, e.let(e.load(e.bin('add', sp, e.imm(size * (7 - r))), size)));
  e.setReg(ESP, 4, e.bin('add', sp, e.imm(size * 8)));
});

define('pushfd', (e, insn) => {
  // The pushed image has VM and RF clear (SDM 2B, PUSHF).
  push(e, e.bin('and', e.eflags(), e.imm(0xfcffff)), stackSize(insn));
});
define('popfd', (e, insn) => {
  const size = stackSize(insn);
  const v = pop(e, size);
  const keep = size === 2 ? e.bin('or', e.bin('and', e.eflags(), e.imm(~0xffff)), v) : v;
  e.setEflags(e.bin('and', keep, e.imm(USER_FLAGS)));
  // POPF can set TF (SDM Vol. 3A, 18.3.1.4: the trap follows the next instruction): back to the
  // engine, which single-steps while TF is set.
  e.leave();
});

define('enter', (e, insn) => {
  const size = stackSize(insn);
  const level = insn.imm2 & 31;
  const frameBytes = insn.imm;
  const bp = e.let(e.reg(5, 4));
  const sp = e.let(e.bin('sub', e.reg(ESP, 4), e.imm(size)));
  // Every access is made (loads) or probed (stores) in the CPU's order before any store lands,
  // so a fault anywhere leaves memory unchanged (SDM Vol. 2A, ENTER operation).
  const stores: [Val, Val][] = [[sp, e.reg(5, size)]];
  probeWrite(e, sp, size);
  const frame = sp;
  let cur = sp;
  for (let i = 1; i < level; i++) {
    const value = e.let(e.load(e.bin('sub', bp, e.imm(size * i)), size));
    cur = e.let(e.bin('sub', cur, e.imm(size)));
    probeWrite(e, cur, size);
    stores.push([cur, value]);
  }
  if (level > 0) {
    cur = e.let(e.bin('sub', cur, e.imm(size)));
    probeWrite(e, cur, size);
    stores.push([cur, frame]);
  }
  for (const [addr, value] of stores) e.store(addr, size, value);
  e.setReg(5, size, frame);
  e.setReg(ESP, 4, e.bin('sub', cur, e.imm(frameBytes)));
});

define('leave', (e, insn) => {
  const size = stackSize(insn);
  const bp = e.let(e.reg(5, 4));
  const value = e.let(e.load(bp, size));
  e.setReg(ESP, 4, e.bin('add', bp, e.imm(size)));
  e.setReg(5, size, value);
});

define('xlatb', (e, insn) => {
  const base = insn.adsize === 16 ? e.reg(3, 2) : e.reg(3, 4);
  const off = e.bin('add', base, e.reg(0, 1));
  const addr = linear(e, insn.seg >= 0 ? insn.seg : DS, insn.adsize === 16 ? e.zext(off, 2) : off);
  e.setReg(0, 1, e.load(addr, 1));
});

// LAHF/SAHF move S Z A P C through AH; bit 1 reads as 1 (SDM 2A, LAHF).
define('lahf', (e) => e.setReg(4, 1, e.bin('or', e.bin('and', e.arithFlags(), e.imm(0xd5)), e.imm(2))));
define('sahf', (e) => {
  const keepOf = e.bin('and', e.arithFlags(), e.imm(0x800));
  e.setArithFlags(e.bin('or', keepOf, e.bin('and', e.reg(4, 1), e.imm(0xd5))));
});

define('clc', (e) => e.setArithFlags(e.bin('and', e.arithFlags(), e.imm(~CF))));
define('stc', (e) => e.setArithFlags(e.bin('or', e.arithFlags(), e.imm(CF))));
define('cmc', (e) => e.setArithFlags(e.bin('xor', e.arithFlags(), e.imm(CF))));
define('cld', (e) => e.setDirection(false));
define('std', (e) => e.setDirection(true));
define('salc', (e) => e.setReg(0, 1, e.select(e.bin('and', e.arithFlags(), e.imm(CF)), e.imm(0xff), e.imm(0))));

// Hint-space forms execute as no-ops on the target (PAUSE, ENDBR32, the 0F 18-1F NOPs, PREFETCH).
define(['nop', 'pause', 'endbr32', 'endbr64', 'prefetch', 'prefetchw'], () => undefined);

// CPUID and RDTSC answer through the helper's scratch outputs (EAX, EBX, ECX, EDX / EDX:EAX).
define('cpuid', (e) => {
  e.helper('cpuid', [e.reg(0, 4), e.reg(1, 4)]);
  for (const [k, r] of [[0, 0], [1, 3], [2, 1], [3, 2]]) e.setReg(r, 4, e.scratch(k));
});
define('rdtsc', (e) => {
  e.helper('rdtsc', []);
  e.setReg(0, 4, e.scratch(0));
  e.setReg(2, 4, e.scratch(1));
});
