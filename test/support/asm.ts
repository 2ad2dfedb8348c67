// Keystone as the tests' assembler, so decoder and validator tests read as Intel-syntax assembly.
// Keystone is WebAssembly and loads asynchronously: call loadAssembler() in beforeAll (the tests
// are compiled to CommonJS, so there is no top-level await). One instance serves a test file.

import { Const, Keystone, loadKeystone } from 'keystone-wasm';

let ks: Keystone | null = null;

/** Loads keystone once; later calls return at once. */
export async function loadAssembler(): Promise<void> {
  if (ks !== null) return;
  await loadKeystone();
  ks = new Keystone(Const.KS_ARCH_X86, Const.KS_MODE_32);
}

/**
 * Assembles Intel-syntax `text` (one or more instructions, separated by ';' or newlines) as
 * 32-bit code placed at `address`, which fixes the displacement of relative branches.
 */
export function assemble(text: string, address = 0): Uint8Array {
  if (ks === null) throw new Error('assemble: call loadAssembler() in beforeAll first');
  let out: Uint8Array;
  try {
    out = ks.asm(text, { address });
  } catch (err) {
    throw new Error(`keystone cannot assemble '${text}': ${(err as Error).message}`);
  }
  if (out.length === 0) throw new Error(`keystone produced no bytes for '${text}'`);
  return out;
}

/** Bytes from hex text with optional spaces: 'f0 89 00' -> [0xf0, 0x89, 0x00]. For encodings keystone refuses. */
export function bytesOf(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(clean)) throw new Error(`bytesOf: bad hex '${hex}'`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Space-separated lowercase hex, as the validator's messages spell bytes. */
export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
