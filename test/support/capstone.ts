// Capstone as a test oracle for the decoder: loading it, asking its verdict on one byte window,
// normalising its mnemonics, and comparing that verdict with ours. A comparison gives either
// agreement or a Disagreement record; test/support/differences.ts decides which disagreements are
// known and why. Loading is async (wasm), so tests call loadOracle() in beforeAll.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Capstone, Const, loadCapstone } from 'capstone-wasm';
import { decode } from '../../decoder/decode.js';
import type { DecodeError } from '../../decoder/types.js';
import { toHex } from './windows.js';

/** Capstone's view of a window. `mnemonic` is normalised (see baseMnemonic); `raw` is as printed. */
export interface CapstoneVerdict {
  readonly valid: boolean;
  readonly size: number;
  readonly mnemonic: string;
  readonly raw: string;
}

/** Our decoder's view of a window. */
export interface OurVerdict {
  readonly error: DecodeError | null;
  readonly length: number;
  readonly mnemonic: string;
}

export interface Disagreement {
  /** The window in hex (at most its first 16 bytes: no instruction reads more). */
  readonly hex: string;
  readonly ours: OurVerdict;
  readonly capstone: CapstoneVerdict;
  /**
   * Capstone's verdict on the same window with its legacy prefixes in canonical order (see
   * canonicalPrefixOrder), asked only for disagreements where the reordering changes the bytes.
   * The 'capstone-prefix-order' difference class reads it.
   */
  readonly reordered?: CapstoneVerdict;
}

/**
 * Words capstone prints before the base mnemonic for prefixes (LOCK, REP/REPE/REPNE, the MPX BND
 * and CET NOTRACK spellings of F2 and 3E, the HLE spellings of F2/F3, and bare size prefixes).
 * The decoder keeps prefixes as bits, not in the mnemonic, so these are stripped before comparing.
 */
const PREFIX_WORDS = new Set([
  'lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'bnd', 'notrack', 'xacquire', 'xrelease',
  'data16', 'data32', 'addr16', 'addr32',
]);

/** Capstone's mnemonic without prefix words, lower case: 'lock add' -> 'add', 'rep stosd' -> 'stosd'. */
export function baseMnemonic(printed: string): string {
  const words = printed.trim().toLowerCase().split(/\s+/);
  let i = 0;
  while (i < words.length - 1 && PREFIX_WORDS.has(words[i])) i++;
  return words.slice(i).join(' ');
}

export const INVALID: CapstoneVerdict = Object.freeze({ valid: false, size: 0, mnemonic: '', raw: '' });

/** A loaded capstone instance in 32-bit x86 mode, Intel syntax (capstone's default). */
export class Oracle {
  private readonly cs: Capstone;

  constructor() {
    this.cs = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32);
  }

  /** Capstone's verdict on the instruction at the start of `bytes`. */
  verdict(bytes: Uint8Array, address = 0): CapstoneVerdict {
    let insns;
    try {
      insns = this.cs.disasm(bytes, { address, count: 1 });
    } catch {
      // capstone-wasm throws when cs_disasm decodes nothing: that is its "invalid" answer.
      return INVALID;
    }
    if (insns.length === 0) return INVALID;
    const { size, mnemonic } = insns[0];
    return { valid: true, size, mnemonic: baseMnemonic(mnemonic), raw: mnemonic };
  }

  close(): void {
    this.cs.close();
  }
}

/** "capstone-wasm X.Y.Z (capstone M.N)", for the golden files' provenance (call after loading). */
export function capstoneVersion(): string {
  const v = Capstone.version();
  let pkg = '?';
  try {
    const text = readFileSync(join(process.cwd(), 'node_modules', 'capstone-wasm', 'package.json'), 'utf8');
    pkg = (JSON.parse(text) as { version: string }).version;
  } catch {
    // Provenance only: an unreadable package.json leaves '?'.
  }
  return `capstone-wasm ${pkg} (capstone ${v.major}.${v.minor})`;
}

let loaded: Promise<void> | null = null;

/** Loads the capstone wasm module once per process and returns a fresh oracle. */
export async function loadOracle(): Promise<Oracle> {
  if (loaded === null) loaded = loadCapstone();
  await loaded;
  return new Oracle();
}

/** Our decoder's verdict on the instruction at bytes[0..end). */
export function ourVerdict(bytes: Uint8Array, address = 0, end = bytes.length): OurVerdict {
  const insn = decode(bytes, 0, address, end);
  return { error: insn.error, length: insn.length, mnemonic: insn.error === null ? insn.mnemonic : '' };
}

/** Legacy prefix bytes (SDM Vol. 2A, 2.1.1), by where canonicalPrefixOrder puts them. */
const SEG_ADDR = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x67]);
const GROUP1 = new Set([0xf0, 0xf2, 0xf3]);

/**
 * The window with its leading legacy prefixes reordered: segment overrides and 67 first, then 66,
 * then LOCK/REP (F0/F2/F3) next to the opcode, each kind keeping its own relative order. That is
 * the order compilers emit, and capstone reads it as the CPU does. SDM Vol. 2A 2.1.1 lets prefixes
 * come in any order; the two orders that matter to the CPU (which of F2/F3 came last, which
 * segment override came last) are kept. Returns null when the window is already in that order.
 */
export function canonicalPrefixOrder(bytes: Uint8Array): Uint8Array | null {
  let n = 0;
  while (n < bytes.length && (SEG_ADDR.has(bytes[n]) || GROUP1.has(bytes[n]) || bytes[n] === 0x66)) n++;
  const first: number[] = [], opsize: number[] = [], last: number[] = [];
  for (let i = 0; i < n; i++) (SEG_ADDR.has(bytes[i]) ? first : GROUP1.has(bytes[i]) ? last : opsize).push(bytes[i]);
  const order = [...first, ...opsize, ...last];
  if (order.every((b, i) => b === bytes[i])) return null;
  const out = Uint8Array.from(bytes);
  out.set(order, 0);
  return out;
}

/**
 * Compares two verdicts on one window: they agree when both reject it, or when both accept it
 * with the same length and the same base mnemonic. Returns null on agreement.
 */
export function compareVerdicts(bytes: Uint8Array, ours: OurVerdict, cs: CapstoneVerdict): Disagreement | null {
  const oursValid = ours.error === null;
  if (!oursValid && !cs.valid) return null;
  if (oursValid && cs.valid && ours.length === cs.size && ours.mnemonic === cs.mnemonic) return null;
  return { hex: toHex(bytes.subarray(0, Math.min(bytes.length, 16))), ours, capstone: cs };
}

/**
 * Compares and, for a disagreement whose prefixes canonicalPrefixOrder would reorder, attaches
 * capstone's verdict on the reordered window (from `askReordered`).
 */
export function compareWith(
  bytes: Uint8Array, ours: OurVerdict, cs: CapstoneVerdict, askReordered: (canonical: Uint8Array) => CapstoneVerdict,
): Disagreement | null {
  const d = compareVerdicts(bytes, ours, cs);
  if (d === null) return null;
  const canonical = canonicalPrefixOrder(bytes);
  return canonical === null ? d : { ...d, reordered: askReordered(canonical) };
}

/** Decodes `bytes` with both decoders and compares (null = agreement). */
export function compareWindow(oracle: Oracle, bytes: Uint8Array, address = 0): Disagreement | null {
  return compareWith(bytes, ourVerdict(bytes, address), oracle.verdict(bytes, address), (c) => oracle.verdict(c, address));
}

/** One line for a report: bytes, our verdict, capstone's verdict. */
export function describeDisagreement(d: Disagreement): string {
  const o = d.ours.error === null ? `${d.ours.mnemonic}/${d.ours.length}` : `${d.ours.error}@${d.ours.length}`;
  const c = d.capstone.valid ? `${d.capstone.raw}/${d.capstone.size}` : 'invalid';
  return `${d.hex}  ours ${o}  capstone ${c}`;
}
