// The decoder against live capstone on 1,000,000 seeded uniform random 16-byte windows, plus a
// tenth as many aimed at the 0F, 0F 38 and 0F 3A maps (VXTS_WINDOWS sets the uniform count for
// local runs). Every disagreement must be a known difference (test/support/differences.ts); the
// summary table goes to the log. Also re-checks, against capstone itself, the golden random file
// that `npm test` relies on and the example of every difference class.

import {
  baseMnemonic, canonicalPrefixOrder, compareWindow, loadOracle, type CapstoneVerdict, type Oracle,
} from '../support/capstone';
import { DIFFERENCE_CLASSES } from '../support/differences';
import { GOLDEN_SAMPLE, randomVerdicts, readRandomGolden } from '../support/golden';
import { Tally } from '../support/tally';
import { forEachWindow, fromHex, toHex } from '../support/windows';

/** A different seed from the golden sample's, so the live run sees other windows. */
const SEED = 0x0c0ffee;
const UNIFORM = Number(process.env.VXTS_WINDOWS ?? 1_000_000);

let oracle: Oracle;
beforeAll(async () => {
  oracle = await loadOracle();
});
afterAll(() => oracle?.close());

const text = (v: CapstoneVerdict) => (v.valid ? `${v.raw}/${v.size}` : 'invalid');

test(`${UNIFORM} random windows agree with capstone or differ in a known way`, () => {
  expect(Number.isInteger(UNIFORM) && UNIFORM > 0).toBe(true);
  expect(SEED).not.toBe(GOLDEN_SAMPLE.seed);
  const started = Date.now();
  const tally = new Tally();
  const spec = { seed: SEED, uniform: UNIFORM, structured: Math.ceil(UNIFORM / 10) };
  forEachWindow(spec, (bytes) => tally.add(compareWindow(oracle, bytes)));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${tally.summary(`capstone differential, random windows (seed ${SEED}, ${spec.uniform} uniform + ${spec.structured} structured)`)}\n  time ${seconds} s`);
  expect(tally.windows).toBe(spec.uniform + spec.structured);
  expect(tally.unexplainedCount).toBe(0);
});

test('the golden random file still holds capstone\'s verdicts', () => {
  const golden = readRandomGolden();
  const { verdicts, reordered } = randomVerdicts(golden);
  const stale: string[] = [];
  forEachWindow(GOLDEN_SAMPLE, (bytes, i) => {
    const live = oracle.verdict(bytes);
    const stored = verdicts[i];
    if (live.valid !== stored.valid || live.size !== stored.size || live.raw !== stored.raw) {
      stale.push(`#${i} ${toHex(bytes)}: file ${text(stored)}, capstone ${text(live)}`);
    }
    const canonical = canonicalPrefixOrder(bytes);
    if (canonical !== null) {
      const r = oracle.verdict(canonical);
      const s = reordered.get(i) ?? stored;
      if (r.valid !== s.valid || r.size !== s.size || r.raw !== s.raw) stale.push(`#${i} reordered ${toHex(canonical)}: file ${text(s)}, capstone ${text(r)}`);
    }
  });
  expect(stale.slice(0, 20)).toEqual([]);
});

test.each(DIFFERENCE_CLASSES.map((c) => [c.name, c] as const))('capstone still says what the %s example records', (_name, c) => {
  const bytes = fromHex(c.example.hex);
  const live = oracle.verdict(bytes);
  const want = c.example.capstone;
  expect(live.valid ? [live.size, live.raw] : null).toEqual(want === null ? null : [want[0], want[1]]);
  if (c.example.reordered !== undefined) {
    const canonical = canonicalPrefixOrder(bytes);
    expect(canonical).not.toBeNull();
    const r = oracle.verdict(canonical as Uint8Array);
    const wr = c.example.reordered;
    expect(r.valid ? [r.size, r.raw] : null).toEqual(wr === null ? null : [wr[0], wr[1]]);
  }
  if (live.valid) expect(baseMnemonic(live.raw)).toBe(live.mnemonic);
});
