// The translator against Unicorn 2.0.1, without Unicorn: every case of the committed golden
// sample (test/golden/unicorn-cases.json.gz, written by test/tools/make-unicorn-golden.ts) is
// run in vxts, one instruction on a single-stepping Machine, and compared with Unicorn's
// recorded outcome (test/support/compare.ts: registers, EIP, EFLAGS the SDM defines for the
// form, segment selectors, the data pages, x87 state, and the fault). The live version with
// 500,000 fresh cases is test/oracle/unicorn-live.test.ts.

import { dataImage, decodeCase } from './support/cases.js';
import { checkCase, decodeGoldenCase, decodeOutcome, UnicornTally, VxtsRunner } from './support/compare.js';
import { GOLDEN_MIN_CASES, readUnicornGolden, UNICORN_GOLDEN_FORMAT } from './support/unicorn-golden.js';

const golden = readUnicornGolden();

test('the golden sample is current and large enough', () => {
  expect(golden.format).toBe(UNICORN_GOLDEN_FORMAT);
  expect(golden.cases.length).toBeGreaterThanOrEqual(20_000);
  expect(golden.cases.length).toBeGreaterThanOrEqual(Math.min(GOLDEN_MIN_CASES, golden.forms * golden.perForm));
});

test('vxts agrees with Unicorn on every golden case', () => {
  const vx = new VxtsRunner();
  const tally = new UnicornTally(5);
  for (const [gc, go] of golden.cases) {
    const c = decodeGoldenCase(gc);
    const insn = decodeCase(c);
    expect(insn.row).not.toBeNull();
    tally.add(checkCase(vx, c, insn, decodeOutcome(c, dataImage(c.memSeed), go)));
  }
  const report = tally.report('unicorn golden');
  console.log(tally.examples.length ? `${report}\n\nfirst mismatches:\n\n${tally.examples.join('\n\n')}` : report);
  // Every form sampled when the file was written is still decoded and covered.
  expect(tally.forms.size).toBe(golden.forms);
  expect(tally.cases).toBe(golden.cases.length);
  expect(tally.mismatches).toBe(0);
});
