// Parses the operand letters of table rows (SDM Vol. 2D, Appendix A.2: addressing method
// letter + size letters) into OperandSpec values. This is the only place that knows the letters.

import { OperandKind as K, OperandSize as S, type OperandSpec } from './types.js';

const GPR8 = ['AL', 'CL', 'DL', 'BL', 'AH', 'CH', 'DH', 'BH'];
const GPR16 = ['AX', 'CX', 'DX', 'BX', 'SP', 'BP', 'SI', 'DI'];
const GPRV = ['eAX', 'eCX', 'eDX', 'eBX', 'eSP', 'eBP', 'eSI', 'eDI'];
const SEGS = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'];

/** Size letters (A.2.2) to sizes; 'y' is d in 32-bit mode, 'x' is dq without VEX.L. */
const SIZE_LETTERS: Record<string, S> = {
  b: S.B, w: S.W, d: S.D, q: S.Q, t: S.T, dq: S.DQ, v: S.V, z: S.Z, y: S.D, x: S.DQ,
  ps: S.DQ, pd: S.DQ, ss: S.D, sd: S.Q, p: S.P, a: S.A, env: S.Env, state: S.State, fx: S.Fx,
  pi: S.Q, si: S.D, '': S.None,
};

/** Addressing-method letters to operand kinds. */
const METHOD: Record<string, K> = {
  E: K.RmGpr, M: K.RmMemOnly, R: K.RmGprRegOnly, G: K.RegGpr, S: K.RegSeg, C: K.RegCtl,
  D: K.RegDbg, P: K.RegMmx, Q: K.RmMmx, N: K.RmMmxRegOnly, V: K.RegXmm, W: K.RmXmm,
  U: K.RmXmmRegOnly, I: K.Imm, J: K.Rel, A: K.FarPtr, O: K.MemOffset, X: K.StrSrc, Y: K.StrDst,
  Z: K.OpcodeGpr,
};

const cache = new Map<string, OperandSpec>();

export function parseOperand(text: string): OperandSpec {
  const hit = cache.get(text);
  if (hit) return hit;
  const spec = parseUncached(text);
  cache.set(text, spec);
  return spec;
}

function make(text: string, kind: K, size: S, fixed = -1): OperandSpec {
  return Object.freeze({ text, kind, size, fixed });
}

function parseUncached(text: string): OperandSpec {
  if (text === '1') return make(text, K.One, S.B);
  if (text === 'ST') return make(text, K.St0, S.T, 0);
  if (text === 'ST(i)') return make(text, K.StI, S.T);
  if (text === 'XMM0') return make(text, K.FixedXmm0, S.DQ, 0);
  let i = GPR8.indexOf(text);
  if (i >= 0) return make(text, K.FixedGpr, S.B, i);
  i = GPR16.indexOf(text);
  if (i >= 0) return make(text, K.FixedGpr, S.W, i);
  i = GPRV.indexOf(text);
  if (i >= 0) return make(text, K.FixedGpr, S.V, i);
  i = SEGS.indexOf(text);
  if (i >= 0) return make(text, K.FixedSeg, S.W, i);
  if (text === 'Ibs') return make(text, K.ImmSx, S.B);
  // SDM 2D A.2 writes these two-way forms as 'Ry/Mb' and 'Ry/Mw': ModRM r/m with a register
  // width that differs from the memory width (PEXTRB/PEXTRW/PINSRB/PINSRW, SDM 2B).
  if (text === 'Ry/Mb') return make(text, K.RmGpr, S.RdMb);
  if (text === 'Ry/Mw') return make(text, K.RmGpr, S.RdMw);
  const method = METHOD[text[0]];
  const sizeText = text.slice(1);
  const size = SIZE_LETTERS[sizeText];
  if (method === undefined || size === undefined) {
    throw new Error(`opcode table: unknown operand '${text}'`);
  }
  return make(text, method, size);
}

/** Operand kinds that need a ModRM byte. */
export function needsModrm(kind: K): boolean {
  return kind <= K.RegXmm || kind === K.StI;
}

/** Operand kinds that force mod == 3 (register forms) or mod != 3 (memory forms). */
export function forcedMod(kind: K): 'reg' | 'mem' | 'any' {
  if (kind === K.RmMemOnly) return 'mem';
  if (kind === K.RmGprRegOnly || kind === K.RmMmxRegOnly || kind === K.RmXmmRegOnly || kind === K.StI) return 'reg';
  return 'any';
}

/** True for the kinds that may address memory through ModRM. */
export function isRm(kind: K): boolean {
  return kind <= K.RmXmmRegOnly;
}
