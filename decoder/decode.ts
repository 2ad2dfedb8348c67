// The i386 instruction decoder: bytes -> Instruction, driven entirely by the compiled opcode
// table. It never throws and never reads outside [offset, end): a truncated, over-long (more than
// 15 bytes, SDM Vol. 2A 2.3.11) or undefined instruction comes back with `error` set.

import { compileImmPlans, compileTable, ImmWidth } from './compile.js';
import { Instruction } from './instruction.js';
import { OPCODE_TABLE } from './table/index.js';
import { Prefix, type DecodeError } from './types.js';

const ENTRIES = compileTable(OPCODE_TABLE);
const PLANS = compileImmPlans(OPCODE_TABLE);
const IMM1 = Int8Array.from(PLANS, (p) => p.first);
const IMM1_SIGNED = Uint8Array.from(PLANS, (p) => (p.firstSigned ? 1 : 0));
const IMM2 = Int8Array.from(PLANS, (p) => p.second);

/** Segment override prefix byte -> segment number (ES CS SS DS FS GS). */
const SEG_OF_PREFIX = new Int8Array(256).fill(-1);
SEG_OF_PREFIX[0x26] = 0; SEG_OF_PREFIX[0x2e] = 1; SEG_OF_PREFIX[0x36] = 2;
SEG_OF_PREFIX[0x3e] = 3; SEG_OF_PREFIX[0x64] = 4; SEG_OF_PREFIX[0x65] = 5;

/** 16-bit addressing (SDM Vol. 2A, Table 2-1): base and index register per r/m value. */
const BASE16 = [3, 3, 5, 5, -1, -1, 5, 3];
const INDEX16 = [6, 7, 6, 7, 6, 7, -1, -1];

function fail(insn: Instruction, error: DecodeError, length: number): Instruction {
  insn.error = error;
  insn.row = null;
  insn.length = length;
  return insn;
}

/** Decodes into a fresh Instruction. */
export function decode(bytes: Uint8Array, offset = 0, address = 0, end = bytes.length): Instruction {
  return decodeInto(new Instruction(), bytes, offset, end, address);
}

/**
 * Decodes the instruction at bytes[offset] into `insn` (reused to avoid allocation on hot paths).
 * Bytes at or beyond `end` are never read.
 */
export function decodeInto(insn: Instruction, bytes: Uint8Array, offset: number, end: number, address: number): Instruction {
  if (end > bytes.length) end = bytes.length;
  const start = offset;
  const limit = end - start >= 15 ? start + 15 : end;
  const outOfBytes: DecodeError = end - start >= 15 ? 'too-long' : 'truncated';
  insn.address = address;
  insn.prefixes = 0; insn.opsize = 32; insn.adsize = 32; insn.opcode = 0;
  insn.error = null;
  insn.row = null;
  insn.seg = -1;
  insn.modrm = -1;
  insn.mod = 0; insn.reg = 0; insn.rm = 0;
  insn.hasMem = false; insn.base = -1; insn.index = -1; insn.scale = 1; insn.disp = 0;
  insn.imm = 0; insn.imm2 = 0; insn.opcodeReg = 0;

  let pos = offset;
  let prefixes = 0;
  let lastRep = 0; // 0xf2 or 0xf3: the last one given decides the mandatory-prefix slot
  let b = 0;
  for (;;) {
    if (pos >= limit) return fail(insn, outOfBytes, pos - start);
    b = bytes[pos];
    if (b === 0xf0) prefixes |= Prefix.Lock;
    // F2 and F3 share prefix group 1: the last one given is the one in effect, so only its bit is kept.
    else if (b === 0xf3) { prefixes = (prefixes & ~Prefix.Repne) | Prefix.Rep; lastRep = 0xf3; }
    else if (b === 0xf2) { prefixes = (prefixes & ~Prefix.Rep) | Prefix.Repne; lastRep = 0xf2; }
    else if (b === 0x66) prefixes |= Prefix.OpSize;
    else if (b === 0x67) prefixes |= Prefix.AdSize;
    else if (SEG_OF_PREFIX[b] >= 0) insn.seg = SEG_OF_PREFIX[b];
    else break;
    pos++;
  }
  insn.prefixes = prefixes;
  const opsize = prefixes & Prefix.OpSize ? 16 : 32;
  const adsize = prefixes & Prefix.AdSize ? 16 : 32;
  insn.opsize = opsize;
  insn.adsize = adsize;

  let map = 0;
  if (b === 0x0f) {
    pos++;
    if (pos >= limit) return fail(insn, outOfBytes, pos - start);
    b = bytes[pos];
    map = 1;
    if (b === 0x38 || b === 0x3a) {
      map = b === 0x38 ? 2 : 3;
      pos++;
      if (pos >= limit) return fail(insn, outOfBytes, pos - start);
      b = bytes[pos];
    }
  } else if (b === 0xc4 || b === 0xc5 || b === 0x62) {
    // In 32-bit mode these are VEX/EVEX prefixes when the next byte has mod == 3 (SDM 2A, 2.3.5;
    // the LES/LDS/BOUND register forms they overlay were #UD). The target CPU has no AVX: #UD.
    if (pos + 1 >= limit) return fail(insn, outOfBytes, pos + 1 - start);
    if (bytes[pos + 1] >= 0xc0) return fail(insn, 'vex', pos + 2 - start);
  } else if (b === 0x8f) {
    // AMD XOP overlays POP Ev when ModRM.reg != 0 (those forms are #UD on Intel CPUs).
    if (pos + 1 >= limit) return fail(insn, outOfBytes, pos + 1 - start);
    if ((bytes[pos + 1] & 0x38) !== 0) return fail(insn, 'vex', pos + 2 - start);
  }
  pos++;
  insn.opcode = b;
  insn.opcodeReg = b & 7;
  const entry = ENTRIES[(map << 8) | b];
  if (entry === null) return fail(insn, 'undefined', pos - start);

  let modrm = 0;
  if (entry.needsModrm) {
    if (pos >= limit) return fail(insn, outOfBytes, pos - start);
    modrm = bytes[pos++];
    insn.modrm = modrm;
    insn.mod = modrm >> 6;
    insn.reg = (modrm >> 3) & 7;
    insn.rm = modrm & 7;
  }
  let index = entry.modrmDependent ? modrm : 0;
  if (entry.prefixDependent) {
    const slot = lastRep === 0xf3 ? 2 : lastRep === 0xf2 ? 3 : opsize === 16 ? 1 : 0;
    index |= entry.modrmDependent ? slot << 8 : slot;
  }
  const row = entry.rows[index];
  if (row === null) return fail(insn, 'undefined', pos - start);

  // Memory operand (SDM Vol. 2A, 2.1.5 Tables 2-1 and 2-2).
  if (entry.needsModrm && modrm < 0xc0 && !row.modIgnored) {
    insn.hasMem = true;
    const mod = modrm >> 6, rm = modrm & 7;
    if (adsize === 32) {
      if (rm === 4) {
        if (pos >= limit) return fail(insn, outOfBytes, pos - start);
        const sib = bytes[pos++];
        const base = sib & 7, idx = (sib >> 3) & 7;
        insn.scale = 1 << (sib >> 6);
        insn.index = idx === 4 ? -1 : idx;
        if (base === 5 && mod === 0) {
          if (pos + 4 > limit) return fail(insn, outOfBytes, limit - start);
          insn.disp = bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24);
          pos += 4;
        } else {
          insn.base = base;
        }
      } else if (rm === 5 && mod === 0) {
        if (pos + 4 > limit) return fail(insn, outOfBytes, limit - start);
        insn.disp = bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24);
        pos += 4;
      } else {
        insn.base = rm;
      }
      if (mod === 1) {
        if (pos >= limit) return fail(insn, outOfBytes, pos - start);
        insn.disp = (bytes[pos++] << 24) >> 24;
      } else if (mod === 2) {
        if (pos + 4 > limit) return fail(insn, outOfBytes, limit - start);
        insn.disp = bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24);
        pos += 4;
      }
    } else {
      if (mod === 0 && rm === 6) {
        if (pos + 2 > limit) return fail(insn, outOfBytes, limit - start);
        insn.disp = bytes[pos] | (bytes[pos + 1] << 8);
        pos += 2;
      } else {
        insn.base = BASE16[rm];
        insn.index = INDEX16[rm];
        if (mod === 1) {
          if (pos >= limit) return fail(insn, outOfBytes, pos - start);
          insn.disp = (bytes[pos++] << 24) >> 24;
        } else if (mod === 2) {
          if (pos + 2 > limit) return fail(insn, outOfBytes, limit - start);
          insn.disp = ((bytes[pos] | (bytes[pos + 1] << 8)) << 16) >> 16;
          pos += 2;
        }
      }
    }
  }

  // Immediates, in operand order.
  const id = row.id;
  let w = IMM1[id];
  if (w !== 0) {
    if (w === ImmWidth.Z) w = opsize === 16 ? 2 : 4;
    else if (w === ImmWidth.A) w = adsize === 16 ? 2 : 4;
    if (pos + w > limit) return fail(insn, outOfBytes, limit - start);
    let v: number;
    if (w === 1) v = IMM1_SIGNED[id] ? (bytes[pos] << 24) >> 24 : bytes[pos];
    else if (w === 2) {
      v = bytes[pos] | (bytes[pos + 1] << 8);
      if (IMM1_SIGNED[id]) v = (v << 16) >> 16;
    } else {
      v = bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24);
      if (!IMM1_SIGNED[id]) v >>>= 0;
    }
    insn.imm = v;
    pos += w;
    w = IMM2[id];
    if (w !== 0) {
      if (pos + w > limit) return fail(insn, outOfBytes, limit - start);
      insn.imm2 = w === 1 ? bytes[pos] : bytes[pos] | (bytes[pos + 1] << 8);
      pos += w;
    }
  }

  // LOCK needs a lockable form with a memory destination (SDM Vol. 2A, LOCK: otherwise #UD).
  if (prefixes & Prefix.Lock && (!row.lockable || !insn.hasMem)) return fail(insn, 'bad-lock', pos - start);

  insn.row = row;
  insn.length = pos - start;
  return insn;
}
