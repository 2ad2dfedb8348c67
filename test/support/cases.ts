// The case generator of the translator's differential test against Unicorn (compare.ts runs
// the cases). Deterministic: everything derives from 32-bit seeds through the PRNG below, so a
// failing case is reproduced from its seed, and golden data regenerates the same way.
//
// For every executable form of the opcode table (verdict 'ok', an extension of DEFAULT_FEATURES
// or x87, and a mnemonic the translator implements: SEMANTICS decides, so forms join as they
// land) a case is one encoding of the form with random legal prefixes, ModRM/SIB/displacement
// and immediates, random registers (biased to edge values), arithmetic flags and DF, random
// x87 state for x87 forms, and a data region with seeded random content. Addresses are aimed:
// base/index registers are solved so the effective address lands where the case wants it,
// mostly inside the writable pages, sometimes across a page boundary, in the read-only page
// or in unmapped memory, to exercise faults.
//
// Guest layout (the same in vxts and Unicorn):
//   0x00000000-0x00003fff  unmapped (null guard)
//   0x00004000-0x00005fff  DATA: two read/write pages, seeded random dwords (stack lives here too)
//   0x00006000-0x00006fff  RO: one read-only page, seeded random dwords
//   0x00007000-...         unmapped gap
//   0x00100000-0x00100fff  CODE: read/execute, INT3 filler with the instruction at CODE_EIP
// Everything sits below 64 KiB except the code, so 16-bit addressing (67h) reaches the data.

import { decode } from '../../decoder/decode.js';
import type { Instruction } from '../../decoder/instruction.js';
import { OPCODE_TABLE } from '../../decoder/table/index.js';
import { OperandKind as K, OperandSize as S, OpMap, Prefix, type OpcodeRow, type OperandSpec } from '../../decoder/types.js';
import { DEFAULT_FEATURES } from '../../decoder/validate.js';
import { SEMANTICS } from '../../translator/semantics/index.js';

export const CODE_PAGE = 0x0010_0000;
export const CODE_EIP = CODE_PAGE + 0x800;
export const DATA_BASE = 0x4000;
export const RW_SIZE = 0x2000;
export const RO_BASE = DATA_BASE + RW_SIZE;
export const RO_SIZE = 0x1000;
/** Bytes of seeded data: the read/write pages followed by the read-only page. */
export const IMAGE_SIZE = RW_SIZE + RO_SIZE;
export const GAP_BASE = RO_BASE + RO_SIZE;
/**
 * Filler of the code page: INT3. It ends Unicorn's translation blocks right after the
 * instruction (a page of NOPs would make QEMU translate hundreds of instructions per case), and
 * it is a valid instruction for vxts, which translates the fall-through block before it stops.
 */
export const CODE_FILL = 0xcc;

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32 seeded through splitmix32. Frozen, like dataImage, caseBase and randomFpu below:
// the golden file stores seeds and regenerates registers, data pages and x87 state from them.

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes two 32-bit values into a seed (case seeds from a run seed and an index). */
export function mixSeed(a: number, b: number): number {
  return splitmix32((splitmix32(a >>> 0) ^ Math.imul(b >>> 0, 0x27d4eb2d)) >>> 0);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = splitmix32(seed);
    this.b = splitmix32(this.a ^ 0x6a09e667);
    this.c = splitmix32(this.b ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A 32-bit value, half the time from the edge list (sign bits, carries, all-ones...). */
  edge32(): number {
    if (this.chance(0.5)) return this.u32();
    const e = EDGES32[this.int(EDGES32.length)];
    // Edge values, sometimes moved by a small step (0x7ffffffe, 0x80000001, 0xff - 1...).
    return this.chance(0.2) ? (e + this.int(5) - 2) >>> 0 : e;
  }

  /** A value of `bytes` bytes (1, 2, 4), edge-biased, zero-extended. */
  edge(bytes: number): number {
    const v = this.chance(0.35) ? this.pick(bytes === 1 ? EDGES8 : bytes === 2 ? EDGES16 : EDGES32) : this.u32();
    return bytes === 4 ? v >>> 0 : v & (bytes === 1 ? 0xff : 0xffff);
  }
}

const EDGES8 = [0, 1, 2, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x0f, 0x10, 0x55, 0xaa];
const EDGES16 = [0, 1, 2, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0x00ff, 0x0100, 0x7b, 0x73, 0x5555];
const EDGES32 = [
  0, 1, 2, 3, 0xffffffff, 0xfffffffe, 0x80000000, 0x7fffffff, 0x80000001, 0x00000080, 0x000000ff, 0x00000100,
  0x00007fff, 0x00008000, 0x0000ffff, 0x00010000, 0x7f7f7f7f, 0x80808080, 0x55555555, 0xaaaaaaaa,
  0x0000001f, 0x00000020, 0x00000021, 0x0000007b, 0x00000073, 0x007b007b,
  CODE_EIP, CODE_EIP + 2, CODE_EIP + 0x40, DATA_BASE + 0x800, DATA_BASE + 0x1ffc, RO_BASE + 0x10,
];

/** Distinct data images: a case uses image (memSeed mod IMAGE_POOL), generated once. */
export const IMAGE_POOL = 256;
const imagePool: (Uint8Array | undefined)[] = new Array(IMAGE_POOL);

/**
 * The seeded data image: read/write pages then the read-only page, edge-biased dwords. One of
 * IMAGE_POOL images chosen by the seed (generated once each); callers must not modify it.
 */
export function dataImage(seed: number): Uint8Array {
  const k = (seed >>> 0) % IMAGE_POOL;
  return (imagePool[k] ??= makeImage(k));
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function makeImage(seed: number): Uint8Array {
  // sfc32 inlined (the image is generated for every case): same algorithm as Rng.
  let a = splitmix32(seed ^ 0x0da7a000), b = splitmix32(a ^ 0x6a09e667), c = splitmix32(b ^ 0xbb67ae85), d = 1;
  const out = new Uint8Array(IMAGE_SIZE);
  const words = new Uint32Array(out.buffer);
  const edges = EDGES32, n = edges.length;
  for (let i = 0; i < IMAGE_SIZE / 4; i++) {
    // One draw decides: a uniform dword (half), or an edge value, sometimes moved by a small step.
    let t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + t) | 0;
    const r = t >>> 0;
    let v: number;
    if ((r & 1) === 0) {
      t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + t) | 0;
      v = t >>> 0;
    } else {
      v = edges[(r >>> 8) % n];
      if (((r >>> 1) & 7) === 0) v = (v + ((r >>> 4) & 3) - 2) >>> 0;
    }
    words[i] = LITTLE_ENDIAN ? v : ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Forms.

/** The CPU the cases target: the default feature set, plus x87 (always in it, listed for clarity). */
export const CASE_FEATURES = new Set([...DEFAULT_FEATURES, 'x87'] as const);

export interface FormSelection {
  /** Executable rows whose semantics exist: the forms under test. */
  readonly forms: readonly OpcodeRow[];
  /** Executable rows still without semantics (reported, not tested). */
  readonly notImplemented: readonly OpcodeRow[];
}

/** Rows refused by the validator but executable in one encoding: INT Ib is run as INT 0x80. */
function executableRow(row: OpcodeRow): boolean {
  if (row.verdict === 'int') return true;
  return row.verdict === 'ok' && CASE_FEATURES.has(row.ext as never);
}

export function selectForms(): FormSelection {
  const forms: OpcodeRow[] = [];
  const notImplemented: OpcodeRow[] = [];
  for (const row of OPCODE_TABLE) {
    if (!executableRow(row)) continue;
    // Forms with far-pointer or control/debug register operands are never 'ok'; guard anyway.
    if (row.operands.some((o) => o.kind === K.FarPtr || o.kind === K.RegCtl || o.kind === K.RegDbg)) continue;
    if (SEMANTICS.has(row.mnemonic)) forms.push(row);
    else notImplemented.push(row);
  }
  return { forms, notImplemented };
}

/** A short, stable name of a form: the table row's source text. */
export function formName(row: OpcodeRow): string {
  return row.source;
}

// ---------------------------------------------------------------------------------------------
// Cases.

/** x87 state: physical registers R0..R7 as [sign+exponent, significand hi, lo], TOP, words. */
export interface FpuState {
  readonly top: number;
  /** Full tag word, two bits per physical register (0 valid, 1 zero, 2 special, 3 empty). */
  readonly tag: number;
  readonly control: number;
  /** Status word without TOP (bits 13..11 clear). */
  readonly status: number;
  /** 24 numbers: signExp, mantHi, mantLo for R0..R7. */
  readonly regs: readonly number[];
}

export interface Case {
  /** The case's seed: registers, the data image and x87 state derive from it (caseBase). */
  readonly seed: number;
  /** The instruction, placed at CODE_EIP. */
  readonly bytes: Uint8Array;
  /** EAX..EDI, unsigned. */
  readonly regs: readonly number[];
  /** Initial EFLAGS (bit 1 and IF set; arithmetic flags, DF, and sometimes AC/ID random). */
  readonly eflags: number;
  /** Seed of the data image (dataImage). */
  readonly memSeed: number;
  /** Initial x87 state, for x87 forms (null: the FNINIT state). */
  readonly fpu: FpuState | null;
}

/** Mnemonics whose memory operand is only an address (no access). */
const NO_ACCESS = new Set(['lea', 'nop', 'prefetch', 'prefetchw']);
const STACK_MNEMONICS = new Set(['push', 'pop', 'pushal', 'popal', 'pushfd', 'popfd', 'call', 'ret', 'enter', 'leave']);
const SHIFTS = new Set(['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar', 'shld', 'shrd']);

/** Bytes a memory operand covers (for aiming: page crossings need the size). */
function accessSize(op: OperandSpec, opsize: number): number {
  switch (op.size) {
    case S.B: return 1;
    case S.W: return 2;
    case S.D: return 4;
    case S.Q: return 8;
    case S.T: return 10;
    case S.V: case S.Z: return opsize / 8;
    case S.P: return opsize === 16 ? 4 : 6;
    case S.A: return opsize === 16 ? 4 : 8;
    case S.Env: return opsize === 16 ? 14 : 28;
    case S.State: return opsize === 16 ? 94 : 108;
    case S.DQ: return 16;
    default: return 4;
  }
}

/** Where an address should land. */
type Zone = 'rw' | 'rw-cross' | 'ro' | 'rw-ro' | 'unmapped' | 'edge-unmapped';

function pickZone(rng: Rng): Zone {
  const x = rng.int(100);
  if (x < 74) return 'rw';
  if (x < 81) return 'rw-cross';
  if (x < 87) return 'ro';
  if (x < 91) return 'rw-ro';
  if (x < 95) return 'unmapped';
  return 'edge-unmapped';
}

/** An address for an access of `size` bytes in the zone. */
function aimAddress(rng: Rng, zone: Zone, size: number): number {
  const span = Math.max(1, size);
  switch (zone) {
    case 'rw': return DATA_BASE + rng.int(RW_SIZE - span + 1);
    case 'rw-cross': return DATA_BASE + 0x1000 - 1 - rng.int(Math.min(span, 8)) + (span > 1 ? 0 : 1);
    case 'ro': return RO_BASE + rng.int(RO_SIZE - span + 1);
    case 'rw-ro': return RO_BASE - 1 - rng.int(Math.min(span, 8)) + (span > 1 ? 0 : 1);
    case 'unmapped': return rng.pick([0, 0x10, DATA_BASE - 0x100, GAP_BASE + rng.int(0x1000), 0x00200000, 0x7fff0000, 0xfffff000, rng.u32()]) >>> 0;
    case 'edge-unmapped': {
      // Across the start of DATA from below, or off the end of RO into the gap.
      return rng.chance(0.5) ? DATA_BASE - 1 - rng.int(Math.min(span, 8)) : GAP_BASE - 1 - rng.int(Math.min(span, 8));
    }
  }
}

/** Modular inverse of an odd number modulo 2^32. */
function inverseOdd(a: number): number {
  let x = a >>> 0;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x)) >>> 0;
  return x >>> 0;
}

/** Little-endian immediate bytes. */
function le(value: number, bytes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.push((value >>> (8 * i)) & 0xff);
  return out;
}

interface Draft {
  prefixes: number[];
  opsize: 16 | 32;
  adsize: 16 | 32;
  modrm: number; // -1: none
  /** Memory operand: 32-bit: base/index/scale; 16-bit: rm selects the pair. */
  mem: boolean;
  base: number;
  index: number;
  scaleLog: number;
  /** Displacement width in bytes (0, 1, 2, 4) and value. */
  dispBytes: number;
  disp: number;
  /** SIB present (32-bit forms). */
  sib: boolean;
  imms: { value: number; bytes: number }[];
}

const BASE16 = [3, 3, 5, 5, -1, -1, 5, 3];
const INDEX16 = [6, 7, 6, 7, 6, 7, -1, -1];

/** Encodes the draft for the row. */
function encode(row: OpcodeRow, d: Draft, opcodeLow: number): Uint8Array {
  const out = [...d.prefixes];
  if (row.map !== OpMap.One) out.push(0x0f);
  if (row.map === OpMap.ThreeByte38) out.push(0x38);
  if (row.map === OpMap.ThreeByte3A) out.push(0x3a);
  out.push(row.opcode + opcodeLow);
  if (d.modrm >= 0) {
    out.push(d.modrm);
    if (d.mem && d.adsize === 32 && d.sib) {
      const base = d.base < 0 ? 5 : d.base;
      const index = d.index < 0 ? 4 : d.index;
      out.push((d.scaleLog << 6) | (index << 3) | base);
    }
    if (d.mem) out.push(...le(d.disp, d.dispBytes));
  }
  for (const im of d.imms) out.push(...le(im.value, im.bytes));
  return Uint8Array.from(out);
}

/** What a case's seed alone determines: random registers, the data image seed, x87 state. */
export interface CaseBase {
  readonly regs: readonly number[];
  readonly memSeed: number;
  readonly fpu: FpuState;
}

/**
 * The seed-derived part of a case. Frozen (the golden file stores only the seed and the
 * registers the generator changed): do not change without regenerating the golden data.
 */
export function caseBase(seed: number): CaseBase {
  const rng = new Rng(mixSeed(seed, 0x4e6));
  const regs: number[] = [];
  for (let r = 0; r < 8; r++) regs.push(rng.edge32() >>> 0);
  const memSeed = rng.u32();
  return { regs, memSeed, fpu: randomFpu(new Rng(mixSeed(seed, 0xf87))) };
}

/** The generator state of one case. */
class Builder {
  readonly regs: number[];
  /** Registers whose values are fixed by an address constraint. */
  readonly pinned = new Set<number>();
  eflags = 0x202;
  readonly image: Uint8Array;
  readonly memSeed: number;
  readonly base: CaseBase;

  constructor(readonly rng: Rng, seed: number) {
    this.base = caseBase(seed);
    this.regs = [...this.base.regs];
    this.memSeed = this.base.memSeed;
    this.image = dataImage(this.memSeed);
  }

  pin(r: number, value: number): void {
    this.regs[r] = value >>> 0;
    this.pinned.add(r);
  }

  /** Sets the low 16 bits of r (16-bit addressing): the high half stays random. */
  pin16(r: number, value: number): void {
    this.regs[r] = ((this.regs[r] & 0xffff0000) | (value & 0xffff)) >>> 0;
    this.pinned.add(r);
  }

  /** The image dword at a guest address, or null outside the image. */
  imageDword(address: number): number | null {
    const off = address - DATA_BASE;
    if (off < 0 || off + 4 > IMAGE_SIZE) return null;
    return new DataView(this.image.buffer).getUint32(off, true);
  }

  /** Finds an aligned image dword (in the RW pages) satisfying `test`; returns its address. */
  findDword(test: (v: number) => boolean): number | null {
    const view = new DataView(this.image.buffer);
    const start = this.rng.int(RW_SIZE / 4);
    for (let k = 0; k < RW_SIZE / 4; k++) {
      const off = ((start + k) % (RW_SIZE / 4)) * 4;
      if (test(view.getUint32(off, true))) return DATA_BASE + off;
    }
    return null;
  }
}

/** Address of a stack pointer: mostly well inside RW, sometimes at the edges of mapped memory. */
function stackAddress(rng: Rng): number {
  const x = rng.int(100);
  if (x < 80) return DATA_BASE + 0x100 + 4 * rng.int((RW_SIZE - 0x200) / 4) + (rng.chance(0.1) ? rng.int(4) : 0);
  if (x < 85) return DATA_BASE + rng.int(0x40); // pushes fall off the bottom
  if (x < 90) return RO_BASE - rng.int(0x40); // pops run into the read-only page
  if (x < 95) return RO_BASE + rng.int(RO_SIZE); // pushes fault, pops work
  return GAP_BASE - rng.int(0x20); // pops run off the end
}

/**
 * Builds one case of the row. Throws when the generated bytes do not decode back to the row
 * (a generator bug).
 */
export function generateCase(row: OpcodeRow, seed: number): Case {
  const rng = new Rng(seed);
  const b = new Builder(rng, seed);
  const m = row.mnemonic;
  const ops = row.operands;
  const hasMemOperand = ops.some((o) => o.kind === K.RmMemOnly) || row.mod === 'mem';
  const canMem = row.hasModrm && row.mod !== 'reg' && !row.modIgnored;
  const isString = ops.some((o) => o.kind === K.StrSrc || o.kind === K.StrDst);
  const isX87 = isX87Row(row);

  const d: Draft = {
    prefixes: [], opsize: 32, adsize: 32, modrm: -1, mem: false, base: -1, index: -1, scaleLog: 0,
    dispBytes: 0, disp: 0, sib: false, imms: [],
  };

  // --- ModRM shape.
  const reg = row.regField >= 0 ? row.regField : rng.int(8);
  // FLD ST(7) always faults on the stack (its source is the register the push fills), which
  // the oracle cannot model: it is left out.
  let rm = row.rmField >= 0 ? row.rmField : rng.int(m === 'fld' && ops[0]?.kind === K.StI ? 7 : 8);
  if (row.hasModrm) {
    d.mem = canMem && (hasMemOperand || rng.chance(0.6));
  }

  // --- Prefixes.
  const pre: number[] = [];
  let opsize16 = false;
  if (row.prefix === '66') opsize16 = true;
  else if (row.prefix === 'any') opsize16 = rng.chance(0.22);
  const usesAddress = d.mem || isString || m === 'xlatb' || ops.some((o) => o.kind === K.MemOffset) ||
    m === 'loop' || m === 'loope' || m === 'loopne' || m === 'jecxz';
  const adsize16 = usesAddress ? rng.chance(0.18) : rng.chance(0.03);
  if (opsize16) pre.push(0x66);
  if (adsize16) pre.push(0x67);
  if (d.mem || isString || ops.some((o) => o.kind === K.MemOffset) || m === 'xlatb') {
    if (rng.chance(0.15)) pre.push(rng.pick([0x26, 0x2e, 0x36, 0x3e]));
  }
  if (row.lockable && d.mem && rng.chance(0.3)) pre.push(0xf0);
  let rep = 0;
  if (row.rep !== 'none') {
    const x = rng.int(100);
    rep = x < 45 ? 0xf3 : x < 65 ? 0xf2 : 0;
    if (rep) pre.push(rep);
  }
  // Shuffle the optional prefixes; a mandatory F2/F3 goes last (the last one selects the slot).
  for (let i = pre.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pre[i], pre[j]] = [pre[j], pre[i]];
  }
  if (row.prefix === 'f3') pre.push(0xf3);
  if (row.prefix === 'f2') pre.push(0xf2);
  d.prefixes = pre;
  d.opsize = opsize16 ? 16 : 32;
  d.adsize = adsize16 ? 16 : 32;
  const opBytes = d.opsize / 8;

  // --- Stack, string and other implicit address registers.
  if (STACK_MNEMONICS.has(m)) b.pin(4, stackAddress(rng));
  if (m === 'enter' || m === 'leave') b.pin(5, stackAddress(rng));
  if (m === 'leave' && rng.chance(0.8)) b.pin(4, rng.edge32()); // LEAVE replaces ESP
  if (isString) {
    const n = m.replace(/[bwd]$/, '');
    const size = m.endsWith('b') ? 1 : opBytes;
    const zoneSrc = pickZone(rng), zoneDst = pickZone(rng);
    const srcUsed = n === 'movs' || n === 'cmps' || n === 'lods' || n === 'outs';
    const dstUsed = n === 'movs' || n === 'cmps' || n === 'stos' || n === 'scas' || n === 'ins';
    if (srcUsed) {
      const a = aimAddress(rng, zoneSrc, size);
      if (adsize16) b.pin16(6, a); else b.pin(6, a);
    }
    if (dstUsed) {
      const a = aimAddress(rng, zoneDst, size);
      if (adsize16) b.pin16(7, a); else b.pin(7, a);
    }
    if (rep) {
      // Small counts: REP runs to completion within one step.
      const count = rng.pick([0, 1, 2, 3, 4, 5, 7, 8, 16, 31, rng.int(64)]);
      if (adsize16) b.pin16(1, count); else b.pin(1, count);
    }
  }
  if (m === 'xlatb') {
    const a = aimAddress(rng, pickZone(rng), 1);
    const al = b.regs[0] & 0xff;
    if (adsize16) b.pin16(3, a - al); else b.pin(3, a - al);
  }
  if (m === 'loop' || m === 'loope' || m === 'loopne' || m === 'jecxz') {
    if (rng.chance(0.6)) {
      const v = rng.pick([0, 1, 2, 0x10000, 0x10001]);
      if (adsize16) b.pin16(1, v); else b.pin(1, v);
    }
  }

  // --- The ModRM byte and memory operand.
  const memOp = ops.find((o) => o.kind === K.RmGpr || o.kind === K.RmMemOnly || o.kind === K.RmGprRegOnly);
  if (row.hasModrm) {
    if (!d.mem) {
      d.modrm = 0xc0 | (reg << 3) | rm;
    } else {
      // Addressing form.
      let mod = rng.int(3);
      if (d.adsize === 32) {
        const useSib = rm === 4 || rng.chance(0.3);
        if (useSib) rm = 4;
        d.sib = rm === 4;
        if (d.sib) {
          d.scaleLog = rng.int(4);
          d.index = rng.int(8);
          if (d.index === 4) d.index = -1;
          d.base = rng.int(8);
          if (d.base === 5 && mod === 0) d.base = -1; // disp32, no base
        } else {
          d.base = rm;
          if (rm === 5 && mod === 0) d.base = -1; // disp32
        }
        d.dispBytes = mod === 1 ? 1 : mod === 2 || d.base < 0 ? 4 : 0;
      } else {
        d.base = BASE16[rm];
        d.index = INDEX16[rm];
        if (mod === 0 && rm === 6) { d.base = -1; d.index = -1; }
        d.dispBytes = mod === 1 ? 1 : mod === 2 || (mod === 0 && rm === 6) ? 2 : 0;
      }
      if (mod === 0 && d.adsize === 32 && !d.sib && rm === 5) d.dispBytes = 4;
      d.modrm = (mod << 6) | (reg << 3) | rm;
      d.disp = d.dispBytes === 1 ? rng.pick([0, 1, 4, 0x7f, 0x80, 0xff, rng.int(256)])
        : d.dispBytes === 2 ? rng.edge(2) : d.dispBytes === 4 ? rng.edge32() : 0;
      const size = memOp ? accessSize(memOp, d.opsize) : opBytes;
      if (NO_ACCESS.has(m)) {
        // LEA and hint NOPs never touch memory: any address, random registers.
      } else {
        let target = aimAddress(rng, pickZone(rng), size);
        // Aim at interesting contents for forms that read selectors (MOV Sreg, LDS...) or targets.
        if (ops[0]?.kind === K.RegSeg || ops.some((o) => o.size === S.P)) {
          const wantAt = ops.some((o) => o.size === S.P) ? opBytes : 0;
          const hit = rng.chance(0.6) ? b.findDword((v) => [0, 0x7b, 0x73, 0x78].includes(v & 0xffff)) : null;
          if (hit !== null) target = hit - wantAt;
        }
        if ((m === 'jmp' || m === 'call') && rng.chance(0.5)) {
          const hit = b.findDword((v) => v >= CODE_PAGE && v < CODE_PAGE + 0x1000);
          if (hit !== null) target = hit;
        }
        solveAddress(b, d, target);
      }
    }
  }

  // --- Immediates and relative targets.
  let immIndex = 0;
  for (const op of ops) {
    if (op.kind === K.Imm || op.kind === K.ImmSx || op.kind === K.Rel || op.kind === K.MemOffset) {
      let bytes: number;
      if (op.kind === K.MemOffset) bytes = d.adsize / 8;
      else if (op.kind === K.ImmSx) bytes = 1;
      else if (op.size === S.B) bytes = 1;
      else if (op.size === S.W) bytes = 2;
      else if (op.size === S.D) bytes = 4;
      else bytes = opBytes;
      let value: number;
      if (op.kind === K.MemOffset) value = aimAddress(rng, pickZone(rng), accessSize(op, d.opsize));
      else if (op.kind === K.Rel) value = relTarget(rng, bytes);
      else if (m === 'int') value = 0x80;
      else if (SHIFTS.has(m) && bytes === 1) value = shiftCount(rng);
      else if (m === 'enter' && immIndex === 0) value = rng.pick([0, 4, 8, 0x10, 0x100, rng.int(0x40) * 4, rng.edge(2)]);
      else if (m === 'enter') value = rng.pick([0, 0, 1, 1, 2, 3, 4, rng.int(32), rng.int(256)]);
      else if (m === 'aam' || m === 'aad') value = rng.pick([0, 10, 10, 16, 1, 0xff, rng.int(256)]);
      else value = rng.edge(bytes);
      d.imms.push({ value, bytes });
      immIndex++;
    }
  }

  // --- Per-form register conditions.
  if (SHIFTS.has(m) && ops.some((o) => o.kind === K.FixedGpr && o.fixed === 1 && o.size === S.B)) {
    if (rng.chance(0.7)) b.regs[1] = ((b.regs[1] & ~0xff) | shiftCount(rng)) >>> 0;
  }
  if ((m === 'div' || m === 'idiv') && rng.chance(0.5)) {
    // Dividends whose quotient often fits: EDX (or AH/DX) zero or the sign of EAX.
    const sign = (b.regs[0] & 0x80000000) !== 0 && m === 'idiv';
    if (!b.pinned.has(2)) b.regs[2] = sign ? 0xffffffff : rng.pick([0, 0, 1]);
    if (ops[0]?.size === S.B) b.regs[0] = (b.regs[0] & ~0xff00) | (rng.pick([0, 0, 1]) << 8);
  }
  if ((m === 'bt' || m === 'bts' || m === 'btr' || m === 'btc') && d.mem && ops[1]?.kind === K.RegGpr && !b.pinned.has(reg)) {
    // Register bit offsets address memory relative to the operand: keep them near.
    b.regs[reg] = rng.pick([0, 1, 7, 8, 31, 32, 33, 63, 0xffffffff, 0xfffffff8, 0xffffffe0, rng.int(256)]) >>> 0;
  }
  if (m === 'cmpxchg' || m === 'cmpxchg8b') {
    if (rng.chance(0.5)) {
      const size = m === 'cmpxchg8b' ? 4 : ops[0]?.size === S.B ? 1 : opBytes;
      const cur = d.mem ? b.imageDword(effectiveAddress(b, d)) : b.regs[rm];
      if (cur !== null) {
        const mask = size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffffff;
        if (!b.pinned.has(0)) b.regs[0] = ((b.regs[0] & ~mask) | (cur & mask)) >>> 0;
        if (m === 'cmpxchg8b' && !b.pinned.has(2)) {
          const hi = b.imageDword(effectiveAddress(b, d) + 4);
          if (hi !== null) b.regs[2] = hi;
        }
      }
    }
  }
  if (ops.some((o) => o.kind === K.RegSeg) && !d.mem && ops[0]?.kind === K.RegSeg && !b.pinned.has(rm)) {
    // MOV Sreg, r16: mostly valid selectors.
    if (rng.chance(0.6)) b.regs[rm] = ((b.regs[rm] & 0xffff0000) | rng.pick([0x7b, 0x7b, 0x0, 0x73, 0x78, 0x7f, 0x3, 0x10])) >>> 0;
  }
  if (m === 'pop' && ops[0]?.kind === K.FixedSeg && rng.chance(0.6)) {
    const hit = b.findDword((v) => [0, 0x7b, 0x73, 0x78].includes(v & 0xffff));
    if (hit !== null) b.pin(4, hit);
  }

  // --- Flags.
  b.eflags = 0x202 | (rng.u32() & 0x8d5);
  if (rng.chance(0.3)) b.eflags |= 0x400;
  if (rng.chance(0.05)) b.eflags |= 0x40000; // AC (no alignment checks at CR0.AM = 0)
  if (rng.chance(0.05)) b.eflags |= 0x200000; // ID

  const opcodeLow = row.plusReg ? rng.int(8) : 0;
  const bytes = encode(row, d, opcodeLow);
  const insn = decode(bytes, 0, CODE_EIP);
  if (insn.row !== row || insn.length !== bytes.length) {
    throw new Error(`cases: generated ${hex(bytes)} for '${row.source}' but it decodes as '${insn.row?.source ?? insn.error}' (${insn.length} bytes)`);
  }
  let fpu: FpuState | null = null;
  if (isX87) {
    const withOperands = { ...b.base.fpu, regs: x87Operands(row, b.base.fpu, rng) };
    fpu = { ...withOperands, tag: x87Tags(row, withOperands) };
  }
  return { seed, bytes, regs: b.regs.map((r) => r >>> 0), eflags: b.eflags >>> 0, memSeed: b.memSeed, fpu };
}

/** The effective address the draft's registers give (32- or 16-bit). */
function effectiveAddress(b: Builder, d: Draft): number {
  if (d.adsize === 16) {
    let a = d.dispBytes === 1 ? (d.disp << 24) >> 24 : d.disp;
    if (d.base >= 0) a += b.regs[d.base];
    if (d.index >= 0) a += b.regs[d.index];
    return a & 0xffff;
  }
  let a = d.dispBytes === 1 ? (d.disp << 24) >> 24 : d.disp;
  if (d.base >= 0) a += b.regs[d.base];
  if (d.index >= 0) a += Math.imul(b.regs[d.index], 1 << d.scaleLog);
  return a >>> 0;
}

/**
 * Chooses base/index register values (or the displacement) so the effective address is
 * `target`, respecting registers pinned by other constraints.
 */
function solveAddress(b: Builder, d: Draft, target: number): void {
  const rng = b.rng;
  if (d.adsize === 16) {
    const dispVal = d.dispBytes === 1 ? (d.disp << 24) >> 24 : d.dispBytes === 2 ? (d.disp << 16) >> 16 : 0;
    if (d.base < 0 && d.index < 0) { d.disp = target & 0xffff; return; }
    const free = [d.base, d.index].filter((r) => r >= 0 && !b.pinned.has(r));
    if (free.length === 0) {
      if (d.dispBytes === 2) d.disp = (target - effectiveAddress(b, { ...d, disp: 0 })) & 0xffff;
      return;
    }
    const solveFor = free[free.length - 1];
    const other = [d.base, d.index].find((r) => r >= 0 && r !== solveFor);
    const otherVal = other !== undefined ? b.regs[other] & 0xffff : 0;
    b.pin16(solveFor, target - otherVal - dispVal);
    return;
  }
  const dispVal = d.dispBytes === 1 ? (d.disp << 24) >> 24 : d.disp | 0;
  const scale = 1 << d.scaleLog;
  if (d.base < 0 && d.index < 0) { d.disp = target >>> 0; return; }
  if (d.base >= 0 && d.base === d.index) {
    const r = d.base;
    if (!b.pinned.has(r)) {
      const k = scale + 1; // 2, 3, 5, 9
      let t = (target - dispVal) >>> 0;
      if (k === 2) {
        if (t & 1) { target -= 1; t = (t - 1) >>> 0; }
        b.pin(r, (t >>> 1) + (rng.chance(0.5) ? 0x80000000 : 0));
      } else {
        b.pin(r, Math.imul(t, inverseOdd(k)));
      }
      return;
    }
  }
  const baseFree = d.base >= 0 && !b.pinned.has(d.base);
  const indexFree = d.index >= 0 && !b.pinned.has(d.index) && d.index !== d.base;
  const indexVal = d.index >= 0 ? Math.imul(b.regs[d.index], scale) : 0;
  if (baseFree) {
    if (indexFree) {
      // The index keeps its edge-biased value; the base absorbs the difference.
      b.pinned.add(d.index);
    }
    const idx = d.index >= 0 ? Math.imul(b.regs[d.index], scale) : 0;
    b.pin(d.base, target - idx - dispVal);
    return;
  }
  if (indexFree) {
    const baseVal = d.base >= 0 ? b.regs[d.base] : 0;
    const want = (target - baseVal - dispVal) >>> 0;
    if (scale === 1) { b.pin(d.index, want); return; }
    // index * scale = want: solvable when want is a multiple of the scale (adjust the target).
    const aligned = (want - (want % scale)) >>> 0;
    b.pin(d.index, (aligned / scale) + (rng.chance(0.5) ? (0x1_0000_0000 / scale) * rng.int(scale) : 0));
    return;
  }
  // Everything pinned (ESP-based with a stack constraint, ...): a disp32 can still aim.
  if (d.dispBytes === 4) {
    const baseVal = d.base >= 0 ? b.regs[d.base] : 0;
    d.disp = (target - baseVal - indexVal) >>> 0;
  }
}

function relTarget(rng: Rng, bytes: number): number {
  const x = rng.int(100);
  const small = [0, 1, 2, 0xfe, 0xfd, 0x10, 0x80, 0x7f, 0xf0];
  if (bytes === 1) return x < 60 ? rng.pick(small) : rng.int(256);
  if (x < 30) return rng.pick([0, 2, 0xfffffffb, 0xfffffff0, 0x100, 0xfffff800]) & (bytes === 2 ? 0xffff : 0xffffffff);
  if (x < 60) return (rng.int(0x1000) - 0x800) & (bytes === 2 ? 0xffff : 0xffffffff); // inside the code page
  return rng.edge(bytes);
}

function shiftCount(rng: Rng): number {
  return rng.pick([0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 0x3f, 0xff, rng.int(256)]);
}

// ---------------------------------------------------------------------------------------------
// x87 state.

/** A random 80-bit value: [signExp, mantHi, mantLo], across the classes softfloat distinguishes. */
export function randomFloat80(rng: Rng): [number, number, number] {
  const sign = rng.chance(0.5) ? 0x8000 : 0;
  const x = rng.int(100);
  const hiNormal = () => (0x80000000 | rng.u32()) >>> 0;
  if (x < 8) return [sign, 0, 0]; // zero
  if (x < 14) return [sign | 0x7fff, 0x80000000, 0]; // infinity
  if (x < 19) return [sign | 0x7fff, (0xc0000000 | rng.u32()) >>> 0, rng.u32()]; // quiet NaN
  if (x < 23) return [sign | 0x7fff, (0x80000000 | (rng.u32() & 0x3fffffff) | 1) >>> 0, rng.u32()]; // signalling NaN
  if (x < 28) return [sign, rng.u32() & 0x7fffffff, rng.u32()]; // denormal
  if (x < 30) return [sign | (1 + rng.int(0x7ffe)), rng.u32() & 0x7fffffff, rng.u32()]; // unnormal
  if (x < 32) return [sign, hiNormal(), rng.u32()]; // pseudo-denormal
  if (x < 45) {
    // Small integers and halves (FIST/FRNDINT rounding, exact arithmetic).
    const n = rng.int(1 << 20) + 1;
    const e = 31 - Math.clz32(n);
    return [sign | (0x3fff + e - (rng.chance(0.3) ? 1 : 0)), (n << (31 - e)) >>> 0, 0];
  }
  if (x < 55) return [sign | (0x3fff + 62 + rng.int(3)), hiNormal(), rng.u32()]; // near 2^63
  if (x < 75) return [sign | (0x3fff - 8 + rng.int(16)), hiNormal(), rng.u32()]; // near 1
  return [sign | (1 + rng.int(0x7ffe)), hiNormal(), rng.u32()]; // any normal
}

/** The tag a register's contents give (SDM Vol. 1, 8.1.7): 0 valid, 1 zero, 2 special. */
export function tagOf(signExp: number, hi: number, lo: number): number {
  const exp = signExp & 0x7fff;
  if (exp === 0 && hi === 0 && lo === 0) return 1;
  if (exp === 0 || exp === 0x7fff || (hi & 0x80000000) === 0) return 2;
  return 0;
}

export function randomFpu(rng: Rng): FpuState {
  const regs: number[] = [];
  let tag = 0;
  const emptyBias = rng.pick([0, 0.2, 0.5, 0.9, 1]);
  for (let i = 0; i < 8; i++) {
    const [se, hi, lo] = randomFloat80(rng);
    regs.push(se, hi >>> 0, lo >>> 0);
    const t = rng.chance(emptyBias) ? 3 : tagOf(se, hi, lo);
    tag |= t << (2 * i);
  }
  // Exceptions stay masked (no #MF); rounding control and precision control vary.
  const rc = rng.chance(0.6) ? 0 : rng.int(4);
  const pc = rng.chance(0.6) ? 3 : rng.pick([0, 2, 3]);
  const control = 0x0040 | 0x3f | (pc << 8) | (rc << 10);
  // Sticky exception flags, SF and C0-C3 random; ES and B clear (no unmasked exception pending).
  const status = rng.chance(0.5) ? 0 : rng.u32() & 0x477f & ~0x0080;
  return { top: rng.int(8), tag, control: control & 0xffff, status: status & ~0x3880, regs };
}

/** x87 forms that push (their new ST(0), physical TOP-1, must be empty to avoid stack overflow). */
const X87_PUSH = new Set(['fld', 'fild', 'fbld', 'fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz', 'fptan', 'fsincos', 'fxtract']);
/** x87 forms that never raise stack faults: their cases keep random tags (empty registers included). */
const X87_TAG_FREE = new Set([
  'fincstp', 'fdecstp', 'ffree', 'ffreep', 'fnop', 'fninit', 'fnclex', 'fldcw', 'fnstcw', 'fnstsw', 'fnstenv', 'fldenv',
  'fnsave', 'frstor', 'wait', 'feni8087_nop', 'fdisi8087_nop', 'fsetpm', 'fxam',
]);

/**
 * The tag word of an x87 case. Unicorn (QEMU 5.0's x87) does not model stack faults: it reads
 * empty registers as if valid and pushes over full ones. So the cases give every register a
 * value (tags from the contents) and leave empty only the register a push will fill; forms
 * that cannot fault on the stack keep random tags. Stack-fault behaviour (SDM Vol. 1, 8.5.1.1)
 * is therefore outside this oracle's reach.
 */
function x87Tags(row: OpcodeRow, f: FpuState): number {
  if (X87_TAG_FREE.has(row.mnemonic)) return f.tag;
  let tag = 0;
  for (let i = 0; i < 8; i++) tag |= tagOf(f.regs[3 * i], f.regs[3 * i + 1], f.regs[3 * i + 2]) << (2 * i);
  if (X87_PUSH.has(row.mnemonic)) tag |= 3 << (2 * ((f.top + 7) & 7));
  return tag;
}

/** A normal value sign * 1.f * 2^e with e in [minExp, maxExp]. */
function moderate(rng: Rng, minExp: number, maxExp: number, negative = rng.chance(0.5)): [number, number, number] {
  const e = minExp + rng.int(maxExp - minExp + 1);
  return [(negative ? 0x8000 : 0) | (0x3fff + e), (0x80000000 | rng.u32()) >>> 0, rng.u32()];
}

/**
 * Operands inside the domain where the oracle computes the form well (QEMU's transcendentals
 * use host doubles; FSCALE needs a moderate scale): three cases in four get them.
 */
function x87Operands(row: OpcodeRow, f: FpuState, rng: Rng): number[] {
  const regs = [...f.regs];
  if (!rng.chance(0.75)) return regs;
  const set = (k: number, v: [number, number, number]) => {
    const i = (f.top + k) & 7;
    regs[3 * i] = v[0]; regs[3 * i + 1] = v[1]; regs[3 * i + 2] = v[2];
  };
  switch (row.mnemonic) {
    case 'f2xm1': set(0, moderate(rng, -20, -1)); break;
    case 'fsin': case 'fcos': case 'fsincos': case 'fptan': set(0, moderate(rng, -10, 9)); break;
    case 'fyl2x': set(0, moderate(rng, -60, 60, false)); set(1, moderate(rng, -8, 8)); break;
    case 'fyl2xp1': set(0, moderate(rng, -30, -2)); set(1, moderate(rng, -8, 8)); break;
    case 'fpatan': set(0, moderate(rng, -20, 20)); set(1, moderate(rng, -20, 20)); break;
    case 'fscale': set(0, moderate(rng, -100, 100)); set(1, moderate(rng, 0, 8)); break;
    case 'fxtract': case 'fsqrt': set(0, moderate(rng, -200, 200)); break;
    default: break;
  }
  return regs;
}

/** The FNINIT state. */
export const FNINIT: FpuState = { top: 0, tag: 0xffff, control: 0x037f, status: 0, regs: new Array(24).fill(0) };

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** x87 forms: the D8-DF escapes and FWAIT; they get random x87 state and compare it. */
export function isX87Row(row: OpcodeRow): boolean {
  return row.ext === 'x87';
}

/** Decodes a case's instruction at CODE_EIP. */
export function decodeCase(c: Case): Instruction {
  return decode(c.bytes, 0, CODE_EIP);
}

/** True when the case has a REP prefix on a string form (runs until the count is exhausted). */
export function isRepString(insn: Instruction): boolean {
  return insn.row !== null && insn.row.rep !== 'none' && (insn.prefixes & (Prefix.Rep | Prefix.Repne)) !== 0;
}

/** FNV-1a of a string: per-form seeds stay the same when other forms join the table. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const rowHashes = new Map<OpcodeRow, number>();

/** The seed of case k of a form in a run: independent of which other forms exist. */
export function formCaseSeed(runSeed: number, row: OpcodeRow, k: number): number {
  let h = rowHashes.get(row);
  if (h === undefined) rowHashes.set(row, (h = hashString(row.source)));
  return mixSeed(mixSeed(runSeed, h), k);
}
