// The x87 escape opcodes D8-DF (SDM Vol. 2D, A.4, Tables ): every x87 form a P6-class
// CPU executes in 32-bit user mode, plus FISTTP (SSE3). Memory forms select on ModRM.reg; register
// forms on ModRM.reg (ST(i) families, rm = i) or on the whole ModRM byte. An encoding with no row
// here decodes as 'undefined' (#UD). FWAIT (9B) lives in one-byte.ts.
//
// Mnemonics are spelled as capstone prints them (Intel syntax) so the two compare equal, including
// its odd names: 'fnstsw'/'fnstcw'/'fnstenv'/'fnsave'/'fnclex'/'fninit' (the no-wait forms: the
// waiting ones are FWAIT + these), 'fcompi'/'fucompi' for FCOMIP/FUCOMIP, 'fstpnce' for FSTP1
// (D9 D8+i), and 'feni8087_nop'/'fdisi8087_nop' for FENI/FDISI.
//
// Aliases. The SDM's mod = 11 maps (Vol. 2D, A.4.2) leave these cells blank, but x87 hardware
// (P6 included) executes them as the named form: DC D0+i = FCOM ST(i), DC D8+i and DE D0+i =
// FCOMP ST(i), DD C8+i and DF C8+i = FXCH ST(i), D9 D8+i and DF D0+i/D8+i = FSTP ST(i), and
// DF C0+i = FFREEP (FFREE, then pop). Capstone rejects all but D9 D8+i and DF C0+i, so the others
// carry the canonical mnemonic of the form they alias.

import { hx, row, type RowDraft } from './dsl.js';

/** One form per ModRM.reg value: `asm`, or [asm, attrs] when it needs more than 'x87'; null = none. */
type Form = string | readonly [string, string] | null;

function byReg(op: number, mod: 'mem' | 'reg', forms: readonly Form[]): RowDraft[] {
  return forms.flatMap((f, reg) => {
    if (f === null) return [];
    const [asm, attrs] = typeof f === 'string' ? [f, 'x87'] : f;
    return [row(`${hx(op)}/${reg} ${mod}`, asm, attrs)];
  });
}

/** Operand-less forms on consecutive whole ModRM bytes from `first`; null leaves a byte undefined. */
function byByte(op: number, first: number, names: readonly (string | null)[]): RowDraft[] {
  return names.flatMap((n, k) => (n === null ? [] : [row(`${hx(op)} ${hx(first + k)}`, n, 'x87')]));
}

const ARITH = ['fadd', 'fmul', 'fcom', 'fcomp', 'fsub', 'fsubr', 'fdiv', 'fdivr'];
const INT_ARITH = ARITH.map((n) => `fi${n.slice(1)}`);
const mem = (names: readonly string[], size: string): string[] => names.map((n) => `${n} ${size}`);

/** FCOMI and friends set ZF PF CF and clear OF SF AF (SDM Vol. 2A, FCOMI/FCOMIP/FUCOMI/FUCOMIP). */
const COMI = 'x87 w:oszapc';

/**
 * The ST(i) arithmetic families, with the two compare slots /2 and /3 given separately. D8 computes
 * ST(0) op ST(i); DC and DE (which pops) compute ST(i) op ST(0), and there reg 4-7 swap names:
 * DC E8+i is FSUB ST(i),ST(0) and DC E0+i is FSUBR (SDM Vol. 2A, FSUB/FSUBR and FDIV/FDIVR
 * opcode columns; Vol. 2D Tables ).
 */
const REV = ['fadd', 'fmul', 'fcom', 'fcomp', 'fsubr', 'fsub', 'fdivr', 'fdiv'];
const arithRegs = (names: readonly string[], pop: string, stFirst: boolean, compares: Form[]): Form[] =>
  names.map((n, reg) =>
    (reg === 2 || reg === 3 ? compares[reg - 2] : `${n}${pop} ${stFirst ? 'ST,ST(i)' : 'ST(i),ST'}`));
const COMPARES: Form[] = ['fcom ST(i)', 'fcomp ST(i)'];

/** FCMOVcc reads the integer flags of its condition (SDM Vol. 2A, FCMOVcc). */
const fcmov = (negated: boolean): Form[] =>
  [['b', 'c'], ['e', 'z'], ['be', 'cz'], ['u', 'p']].map(([cc, flags]) =>
    [`fcmov${negated ? 'n' : ''}${cc} ST,ST(i)`, `x87 r:${flags}`] as const);

export const X87_ROWS: RowDraft[] = [
  // D8: single-precision arithmetic, and ST(0) op ST(i).
  ...byReg(0xd8, 'mem', mem(ARITH, 'Md')),
  ...byReg(0xd8, 'reg', arithRegs(ARITH, '', true, COMPARES)),

  // D9: loads/stores of m32fp, environment and control word; FLD/FXCH ST(i), the FSTP alias; the
  // operand-less group.
  ...byReg(0xd9, 'mem', [
    'fld Md', null, 'fst Md', 'fstp Md', 'fldenv Menv', 'fldcw Mw', 'fnstenv Menv', 'fnstcw Mw',
  ]),
  ...byReg(0xd9, 'reg', ['fld ST(i)', 'fxch ST(i)', null, 'fstpnce ST(i),ST']),
  row('d9 d0', 'fnop', 'x87'),
  ...byByte(0xd9, 0xe0, [
    'fchs', 'fabs', null, null, 'ftst', 'fxam', null, null,
    'fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz', null,
    'f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fxtract', 'fprem1', 'fdecstp', 'fincstp',
    'fprem', 'fyl2xp1', 'fsqrt', 'fsincos', 'frndint', 'fscale', 'fsin', 'fcos',
  ]),

  // DA: m32int arithmetic; FCMOVcc; FUCOMPP.
  ...byReg(0xda, 'mem', mem(INT_ARITH, 'Md')),
  ...byReg(0xda, 'reg', fcmov(false)),
  row('da e9', 'fucompp', 'x87'),

  // DB: m32int and m80fp loads/stores; negated FCMOVcc; FCOMI/FUCOMI; control.
  ...byReg(0xdb, 'mem', [
    'fild Md', ['fisttp Md', 'sse3'], 'fist Md', 'fistp Md', null, 'fld Mt', null, 'fstp Mt',
  ]),
  ...byReg(0xdb, 'reg', [...fcmov(true), null, ['fucomi ST,ST(i)', COMI], ['fcomi ST,ST(i)', COMI]]),
  // DB E0/E1/E4 are the 8087 FENI/FDISI and 287 FSETPM: no-ops on the 387 and later (SDM Vol. 1,
  // 8.3.13 "Unsupported x87 FPU Instructions"). DB E5 (287XL FRSTPM) and E6/E7 are #UD.
  ...byByte(0xdb, 0xe0, ['feni8087_nop', 'fdisi8087_nop', 'fnclex', 'fninit', 'fsetpm']),

  // DC: double-precision arithmetic, and ST(i) op ST(0); DC D0+i/D8+i are the FCOM/FCOMP aliases.
  ...byReg(0xdc, 'mem', mem(ARITH, 'Mq')),
  ...byReg(0xdc, 'reg', arithRegs(REV, '', false, COMPARES)),

  // DD: m64fp loads/stores, FISTTP m64int, FRSTOR/FNSAVE, FNSTSW m16; FFREE, the FXCH alias,
  // FST/FSTP/FUCOM/FUCOMP ST(i).
  ...byReg(0xdd, 'mem', [
    'fld Mq', ['fisttp Mq', 'sse3'], 'fst Mq', 'fstp Mq',
    'frstor Mstate', null, 'fnsave Mstate', 'fnstsw Mw',
  ]),
  ...byReg(0xdd, 'reg', [
    'ffree ST(i)', 'fxch ST(i)', 'fst ST(i)', 'fstp ST(i)', 'fucom ST(i)', 'fucomp ST(i)',
  ]),

  // DE: m16int arithmetic; the popping ST(i) op ST(0) forms; the FCOMP alias; FCOMPP (the only
  // DE D8+i form: the others are #UD).
  ...byReg(0xde, 'mem', mem(INT_ARITH, 'Mw')),
  ...byReg(0xde, 'reg', arithRegs(REV, 'p', false, ['fcomp ST(i)', null])),
  row('de d9', 'fcompp', 'x87'),

  // DF: m16int/m64int loads/stores, BCD; FFREEP, the FXCH and FSTP aliases; FNSTSW AX; FCOMIP/FUCOMIP.
  ...byReg(0xdf, 'mem', [
    'fild Mw', ['fisttp Mw', 'sse3'], 'fist Mw', 'fistp Mw', 'fbld Mt', 'fild Mq', 'fbstp Mt', 'fistp Mq',
  ]),
  ...byReg(0xdf, 'reg', [
    'ffreep ST(i)', 'fxch ST(i)', 'fstp ST(i)', 'fstp ST(i)', null,
    ['fucompi ST,ST(i)', COMI], ['fcompi ST,ST(i)', COMI],
  ]),
  row('df e0', 'fnstsw AX', 'x87'),
];
