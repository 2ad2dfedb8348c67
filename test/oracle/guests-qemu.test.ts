// Live oracle for the guest programs: each binary in guests/bin runs under qemu-i386 (through
// test/tools/make-guest-golden.sh, the one place that builds the qemu command line from
// guests/runs.json) and under the built `vxts run` CLI (dist/src/cli.js, as a user runs it),
// in fresh working directories set up the same way. Checks that the committed golden files are
// still what qemu-i386 prints, and that vxts matches qemu byte for byte (stdout, stderr, exit
// status) for every binary not in test/guests-pending.json (and still differs for those in it).
// Needs qemu-i386 (Debian: qemu-user) and a build (npm run build; CI's npm ci does it).

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const GUESTS = join(ROOT, 'guests');
const GOLDEN = join(ROOT, 'test', 'golden', 'guests');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const hasQemu = spawnSync('qemu-i386', ['--version']).status === 0;

interface RunSpec { env: string[]; stdin: string; data: string; args: Record<string, string[]> }
interface Outcome { stdout: Buffer; stderr: Buffer; status: number }
const spec = JSON.parse(readFileSync(join(GUESTS, 'runs.json'), 'utf8')) as RunSpec;
const pending = JSON.parse(readFileSync(join(ROOT, 'test', 'guests-pending.json'), 'utf8')) as Record<string, string>;
const binaries = readdirSync(join(GUESTS, 'bin')).sort();
const argsFor = (binary: string): string[] => spec.args[binary.replace(/-(musl|glibc|asm)$/, '')] ?? [];

function readOutcome(dir: string, binary: string): Outcome {
  const f = (ext: string): Buffer => readFileSync(join(dir, `${binary}.${ext}`));
  return { stdout: f('stdout'), stderr: f('stderr'), status: Number(f('status').toString('utf8').trim()) };
}

function underQemu(binary: string, out: string): Outcome {
  const r = spawnSync('bash', [join(ROOT, 'test', 'tools', 'make-guest-golden.sh'), '-o', out, binary], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make-guest-golden.sh failed: ${r.stderr}`);
  return readOutcome(out, binary);
}

function underVxts(binary: string): Outcome {
  const work = mkdtempSync(join(tmpdir(), 'vxts-guest-oracle-'));
  try {
    mkdirSync(join(work, 'bin'));
    cpSync(join(GUESTS, 'bin', binary), join(work, 'bin', binary));
    cpSync(join(GUESTS, spec.data), join(work, 'data'), { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'run', '--clear-env', ...spec.env.flatMap((e) => ['--env', e]), `bin/${binary}`, ...argsFor(binary)], {
      cwd: work, env: {}, input: readFileSync(join(GUESTS, spec.stdin)), timeout: 600_000, maxBuffer: 64 << 20,
    });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const same = (a: Outcome, b: Outcome): boolean => a.status === b.status && a.stdout.equals(b.stdout) && a.stderr.equals(b.stderr);
const show = (o: Outcome): { status: number; stdout: string; stderr: string } =>
  ({ status: o.status, stdout: o.stdout.toString('latin1'), stderr: o.stderr.toString('latin1') });

(hasQemu ? describe : describe.skip).each(binaries)('%s', (binary) => {
  const out = mkdtempSync(join(tmpdir(), 'vxts-guest-qemu-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let qemu: Outcome;

  test('qemu-i386 still prints the committed golden output', () => {
    qemu = underQemu(binary, out);
    expect(show(qemu)).toEqual(show(readOutcome(GOLDEN, binary)));
  });

  test(pending[binary] === undefined ? 'vxts matches qemu-i386 live' : `vxts still differs from qemu-i386 (pending: ${pending[binary]})`, () => {
    expect(existsSync(CLI)).toBe(true); // npm run build
    qemu ??= underQemu(binary, out);
    const got = underVxts(binary);
    if (pending[binary] === undefined) {
      expect(show(got)).toEqual(show(qemu));
      expect(same(got, qemu)).toBe(true);
    } else if (same(got, qemu)) {
      throw new Error(`${binary} now matches qemu-i386: remove it from test/guests-pending.json`);
    }
  });
});
