// The decoder against live capstone on every instruction of Debian's static i386 busybox
// (busybox-static:i386, fetched into .cache/busybox by test/oracle/fetch-busybox.sh): a linear
// sweep of each executable segment, one byte at a time past anything capstone rejects, as objdump
// does. Every disagreement must be a known difference; the summary goes to the log. A missing
// binary is a failure, not a skip: CI must provide it. Also re-checks the golden busybox sample.

import { createHash } from 'node:crypto';
import { compareWith, loadOracle, ourVerdict, type Oracle } from '../support/capstone';
import { readBusyboxGolden, verdictOf } from '../support/golden';
import { BUSYBOX_PATH, busyboxMissingMessage, readBusybox, sweepElf } from '../support/sweep';
import { Tally } from '../support/tally';
import { fromHex } from '../support/windows';

let oracle: Oracle;
let elf: Uint8Array | null;
beforeAll(async () => {
  oracle = await loadOracle();
  elf = readBusybox();
});
afterAll(() => oracle?.close());

function binary(): Uint8Array {
  if (elf === null) throw new Error(busyboxMissingMessage());
  return elf;
}

test('busybox: every instruction agrees with capstone or differs in a known way', () => {
  const bytes = binary();
  const started = Date.now();
  const tally = new Tally();
  let instructions = 0;
  const sites = sweepElf(oracle, bytes, ({ address, window, capstone }) => {
    if (capstone.valid) instructions++;
    tally.add(compareWith(window, ourVerdict(window, address), capstone, (c) => oracle.verdict(c, address)));
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`${tally.summary(`capstone differential, linear sweep of ${BUSYBOX_PATH}`)}\n  sites ${sites}, capstone instructions ${instructions}, time ${seconds} s`);
  expect(sites).toBeGreaterThan(400_000);
  expect(tally.windows).toBe(sites);
  expect(tally.unexplainedCount).toBe(0);
});

test('the golden busybox sample was taken from this binary and still holds capstone\'s verdicts', () => {
  const bytes = binary();
  const golden = readBusyboxGolden();
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(golden.sha256);
  const stale: string[] = [];
  for (const s of golden.samples) {
    const b = fromHex(s[0]);
    const stored = verdictOf(s[1] < 0 ? 0 : b.length, s[1], golden.mnemonics);
    const live = oracle.verdict(b);
    if (live.valid !== stored.valid || live.size !== stored.size || live.raw !== stored.raw) {
      stale.push(`${s[0]}: file ${stored.valid ? stored.raw : 'invalid'}, capstone ${live.valid ? `${live.raw}/${live.size}` : 'invalid'}`);
    }
  }
  expect(stale.slice(0, 20)).toEqual([]);
});
