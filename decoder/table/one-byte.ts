// The one-byte opcode map (SDM Vol. 2D, Table A-2), minus the x87 escapes D8-DF (see x87.ts).
// Flag columns follow each instruction's "Flags Affected" section in SDM Vol. 2A/2B.

import { ccRows, hx, row, type RowDraft } from './dsl.js';

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
/** Flags per ALU operation: logic ops clear O and C and leave A undefined (SDM 2A, AND). */
const ALU_FLAGS = [
  'w:oszapc', 'w:oszpc u:a', 'r:c w:oszapc', 'r:c w:oszapc',
  'w:oszpc u:a', 'w:oszapc', 'w:oszpc u:a', 'w:oszapc',
];
const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];
/**
 * Rotates write only C and O (O undefined for counts other than 1); shifts write O S Z P C with
 * A undefined. A zero count leaves every flag alone, so the translator must treat them as
 * conditional writes (SDM 2B, SAL/SAR/SHL/SHR "Flags Affected").
 */
const SHIFT_FLAGS = [
  'w:oc u:o', 'w:oc u:o', 'r:c w:oc u:o', 'r:c w:oc u:o',
  'w:oszpc u:oa', 'w:oszpc u:oa', 'w:oszpc u:oa', 'w:oszpc u:oa',
];

function aluRows(): RowDraft[] {
  const rows: RowDraft[] = [];
  ALU.forEach((name, i) => {
    const base = i * 8;
    const lock = name === 'cmp' ? '' : 'lock ';
    const f = ALU_FLAGS[i];
    rows.push(
      row(hx(base), `${name} Eb,Gb`, lock + f),
      row(hx(base + 1), `${name} Ev,Gv`, lock + f),
      row(hx(base + 2), `${name} Gb,Eb`, f),
      row(hx(base + 3), `${name} Gv,Ev`, f),
      row(hx(base + 4), `${name} AL,Ib`, f),
      row(hx(base + 5), `${name} eAX,Iz`, f),
      row(`80/${i}`, `${name} Eb,Ib`, lock + f),
      row(`81/${i}`, `${name} Ev,Iz`, lock + f),
      // 82 is an alias of 80 in 32-bit mode (SDM 2D, Table A-6 note: invalid only in 64-bit mode).
      row(`82/${i}`, `${name} Eb,Ib`, lock + f),
      row(`83/${i}`, `${name} Ev,Ibs`, lock + f),
    );
  });
  return rows;
}

function shiftRows(): RowDraft[] {
  const rows: RowDraft[] = [];
  SHIFTS.forEach((name, i) => {
    const f = SHIFT_FLAGS[i];
    rows.push(
      row(`c0/${i}`, `${name} Eb,Ib`, f),
      row(`c1/${i}`, `${name} Ev,Ib`, f),
      row(`d0/${i}`, `${name} Eb,1`, f),
      row(`d1/${i}`, `${name} Ev,1`, f),
      row(`d2/${i}`, `${name} Eb,CL`, f),
      row(`d3/${i}`, `${name} Ev,CL`, f),
    );
  });
  return rows;
}

const GPRV = ['eAX', 'eCX', 'eDX', 'eBX', 'eSP', 'eBP', 'eSI', 'eDI'];

export const ONE_BYTE_ROWS: RowDraft[] = [
  ...aluRows(),
  row('06', 'push ES'), row('07', 'pop ES'), row('0e', 'push CS'),
  row('16', 'push SS'), row('17', 'pop SS'), row('1e', 'push DS'), row('1f', 'pop DS'),
  // BCD adjustments (SDM 2A, DAA/DAS/AAA/AAS).
  row('27', 'daa', 'r:ac w:szapc u:o'), row('2f', 'das', 'r:ac w:szapc u:o'),
  row('37', 'aaa', 'r:a w:ac u:oszp'), row('3f', 'aas', 'r:a w:ac u:oszp'),
  row('40+r', 'inc Zv', 'w:oszap'), row('48+r', 'dec Zv', 'w:oszap'),
  row('50+r', 'push Zv'), row('58+r', 'pop Zv'),
  row('60', 'pushaw/pushal'), row('61', 'popaw/popal'),
  // BOUND raises #BR when out of range: Linux delivers SIGSEGV. The register form is EVEX/#UD.
  row('62', 'bound Gv,Ma', 'trap'),
  row('63', 'arpl Ew,Gw', 'w:z'),
  row('68', 'push Iz'), row('69', 'imul Gv,Ev,Iz', 'w:oc u:szap'),
  row('6a', 'push Ibs'), row('6b', 'imul Gv,Ev,Ibs', 'w:oc u:szap'),
  // Port I/O needs IOPL or an I/O bitmap: Linux user mode gets #GP, i.e. SIGSEGV.
  row('6c', 'insb Yb,DX', 'rep privileged r:d'), row('6d', 'insw/insd Yv,DX', 'rep privileged r:d'),
  row('6e', 'outsb DX,Xb', 'rep privileged r:d'), row('6f', 'outsw/outsd DX,Xv', 'rep privileged r:d'),
  ...ccRows((cc) => hx(0x70 + cc), 'j', 'Jb', 'jcc'),
  row('84', 'test Eb,Gb', 'w:oszpc u:a'), row('85', 'test Ev,Gv', 'w:oszpc u:a'),
  // XCHG with memory is locked whether or not LOCK is present (SDM 2B, XCHG).
  row('86', 'xchg Eb,Gb', 'lock'), row('87', 'xchg Ev,Gv', 'lock'),
  row('88', 'mov Eb,Gb'), row('89', 'mov Ev,Gv'), row('8a', 'mov Gb,Eb'), row('8b', 'mov Gv,Ev'),
  // MOV Sreg: reg 6 and 7 are undefined, and CS cannot be a destination (SDM 2B, MOV: #UD).
  ...[0, 1, 2, 3, 4, 5].map((s) => row(`8c/${s}`, 'mov Ev,Sw')),
  ...[0, 2, 3, 4, 5].map((s) => row(`8e/${s}`, 'mov Sw,Ew')),
  row('8d', 'lea Gv,M'),
  row('8f/0', 'pop Ev'),
  row('90', 'nop'),
  row('f3 90', 'pause', 'pause'),
  ...[1, 2, 3, 4, 5, 6, 7].map((r) => row(hx(0x90 + r), `xchg ${GPRV[r]},eAX`)),
  row('98', 'cbw/cwde'), row('99', 'cwd/cdq'),
  row('9a', 'lcall Ap', 'far call'),
  row('9b', 'wait', 'x87'),
  row('9c', 'pushf/pushfd', 'r:oszapcdit'), row('9d', 'popf/popfd', 'w:oszapcdit'),
  row('9e', 'sahf', 'w:szapc'), row('9f', 'lahf', 'r:szapc'),
  row('a0', 'mov AL,Ob'), row('a1', 'mov eAX,Ov'), row('a2', 'mov Ob,AL'), row('a3', 'mov Ov,eAX'),
  row('a4', 'movsb Yb,Xb', 'rep r:d'), row('a5', 'movsw/movsd Yv,Xv', 'rep r:d'),
  row('a6', 'cmpsb Xb,Yb', 'repcc r:d w:oszapc'), row('a7', 'cmpsw/cmpsd Xv,Yv', 'repcc r:d w:oszapc'),
  row('a8', 'test AL,Ib', 'w:oszpc u:a'), row('a9', 'test eAX,Iz', 'w:oszpc u:a'),
  row('aa', 'stosb Yb,AL', 'rep r:d'), row('ab', 'stosw/stosd Yv,eAX', 'rep r:d'),
  row('ac', 'lodsb AL,Xb', 'rep r:d'), row('ad', 'lodsw/lodsd eAX,Xv', 'rep r:d'),
  row('ae', 'scasb AL,Yb', 'repcc r:d w:oszapc'), row('af', 'scasw/scasd eAX,Yv', 'repcc r:d w:oszapc'),
  row('b0+r', 'mov Zb,Ib'), row('b8+r', 'mov Zv,Iv'),
  ...shiftRows(),
  row('c2', 'ret Iw', 'ret'), row('c3', 'ret', 'ret'),
  // LES/LDS with a register operand are VEX prefixes on later CPUs: the decoder sees VEX first.
  row('c4', 'les Gv,Mp'), row('c5', 'lds Gv,Mp'),
  row('c6/0', 'mov Eb,Ib'), row('c7/0', 'mov Ev,Iz'),
  row('c8', 'enter Iw,Ib'), row('c9', 'leave'),
  row('ca', 'retf Iw', 'far ret'), row('cb', 'retf', 'far ret'),
  // INT3 is SIGTRAP; INT n is #GP (SIGSEGV) for every n but 0x80, which the validator admits.
  row('cc', 'int3', 'trap'),
  row('cd', 'int Ib', 'int'),
  row('ce', 'into', 'trap r:o'),
  // SDM Vol. 2A IRET/IRETD: IRET is the 16-bit operand-size spelling, IRETD the 32-bit one.
  row('cf', 'iret/iretd', 'far ret w:oszapcdit'),
  row('d4', 'aam Ib', 'w:szp u:oac'), row('d5', 'aad Ib', 'w:szp u:oac'),
  // SALC: undocumented in the SDM tables but executed by every P6-class CPU (AL = CF ? FF : 0).
  row('d6', 'salc', 'r:c'),
  row('d7', 'xlatb'),
  row('e0', 'loopne Jb', 'jcc r:z'), row('e1', 'loope Jb', 'jcc r:z'), row('e2', 'loop Jb', 'jcc'),
  row('e3', 'jcxz/jecxz Jb', 'jcc adsz'),
  row('e4', 'in AL,Ib', 'privileged'), row('e5', 'in eAX,Ib', 'privileged'),
  row('e6', 'out Ib,AL', 'privileged'), row('e7', 'out Ib,eAX', 'privileged'),
  row('e8', 'call Jz', 'call'), row('e9', 'jmp Jz', 'jump'),
  row('ea', 'ljmp Ap', 'far jump'), row('eb', 'jmp Jb', 'jump'),
  row('ec', 'in AL,DX', 'privileged'), row('ed', 'in eAX,DX', 'privileged'),
  row('ee', 'out DX,AL', 'privileged'), row('ef', 'out DX,eAX', 'privileged'),
  // INT1/ICEBP raises #DB: Linux delivers SIGTRAP.
  row('f1', 'int1', 'trap'),
  row('f4', 'hlt', 'privileged'),
  row('f5', 'cmc', 'r:c w:c'),
  row('f6/0', 'test Eb,Ib', 'w:oszpc u:a'), row('f6/1', 'test Eb,Ib', 'w:oszpc u:a'),
  row('f6/2', 'not Eb', 'lock'), row('f6/3', 'neg Eb', 'lock w:oszapc'),
  row('f6/4', 'mul Eb', 'w:oc u:szap'), row('f6/5', 'imul Eb', 'w:oc u:szap'),
  row('f6/6', 'div Eb', 'u:oszapc'), row('f6/7', 'idiv Eb', 'u:oszapc'),
  row('f7/0', 'test Ev,Iz', 'w:oszpc u:a'), row('f7/1', 'test Ev,Iz', 'w:oszpc u:a'),
  row('f7/2', 'not Ev', 'lock'), row('f7/3', 'neg Ev', 'lock w:oszapc'),
  row('f7/4', 'mul Ev', 'w:oc u:szap'), row('f7/5', 'imul Ev', 'w:oc u:szap'),
  row('f7/6', 'div Ev', 'u:oszapc'), row('f7/7', 'idiv Ev', 'u:oszapc'),
  row('f8', 'clc', 'w:c'), row('f9', 'stc', 'w:c'),
  row('fa', 'cli', 'privileged'), row('fb', 'sti', 'privileged'),
  row('fc', 'cld', 'w:d'), row('fd', 'std', 'w:d'),
  row('fe/0', 'inc Eb', 'lock w:oszap'), row('fe/1', 'dec Eb', 'lock w:oszap'),
  row('ff/0', 'inc Ev', 'lock w:oszap'), row('ff/1', 'dec Ev', 'lock w:oszap'),
  row('ff/2', 'call Ev', 'icall'), row('ff/3', 'lcall Mp', 'far call'),
  row('ff/4', 'jmp Ev', 'ijump'), row('ff/5', 'ljmp Mp', 'far jump'),
  row('ff/6', 'push Ev'),
];
