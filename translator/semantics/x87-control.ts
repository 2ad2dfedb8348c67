// x87 control instructions and the one-operand computational ones (SDM Vol. 2A pages; Vol. 1,
// 8.1.10 for the environment and state images): FNSTSW, FNSTCW, FLDCW, FNCLEX, FNINIT, FWAIT,
// FLDENV/FNSTENV and FRSTOR/FNSAVE in their 32-bit (28/108-byte) and, under a 66 prefix, 16-bit
// (14/94-byte) protected-mode layouts; FSQRT, FRNDINT, FSCALE, FXTRACT, FPREM, FPREM1 and the
// transcendental instructions; the 8087/287 leftovers FENI, FDISI and FSETPM (no-ops on the 387
// and later, SDM Vol. 1, 8.3.13).

import type { Instruction } from '../../decoder/instruction.js';
import type { Emitter, Val } from '../emitter.js';
import { define } from './registry.js';
import { at, loadParts, probeRange, x87Address } from './x87-memory.js';

// Status and control words. The FN forms do not wait for pending exceptions.
define('fnstsw', (e, insn) => {
  const sw = e.helper('fnstsw', []);
  if (insn.hasMem) e.store(x87Address(e, insn), 2, sw);
  else e.setReg(0, 2, sw);
});
define('fnstcw', (e, insn) => e.store(x87Address(e, insn), 2, e.helper('fnstcw', [])));
define('fldcw', (e, insn) => {
  e.helper('fwait', []);
  e.helper('fldcw', [e.load(x87Address(e, insn), 2)]);
});
define('fnclex', (e) => e.helper('fnclex', []));
define('fninit', (e) => e.helper('fninit', []));
define(['feni8087_nop', 'fdisi8087_nop', 'fsetpm'], () => undefined);

// FWAIT (9B) checks for a pending unmasked exception.
define('wait', (e) => {
  e.helper('fwait', []);
});

/** Size of the environment's fields: 4 bytes in the 32-bit layout, 2 under a 66 prefix. */
const unitOf = (insn: Instruction): number => (insn.opsize === 16 ? 2 : 4);

/**
 * The environment image (SDM Vol. 1, Figures 8-9 and 8-10): control, status and tag words, then
 * instruction pointer, code selector (with the opcode), operand pointer and data selector.
 */
function storeEnv(e: Emitter, addr: Val, unit: number): void {
  const fields = [e.helper('fnstcw', []), e.helper('fnstsw', []), e.helper('ftagWord', [])];
  for (let k = 0; k < 7; k++) e.store(at(e, addr, k * unit), unit === 2 ? 2 : 4, k < 3 ? fields[k] : e.imm(0));
}

function loadEnvFields(e: Emitter, addr: Val, unit: number): Val[] {
  return [0, 1, 2].map((k) => e.let(e.load(at(e, addr, k * unit), 2)));
}

define('fnstenv', (e, insn) => {
  const addr = x87Address(e, insn);
  const unit = unitOf(insn);
  probeRange(e, addr, unit * 7, true);
  storeEnv(e, addr, unit);
  e.helper('fnstenvDone', []);
});

define('fldenv', (e, insn) => {
  e.helper('fwait', []);
  const addr = x87Address(e, insn);
  const unit = unitOf(insn);
  probeRange(e, addr, unit * 7, false);
  e.helper('fldenv', loadEnvFields(e, addr, unit));
});

define('fnsave', (e, insn) => {
  const addr = x87Address(e, insn);
  const unit = unitOf(insn);
  probeRange(e, addr, unit * 7 + 80, true);
  storeEnv(e, addr, unit);
  for (let i = 0; i < 8; i++) {
    const reg = at(e, addr, unit * 7 + i * 10);
    e.store(reg, 4, e.helper('fregPart', [e.imm(i), e.imm(0)]));
    e.store(at(e, reg, 4), 4, e.helper('fregPart', [e.imm(i), e.imm(1)]));
    e.store(at(e, reg, 8), 2, e.helper('fregPart', [e.imm(i), e.imm(2)]));
  }
  e.helper('fninit', []);
});

define('frstor', (e, insn) => {
  e.helper('fwait', []);
  const addr = x87Address(e, insn);
  const unit = unitOf(insn);
  probeRange(e, addr, unit * 7 + 80, false);
  const args = loadEnvFields(e, addr, unit);
  for (let i = 0; i < 8; i++) args.push(...loadParts(e, at(e, addr, unit * 7 + i * 10), 10));
  e.helper('frstor', args);
});

// One-operand computations on the register stack.
define('fsqrt', (e) => e.helper('fsqrt', []));
define('frndint', (e) => e.helper('frndint', []));
define('fscale', (e) => e.helper('fscale', []));
define('fxtract', (e) => e.helper('fxtract', []));
define('fprem', (e) => e.helper('fprem', [e.imm(0)]));
define('fprem1', (e) => e.helper('fprem', [e.imm(1)]));
for (const name of ['fsin', 'fcos', 'fsincos', 'fptan', 'fpatan', 'f2xm1', 'fyl2x', 'fyl2xp1']) {
  define(name, (e) => e.helper(name, []));
}
