// Table-driven checks derived from the opcode table itself: every row is reachable by some
// encoding, decodes to the length its operand letters imply, and gets the validator verdict its
// columns say. A row that can never be selected, or a length rule that disagrees with the row,
// fails here.

import { decode } from '../decoder/decode';
import { OPCODE_TABLE } from '../decoder/table/index';
import { OperandKind as K, OperandSize as S, type OpcodeRow } from '../decoder/types';
import { DEFAULT_FEATURES, validate } from '../decoder/validate';

const SLOT_BYTES: Record<string, number[]> = { any: [], np: [], '66': [0x66], f3: [0xf3], f2: [0xf2] };
const ESCAPE: number[][] = [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a]];

/** ModRM bytes this row accepts, register form first when allowed: simple [eax] for memory. */
function modrmChoices(row: OpcodeRow): number[] {
  const out: number[] = [];
  for (let m = 0; m < 256; m++) {
    const mod = m >> 6, reg = (m >> 3) & 7, rm = m & 7;
    if (row.mod === 'mem' && mod === 3) continue;
    if (row.mod === 'reg' && mod !== 3) continue;
    if (row.regField >= 0 && reg !== row.regField) continue;
    if (row.rmField >= 0 && rm !== row.rmField) continue;
    out.push(m);
  }
  return out;
}

/** Immediate bytes the row's operands imply at 32-bit operand and address size. */
function immBytes(row: OpcodeRow): number {
  let n = 0;
  for (const op of row.operands) {
    const sz = op.size === S.V || op.size === S.Z ? 4 : op.size;
    if (op.kind === K.Imm || op.kind === K.ImmSx || op.kind === K.Rel) n += sz;
    else if (op.kind === K.MemOffset) n += 4;
    else if (op.kind === K.FarPtr) n += 6;
  }
  return n;
}

/** Bytes of the memory operand for a ModRM byte at 32-bit address size (SIB and displacement). */
function memBytes(modrm: number, row: OpcodeRow): number {
  const mod = modrm >> 6, rm = modrm & 7;
  if (mod === 3 || row.modIgnored) return 0;
  let n = rm === 4 ? 1 : 0;
  if (mod === 1) n += 1;
  else if (mod === 2 || (mod === 0 && rm === 5)) n += 4;
  return n; // SIB byte 0x00 (base eax) never needs a displacement
}

function encodings(row: OpcodeRow): { bytes: Uint8Array; length: number }[] {
  const head = [...SLOT_BYTES[row.prefix], ...ESCAPE[row.map], row.opcode];
  const out: { bytes: Uint8Array; length: number }[] = [];
  const pad = new Array(16).fill(0);
  if (!row.hasModrm) {
    out.push({ bytes: Uint8Array.from([...head, ...pad]), length: head.length + immBytes(row) });
    return out;
  }
  for (const m of modrmChoices(row)) {
    out.push({ bytes: Uint8Array.from([...head, m, ...pad]), length: head.length + 1 + memBytes(m, row) + immBytes(row) });
  }
  return out;
}

describe('opcode table', () => {
  test('has rows for every map', () => {
    const maps = new Set(OPCODE_TABLE.map((r) => r.map));
    expect([...maps].sort()).toEqual([0, 1, 2, 3]);
    expect(OPCODE_TABLE.length).toBeGreaterThan(500);
  });

  test('every row is reachable and decodes to the length its operands imply', () => {
    const unreachable: string[] = [];
    const wrongLength: string[] = [];
    for (const row of OPCODE_TABLE) {
      let reached = false;
      for (const enc of encodings(row)) {
        const insn = decode(enc.bytes, 0, 0x1000);
        if (insn.row !== row) continue;
        reached = true;
        if (insn.length !== enc.length) {
          wrongLength.push(`${row.source}: ${Buffer.from(enc.bytes.subarray(0, enc.length)).toString('hex')} decoded as ${insn.length} bytes, expected ${enc.length}`);
        }
      }
      if (!reached) unreachable.push(row.source);
    }
    expect(unreachable).toEqual([]);
    expect(wrongLength.slice(0, 20)).toEqual([]);
  });

  test('lockable rows accept LOCK with a memory destination and refuse it with a register', () => {
    for (const row of OPCODE_TABLE.filter((r) => r.lockable)) {
      const head = [0xf0, ...SLOT_BYTES[row.prefix], ...ESCAPE[row.map], row.opcode];
      const reg = row.regField >= 0 ? row.regField << 3 : 0;
      const mem = decode(Uint8Array.from([...head, reg | 0x00, ...new Array(8).fill(0)]), 0, 0);
      expect([row.source, mem.error, mem.row?.source]).toEqual([row.source, null, row.source]);
      if (row.mod !== 'mem') {
        const r = decode(Uint8Array.from([...head, 0xc0 | reg, ...new Array(8).fill(0)]), 0, 0);
        expect([row.source, r.error]).toEqual([row.source, 'bad-lock']);
      }
    }
  });

  test('validator verdicts follow the table columns', () => {
    const all = new Set(OPCODE_TABLE.map((r) => r.ext));
    for (const row of OPCODE_TABLE) {
      const enc = encodings(row)[0];
      const insn = decode(enc.bytes, 0, 0x8049000);
      if (insn.row !== row) continue; // shadowed first encoding; reachability is checked above
      const v = validate(insn, enc.bytes, 0, all);
      const expected =
        row.verdict === 'privileged' || row.verdict === 'far' ? { ok: false, signal: 'SIGSEGV' }
          : row.verdict === 'undefined' ? { ok: false, signal: 'SIGILL' }
            : row.verdict === 'int' ? { ok: false, signal: 'SIGSEGV' } // imm 0: INT 0
              : { ok: true };
      expect([row.source, v.ok, v.ok ? undefined : v.signal]).toEqual([row.source, expected.ok, expected.signal]);
      if (!v.ok) expect(v.message).toContain('at 0x8049000: ');
    }
  });

  test('forms outside the default CPU are SIGILL with address, bytes and mnemonic', () => {
    const sse = OPCODE_TABLE.filter((r) => r.verdict === 'ok' && !DEFAULT_FEATURES.has(r.ext) && r.ext !== 'bmi1' && r.ext !== 'lzcnt');
    expect(sse.length).toBeGreaterThan(100);
    for (const row of sse) {
      const enc = encodings(row)[0];
      const insn = decode(enc.bytes, 0, 0x8049000);
      if (insn.row !== row) continue;
      const v = validate(insn, enc.bytes, 0);
      expect(v.ok).toBe(false);
      if (!v.ok) {
        expect(v.signal).toBe('SIGILL');
        expect(v.reason).toBe('unsupported');
        expect(v.message).toContain(`at 0x8049000: ${Buffer.from(enc.bytes.subarray(0, insn.length)).toString('hex').replace(/(..)(?!$)/g, '$1 ')}`);
        expect(v.message).toContain(`(${insn.mnemonic})`);
      }
    }
  });
});
