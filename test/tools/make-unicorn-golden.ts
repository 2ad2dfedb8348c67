// Writes test/golden/unicorn-cases.json.gz: Unicorn 2.0.1's outcomes for GOLDEN_MIN_PER_FORM
// (or more, to reach GOLDEN_MIN_CASES) seeded cases of every form the translator implements
// (layout: test/support/unicorn-golden.ts). Only Unicorn's answers are recorded, never vxts's:
// test/translator-unicorn-golden.test.ts compares the translator under test with them.
// Regenerate whenever forms are added (new semantics in translator/semantics/) or the case
// generator changes; per-form seeds do not depend on the other forms, so existing forms keep
// their cases.
//
// It is a jest file (jest compiles the TypeScript) that does nothing unless asked; run from
// the repository root, with libunicorn.so.2 installed (Debian: libunicorn2):
//   VXTS_WRITE_UNICORN_GOLDEN=1 node --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js \
//     --config jest.oracle.config.cjs --testMatch '**/test/tools/make-unicorn-golden.ts'

import { dataImage, decodeCase, formCaseSeed, generateCase, selectForms } from '../support/cases.js';
import { encodeCase, encodeOutcome, UnicornRunner, type GoldenCase, type GoldenOutcome } from '../support/compare.js';
import { unicornVersion } from '../support/unicorn.js';
import {
  GOLDEN_MIN_CASES, GOLDEN_MIN_PER_FORM, UNICORN_GOLDEN_FORMAT, UNICORN_GOLDEN_PATH, UNICORN_GOLDEN_SEED, writeUnicornGolden,
} from '../support/unicorn-golden.js';

const enabled = process.env.VXTS_WRITE_UNICORN_GOLDEN === '1';

(enabled ? test : test.skip)('write test/golden/unicorn-cases.json.gz from Unicorn', () => {
  const { forms, notImplemented } = selectForms();
  const perForm = Math.max(GOLDEN_MIN_PER_FORM, Math.ceil(GOLDEN_MIN_CASES / forms.length));
  const uc = new UnicornRunner();
  const cases: [GoldenCase, GoldenOutcome][] = [];
  try {
    for (const row of forms) {
      for (let k = 0; k < perForm; k++) {
        const c = generateCase(row, formCaseSeed(UNICORN_GOLDEN_SEED, row, k));
        const image = dataImage(c.memSeed);
        const raw = uc.run(c, decodeCase(c), image);
        cases.push([encodeCase(c), encodeOutcome(c, image, raw)]);
      }
    }
  } finally {
    uc.close();
  }
  const bytes = writeUnicornGolden({
    format: UNICORN_GOLDEN_FORMAT,
    about: 'Unicorn outcomes of seeded cases (test/support/cases.ts); written by test/tools/make-unicorn-golden.ts',
    unicorn: unicornVersion(),
    seed: UNICORN_GOLDEN_SEED,
    perForm,
    forms: forms.length,
    notImplemented: notImplemented.map((r) => r.source),
    cases,
  });
  console.log(`wrote ${UNICORN_GOLDEN_PATH}: ${cases.length} cases, ${forms.length} forms, ${bytes} bytes` +
    (notImplemented.length ? `; ${notImplemented.length} executable forms not implemented yet` : ''));
});
