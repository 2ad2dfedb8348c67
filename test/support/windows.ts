// Deterministic byte windows for the capstone differential test: a small seeded PRNG and the two
// window shapes (uniform bytes, and "structured" windows that aim at the 0F, 0F 38 and 0F 3A maps
// behind legacy prefixes). The golden generator, the golden unit test and the oracle tests all
// draw their windows from here, so a seed fully names a sample.

/**
 * xorshift32 (Marsaglia's 13/17/5 triple) summed with a Weyl sequence: the Weyl term removes the
 * zero fixed point and the short-range linearity of plain xorshift. Quality is ample for choosing
 * test bytes; it is not meant for anything else.
 */
export class Prng {
  private x: number;
  private w: number;

  constructor(seed: number) {
    // Scramble the seed so that nearby seeds give unrelated streams; never let x be zero.
    this.x = (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ (seed >>> 15)) | 0 || 0x1234567;
    this.w = Math.imul(seed, 0x9e3779b9) | 0;
    for (let i = 0; i < 8; i++) this.next();
  }

  /** The next 32 random bits, as an unsigned number. */
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x;
    this.w = (this.w + 0x61c88647) | 0;
    return (x + this.w) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  byte(): number {
    return this.next() >>> 24;
  }
}

/** Window length: one byte more than the longest legal instruction (SDM Vol. 2A, 2.3.11). */
export const WINDOW = 16;

/** Fills `out` with uniform random bytes. */
export function uniformWindow(rng: Prng, out: Uint8Array): Uint8Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.byte();
  return out;
}

/** Legacy prefixes (SDM Vol. 2A, 2.1.1): lock/rep, segment overrides, operand and address size. */
const PREFIXES = [0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67];
/** Mandatory-prefix candidates weighted towards the SSE selectors 66/F2/F3 (SDM Vol. 2A, 2.1.2). */
const MANDATORY = [0x66, 0xf2, 0xf3];

/**
 * A structured window: 0-3 prefixes (mostly the SSE selectors), an escape (0F, 0F 38 or 0F 3A,
 * in proportion 2:1:1), then random bytes. Uniform windows reach the 0F maps only one time in 256
 * and the three-byte maps one time in 65536; these make every map row likely to be seen.
 */
export function structuredWindow(rng: Prng, out: Uint8Array): Uint8Array {
  let i = 0;
  const prefixCount = rng.below(4);
  for (let k = 0; k < prefixCount; k++) {
    out[i++] = rng.below(3) === 0 ? PREFIXES[rng.below(PREFIXES.length)] : MANDATORY[rng.below(MANDATORY.length)];
  }
  out[i++] = 0x0f;
  const escape = rng.below(4);
  if (escape === 2) out[i++] = 0x38;
  else if (escape === 3) out[i++] = 0x3a;
  while (i < out.length) out[i++] = rng.byte();
  return out;
}

/** Lowercase hex of a byte range. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw new Error(`bad hex string '${hex}'`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** FNV-1a over a stream of windows: the golden file records it so a changed generator is caught. */
export class WindowDigest {
  private h = 0x811c9dc5;
  add(bytes: Uint8Array): void {
    let h = this.h;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    this.h = h;
  }
  get value(): string {
    return (this.h >>> 0).toString(16).padStart(8, '0');
  }
}

/** A sample of windows: `count` uniform ones then `structured` structured ones, from one seed. */
export interface SampleSpec {
  readonly seed: number;
  readonly uniform: number;
  readonly structured: number;
}

/** Calls `visit` with each window of the sample, in order (the buffer is reused between calls). */
export function forEachWindow(spec: SampleSpec, visit: (bytes: Uint8Array, index: number) => void): void {
  const rng = new Prng(spec.seed);
  const buf = new Uint8Array(WINDOW);
  let index = 0;
  for (let k = 0; k < spec.uniform; k++) visit(uniformWindow(rng, buf), index++);
  for (let k = 0; k < spec.structured; k++) visit(structuredWindow(rng, buf), index++);
}
