// Floating-point SSE, SSE2 and SSE3 rows of the 0F map (SDM Vol. 2D, Table A-3): moves,
// arithmetic, compares and conversions on ps/pd/ss/sd data, 0F 10-17, 28-2F, 50-5F, 7C-7D, C2,
// C6, D0, E6, F0. The packed-integer and state-management rows are in simd-int.ts.

import { row, type RowDraft } from './dsl.js';
import { fp } from './simd-forms.js';

/** COMISS/UCOMISS and friends set ZF PF CF and clear OF SF AF (SDM 2A, COMISS "Flags Affected"). */
const COMPARE_FLAGS = 'w:oszapc';

export const SIMD_FP_ROWS: RowDraft[] = [
  // 0F 10-17: unaligned moves, scalar moves, half moves (SDM 2B, MOVUPS ... MOVHPD).
  ...fp(0x10, 'movu', 'ps pd'),
  row('f3 0f 10', 'movss Vss,Wss', 'sse'), row('f2 0f 10', 'movsd Vsd,Wsd', 'sse2'),
  row('np 0f 11', 'movups Wps,Vps', 'sse'), row('66 0f 11', 'movupd Wpd,Vpd', 'sse2'),
  row('f3 0f 11', 'movss Wss,Vss', 'sse'), row('f2 0f 11', 'movsd Wsd,Vsd', 'sse2'),
  // The no-prefix 12 and 16 are two instructions each: a memory half-load, or a register move.
  row('np 0f 12', 'movlps Vq,Mq', 'sse'), row('np 0f 12', 'movhlps Vq,Uq', 'sse'),
  row('66 0f 12', 'movlpd Vq,Mq', 'sse2'),
  row('f3 0f 12', 'movsldup Vx,Wx', 'sse3'), row('f2 0f 12', 'movddup Vx,Wq', 'sse3'),
  row('np 0f 13', 'movlps Mq,Vq', 'sse'), row('66 0f 13', 'movlpd Mq,Vq', 'sse2'),
  ...fp(0x14, 'unpckl', 'ps pd'),
  ...fp(0x15, 'unpckh', 'ps pd'),
  row('np 0f 16', 'movhps Vdq,Mq', 'sse'), row('np 0f 16', 'movlhps Vdq,Uq', 'sse'),
  row('66 0f 16', 'movhpd Vdq,Mq', 'sse2'), row('f3 0f 16', 'movshdup Vx,Wx', 'sse3'),
  row('np 0f 17', 'movhps Mq,Vq', 'sse'), row('66 0f 17', 'movhpd Mq,Vq', 'sse2'),

  // 0F 28-2F: aligned moves, MMX/integer conversions, non-temporal stores, ordered compares.
  ...fp(0x28, 'mova', 'ps pd'),
  row('np 0f 29', 'movaps Wps,Vps', 'sse'), row('66 0f 29', 'movapd Wpd,Vpd', 'sse2'),
  row('np 0f 2a', 'cvtpi2ps Vps,Qpi', 'sse'), row('66 0f 2a', 'cvtpi2pd Vpd,Qpi', 'sse2'),
  row('f3 0f 2a', 'cvtsi2ss Vss,Ey', 'sse'), row('f2 0f 2a', 'cvtsi2sd Vsd,Ey', 'sse2'),
  // F3/F2 0F 2B (MOVNTSS/MOVNTSD) are AMD SSE4a: #UD on Intel (SDM 2D, Table A-3 leaves them blank).
  row('np 0f 2b', 'movntps Mps,Vps', 'sse'), row('66 0f 2b', 'movntpd Mpd,Vpd', 'sse2'),
  // CVT(T)PS2PI reads two singles: m64, or the low half of the XMM register (SDM 2A, CVTPS2PI).
  row('np 0f 2c', 'cvttps2pi Ppi,Wq', 'sse'), row('66 0f 2c', 'cvttpd2pi Ppi,Wpd', 'sse2'),
  row('f3 0f 2c', 'cvttss2si Gy,Wss', 'sse'), row('f2 0f 2c', 'cvttsd2si Gy,Wsd', 'sse2'),
  row('np 0f 2d', 'cvtps2pi Ppi,Wq', 'sse'), row('66 0f 2d', 'cvtpd2pi Ppi,Wpd', 'sse2'),
  row('f3 0f 2d', 'cvtss2si Gy,Wss', 'sse'), row('f2 0f 2d', 'cvtsd2si Gy,Wsd', 'sse2'),
  row('np 0f 2e', 'ucomiss Vss,Wss', `sse ${COMPARE_FLAGS}`), row('66 0f 2e', 'ucomisd Vsd,Wsd', `sse2 ${COMPARE_FLAGS}`),
  row('np 0f 2f', 'comiss Vss,Wss', `sse ${COMPARE_FLAGS}`), row('66 0f 2f', 'comisd Vsd,Wsd', `sse2 ${COMPARE_FLAGS}`),

  // 0F 50-5F: sign masks, arithmetic, logic, conversions.
  row('np 0f 50', 'movmskps Gd,Ups', 'sse'), row('66 0f 50', 'movmskpd Gd,Upd', 'sse2'),
  ...fp(0x51, 'sqrt'),
  ...fp(0x52, 'rsqrt', 'ps ss'),
  ...fp(0x53, 'rcp', 'ps ss'),
  ...fp(0x54, 'and', 'ps pd'),
  ...fp(0x55, 'andn', 'ps pd'),
  ...fp(0x56, 'or', 'ps pd'),
  ...fp(0x57, 'xor', 'ps pd'),
  ...fp(0x58, 'add'),
  ...fp(0x59, 'mul'),
  row('np 0f 5a', 'cvtps2pd Vpd,Wq', 'sse2'), row('66 0f 5a', 'cvtpd2ps Vps,Wpd', 'sse2'),
  row('f3 0f 5a', 'cvtss2sd Vsd,Wss', 'sse2'), row('f2 0f 5a', 'cvtsd2ss Vss,Wsd', 'sse2'),
  row('np 0f 5b', 'cvtdq2ps Vps,Wx', 'sse2'), row('66 0f 5b', 'cvtps2dq Vx,Wps', 'sse2'),
  row('f3 0f 5b', 'cvttps2dq Vx,Wps', 'sse2'),
  ...fp(0x5c, 'sub'),
  ...fp(0x5d, 'min'),
  ...fp(0x5e, 'div'),
  ...fp(0x5f, 'max'),

  // SSE3 horizontal arithmetic (SDM 2A, HADDPS ... ADDSUBPD).
  row('66 0f 7c', 'haddpd Vpd,Wpd', 'sse3'), row('f2 0f 7c', 'haddps Vps,Wps', 'sse3'),
  row('66 0f 7d', 'hsubpd Vpd,Wpd', 'sse3'), row('f2 0f 7d', 'hsubps Vps,Wps', 'sse3'),
  row('66 0f d0', 'addsubpd Vpd,Wpd', 'sse3'), row('f2 0f d0', 'addsubps Vps,Wps', 'sse3'),

  // CMPPS and friends: imm8[2:0] selects the predicate. Capstone spells imm8 0-7 as the
  // pseudo-ops cmpeqps ... cmpordps (SDM 2A, CMPPS Table 3-5); the row keeps the real mnemonic.
  ...fp(0xc2, 'cmp', 'ps pd ss sd', ',Ib'),
  ...fp(0xc6, 'shuf', 'ps pd', ',Ib'),

  row('66 0f e6', 'cvttpd2dq Vx,Wpd', 'sse2'), row('f3 0f e6', 'cvtdq2pd Vx,Wq', 'sse2'),
  row('f2 0f e6', 'cvtpd2dq Vx,Wpd', 'sse2'),
  row('f2 0f f0 mem', 'lddqu Vx,Mx', 'sse3'),
];
