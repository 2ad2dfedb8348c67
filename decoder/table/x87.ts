// The x87 escape opcodes D8-DF (SDM Vol. 2D, A.4): memory forms by ModRM.reg, register forms by
// the whole ModRM byte.

import { type RowDraft } from './dsl.js';

export const X87_ROWS: RowDraft[] = [];
