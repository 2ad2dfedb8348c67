// Non-VEX SIMD rows of the three-byte maps (SDM Vol. 2D, Tables ): SSSE3, SSE4.1,
// SSE4.2, AES-NI and PCLMULQDQ in 0F 38 and 0F 3A, plus the VMX INVEPT/INVVPID of 0F 38.
// MOVBE and CRC32 (0F 38 F0/F1) are in two-byte.ts; SHA, GFNI, ADX and the other post-Nehalem
// forms are not on the target CPU and stay undefined.

import { hx, row, type RowDraft } from './dsl.js';
import { mmxPair, xmm66 } from './simd-forms.js';

/** SSSE3 0F 38 operations, each in an MMX (no prefix) and an XMM (66) form. */
const SSSE3_OPS: readonly (readonly [number, string])[] = [
  [0x00, 'pshufb'], [0x01, 'phaddw'], [0x02, 'phaddd'], [0x03, 'phaddsw'], [0x04, 'pmaddubsw'],
  [0x05, 'phsubw'], [0x06, 'phsubd'], [0x07, 'phsubsw'], [0x08, 'psignb'], [0x09, 'psignw'],
  [0x0a, 'psignd'], [0x0b, 'pmulhrsw'], [0x1c, 'pabsb'], [0x1d, 'pabsw'], [0x1e, 'pabsd'],
];

/** SSE4.1 0F 38 operations on whole XMM operands (66 prefix only). */
const SSE41_OPS: readonly (readonly [number, string])[] = [
  [0x28, 'pmuldq'], [0x29, 'pcmpeqq'], [0x2b, 'packusdw'],
  [0x38, 'pminsb'], [0x39, 'pminsd'], [0x3a, 'pminuw'], [0x3b, 'pminud'],
  [0x3c, 'pmaxsb'], [0x3d, 'pmaxsd'], [0x3e, 'pmaxuw'], [0x3f, 'pmaxud'],
  [0x40, 'pmulld'], [0x41, 'phminposuw'],
];

/** PMOVSX/PMOVZX read 8, 4 or 2 bytes of memory (or the low bytes of the XMM source), SDM 2B. */
const PMOV_WIDTH = ['q', 'd', 'w', 'q', 'd', 'q'];
const PMOV_FORMS = ['bw', 'bd', 'bq', 'wd', 'wq', 'dq'];

/** SSE4.1 0F 3A operations with an imm8 control, whole XMM operands. */
const SSE41_IMM_OPS: readonly (readonly [number, string])[] = [
  [0x08, 'roundps'], [0x09, 'roundpd'], [0x0c, 'blendps'], [0x0d, 'blendpd'], [0x0e, 'pblendw'],
  [0x40, 'dpps'], [0x41, 'dppd'], [0x42, 'mpsadbw'],
];

/**
 * SSE4.2 string compares: CF ZF SF OF report the result, AF and PF are cleared (SDM 2B,
 * PCMPESTRI "Flags Affected"). The E forms read EAX/EDX, the I forms write ECX or XMM0: implicit.
 */
const PCMPSTR_OPS: readonly (readonly [number, string])[] = [
  [0x60, 'pcmpestrm'], [0x61, 'pcmpestri'], [0x62, 'pcmpistrm'], [0x63, 'pcmpistri'],
];

const AES_OPS: readonly (readonly [number, string])[] = [
  [0xdb, 'aesimc'], [0xdc, 'aesenc'], [0xdd, 'aesenclast'], [0xde, 'aesdec'], [0xdf, 'aesdeclast'],
];

export const SIMD_3BYTE_ROWS: RowDraft[] = [
  // 0F 38 (Table A-4).
  ...SSSE3_OPS.flatMap(([op, name]) => mmxPair(`0f 38 ${hx(op)}`, name, 'ssse3', 'ssse3')),
  // The variable blends take their mask from the implicit XMM0 (SDM 2B, PBLENDVB).
  ...xmm66('38', [[0x10, 'pblendvb'], [0x14, 'blendvps'], [0x15, 'blendvpd']], 'Vx,Wx,XMM0', 'sse41'),
  // PTEST sets ZF and CF and clears OF SF AF PF (SDM 2B, PTEST).
  row('66 0f 38 17', 'ptest Vx,Wx', 'sse41 w:oszapc'),
  ...PMOV_FORMS.flatMap((f, i) => [
    row(`66 0f 38 ${hx(0x20 + i)}`, `pmovsx${f} Vx,W${PMOV_WIDTH[i]}`, 'sse41'),
    row(`66 0f 38 ${hx(0x30 + i)}`, `pmovzx${f} Vx,W${PMOV_WIDTH[i]}`, 'sse41'),
  ]),
  ...xmm66('38', SSE41_OPS, 'Vx,Wx', 'sse41'),
  row('66 0f 38 2a', 'movntdqa Vx,Mx', 'sse41'),
  row('66 0f 38 37', 'pcmpgtq Vx,Wx', 'sse42'),
  // INVEPT/INVVPID (VMX, SDM Vol. 3C): a 128-bit descriptor in memory; refused like VMREAD.
  row('66 0f 38 80', 'invept Gy,Mdq', 'privileged'), row('66 0f 38 81', 'invvpid Gy,Mdq', 'privileged'),
  ...xmm66('38', AES_OPS, 'Vx,Wx', 'aes'),

  // 0F 3A (Table A-5): every form has an imm8.
  ...xmm66('3a', SSE41_IMM_OPS, 'Vx,Wx,Ib', 'sse41'),
  row('66 0f 3a 0a', 'roundss Vss,Wss,Ib', 'sse41'), row('66 0f 3a 0b', 'roundsd Vsd,Wsd,Ib', 'sse41'),
  ...mmxPair('0f 3a 0f', 'palignr', 'ssse3', 'ssse3', ',Ib'),
  // Byte/word extracts and inserts zero-extend into (or read the low bits of) a 32-bit register.
  row('66 0f 3a 14', 'pextrb Ry/Mb,Vx,Ib', 'sse41'), row('66 0f 3a 15', 'pextrw Ry/Mw,Vx,Ib', 'sse41'),
  row('66 0f 3a 16', 'pextrd Ey,Vx,Ib', 'sse41'), row('66 0f 3a 17', 'extractps Ed,Vx,Ib', 'sse41'),
  row('66 0f 3a 20', 'pinsrb Vx,Ry/Mb,Ib', 'sse41'), row('66 0f 3a 21', 'insertps Vx,Wd,Ib', 'sse41'),
  row('66 0f 3a 22', 'pinsrd Vx,Ey,Ib', 'sse41'),
  row('66 0f 3a 44', 'pclmulqdq Vx,Wx,Ib', 'pclmul'),
  ...xmm66('3a', PCMPSTR_OPS, 'Vx,Wx,Ib', 'sse42 w:oszapc'),
  row('66 0f 3a df', 'aeskeygenassist Vx,Wx,Ib', 'aes'),
];
