// The opcode table: every row of every map, numbered. This is the only list of opcodes in vxts;
// the decoder, validator, disassembler, translator dispatch and tests all derive from it.

import type { OpcodeRow } from '../types.js';
import { ONE_BYTE_ROWS } from './one-byte.js';
import { SIMD_ROWS } from './simd.js';
import { TWO_BYTE_ROWS } from './two-byte.js';
import { X87_ROWS } from './x87.js';

export const OPCODE_TABLE: readonly OpcodeRow[] = Object.freeze(
  [...ONE_BYTE_ROWS, ...TWO_BYTE_ROWS, ...X87_ROWS, ...SIMD_ROWS].map((r, id) => Object.freeze({ id, ...r })),
);
