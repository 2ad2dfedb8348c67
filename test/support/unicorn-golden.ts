// The committed golden data of the Unicorn differential test: Unicorn 2.0.1's outcomes for a
// seeded sample of cases over every implemented form, so `npm test` checks the translator
// against the oracle without Unicorn. Written by test/tools/make-unicorn-golden.ts, replayed by
// test/translator-unicorn-golden.test.ts. Encoding of cases and outcomes: compare.ts.
//
// Layout (JSON, gzip): { format, about, unicorn, seed, perForm, forms, notImplemented: [row
//   source...], cases: [[GoldenCase, GoldenOutcome]...] }. Unicorn's outcomes are stored as
//   Unicorn produced them (on the substituted encoding where compare.ts substitutes one); the
//   errata corrections are applied at comparison time, so they stay visible and reviewable.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { GoldenCase, GoldenOutcome } from './compare.js';

export const UNICORN_GOLDEN_PATH = join(process.cwd(), 'test', 'golden', 'unicorn-cases.json.gz');
export const UNICORN_GOLDEN_FORMAT = 1;
/** Run seed of the golden sample. */
export const UNICORN_GOLDEN_SEED = 0x0c0ffee5;
/** At least this many cases in total, and at least GOLDEN_MIN_PER_FORM per form. */
export const GOLDEN_MIN_CASES = 22_000;
export const GOLDEN_MIN_PER_FORM = 40;

export interface UnicornGoldenFile {
  readonly format: number;
  readonly about: string;
  readonly unicorn: string;
  readonly seed: number;
  readonly perForm: number;
  /** Number of forms sampled (executable rows with semantics when the file was written). */
  readonly forms: number;
  /** Executable rows without semantics at that time (not sampled). */
  readonly notImplemented: readonly string[];
  readonly cases: readonly [GoldenCase, GoldenOutcome][];
}

export function readUnicornGolden(path = UNICORN_GOLDEN_PATH): UnicornGoldenFile {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as UnicornGoldenFile;
}

export function writeUnicornGolden(file: UnicornGoldenFile, path = UNICORN_GOLDEN_PATH): number {
  // One case per line keeps the (uncompressed) text diffable.
  const head = JSON.stringify({ ...file, cases: [] }).replace(/"cases":\[\]\}$/, '"cases":[\n');
  const body = file.cases.map((c) => JSON.stringify(c)).join(',\n');
  const data = gzipSync(Buffer.from(`${head}${body}\n]}\n`, 'utf8'), { level: 9 });
  writeFileSync(path, data);
  return data.length;
}
