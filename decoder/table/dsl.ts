// The little language of the opcode table. A row reads like the SDM's opcode column:
//   row('80/0', 'add Eb,Ib', 'lock w:oszapc')
//   row('66 0f 38 00', 'pshufb Vx,Wx', 'ssse3')
//   row('d9 e8', 'fld1', 'x87')
// and is parsed once, at load, into an OpcodeRow. Malformed rows throw at load time, so a typo
// in the table fails every test instead of decoding wrongly.

import { forcedMod, needsModrm, parseOperand } from '../operands.js';
import {
  Flag, OpMap, type FlowKind, type IsaExt, type OpcodeRow, type OperandSpec, type PrefixSlot,
  type TableVerdict,
} from '../types.js';

/** A row before it gets its id: the table files export arrays of these. */
export type RowDraft = Omit<OpcodeRow, 'id'>;

const FLOWS = new Set<FlowKind>(['jump', 'jcc', 'call', 'ijump', 'icall', 'ret', 'trap', 'syscall']);
const VERDICTS = new Set<TableVerdict>(['privileged', 'far', 'int', 'undefined']);
const EXTS = new Set<IsaExt>([
  'x87', 'cmov', 'cx8', 'fxsr', 'mmx', 'sse', 'sse2', 'sse3', 'ssse3', 'sse41', 'sse42', 'popcnt',
  'lzcnt', 'bmi1', 'movbe', 'cet', 'rdrand', 'rdseed', 'clflush', 'fma', 'aes', 'pclmul', 'xsave',
  'rdtscp', 'pause',
]);
const FLAG_LETTERS: Record<string, number> = {
  o: Flag.O, s: Flag.S, z: Flag.Z, a: Flag.A, p: Flag.P, c: Flag.C, d: Flag.D, i: Flag.I, t: Flag.T,
};

function flagMask(letters: string, source: string): number {
  let mask = 0;
  for (const ch of letters) {
    const bit = FLAG_LETTERS[ch];
    if (bit === undefined) throw new Error(`opcode table: bad flag '${ch}' in ${source}`);
    mask |= bit;
  }
  return mask;
}

function hexByte(tok: string, source: string): number {
  if (!/^[0-9a-f]{2}$/.test(tok)) throw new Error(`opcode table: bad byte '${tok}' in ${source}`);
  return parseInt(tok, 16);
}

/**
 * Builds one row. `opcode`: [np|66|f2|f3] [0f [38|3a]] XX[+r|/d] [YY fixed ModRM] [mem|reg].
 * `asm`: mnemonic (or `m16/m32`) then comma-separated operand letters.
 * `attrs`: lock rep repcc r:FLAGS w:FLAGS u:FLAGS, a flow kind, a verdict, an extension,
 * `adsz` (mnemonic by address size), `modignored` (ModRM is always a register form).
 */
export function row(opcode: string, asm: string, attrs = ''): RowDraft {
  const source = `${opcode} | ${asm}${attrs ? ' | ' + attrs : ''}`;
  const toks = opcode.trim().split(/\s+/);
  let prefix: PrefixSlot = 'any';
  if (toks.length > 1 && (toks[0] === 'np' || toks[0] === '66' || toks[0] === 'f2' || toks[0] === 'f3')) {
    prefix = toks.shift() as PrefixSlot;
  }
  let map = OpMap.One;
  if (toks[0] === '0f') {
    toks.shift();
    map = OpMap.TwoByte;
    const escape: string = toks[0];
    if (toks.length > 1 && escape === '38') { toks.shift(); map = OpMap.ThreeByte38; }
    else if (toks.length > 1 && escape === '3a') { toks.shift(); map = OpMap.ThreeByte3A; }
  }
  const main = toks.shift();
  if (main === undefined) throw new Error(`opcode table: no opcode in ${source}`);
  const m = /^([0-9a-f]{2})(\+r|\/[0-7r])?$/.exec(main);
  if (!m) throw new Error(`opcode table: bad opcode '${main}' in ${source}`);
  const op = parseInt(m[1], 16);
  const plusReg = m[2] === '+r';
  let regField = m[2] && m[2][1] !== 'r' && m[2] !== '+r' ? Number(m[2][1]) : -1;
  let rmField = -1;
  let mod: 'any' | 'mem' | 'reg' = 'any';
  let hasModrm = m[2] !== undefined && !plusReg;
  for (const t of toks) {
    if (t === 'mem' || t === 'reg') { mod = t; hasModrm = true; continue; }
    const fixed = hexByte(t, source);
    if (fixed < 0xc0) throw new Error(`opcode table: fixed ModRM must be a register form in ${source}`);
    mod = 'reg';
    regField = (fixed >> 3) & 7;
    rmField = fixed & 7;
    hasModrm = true;
  }

  const sp = asm.trim().indexOf(' ');
  const mnemText = sp < 0 ? asm.trim() : asm.trim().slice(0, sp);
  const opText = sp < 0 ? '' : asm.trim().slice(sp + 1).replace(/\s+/g, '');
  const operands: OperandSpec[] = opText ? opText.split(',').map(parseOperand) : [];
  const [mnemonic16, mnemonic32] = mnemText.includes('/') ? mnemText.split('/') : [mnemText, mnemText];

  for (const o of operands) {
    if (needsModrm(o.kind)) hasModrm = true;
    const f = forcedMod(o.kind);
    if (f !== 'any') {
      if (mod !== 'any' && mod !== f) throw new Error(`opcode table: operand ${o.text} contradicts ${mod} in ${source}`);
      mod = f;
    }
  }

  let lockable = false;
  let rep: OpcodeRow['rep'] = 'none';
  let flow: FlowKind = 'none';
  let verdict: TableVerdict = 'ok';
  let ext: IsaExt = 'base';
  let mnemonicByAddressSize = false;
  let modIgnored = false;
  let flagsRead = 0, flagsWritten = 0, flagsUndefined = 0;
  for (const a of attrs.trim().split(/\s+/).filter(Boolean)) {
    if (a === 'lock') lockable = true;
    else if (a === 'rep' || a === 'repcc') rep = a;
    else if (a === 'adsz') mnemonicByAddressSize = true;
    else if (a === 'modignored') modIgnored = true;
    else if (a.startsWith('r:')) flagsRead |= flagMask(a.slice(2), source);
    else if (a.startsWith('w:')) flagsWritten |= flagMask(a.slice(2), source);
    else if (a.startsWith('u:')) flagsUndefined |= flagMask(a.slice(2), source);
    else if (FLOWS.has(a as FlowKind)) flow = a as FlowKind;
    else if (VERDICTS.has(a as TableVerdict)) verdict = a as TableVerdict;
    else if (EXTS.has(a as IsaExt)) ext = a as IsaExt;
    else throw new Error(`opcode table: unknown attribute '${a}' in ${source}`);
  }
  if (modIgnored) mod = 'any';

  return Object.freeze({
    map, opcode: op, plusReg, prefix, mod, regField, rmField, hasModrm, modIgnored,
    mnemonic: mnemonic32, mnemonic16, operands: Object.freeze(operands), lockable, rep,
    mnemonicByAddressSize, flagsRead, flagsWritten, flagsUndefined, flow, verdict, ext, source,
  });
}

/** Repeats a row template for each condition code: `cc` in the opcode/asm is replaced. */
export const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

/** Flags each condition code reads (SDM Vol. 1, Appendix B). */
export const CONDITION_FLAGS = [
  'o', 'o', 'c', 'c', 'z', 'z', 'cz', 'cz', 's', 's', 'p', 'p', 'so', 'so', 'zso', 'zso',
];

/** Sixteen rows, one per condition: opcode byte base+cc, mnemonic prefix + condition suffix. */
export function ccRows(opcodeOf: (cc: number) => string, mnemonicPrefix: string, operands: string, attrs: string): RowDraft[] {
  return CONDITIONS.map((name, cc) =>
    row(opcodeOf(cc), `${mnemonicPrefix}${name}${operands ? ' ' + operands : ''}`, `r:${CONDITION_FLAGS[cc]} ${attrs}`));
}

/** Formats a byte as the two hex digits the DSL uses. */
export function hx(n: number): string {
  return n.toString(16).padStart(2, '0');
}
