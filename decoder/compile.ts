// Turns the opcode table into the decoder's lookup structure, once, at load time.
// For each (map, opcode byte) the decoder needs: whether a ModRM byte follows, and which row a
// given mandatory-prefix slot and ModRM byte select. Rows may be wildcards (any prefix, any
// ModRM); the most specific matching row wins, and two equally specific matches are a table bug
// that throws here.

import { OperandKind as K, OperandSize as S, type OpcodeRow, type OperandSpec } from './types.js';

/** Prefix slots in lookup order: index = slot number used by the decoder. */
export const SLOTS = ['np', '66', 'f3', 'f2'] as const;

export interface OpcodeEntry {
  readonly needsModrm: boolean;
  readonly prefixDependent: boolean;
  readonly modrmDependent: boolean;
  /** Indexed by slot * (modrmDependent ? 256 : 1) + (modrmDependent ? modrm : 0), slot 0 unless prefixDependent. */
  readonly rows: readonly (OpcodeRow | null)[];
}

/** How an immediate's width is found: 0 none, 1/2/4 fixed bytes, Z by operand size, A by address size. */
export const enum ImmWidth { None = 0, Z = 5, A = 6 }

export interface ImmPlan {
  readonly first: number;
  readonly firstSigned: boolean;
  readonly second: number;
}

function matches(row: OpcodeRow, slot: number, modrm: number): boolean {
  if (row.prefix !== 'any' && row.prefix !== SLOTS[slot]) return false;
  if (modrm < 0) return true;
  const mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
  if (row.mod === 'mem' && mod === 3) return false;
  if (row.mod === 'reg' && mod !== 3) return false;
  if (row.regField >= 0 && row.regField !== reg) return false;
  if (row.rmField >= 0 && row.rmField !== rm) return false;
  return true;
}

function specificity(row: OpcodeRow): number {
  return (row.prefix !== 'any' ? 8 : 0) + (row.rmField >= 0 ? 4 : 0) + (row.regField >= 0 ? 2 : 0) + (row.mod !== 'any' ? 1 : 0);
}

function best(candidates: OpcodeRow[], slot: number, modrm: number): OpcodeRow | null {
  let winner: OpcodeRow | null = null;
  let score = -1;
  for (const row of candidates) {
    if (!matches(row, slot, modrm)) continue;
    const s = specificity(row);
    if (s > score) { winner = row; score = s; }
    else if (s === score && winner !== null) {
      throw new Error(`opcode table: rows overlap:\n  ${winner.source}\n  ${row.source}`);
    }
  }
  return winner;
}

function buildEntry(candidates: OpcodeRow[]): OpcodeEntry | null {
  if (candidates.length === 0) return null;
  const needsModrm = candidates[0].hasModrm;
  for (const r of candidates) {
    if (r.hasModrm !== needsModrm) {
      throw new Error(`opcode table: rows disagree on ModRM:\n  ${candidates[0].source}\n  ${r.source}`);
    }
  }
  const full: (OpcodeRow | null)[] = [];
  const modrms = needsModrm ? 256 : 1;
  for (let slot = 0; slot < 4; slot++) {
    for (let m = 0; m < modrms; m++) full.push(best(candidates, slot, needsModrm ? m : -1));
  }
  let prefixDependent = false, modrmDependent = false;
  for (let slot = 0; slot < 4; slot++) {
    for (let m = 0; m < modrms; m++) {
      const r = full[slot * modrms + m];
      if (r !== full[m]) prefixDependent = true;
      if (r !== full[slot * modrms]) modrmDependent = true;
    }
  }
  const rows: (OpcodeRow | null)[] = [];
  for (let slot = 0; slot < (prefixDependent ? 4 : 1); slot++) {
    for (let m = 0; m < (modrmDependent ? 256 : 1); m++) rows.push(full[slot * modrms + m]);
  }
  return { needsModrm, prefixDependent, modrmDependent, rows };
}

/** Builds the 4 x 256 entry array (map * 256 + opcode byte). */
export function compileTable(table: readonly OpcodeRow[]): (OpcodeEntry | null)[] {
  const buckets: OpcodeRow[][] = Array.from({ length: 4 * 256 }, () => []);
  for (const row of table) {
    const count = row.plusReg ? 8 : 1;
    for (let k = 0; k < count; k++) buckets[row.map * 256 + row.opcode + k].push(row);
  }
  return buckets.map(buildEntry);
}

function widthOf(op: OperandSpec): number {
  switch (op.size) {
    case S.B: return 1;
    case S.W: return 2;
    case S.D: return 4;
    case S.V: case S.Z: return ImmWidth.Z;
    default: throw new Error(`opcode table: immediate of unsupported size in operand ${op.text}`);
  }
}

/** Immediate layout of each row, indexed by row id. */
export function compileImmPlans(table: readonly OpcodeRow[]): ImmPlan[] {
  return table.map((row) => {
    let first = 0, second = 0, firstSigned = false;
    const push = (w: number, signed: boolean) => {
      if (first === 0) { first = w; firstSigned = signed; } else if (second === 0) second = w;
      else throw new Error(`opcode table: three immediates in ${row.source}`);
    };
    for (const op of row.operands) {
      switch (op.kind) {
        case K.Imm: push(widthOf(op), false); break;
        case K.ImmSx: case K.Rel: push(widthOf(op), true); break;
        case K.MemOffset: push(ImmWidth.A, false); break;
        // Far pointer: offset (16 or 32 by operand size), then the 16-bit selector.
        case K.FarPtr: push(ImmWidth.Z, false); push(2, false); break;
        default: break;
      }
    }
    return { first, firstSigned, second };
  });
}
