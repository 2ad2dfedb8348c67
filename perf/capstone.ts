// Capstone-wasm throughput on the same input, as the reference point for the decoder's numbers.
// Capstone is a devDependency: when it is not installed the suite reports that instead of failing.
// Two call styles are measured: count:1 on a 16-byte window per instruction site (how a
// translator would have to use it), and count:0 over whole windows of a segment (its best case).

import type { SweepInput } from './input.js';
import type { Benchmark, Work } from './measure.js';

/** The few members of capstone-wasm used here; the package is loaded dynamically and untyped. */
interface CapstoneInsn { readonly size: number; readonly mnemonic: string }
interface CapstoneHandle { disasm(data: Uint8Array, options: { address: number; count: number }): CapstoneInsn[] }

/**
 * capstone-wasm copies its input onto the wasm stack (64 KiB), so a whole 400 KiB segment in one
 * call aborts with OOM. count:0 calls therefore take 16 KiB windows, resuming after the last
 * instruction capstone returned (an instruction cut by the window edge is redone in the next).
 */
const WINDOW = 16 * 1024;
const SITES_PER_CHUNK = 8192;

export type CapstoneLoad = { ok: true; version: string; handle: CapstoneHandle } | { ok: false; reason: string };

export async function loadCapstone(): Promise<CapstoneLoad> {
  // A variable specifier keeps TypeScript from requiring the (optional) package's types.
  const specifier = 'capstone-wasm';
  let mod: any;
  try {
    mod = await import(specifier);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') return { ok: false, reason: 'capstone-wasm not installed' };
    return { ok: false, reason: `capstone-wasm failed to load: ${(err as Error).message}` };
  }
  try {
    await mod.loadCapstone();
    const handle = new mod.Capstone(mod.Const.CS_ARCH_X86, mod.Const.CS_MODE_32) as CapstoneHandle;
    const v = mod.Capstone.version() as { major: number; minor: number };
    return { ok: true, version: `${v.major}.${v.minor}`, handle };
  } catch (err) {
    return { ok: false, reason: `capstone-wasm failed to start: ${(err as Error).message}` };
  }
}

/** Capstone's answer for one call; it throws when it decodes nothing. */
function tryDisasm(cs: CapstoneHandle, data: Uint8Array, address: number, count: number): CapstoneInsn[] {
  try {
    return cs.disasm(data, { address, count });
  } catch {
    return [];
  }
}

export let sink = 0;

export function capstoneBenchmarks(input: SweepInput, cs: CapstoneHandle): Benchmark[] {
  let next = 0; // the count:1 benchmark walks the sites in chunks, wrapping around
  const sites = input.siteOffset.length;
  return [
    {
      name: 'capstone-wasm disasm count:1',
      note: 'one call per sweep site, 16-byte window each (the same sites as the vxts rows)',
      run: (): Work => {
        let instructions = 0, bytes = 0;
        for (let k = 0; k < SITES_PER_CHUNK; k++) {
          const seg = input.segments[input.siteSegment[next]];
          const off = input.siteOffset[next];
          next = next + 1 === sites ? 0 : next + 1;
          const out = tryDisasm(cs, seg.bytes.subarray(off, off + 16), seg.vaddr + off, 1);
          if (out.length === 1) { instructions++; bytes += out[0].size; sink ^= out[0].mnemonic.length; }
        }
        return { instructions, bytes };
      },
    },
    {
      name: 'capstone-wasm disasm count:0',
      note: `whole-buffer calls over ${WINDOW / 1024} KiB windows, skipping a byte where it finds nothing`,
      run: (): Work => {
        let instructions = 0;
        for (const seg of input.segments) {
          const b = seg.bytes;
          for (let pos = 0; pos < b.length;) {
            const out = tryDisasm(cs, b.subarray(pos, pos + WINDOW), seg.vaddr + pos, 0);
            let covered = 0;
            for (const insn of out) covered += insn.size;
            instructions += out.length;
            // Nothing decoded with a full window ahead means an undecodable byte: step over it.
            pos += covered > 0 ? covered : 1;
          }
        }
        return { instructions, bytes: input.totalBytes };
      },
    },
  ];
}
