// Writes the golden data of the capstone differential test (layout in test/support/golden.ts):
//   test/golden/capstone-random.json   capstone's verdicts on the seeded random sample
//                                      (GOLDEN_SAMPLE: uniform windows + windows aimed at 0F maps)
//   test/golden/capstone-busybox.json  capstone's verdicts on every BUSYBOX_EVERY-th site of a
//                                      linear sweep of Debian's busybox-static:i386
// Only capstone's answers are recorded, never the decoder's: the unit test compares the decoder
// under test with them. Regenerate after changing the sample, the sweep or capstone-wasm.
//
// Run from the repository root (it compiles with tsc to .cache/tools, then runs with Node):
//   npx tsc -p test/tools/tsconfig.json && node .cache/tools/test/tools/make-golden.js
// The busybox file is rewritten only when .cache/busybox/bin/busybox exists (fetch it first with
// test/oracle/fetch-busybox.sh); otherwise the committed one is left alone.

import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalPrefixOrder, capstoneVersion, loadOracle, type CapstoneVerdict, type Oracle } from '../support/capstone.js';
import {
  BUSYBOX_EVERY, BUSYBOX_GOLDEN_PATH, FORMAT, formatGolden, GOLDEN_SAMPLE, MnemonicTable, RANDOM_GOLDEN_PATH,
  type BusyboxSample,
} from '../support/golden.js';
import { BUSYBOX_PATH, readBusybox, sweepElf } from '../support/sweep.js';
import { forEachWindow, toHex, WINDOW, WindowDigest } from '../support/windows.js';

const same = (a: CapstoneVerdict, b: CapstoneVerdict) => a.valid === b.valid && a.size === b.size && a.raw === b.raw;

/** Capstone's verdict on the reordered window, when reordering changes the bytes and the verdict. */
function reorderedIfDifferent(oracle: Oracle, bytes: Uint8Array, v: CapstoneVerdict, address: number): CapstoneVerdict | null {
  const canonical = canonicalPrefixOrder(bytes);
  if (canonical === null) return null;
  const r = oracle.verdict(canonical, address);
  return same(r, v) ? null : r;
}

function makeRandom(oracle: Oracle): void {
  const table = new MnemonicTable();
  const verdicts: number[] = [];
  const reordered: number[] = [];
  const digest = new WindowDigest();
  forEachWindow(GOLDEN_SAMPLE, (bytes, index) => {
    digest.add(bytes);
    const v = oracle.verdict(bytes, 0);
    verdicts.push(v.valid ? v.size : 0, table.id(v));
    const r = reorderedIfDifferent(oracle, bytes, v, 0);
    if (r !== null) reordered.push(index, r.valid ? r.size : 0, table.id(r));
  });
  const text = formatGolden({
    format: FORMAT,
    about: 'capstone verdicts on seeded random windows (test/support/windows.ts); written by test/tools/make-golden.ts',
    capstone: capstoneVersion(),
    seed: GOLDEN_SAMPLE.seed,
    uniform: GOLDEN_SAMPLE.uniform,
    structured: GOLDEN_SAMPLE.structured,
    window: WINDOW,
    digest: digest.value,
    mnemonics: table.list,
    verdicts,
    reordered,
  });
  writeFileSync(RANDOM_GOLDEN_PATH, text);
  console.log(`${RANDOM_GOLDEN_PATH}: ${verdicts.length / 2} windows, ${reordered.length / 3} reordered verdicts, ${text.length} bytes`);
}

/** The busybox .deb next to the binary names the package version. */
function packageName(): string {
  const dir = join(BUSYBOX_PATH, '..', '..');
  const deb = readdirSync(dir).find((f) => /^busybox-static_.*_i386\.deb$/.test(f));
  if (deb === undefined) return 'busybox-static:i386 (version unknown)';
  const version = decodeURIComponent(deb.replace(/^busybox-static_/, '').replace(/_i386\.deb$/, ''));
  return `busybox-static:i386 ${version}`;
}

function makeBusybox(oracle: Oracle): void {
  const elf = readBusybox();
  if (elf === null) {
    console.log(`${BUSYBOX_PATH} not present: ${BUSYBOX_GOLDEN_PATH} left as it is`);
    return;
  }
  const table = new MnemonicTable();
  const samples: BusyboxSample[] = [];
  const seen = new Set<string>();
  let k = 0;
  const sites = sweepElf(oracle, elf, ({ address, window, capstone }) => {
    if (k++ % BUSYBOX_EVERY !== 0) return;
    const bytes = capstone.valid ? window.subarray(0, capstone.size) : window;
    const hex = toHex(bytes);
    if (seen.has(hex)) return;
    seen.add(hex);
    const r = reorderedIfDifferent(oracle, bytes, capstone, address);
    samples.push(r === null ? [hex, table.id(capstone)] : [hex, table.id(capstone), r.valid ? r.size : 0, table.id(r)]);
  });
  const text = formatGolden({
    format: FORMAT,
    about: `capstone verdicts on every ${BUSYBOX_EVERY}th site of a linear sweep of busybox (distinct byte strings); written by test/tools/make-golden.ts`,
    capstone: capstoneVersion(),
    package: packageName(),
    sha256: createHash('sha256').update(elf).digest('hex'),
    sites,
    every: BUSYBOX_EVERY,
    mnemonics: table.list,
    samples,
  });
  writeFileSync(BUSYBOX_GOLDEN_PATH, text);
  console.log(`${BUSYBOX_GOLDEN_PATH}: ${sites} sites, ${samples.length} distinct samples, ${text.length} bytes`);
}

async function main(): Promise<void> {
  const oracle = await loadOracle();
  makeRandom(oracle);
  makeBusybox(oracle);
  oracle.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
