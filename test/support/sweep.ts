// Linear sweep of an ELF file's executable segments, as objdump does it: decode at the start of
// each segment, step over each instruction, and after bytes that are not an instruction step one
// byte and try again. Capstone's lengths drive the sweep, so the set of instructions compared is
// fixed by the binary and the oracle, whatever the decoder under test says.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { executableSegments, parseElf } from '../../src/elf.js';
import type { CapstoneVerdict, Oracle } from './capstone.js';

/** Where test/oracle/fetch-busybox.sh leaves Debian's busybox-static:i386 binary. */
export const BUSYBOX_PATH = join(process.cwd(), '.cache', 'busybox', 'bin', 'busybox');

export function busyboxMissingMessage(): string {
  return `busybox binary not found at ${BUSYBOX_PATH}: run (as root) test/oracle/fetch-busybox.sh ` +
    '(after dpkg --add-architecture i386 && apt-get update)';
}

export function readBusybox(): Uint8Array | null {
  return existsSync(BUSYBOX_PATH) ? new Uint8Array(readFileSync(BUSYBOX_PATH)) : null;
}

export interface SweepSite {
  /** Guest address of the site. */
  readonly address: number;
  /** The bytes from the site: at most 16, fewer at the end of a segment. */
  readonly window: Uint8Array;
  readonly capstone: CapstoneVerdict;
}

/** Calls `visit` for every site of the sweep, in address order. Returns the number of sites. */
export function sweepElf(oracle: Oracle, elf: Uint8Array, visit: (site: SweepSite) => void): number {
  let sites = 0;
  for (const seg of executableSegments(parseElf(elf), elf)) {
    const b = seg.bytes;
    let pos = 0;
    while (pos < b.length) {
      const window = b.subarray(pos, Math.min(pos + 16, b.length));
      const address = (seg.vaddr + pos) >>> 0;
      const capstone = oracle.verdict(window, address);
      visit({ address, window, capstone });
      sites++;
      pos += capstone.valid ? capstone.size : 1;
    }
  }
  return sites;
}
