// Row builders for the regular SIMD families, shared by the simd-*.ts tables. Each returns the
// rows of one opcode across its mandatory-prefix slots, so a table line reads like one cell of
// SDM Vol. 2D, Tables.

import { hx, row, type RowDraft } from './dsl.js';
import type { IsaExt } from '../types.js';

/** Float type suffix -> mandatory-prefix slot and extension (SDM 2D, A.3: 66 = pd, F3 = ss, F2 = sd). */
const FP_SLOT = { ps: 'np', pd: '66', ss: 'f3', sd: 'f2' } as const;
const FP_EXT = { ps: 'sse', pd: 'sse2', ss: 'sse', sd: 'sse2' } as const;
type FpType = keyof typeof FP_SLOT;

/**
 * The float rows of a 0F opcode: `fp(0x58, 'add')` gives addps/addpd/addss/addsd Vt,Wt.
 * `types` limits the forms; `tail` appends operands (`,Ib`).
 */
export function fp(op: number, name: string, types = 'ps pd ss sd', tail = ''): RowDraft[] {
  return types.split(' ').map((t) => {
    const slot = FP_SLOT[t as FpType];
    return row(`${slot} 0f ${hx(op)}`, `${name}${t} V${t},W${t}${tail}`, FP_EXT[t as FpType]);
  });
}

/**
 * An MMX form (no prefix, `Pq,Qq`) and its XMM twin (66, `Vx,Wx`) of the same mnemonic.
 * `opcode` is the map and byte without prefix: '0f fc', '0f 38 00'.
 */
export function mmxPair(opcode: string, name: string, mmxExt: IsaExt = 'mmx', xmmExt: IsaExt = 'sse2', tail = ''): RowDraft[] {
  return [row(`np ${opcode}`, `${name} Pq,Qq${tail}`, mmxExt), row(`66 ${opcode}`, `${name} Vx,Wx${tail}`, xmmExt)];
}

/** 66-prefixed XMM forms of a 0F 38 or 0F 3A opcode list: [byte, mnemonic] pairs with shared operands. */
export function xmm66(map: '38' | '3a', ops: readonly (readonly [number, string])[], operands: string, attrs: string): RowDraft[] {
  return ops.map(([op, name]) => row(`66 0f ${map} ${hx(op)}`, `${name} ${operands}`, attrs));
}
