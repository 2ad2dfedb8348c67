// Robustness of the decoder on arbitrary bytes: it never throws, always stops, never reports a
// length outside 1..15 for an instruction or beyond its window, fails with 'truncated' on every
// cut-short window of a valid instruction, gives the same answer into a reused Instruction as
// into a fresh one, and cannot see bytes at or past `end` (poison placed there changes nothing).
// Inputs come from a seeded PRNG, so any failure names a reproducible offset.

import { Instruction, decode, decodeInto } from '../decoder/index';

/**
 * A 32-bit LCG (Knuth's MMIX-style constants, mod 2^32) whose output is passed through an
 * avalanche mix, so the low bits are as good as the high ones. Plenty for choosing test bytes.
 */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    let x = this.state;
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    return (x ^ (x >>> 16)) >>> 0;
  }
  /** Uniform bytes, or bytes drawn from `alphabet` when given. */
  fill(out: Uint8Array, alphabet?: readonly number[]): Uint8Array {
    for (let i = 0; i < out.length; i++) {
      const r = this.next();
      out[i] = alphabet ? alphabet[r % alphabet.length] : r >>> 24;
    }
    return out;
  }
}

/** Bytes that steer the decoder into its prefix, escape, VEX and long-form paths. */
const HOSTILE = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x0f, 0x38, 0x3a,
  0xc4, 0xc5, 0x62, 0x8f, 0x00, 0x04, 0x05, 0x44, 0x84, 0x80, 0xc7, 0x69, 0xc8, 0xea, 0xff, 0xa1];

const ERRORS = new Set(['truncated', 'too-long', 'undefined', 'bad-lock', 'vex']);
const MAX_FAILURES = 10;

/**
 * The outcome of a decode as one comparable string: every field for an instruction; for an error
 * only the error and its length, the fields the decoder defines for errors (it leaves the others
 * as they were, see the note in the report on stale fields).
 */
function snapshot(i: Instruction): string {
  if (i.error !== null) return `${i.error}/${i.length}`;
  return [i.error, i.length, i.row?.id ?? -1, i.prefixes, i.seg, i.opsize, i.adsize, i.opcode, i.opcodeReg, i.modrm,
    i.mod, i.reg, i.rm, i.hasMem, i.base, i.index, i.scale, i.disp, i.imm, i.imm2, i.address].join(',');
}

/** Same outcome, field by field (no strings on the hot path); the rule of `snapshot` for errors. */
function same(a: Instruction, b: Instruction): boolean {
  if (a.error !== b.error || a.length !== b.length) return false;
  if (a.error !== null) return true;
  return a.row === b.row && a.prefixes === b.prefixes && a.seg === b.seg && a.opsize === b.opsize &&
    a.adsize === b.adsize && a.opcode === b.opcode && a.opcodeReg === b.opcodeReg && a.modrm === b.modrm &&
    a.mod === b.mod && a.reg === b.reg && a.rm === b.rm && a.hasMem === b.hasMem && a.base === b.base &&
    a.index === b.index && a.scale === b.scale && a.disp === b.disp && a.imm === b.imm && a.imm2 === b.imm2 &&
    a.address === b.address;
}

function hex(bytes: Uint8Array, from: number, to: number): string {
  return Array.from(bytes.subarray(from, Math.min(to, bytes.length)), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Checks the result of decoding a window of `window` bytes; returns a complaint or null. */
function checkShape(insn: Instruction, window: number): string | null {
  if (insn.error === null) {
    if (insn.row === null) return 'valid result without a row';
    if (insn.length < 1 || insn.length > 15) return `valid length ${insn.length}`;
  } else {
    if (!ERRORS.has(insn.error)) return `unknown error '${insn.error}'`;
    if (insn.row !== null) return 'error result with a row';
    if (insn.length < 0 || insn.length > 15) return `error length ${insn.length}`;
  }
  if (insn.length > window) return `length ${insn.length} beyond a ${window}-byte window`;
  return null;
}

/**
 * The cut-short property at one offset: with `full` the decode of a window of at least 15 bytes
 * (length L), every window of n < L bytes must give 'truncated' within n bytes, and every window
 * of n >= L bytes must give exactly `full` (the decoder only looks at bytes it needs).
 */
function checkCuts(bytes: Uint8Array, offset: number, full: Instruction, scratch: Instruction): string | null {
  // Every result, errors included, reports how many bytes the decoder needed to decide; a
  // VEX/XOP rejection counts the byte after the escape that told it apart (SDM Vol. 2A 2.3.5).
  const needed = full.length;
  for (let n = 0; n <= 15 && offset + n <= bytes.length; n++) {
    decodeInto(scratch, bytes, offset, offset + n, offset);
    const shape = checkShape(scratch, n);
    if (shape !== null) return `window ${n}: ${shape}`;
    if (n < needed) {
      if (scratch.error !== 'truncated') return `window ${n} of a ${needed}-byte decode gave '${scratch.error}'`;
    } else if (!same(scratch, full)) {
      return `window ${n} differs from the full decode: ${snapshot(scratch)} vs ${snapshot(full)}`;
    }
  }
  return null;
}

/** Runs `body` per offset, turning a throw or a complaint into a failure line with the bytes. */
function sweep(bytes: Uint8Array, from: number, to: number, body: (offset: number) => string | null): string[] {
  const failures: string[] = [];
  for (let off = from; off < to && failures.length < MAX_FAILURES; off++) {
    let problem: string | null;
    try {
      problem = body(off);
    } catch (err) {
      problem = `threw ${(err as Error).message}`;
    }
    if (problem !== null) failures.push(`offset ${off} [${hex(bytes, off, off + 16)}]: ${problem}`);
  }
  return failures;
}

describe('decoder on seeded random bytes', () => {
  const uniform = new Rng(0x5eed_0001).fill(new Uint8Array(2_000_016));
  const hostile = new Rng(0x5eed_0002).fill(new Uint8Array(400_016), HOSTILE);

  test.each([
    ['uniform', uniform],
    ['prefix/escape-heavy', hostile],
  ])('%s: every offset decodes to a well-formed result', (_name, bytes) => {
    const insn = new Instruction();
    let valid = 0, invalid = 0;
    const failures = sweep(bytes, 0, bytes.length - 16, (off) => {
      decodeInto(insn, bytes, off, bytes.length, off);
      if (insn.error === null) valid++;
      else invalid++;
      return checkShape(insn, bytes.length - off);
    });
    expect(failures).toEqual([]);
    // Both outcomes must have been exercised, or the sweep proved nothing.
    expect(valid).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(1000);
  });

  test.each([
    ['uniform', uniform],
    ['prefix/escape-heavy', hostile],
  ])('%s: windows cut short at every length 0..15', (_name, bytes) => {
    const insn = new Instruction(), scratch = new Instruction();
    let truncations = 0;
    const offsets = Math.min(400_000, bytes.length - 16);
    const failures = sweep(bytes, 0, offsets, (off) => {
      decodeInto(insn, bytes, off, off + 16, off);
      truncations += insn.length;
      return checkCuts(bytes, off, insn, scratch);
    });
    expect(failures).toEqual([]);
    // Each offset cut its decode short at every length below its own: at least one cut each.
    expect(truncations).toBeGreaterThan(offsets);
  });

  test('decoding into a reused Instruction equals decoding into a fresh one', () => {
    const reused = new Instruction();
    const failures = sweep(hostile, 0, hostile.length - 16, (off) => {
      decodeInto(reused, hostile, off, off + 16, off);
      const fresh = decode(hostile, off, off, off + 16);
      return same(reused, fresh) ? null : `reused ${snapshot(reused)} vs fresh ${snapshot(fresh)}`;
    });
    expect(failures).toEqual([]);
  });

  test('bytes at and past `end` are never read (poison after the window changes nothing)', () => {
    // One backing buffer: 16 bytes of lead-in, the window, then 16 poison bytes. The same window
    // is decoded (a) from the big buffer with `end`, under two different poisons, (b) from a
    // subarray view of it, and (c) from a copy that has nothing after the window.
    const backing = new Uint8Array(48);
    const copies = Array.from({ length: 16 }, (_, n) => new Uint8Array(n));
    const want = new Instruction(), got = new Instruction();
    const poisons = [0x0f, 0x66, 0xff, 0x00];
    const failures = sweep(hostile, 0, 50_000, (off) => {
      for (let n = 0; n <= 15; n++) {
        const window = hostile.subarray(off, off + n);
        copies[n].set(window);
        decodeInto(want, copies[n], 0, n, 0);
        backing.set(window, 16);
        for (const p of poisons) {
          backing.fill(p, 16 + n);
          if (!same(decodeInto(got, backing, 16, 16 + n, 0), want)) return `window ${n}: 'end' ignored with poison ${p}`;
          if (!same(decodeInto(got, backing.subarray(16, 16 + n), 0, n, 0), want)) return `window ${n}: subarray read past its end`;
        }
      }
      // An `end` beyond the array is clamped to the array's length.
      const tail = copies[5];
      tail.set(hostile.subarray(off, off + 5));
      if (!same(decodeInto(got, tail, 0, 1000, 0), decodeInto(want, tail, 0, 5, 0))) return 'end past the array is not clamped';
      return null;
    });
    expect(failures).toEqual([]);
  });
});

/** Decodes `head` followed by zero bytes (16 in all) and applies the shape and cut checks. */
function exhaustive(heads: (k: number) => number[], count: number): { failures: string[]; valid: number } {
  const buf = new Uint8Array(16);
  const insn = new Instruction(), scratch = new Instruction();
  let valid = 0;
  const failures: string[] = [];
  for (let k = 0; k < count && failures.length < MAX_FAILURES; k++) {
    buf.fill(0);
    buf.set(heads(k));
    let problem: string | null;
    try {
      decodeInto(insn, buf, 0, 16, 0);
      if (insn.error === null) valid++;
      problem = checkShape(insn, 16) ?? checkCuts(buf, 0, insn, scratch);
    } catch (err) {
      problem = `threw ${(err as Error).message}`;
    }
    if (problem !== null) failures.push(`[${hex(buf, 0, 16)}]: ${problem}`);
  }
  return { failures, valid };
}

describe('decoder on every escape-map opcode and ModRM byte', () => {
  test.each([
    ['no prefix', []], ['66', [0x66]], ['f3', [0xf3]], ['f2', [0xf2]],
  ])('0F xx yy (all 2^16) with %s', (_name, prefix) => {
    const { failures, valid } = exhaustive((k) => [...prefix, 0x0f, k >> 8, k & 0xff], 0x10000);
    expect(failures).toEqual([]);
    expect(valid).toBeGreaterThan(0x4000);
  });

  // Minimum valid encodings per prefix, so a sweep that decodes nothing cannot pass: 66 selects
  // the SSSE3/SSE4 forms; no prefix the MMX forms and MOVBE (0F 38) or PALIGNR mm alone (0F 3A,
  // its 256 ModRM bytes); F2 only CRC32 in 0F 38, and F3 nothing (0 is allowed there).
  test.each([
    ['0F 38', 0x38, [1000, 1000, 0, 500]], ['0F 3A', 0x3a, [256, 1000, 0, 0]],
  ])('%s op modrm (all 2^16) under each mandatory prefix', (_name, escape, minimum) => {
    [[], [0x66], [0xf3], [0xf2]].forEach((prefix, slot) => {
      const { failures, valid } = exhaustive((k) => [...prefix, 0x0f, escape as number, k >> 8, k & 0xff], 0x10000);
      expect(failures).toEqual([]);
      expect(valid).toBeGreaterThanOrEqual((minimum as number[])[slot]);
    });
  });
});
