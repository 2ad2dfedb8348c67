// The translator against Unicorn 2.0.1, live: at least 500,000 fresh seeded cases (every
// implemented form in turn; VXTS_UNICORN_CASES overrides the count, VXTS_UNICORN_SEED the run
// seed) run one instruction in vxts and in Unicorn and compared (test/support/compare.ts). CI
// installs Debian's libunicorn2; the test fails when it is missing, on any mismatch, and
// prints `unicorn: N cases, M forms, K mismatches` with a table per mnemonic.

import { dataImage, decodeCase, formCaseSeed, generateCase, selectForms } from '../support/cases.js';
import { checkCase, UnicornRunner, UnicornTally, VxtsRunner } from '../support/compare.js';
import { unicornAvailable, unicornVersion } from '../support/unicorn.js';

const CASES = Number(process.env.VXTS_UNICORN_CASES ?? 500_000);
const SEED = Number(process.env.VXTS_UNICORN_SEED ?? 0x5eed2024) >>> 0;

test(`vxts agrees with Unicorn on ${CASES} live cases`, () => {
  const available = unicornAvailable();
  if (!available.ok) throw new Error(`Unicorn is not available (install libunicorn2): ${available.reason}`);
  const { forms, notImplemented } = selectForms();
  expect(forms.length).toBeGreaterThan(0);
  const vx = new VxtsRunner();
  const uc = new UnicornRunner();
  const tally = new UnicornTally(10);
  const t0 = performance.now();
  try {
    for (let i = 0; i < CASES; i++) {
      const row = forms[i % forms.length];
      const c = generateCase(row, formCaseSeed(SEED, row, Math.floor(i / forms.length)));
      const insn = decodeCase(c);
      const raw = uc.run(c, insn, dataImage(c.memSeed));
      tally.add(checkCase(vx, c, insn, raw));
    }
  } finally {
    uc.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const report = tally.report();
  console.log([
    report,
    `Unicorn ${unicornVersion()}, seed 0x${SEED.toString(16)}, ${seconds.toFixed(1)} s (${(seconds * 1e6 / CASES).toFixed(0)} us/case)`,
    notImplemented.length ? `executable forms without semantics (not tested): ${[...new Set(notImplemented.map((r) => r.mnemonic))].join(' ')}` : '',
    tally.examples.length ? `\nfirst mismatches:\n\n${tally.examples.join('\n\n')}` : '',
  ].filter(Boolean).join('\n'));
  expect(tally.cases).toBe(CASES);
  expect(tally.forms.size).toBe(Math.min(forms.length, CASES));
  expect(tally.mismatches).toBe(0);
});
