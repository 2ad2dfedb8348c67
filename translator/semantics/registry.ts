// The semantics registry: mnemonic -> function that translates one instruction through the
// Emitter. Keyed by the table's mnemonics (32-bit spelling), so dispatch derives from the table;
// a table form whose mnemonic has no entry is refused by the translator with SIGILL
// ("not implemented"), never guessed.

import type { Instruction } from '../../decoder/instruction.js';
import type { CpuFeatures } from '../../decoder/validate.js';
import type { Emitter } from '../emitter.js';

export interface TranslateContext {
  readonly features: CpuFeatures;
}

export type Semantic = (e: Emitter, insn: Instruction, ctx: TranslateContext) => void;

export const SEMANTICS = new Map<string, Semantic>();

/** Registers the same semantics under one or more mnemonics. */
export function define(mnemonics: string | string[], fn: Semantic): void {
  for (const m of Array.isArray(mnemonics) ? mnemonics : [mnemonics]) {
    if (SEMANTICS.has(m)) throw new Error(`translator: semantics for '${m}' defined twice`);
    SEMANTICS.set(m, fn);
  }
}
