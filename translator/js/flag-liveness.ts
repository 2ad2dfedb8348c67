// Dead arithmetic flags in straight-line code. Most instructions set O S Z A P C, and most of
// those values are overwritten before anything reads them (`imul`, then `xor`, then `cmp`).
// The lazy flags make that cheap already, except where an instruction must merge with or
// compute from the flags before it (ROL/ROR/shifts keep the flags they do not write, INC/DEC
// keep CF, IMUL's overflow needs the high half of the product): there a dead result costs a
// call to the flag helper or a floating-point multiply per execution. This pass marks those
// results dead so the emitter can skip them.
//
// Backwards over a run of instructions ending at a control transfer, with every flag live at
// the end (the next block, an exit or the engine may read them). The decoder table says what
// each form reads and may write; an instruction that may fault (memory, helpers, traps) makes
// every flag live before it, because a fault must leave EFLAGS exact. Only instructions known
// to overwrite their flags unconditionally kill them (shifts and rotates by a count that may be
// 0 do not). The emitter checks both assumptions as it emits (JsEmitter.flagPlanBroken): a
// block where one was wrong is translated again without the pass.

import type { Instruction } from '../../decoder/instruction.js';
import { OperandKind } from '../../decoder/types.js';

/** O S Z A P C. */
export const ARITH = 0x8d5;

/** Forms that touch nothing but registers and flags (without a memory operand): they cannot fault. */
const PURE = new Set([
  'mov', 'movzx', 'movsx', 'lea', 'add', 'sub', 'adc', 'sbb', 'and', 'or', 'xor', 'cmp', 'test', 'inc', 'dec',
  'neg', 'not', 'shl', 'shr', 'sar', 'sal', 'rol', 'ror', 'imul', 'mul', 'xchg', 'bswap', 'nop', 'bt',
  'cbw/cwde', 'cwd/cdq', 'bsf', 'bsr', 'shld', 'shrd', 'clc', 'stc', 'cmc',
]);
/** Forms whose flag writes depend on a count (0 changes nothing). */
const COUNTED = new Set(['shl', 'shr', 'sar', 'sal', 'rol', 'ror', 'rcl', 'rcr', 'shld', 'shrd']);

export interface FlagPlan {
  /** Per instruction: its arithmetic flag results are never read (the emitter may skip them). */
  readonly dead: boolean[];
  /** Per instruction: what the plan assumed (checked by the emitter). */
  readonly pure: boolean[];
  readonly kills: boolean[];
  /** Per instruction: the table says it reads arithmetic flags. */
  readonly reads: boolean[];
}

function isPure(insn: Instruction): boolean {
  const row = insn.row!;
  const m = row.mnemonic;
  // LEA and the long NOPs have a memory operand they never access.
  if (insn.hasMem && m !== 'lea' && m !== 'nop') return false;
  if (row.flow !== 'none' || row.rep !== 'none' || row.operands.some((o) => o.kind === OperandKind.MemOffset)) return false;
  return PURE.has(m) || m.startsWith('set') || m.startsWith('cmov');
}

/** The plan for `run` (decoded instructions in order, the last one possibly a control transfer). */
export function planFlags(run: readonly Instruction[]): FlagPlan {
  const n = run.length;
  const plan: FlagPlan = { dead: new Array(n).fill(false), pure: new Array(n).fill(false), kills: new Array(n).fill(false), reads: new Array(n).fill(false) };
  let live = ARITH;
  for (let i = n - 1; i >= 0; i--) {
    const insn = run[i];
    const row = insn.row!;
    const reads = row.flagsRead & ARITH;
    const writes = (row.flagsWritten | row.flagsUndefined) & ARITH;
    const pure = isPure(insn);
    const kills = pure && writes !== 0 && !COUNTED.has(row.mnemonic) ? writes : 0;
    plan.reads[i] = reads !== 0;
    plan.pure[i] = pure;
    plan.kills[i] = kills !== 0;
    plan.dead[i] = writes !== 0 && (writes & live) === 0;
    live = pure ? (live & ~kills) | reads : ARITH;
  }
  return plan;
}
