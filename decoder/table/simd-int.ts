// Packed-integer rows of the 0F map (SDM Vol. 2D, Table A-3): the MMX forms (no prefix) and
// their SSE2 XMM twins (66), 0F 60-7F, C3-C5, D1-FF; the shift-by-immediate groups 12-14
// (0F 71-73, Table A-6); and the SIMD state/cache group 15 (0F AE) and prefetch group 16 (0F 18).

import { hx, row, type RowDraft } from './dsl.js';
import { mmxPair } from './simd-forms.js';

/** Original MMX operations (P55C/P6) whose XMM twins came with SSE2, by opcode byte. */
const MMX_OPS: readonly (readonly [number, string])[] = [
  [0x63, 'packsswb'], [0x64, 'pcmpgtb'], [0x65, 'pcmpgtw'], [0x66, 'pcmpgtd'], [0x67, 'packuswb'],
  [0x68, 'punpckhbw'], [0x69, 'punpckhwd'], [0x6a, 'punpckhdq'], [0x6b, 'packssdw'],
  [0x74, 'pcmpeqb'], [0x75, 'pcmpeqw'], [0x76, 'pcmpeqd'],
  [0xd1, 'psrlw'], [0xd2, 'psrld'], [0xd3, 'psrlq'], [0xd5, 'pmullw'],
  [0xd8, 'psubusb'], [0xd9, 'psubusw'], [0xdb, 'pand'], [0xdc, 'paddusb'], [0xdd, 'paddusw'], [0xdf, 'pandn'],
  [0xe1, 'psraw'], [0xe2, 'psrad'], [0xe5, 'pmulhw'],
  [0xe8, 'psubsb'], [0xe9, 'psubsw'], [0xeb, 'por'], [0xec, 'paddsb'], [0xed, 'paddsw'], [0xef, 'pxor'],
  [0xf1, 'psllw'], [0xf2, 'pslld'], [0xf3, 'psllq'], [0xf5, 'pmaddwd'],
  [0xf8, 'psubb'], [0xf9, 'psubw'], [0xfa, 'psubd'], [0xfc, 'paddb'], [0xfd, 'paddw'], [0xfe, 'paddd'],
];

/** MMX operations added by SSE ("SSE integer", SDM Vol. 1, 10.4.4); XMM twins are SSE2. */
const SSE_MMX_OPS: readonly (readonly [number, string])[] = [
  [0xda, 'pminub'], [0xde, 'pmaxub'], [0xe0, 'pavgb'], [0xe3, 'pavgw'], [0xe4, 'pmulhuw'],
  [0xea, 'pminsw'], [0xee, 'pmaxsw'], [0xf6, 'psadbw'],
];

/** 64-bit integer operations that SSE2 added in both MMX and XMM forms. */
const SSE2_MMX_OPS: readonly (readonly [number, string])[] = [[0xd4, 'paddq'], [0xf4, 'pmuludq'], [0xfb, 'psubq']];

/** Groups 12-14: shift by immediate, register operand only, ModRM.reg picks the shift (SDM 2D, Table A-6). */
function shiftGroup(op: number, shifts: readonly (readonly [number, string, boolean])[]): RowDraft[] {
  return shifts.flatMap(([reg, name, hasMmx]) => [
    ...(hasMmx ? [row(`np 0f ${hx(op)}/${reg}`, `${name} Nq,Ib`, 'mmx')] : []),
    row(`66 0f ${hx(op)}/${reg}`, `${name} Ux,Ib`, 'sse2'),
  ]);
}

export const SIMD_INT_ROWS: RowDraft[] = [
  // Interleave-low reads only the low dword of an MMX memory operand (SDM 2B, PUNPCKLBW).
  ...(['punpcklbw', 'punpcklwd', 'punpckldq'] as const).flatMap((name, i) => [
    row(`np 0f ${hx(0x60 + i)}`, `${name} Pq,Qd`, 'mmx'), row(`66 0f ${hx(0x60 + i)}`, `${name} Vx,Wx`, 'sse2'),
  ]),
  ...MMX_OPS.flatMap(([op, name]) => mmxPair(`0f ${hx(op)}`, name)),
  ...SSE_MMX_OPS.flatMap(([op, name]) => mmxPair(`0f ${hx(op)}`, name, 'sse')),
  ...SSE2_MMX_OPS.flatMap(([op, name]) => mmxPair(`0f ${hx(op)}`, name, 'sse2')),
  row('66 0f 6c', 'punpcklqdq Vx,Wx', 'sse2'), row('66 0f 6d', 'punpckhqdq Vx,Wx', 'sse2'),

  // Moves between MMX/XMM registers, general registers and memory.
  row('np 0f 6e', 'movd Pq,Ey', 'mmx'), row('66 0f 6e', 'movd Vx,Ey', 'sse2'),
  row('np 0f 6f', 'movq Pq,Qq', 'mmx'), row('66 0f 6f', 'movdqa Vx,Wx', 'sse2'),
  row('f3 0f 6f', 'movdqu Vx,Wx', 'sse2'),
  row('np 0f 7e', 'movd Ey,Pd', 'mmx'), row('66 0f 7e', 'movd Ey,Vy', 'sse2'),
  row('f3 0f 7e', 'movq Vx,Wq', 'sse2'),
  row('np 0f 7f', 'movq Qq,Pq', 'mmx'), row('66 0f 7f', 'movdqa Wx,Vx', 'sse2'),
  row('f3 0f 7f', 'movdqu Wx,Vx', 'sse2'),
  row('66 0f d6', 'movq Wq,Vq', 'sse2'),
  row('f3 0f d6', 'movq2dq Vdq,Nq', 'sse2'), row('f2 0f d6', 'movdq2q Pq,Uq', 'sse2'),

  // Shuffles, word insert/extract, byte masks.
  row('np 0f 70', 'pshufw Pq,Qq,Ib', 'sse'), row('66 0f 70', 'pshufd Vx,Wx,Ib', 'sse2'),
  row('f3 0f 70', 'pshufhw Vx,Wx,Ib', 'sse2'), row('f2 0f 70', 'pshuflw Vx,Wx,Ib', 'sse2'),
  row('np 0f c4', 'pinsrw Pq,Ry/Mw,Ib', 'sse'), row('66 0f c4', 'pinsrw Vx,Ry/Mw,Ib', 'sse2'),
  row('np 0f c5', 'pextrw Gd,Nq,Ib', 'sse'), row('66 0f c5', 'pextrw Gd,Ux,Ib', 'sse2'),
  row('np 0f d7', 'pmovmskb Gd,Nq', 'sse'), row('66 0f d7', 'pmovmskb Gd,Ux', 'sse2'),

  ...shiftGroup(0x71, [[2, 'psrlw', true], [4, 'psraw', true], [6, 'psllw', true]]),
  ...shiftGroup(0x72, [[2, 'psrld', true], [4, 'psrad', true], [6, 'pslld', true]]),
  // PSRLDQ/PSLLDQ shift the whole XMM register by bytes and have no MMX form.
  ...shiftGroup(0x73, [[2, 'psrlq', true], [3, 'psrldq', false], [6, 'psllq', true], [7, 'pslldq', false]]),

  row('np 0f 77', 'emms', 'mmx'),

  // Non-temporal stores. MASKMOVQ/MASKMOVDQU store through an implicit DS:[EDI] (SDM 2B, MASKMOVQ).
  row('np 0f c3', 'movnti My,Gy', 'sse2'),
  row('np 0f e7', 'movntq Mq,Pq', 'sse'), row('66 0f e7', 'movntdq Mx,Vx', 'sse2'),
  row('np 0f f7', 'maskmovq Pq,Nq', 'sse'), row('66 0f f7', 'maskmovdqu Vdq,Udq', 'sse2'),

  // Group 16 (0F 18): prefetch hints, memory forms only; /4-/7 are hint NOPs in two-byte.ts.
  // Any prefix: SDM 2B PREFETCHh gives no NP restriction, and capstone agrees.
  row('0f 18/0 mem', 'prefetchnta Mb', 'sse'), row('0f 18/1 mem', 'prefetcht0 Mb', 'sse'),
  row('0f 18/2 mem', 'prefetcht1 Mb', 'sse'), row('0f 18/3 mem', 'prefetcht2 Mb', 'sse'),

  // Group 15 (0F AE, SDM 2D Table A-6). The /0-/3 memory forms are taken under any prefix, as
  // capstone takes them (the SDM pages say NP, but assign no other instruction there); /4-/7 are
  // no-prefix only (66 /6 CLWB, 66 /7 CLFLUSHOPT and the F3 forms are newer than the target CPU).
  // The fences are defined by ModRM.reg with mod = 11B, whatever the r/m bits (Table A-6; the
  // instruction pages give only the canonical E8/F0/F8, and capstone accepts only those).
  row('0f ae/0 mem', 'fxsave Mfx', 'fxsr'), row('0f ae/1 mem', 'fxrstor Mfx', 'fxsr'),
  row('0f ae/2 mem', 'ldmxcsr Md', 'sse'), row('0f ae/3 mem', 'stmxcsr Md', 'sse'),
  row('np 0f ae/4 mem', 'xsave M', 'xsave'), row('np 0f ae/5 mem', 'xrstor M', 'xsave'),
  row('np 0f ae/6 mem', 'xsaveopt M', 'xsave'), row('np 0f ae/7 mem', 'clflush Mb', 'clflush'),
  row('np 0f ae/5 reg', 'lfence', 'sse2'), row('np 0f ae/6 reg', 'mfence', 'sse2'),
  row('np 0f ae/7 reg', 'sfence', 'sse'),

  // VMREAD/VMWRITE share 0F 78/79 with AMD's SSE4a EXTRQ/INSERTQ (66/F2, #UD on Intel). They are
  // refused like the other VMX rows in two-byte.ts (SDM Vol. 3C, VMX Instruction Reference).
  row('np 0f 78', 'vmread Ey,Gy', 'privileged'), row('np 0f 79', 'vmwrite Gy,Ey', 'privileged'),
];
