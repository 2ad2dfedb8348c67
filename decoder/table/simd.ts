// MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 forms of the 0F, 0F 38 and 0F 3A maps (with
// AES-NI, PCLMULQDQ and the SIMD state and cache-control group 0F AE), concatenated from:
//   simd-fp.ts     0F float moves, arithmetic, compares and conversions (ps/pd/ss/sd)
//   simd-int.ts    0F MMX and SSE2 packed-integer forms, shift groups, 0F 18 and 0F AE groups
//   simd-3byte.ts  0F 38 and 0F 3A
// Row builders shared by these files are in simd-forms.ts.

import { type RowDraft } from './dsl.js';
import { SIMD_3BYTE_ROWS } from './simd-3byte.js';
import { SIMD_FP_ROWS } from './simd-fp.js';
import { SIMD_INT_ROWS } from './simd-int.js';

export const SIMD_ROWS: RowDraft[] = [...SIMD_FP_ROWS, ...SIMD_INT_ROWS, ...SIMD_3BYTE_ROWS];
