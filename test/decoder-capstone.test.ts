// The decoder against committed capstone verdicts (test/golden, written by test/tools/make-golden.ts):
// a seeded sample of random windows and a sample of busybox's instructions. Validity, length and
// mnemonic must agree, or the disagreement must belong to a class in test/support/differences.ts.
// Needs only Node: capstone itself runs in the oracle suite (test/oracle), which also re-checks
// that these files still hold capstone's answers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseMnemonic, canonicalPrefixOrder, compareVerdicts, compareWith, describeDisagreement, INVALID, ourVerdict,
  type CapstoneVerdict, type Disagreement,
} from './support/capstone';
import { anatomy, classify, DIFFERENCE_CLASSES, type Example } from './support/differences';
import {
  BUSYBOX_EVERY, GOLDEN_SAMPLE, randomVerdicts, readBusyboxGolden, readRandomGolden, verdictOf,
} from './support/golden';
import { Tally } from './support/tally';
import { forEachWindow, fromHex, WINDOW, WindowDigest } from './support/windows';

const unexplained = (t: Tally) =>
  t.unexplained.map((d) => describeDisagreement(d) + (d.reordered ? `  (reordered: ${d.reordered.valid ? `${d.reordered.raw}/${d.reordered.size}` : 'invalid'})` : ''));

describe('golden random windows', () => {
  const golden = readRandomGolden();
  const { verdicts, reordered } = randomVerdicts(golden);

  test('the file is the committed sample, complete', () => {
    expect(golden.seed).toBe(GOLDEN_SAMPLE.seed);
    expect(golden.uniform).toBe(GOLDEN_SAMPLE.uniform);
    expect(golden.structured).toBe(GOLDEN_SAMPLE.structured);
    expect(golden.window).toBe(WINDOW);
    expect(golden.uniform).toBeGreaterThanOrEqual(20_000);
    expect(golden.structured).toBeGreaterThanOrEqual(2_000);
    expect(verdicts).toHaveLength(golden.uniform + golden.structured);
    // The windows are regenerated from the seed: the digest proves they are the ones capstone saw.
    const digest = new WindowDigest();
    forEachWindow(GOLDEN_SAMPLE, (bytes) => digest.add(bytes));
    expect(digest.value).toBe(golden.digest);
    // Capstone accepts most uniform windows; a file of all-invalid verdicts would prove nothing.
    expect(verdicts.filter((v) => v.valid).length).toBeGreaterThan(verdicts.length * 0.8);
  });

  test('every disagreement with capstone is a known difference', () => {
    const tally = new Tally();
    forEachWindow(GOLDEN_SAMPLE, (bytes, i) => {
      const cs = verdicts[i];
      tally.add(compareWith(bytes, ourVerdict(bytes), cs, () => reordered.get(i) ?? cs));
    });
    expect(tally.windows).toBe(verdicts.length);
    expect(unexplained(tally)).toEqual([]);
    expect(tally.unexplainedCount).toBe(0);
  });
});

describe('golden busybox sample', () => {
  const golden = readBusyboxGolden();

  test('the file is a full sample of the sweep', () => {
    expect(golden.every).toBe(BUSYBOX_EVERY);
    expect(golden.sites).toBeGreaterThan(400_000);
    expect(golden.samples.length).toBeGreaterThanOrEqual(10_000);
    expect(golden.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(golden.samples.map((s) => s[0])).size).toBe(golden.samples.length);
  });

  test('every disagreement with capstone is a known difference', () => {
    const tally = new Tally();
    for (const s of golden.samples) {
      const bytes = fromHex(s[0]);
      const cs = verdictOf(s[1] < 0 ? 0 : bytes.length, s[1], golden.mnemonics);
      const r: CapstoneVerdict = s.length === 4 ? verdictOf(s[2], s[3], golden.mnemonics) : cs;
      tally.add(compareWith(bytes, ourVerdict(bytes), cs, () => r));
    }
    expect(tally.windows).toBe(golden.samples.length);
    expect(unexplained(tally)).toEqual([]);
    // Busybox is compiled code: nearly all of it must agree outright.
    expect(tally.agreements).toBeGreaterThan(tally.windows * 0.99);
  });
});

/** The disagreement a class's example gives with the current decoder. */
function exampleDisagreement(e: Example): Disagreement | null {
  const bytes = fromHex(e.hex);
  const verdict = (v: readonly [number, string] | null): CapstoneVerdict =>
    v === null ? INVALID : { valid: true, size: v[0], mnemonic: baseMnemonic(v[1]), raw: v[1] };
  const d = compareVerdicts(bytes, ourVerdict(bytes), verdict(e.capstone));
  if (d === null || e.reordered === undefined) return d;
  return { ...d, reordered: verdict(e.reordered) };
}

describe('difference classes', () => {
  test('names are unique, kinds known, reasons and references given', () => {
    const names = DIFFERENCE_CLASSES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const c of DIFFERENCE_CLASSES) {
      expect(c.name).toMatch(/^[a-z0-9-]+$/);
      expect(['capstone-wrong', 'target-differs', 'spelling']).toContain(c.kind);
      expect(c.reason.length).toBeGreaterThan(30);
      expect(c.reference).toMatch(/SDM|APM|Guide/);
    }
  });

  test.each(DIFFERENCE_CLASSES.map((c) => [c.name, c] as const))('%s explains its example', (name, c) => {
    const d = exampleDisagreement(c.example);
    expect(d).not.toBeNull();
    expect(classify(d as Disagreement)?.name).toBe(name);
  });

  test('real decoder bugs are not explained away', () => {
    // Shapes a decoder bug would take: each must stay unexplained.
    const bugs: Disagreement[] = [
      // A length error on an ordinary instruction.
      { hex: '01c0', ours: { error: null, length: 3, mnemonic: 'add' }, capstone: { valid: true, size: 2, mnemonic: 'add', raw: 'add' } },
      // A missing row for a base instruction.
      { hex: '0fa3c0', ours: { error: 'undefined', length: 3, mnemonic: '' }, capstone: { valid: true, size: 3, mnemonic: 'bt', raw: 'bt' } },
      // A wrong mnemonic.
      { hex: '0fb6c0', ours: { error: null, length: 3, mnemonic: 'movsx' }, capstone: { valid: true, size: 3, mnemonic: 'movzx', raw: 'movzx' } },
      // LOCK refused on a lockable memory form.
      { hex: 'f00100', ours: { error: 'bad-lock', length: 3, mnemonic: '' }, capstone: { valid: true, size: 3, mnemonic: 'add', raw: 'lock add' } },
      // Accepting a VEX register form as LES.
      { hex: 'c4c0', ours: { error: null, length: 2, mnemonic: 'les' }, capstone: INVALID },
      // A NOP-space length error.
      { hex: '0f1f4000', ours: { error: null, length: 3, mnemonic: 'nop' }, capstone: { valid: true, size: 4, mnemonic: 'nop', raw: 'nop' } },
      // A prefix-order disagreement whose reordered verdict does not match ours either.
      { hex: 'f2670f4500', ours: { error: null, length: 4, mnemonic: 'cmovne' }, capstone: INVALID, reordered: { valid: true, size: 5, mnemonic: 'cmovne', raw: 'cmovne' } },
    ];
    for (const d of bugs) expect([d.hex, classify(d)?.name ?? null]).toEqual([d.hex, null]);
  });

  test('docs/CAPSTONE-DIFFERENCES.md lists exactly these classes', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'CAPSTONE-DIFFERENCES.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual(DIFFERENCE_CLASSES.map((c) => c.name).sort());
    for (const c of DIFFERENCE_CLASSES) {
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${c.name}\` |`)) as string;
      expect(line).toContain(c.kind);
    }
  });
});


describe('comparison helpers', () => {
  test('capstone prefix words are stripped from mnemonics', () => {
    expect(baseMnemonic('rep stosd')).toBe('stosd');
    expect(baseMnemonic('lock add')).toBe('add');
    expect(baseMnemonic('repne scasb')).toBe('scasb');
    expect(baseMnemonic('bnd jmp')).toBe('jmp');
    expect(baseMnemonic('notrack call')).toBe('call');
    expect(baseMnemonic('xacquire lock xadd')).toBe('xadd');
    expect(baseMnemonic('data16')).toBe('data16');
    expect(baseMnemonic('MOVSD')).toBe('movsd');
  });

  test('canonical prefix order puts segment/67 first, then 66, then LOCK/REP', () => {
    const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));
    expect(hex(canonicalPrefixOrder(fromHex('f2670f4500')))).toBe('67f20f4500');
    expect(hex(canonicalPrefixOrder(fromHex('f326660f59c0')))).toBe('2666f30f59c0');
    expect(hex(canonicalPrefixOrder(fromHex('f3f2260f')))).toBe('26f3f20f');
    expect(canonicalPrefixOrder(fromHex('2666f30f59c0'))).toBeNull();
    expect(canonicalPrefixOrder(fromHex('0f59c0'))).toBeNull();
  });

  test('agreement means both reject, or same length and base mnemonic', () => {
    const b = fromHex('f3ab');
    expect(compareVerdicts(b, { error: null, length: 2, mnemonic: 'stosd' }, { valid: true, size: 2, mnemonic: 'stosd', raw: 'rep stosd' })).toBeNull();
    expect(compareVerdicts(b, { error: 'undefined', length: 1, mnemonic: '' }, INVALID)).toBeNull();
    expect(compareVerdicts(b, { error: null, length: 1, mnemonic: 'stosd' }, { valid: true, size: 2, mnemonic: 'stosd', raw: 'rep stosd' })).not.toBeNull();
  });

  test('anatomy reads prefixes, map, opcode and ModRM from the bytes', () => {
    const a = anatomy('66f30f38f6c1');
    expect(a.prefixes).toEqual([0x66, 0xf3]);
    expect([a.map, a.opcode, a.modrm, a.mod, a.reg, a.rm, a.slot]).toEqual([2, 0xf6, 0xc1, 3, 0, 1, 'f3']);
    expect(a.modrmEnd).toBe(6);
    // The independent ModRM length: disp8; SIB + disp32; SIB with no base (disp32); 16-bit disp16.
    expect(anatomy('0f1f4000').modrmEnd).toBe(4);
    expect(anatomy('0f1f840000000000').modrmEnd).toBe(8);
    expect(anatomy('0f1f042500000000').modrmEnd).toBe(8);
    expect(anatomy('0f1f0400').modrmEnd).toBe(4);
    expect(anatomy('670f1f063412').modrmEnd).toBe(6);
    expect(anatomy('670f1f00').modrmEnd).toBe(4);
    expect(anatomy('0f1f80').modrmEnd).toBe(-1);
  });
});
