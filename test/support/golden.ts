// The committed golden data of the capstone differential test: its file names, its sample
// parameters, its JSON layout, and reading it back into capstone verdicts. Written by
// test/tools/make-golden.ts, read by test/decoder-capstone.test.ts (npm test, no capstone
// needed) and re-checked against live capstone by the oracle tests.
//
// Layout (compact: verdicts are flat number arrays, mnemonics are interned):
//   capstone-random.json  { format, about, capstone, seed, uniform, structured, window, digest,
//                           mnemonics: [raw capstone mnemonic...],
//                           verdicts: [size, mnemonic index, ...] one pair per window, size 0 = invalid,
//                           reordered: [window index, size, mnemonic index, ...] capstone's verdict
//                             on the window with canonically ordered prefixes, where that differs }
//   capstone-busybox.json { format, about, package, sha256, sites, every, mnemonics,
//                           samples: [[hex, mnemonic index] or [hex, mnemonic index, reordered size,
//                             reordered mnemonic index]...] } where hex is the instruction's bytes
//                           (capstone's length; up to 16 bytes when capstone rejects them, index -1)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseMnemonic, INVALID, type CapstoneVerdict } from './capstone.js';
import type { SampleSpec } from './windows.js';

export const GOLDEN_DIR = join(process.cwd(), 'test', 'golden');
export const RANDOM_GOLDEN_PATH = join(GOLDEN_DIR, 'capstone-random.json');
export const BUSYBOX_GOLDEN_PATH = join(GOLDEN_DIR, 'capstone-busybox.json');

/** The golden random sample: 20,000 uniform windows and 5,000 aimed at the 0F maps. */
export const GOLDEN_SAMPLE: SampleSpec = { seed: 0x601de7, uniform: 20_000, structured: 5_000 };
/** The golden busybox sample: every 15th site of the sweep (duplicates kept once). */
export const BUSYBOX_EVERY = 15;

export const FORMAT = 1;

export interface RandomGoldenFile {
  readonly format: number;
  readonly about: string;
  readonly capstone: string;
  readonly seed: number;
  readonly uniform: number;
  readonly structured: number;
  readonly window: number;
  readonly digest: string;
  readonly mnemonics: readonly string[];
  readonly verdicts: readonly number[];
  readonly reordered: readonly number[];
}

export type BusyboxSample = readonly [string, number] | readonly [string, number, number, number];

export interface BusyboxGoldenFile {
  readonly format: number;
  readonly about: string;
  readonly capstone: string;
  readonly package: string;
  readonly sha256: string;
  readonly sites: number;
  readonly every: number;
  readonly mnemonics: readonly string[];
  readonly samples: readonly BusyboxSample[];
}

/** Interns raw capstone mnemonics for the golden files. */
export class MnemonicTable {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();

  /** Index of a verdict's raw mnemonic, -1 for an invalid verdict. */
  id(v: CapstoneVerdict): number {
    if (!v.valid) return -1;
    let i = this.ids.get(v.raw);
    if (i === undefined) { i = this.list.length; this.list.push(v.raw); this.ids.set(v.raw, i); }
    return i;
  }
}

/** Rebuilds a capstone verdict from a golden (size, mnemonic index) pair. */
export function verdictOf(size: number, mnemonic: number, mnemonics: readonly string[]): CapstoneVerdict {
  if (size === 0 || mnemonic < 0) return INVALID;
  const raw = mnemonics[mnemonic];
  if (raw === undefined) throw new Error(`golden data: mnemonic index ${mnemonic} out of range`);
  return { valid: true, size, mnemonic: baseMnemonic(raw), raw };
}

export function readRandomGolden(path = RANDOM_GOLDEN_PATH): RandomGoldenFile {
  const g = JSON.parse(readFileSync(path, 'utf8')) as RandomGoldenFile;
  if (g.format !== FORMAT) throw new Error(`${path}: format ${g.format}, expected ${FORMAT}`);
  return g;
}

export function readBusyboxGolden(path = BUSYBOX_GOLDEN_PATH): BusyboxGoldenFile {
  const g = JSON.parse(readFileSync(path, 'utf8')) as BusyboxGoldenFile;
  if (g.format !== FORMAT) throw new Error(`${path}: format ${g.format}, expected ${FORMAT}`);
  return g;
}

/** The random golden file's verdicts, per window index, and its reordered verdicts. */
export function randomVerdicts(g: RandomGoldenFile): { verdicts: CapstoneVerdict[]; reordered: Map<number, CapstoneVerdict> } {
  const verdicts: CapstoneVerdict[] = [];
  for (let i = 0; i < g.verdicts.length; i += 2) verdicts.push(verdictOf(g.verdicts[i], g.verdicts[i + 1], g.mnemonics));
  const reordered = new Map<number, CapstoneVerdict>();
  for (let i = 0; i < g.reordered.length; i += 3) {
    reordered.set(g.reordered[i], verdictOf(g.reordered[i + 1], g.reordered[i + 2], g.mnemonics));
  }
  return { verdicts, reordered };
}

/**
 * JSON with the layout above kept compact but diffable: one key per line, number arrays broken
 * into lines of `perLine` numbers, sample arrays into lines of `perLine / 5` samples.
 */
export function formatGolden(obj: Record<string, unknown>, perLine = 40): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    let text: string;
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'number') {
      const rows: string[] = [];
      for (let i = 0; i < value.length; i += perLine) rows.push(value.slice(i, i + perLine).join(','));
      text = `[\n    ${rows.join(',\n    ')}\n  ]`;
    } else if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
      const rows: string[] = [];
      const per = Math.max(1, Math.floor(perLine / 5));
      for (let i = 0; i < value.length; i += per) rows.push(value.slice(i, i + per).map((v) => JSON.stringify(v)).join(','));
      text = `[\n    ${rows.join(',\n    ')}\n  ]`;
    } else {
      text = JSON.stringify(value);
    }
    parts.push(`  ${JSON.stringify(key)}: ${text}`);
  }
  return `{\n${parts.join(',\n')}\n}\n`;
}
