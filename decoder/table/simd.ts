// MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 forms of the 0F, 0F 38 and 0F 3A maps.

import { type RowDraft } from './dsl.js';

export const SIMD_ROWS: RowDraft[] = [];
