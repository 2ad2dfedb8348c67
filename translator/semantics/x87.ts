// x87 arithmetic, comparison, loads and stores (SDM Vol. 2A, the FADD ... FXCH pages; opcode maps
// in decoder/table/x87.ts). Each instruction is one helper call on the FPU state (translator/js/
// x87-*-helpers.ts) around the memory accesses done here through the emitter, so every guest
// access is checked. Instructions with a memory source first call fwait: a pending unmasked
// exception must fault (#MF, SIGFPE) before the operand is touched. Stores compute first, store,
// then commit (x87Finish), so a faulting store leaves the FPU unchanged.

import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind as K } from '../../decoder/types.js';
import type { Emitter, Val } from '../emitter.js';
import { define } from './registry.js';
import { loadParts, memSize, storeParts, x87Address } from './x87-memory.js';

/** Operation numbers of the arithmetic helpers (translator/js/x87-arith-helpers.ts). */
const OPS: Record<string, number> = { add: 0, mul: 1, sub: 4, subr: 5, div: 6, divr: 7 };

/** Register forms: [destination, source] stack indices from the row's operands. */
function regOperands(insn: Instruction): [number, number] {
  const ops = insn.row!.operands;
  return ops[0].kind === K.St0 ? [0, insn.rm] : [insn.rm, 0];
}

/** Waits for pending exceptions, then loads the memory operand as 32-bit parts. */
function loadSource(e: Emitter, insn: Instruction): Val[] {
  e.helper('fwait', []);
  const bytes = memSize(insn);
  const addr = x87Address(e, insn);
  const parts = loadParts(e, addr, bytes);
  if (bytes === 2) parts[0] = e.sext(parts[0], 2);
  return parts;
}

// FADD FMUL FSUB FSUBR FDIV FDIVR, their P forms, and FIADD ... FIDIVR.
for (const [name, op] of Object.entries(OPS)) {
  define(`f${name}`, (e, insn) => {
    if (!insn.hasMem) {
      const [dst, src] = regOperands(insn);
      e.helper('farithReg', [e.imm(op), e.imm(dst), e.imm(src), e.imm(0)]);
      return;
    }
    const v = loadSource(e, insn);
    if (v.length === 1) e.helper('farith32', [e.imm(op), v[0]]);
    else e.helper('farith64', [e.imm(op), v[0], v[1]]);
  });
  define(`f${name}p`, (e, insn) => {
    const [dst, src] = regOperands(insn);
    e.helper('farithReg', [e.imm(op), e.imm(dst), e.imm(src), e.imm(1)]);
  });
  define(`fi${name}`, (e, insn) => {
    const v = loadSource(e, insn);
    e.helper('fiarith', [e.imm(op), v[0]]);
  });
}

// FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/FUCOMPP, FICOM/FICOMP, FTST.
for (const pops of [0, 1]) {
  const p = pops ? 'p' : '';
  define(`fcom${p}`, (e, insn) => {
    if (!insn.hasMem) {
      e.helper('fcomReg', [e.imm(insn.rm), e.imm(0), e.imm(pops)]);
      return;
    }
    const v = loadSource(e, insn);
    if (v.length === 1) e.helper('fcom32', [v[0], e.imm(pops)]);
    else e.helper('fcom64', [v[0], v[1], e.imm(pops)]);
  });
  define(`fucom${p}`, (e, insn) => e.helper('fcomReg', [e.imm(insn.rm), e.imm(1), e.imm(pops)]));
  define(`ficom${p}`, (e, insn) => {
    const v = loadSource(e, insn);
    e.helper('ficom', [v[0], e.imm(pops)]);
  });
}
define('fcompp', (e) => e.helper('fcomReg', [e.imm(1), e.imm(0), e.imm(2)]));
define('fucompp', (e) => e.helper('fcomReg', [e.imm(1), e.imm(1), e.imm(2)]));
define('ftst', (e) => e.helper('ftst', []));

// FCOMI/FUCOMI/FCOMIP/FUCOMIP (capstone: fcompi/fucompi) write ZF PF CF and clear OF SF AF.
for (const [name, quiet, pops] of [['fcomi', 0, 0], ['fucomi', 1, 0], ['fcompi', 0, 1], ['fucompi', 1, 1]] as const) {
  define(name, (e, insn) => {
    const flags = e.helper('fcomi', [e.imm(insn.rm), e.imm(quiet), e.imm(pops), e.arithFlags()]);
    e.setArithFlags(flags);
  });
}

// Loads: FLD m32fp/m64fp/m80fp/ST(i), FILD m16/m32/m64, FBLD, the constants.
define('fld', (e, insn) => {
  if (!insn.hasMem) {
    e.helper('fldReg', [e.imm(insn.rm)]);
    return;
  }
  const v = loadSource(e, insn);
  if (v.length === 1) e.helper('fld32', v);
  else if (v.length === 2) e.helper('fld64', v);
  else e.helper('fld80', v);
});
define('fild', (e, insn) => {
  const v = loadSource(e, insn);
  e.helper(v.length === 1 ? 'fild' : 'fild64', v);
});
define('fbld', (e, insn) => e.helper('fbld', loadSource(e, insn)));
['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'].forEach((name, k) =>
  define(name, (e) => e.helper('fldConst', [e.imm(k)])));

/**
 * A store: `compute` returns the helper that yields the value (low part; scratch[0], scratch[1]
 * the others), then the parts are stored when the helper allows (scratch[3]) and x87Finish
 * commits the status word (scratch[2]) and the pop.
 */
function store(e: Emitter, insn: Instruction, name: string, args: Val[], bytes: number, pops: number): void {
  const addr = x87Address(e, insn);
  const low = e.helper(name, args);
  const high = e.scratch(0), top = e.scratch(1), status = e.scratch(2), ok = e.scratch(3);
  const parts = bytes === 2 || bytes === 4 ? [low] : bytes === 8 ? [low, high] : [low, high, top];
  e.when(ok, () => storeParts(e, addr, bytes, parts));
  e.helper('x87Finish', [status, pops ? ok : e.imm(0)]);
}

for (const pops of [0, 1]) {
  const p = pops ? 'p' : '';
  define(`fst${p}`, (e, insn) => {
    if (!insn.hasMem) {
      e.helper('fstReg', [e.imm(insn.rm), e.imm(pops)]);
      return;
    }
    const bytes = memSize(insn);
    store(e, insn, bytes === 4 ? 'fst32' : bytes === 8 ? 'fst64' : 'fst80', [], bytes, pops);
  });
  define(`fist${p}`, (e, insn) => {
    const bytes = memSize(insn);
    store(e, insn, 'fist', [e.imm(bytes * 8), e.imm(0)], bytes, pops);
  });
}
define('fstpnce', (e, insn) => e.helper('fstReg', [e.imm(insn.rm), e.imm(1)]));
define('fisttp', (e, insn) => {
  const bytes = memSize(insn);
  store(e, insn, 'fist', [e.imm(bytes * 8), e.imm(1)], bytes, 1);
});
define('fbstp', (e, insn) => store(e, insn, 'fbstp', [], 10, 1));

// Register moves and stack housekeeping.
define('fxch', (e, insn) => e.helper('fxch', [e.imm(insn.rm)]));
define('ffree', (e, insn) => e.helper('ffree', [e.imm(insn.rm), e.imm(0)]));
define('ffreep', (e, insn) => e.helper('ffree', [e.imm(insn.rm), e.imm(1)]));
define('fdecstp', (e) => e.helper('fdecstp', []));
define('fincstp', (e) => e.helper('fincstp', []));
define('fnop', (e) => e.helper('fnop', []));
define('fchs', (e) => e.helper('fchs', []));
define('fabs', (e) => e.helper('fabs', []));
define('fxam', (e) => e.helper('fxam', []));

// FCMOVcc (SDM Vol. 2A): B = CF, E = ZF, BE = CF or ZF, U = PF; the N forms negate.
for (const [cc, suffix] of [[2, 'b'], [4, 'e'], [6, 'be'], [10, 'u']] as const) {
  define(`fcmov${suffix}`, (e, insn) => e.helper('fcmov', [e.imm(insn.rm), e.cond(cc)]));
  define(`fcmovn${suffix}`, (e, insn) => e.helper('fcmov', [e.imm(insn.rm), e.cond(cc + 1)]));
}
