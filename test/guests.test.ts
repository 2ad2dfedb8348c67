// The guest programs of guests/ (C with musl and glibc, and assembly) run under vxts through the
// CLI's own entry point (`vxts run`, in-process), each in a fresh working directory holding
// bin/BINARY and a copy of guests/data, with the fixed arguments, environment and stdin of
// guests/runs.json. Their stdout, stderr and exit status must equal, byte for byte, what
// qemu-i386 gave for the same run (test/golden/guests, written by test/tools/make-guest-golden.sh;
// test/oracle/guests-qemu.test.ts compares with qemu-i386 live).
//
// test/guests-pending.json lists the binaries that do not match yet, each with the observed
// difference. A listed binary must still differ: when it starts matching this test fails and
// asks for it to be removed from the list, so the list cannot go stale.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { run } from '../src/commands/run';

const ROOT = join(__dirname, '..');
const GUESTS = join(ROOT, 'guests');
const GOLDEN = join(ROOT, 'test', 'golden', 'guests');

interface RunSpec { env: string[]; stdin: string; data: string; args: Record<string, string[]> }
const spec = JSON.parse(readFileSync(join(GUESTS, 'runs.json'), 'utf8')) as RunSpec;
const pending = JSON.parse(readFileSync(join(ROOT, 'test', 'guests-pending.json'), 'utf8')) as Record<string, string>;

/** The binaries with golden files (every binary in guests/bin has them: checked below). */
const binaries = readdirSync(GOLDEN).filter((f) => f.endsWith('.status')).map((f) => f.slice(0, -'.status'.length)).sort();

export interface Outcome { stdout: Buffer; stderr: Buffer; status: number }

/** argv[1..] for a binary: runs.json keys them by program name, without the libc suffix. */
const argsFor = (binary: string): string[] => spec.args[binary.replace(/-(musl|glibc|asm)$/, '')] ?? [];

/** Sink for the guest's stdout or stderr in place of the host's. */
class Collect {
  readonly chunks: Buffer[] = [];
  readonly isTTY = false;
  write(chunk: Uint8Array | string): boolean { this.chunks.push(Buffer.from(chunk)); return true; }
  on(): this { return this; }
  once(): this { return this; }
  bytes(): Buffer { return Buffer.concat(this.chunks); }
}

/** Runs `binary` as `vxts run --clear-env --env ... bin/BINARY ARGS` would, in a fresh directory. */
async function runUnderVxts(binary: string): Promise<Outcome> {
  const work = mkdtempSync(join(tmpdir(), 'vxts-guest-'));
  mkdirSync(join(work, 'bin'));
  cpSync(join(GUESTS, 'bin', binary), join(work, 'bin', binary));
  cpSync(join(GUESTS, spec.data), join(work, 'data'), { recursive: true });
  const out = new Collect();
  const err = new Collect();
  const stdin = Readable.from([readFileSync(join(GUESTS, spec.stdin))]);
  const saved = (['stdin', 'stdout', 'stderr'] as const).map((k) => [k, Object.getOwnPropertyDescriptor(process, k)!] as const);
  const cwd = process.cwd();
  let status: number;
  try {
    process.chdir(work);
    Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
    Object.defineProperty(process, 'stdout', { value: out, configurable: true });
    Object.defineProperty(process, 'stderr', { value: err, configurable: true });
    status = await run.run(['--clear-env', ...spec.env.flatMap((e) => ['--env', e]), `bin/${binary}`, ...argsFor(binary)]);
  } finally {
    for (const [k, d] of saved) Object.defineProperty(process, k, d);
    process.chdir(cwd);
    stdin.destroy();
    rmSync(work, { recursive: true, force: true });
  }
  return { stdout: out.bytes(), stderr: err.bytes(), status };
}

function golden(binary: string): Outcome {
  const f = (ext: string): Buffer => readFileSync(join(GOLDEN, `${binary}.${ext}`));
  return { stdout: f('stdout'), stderr: f('stderr'), status: Number(f('status').toString('utf8').trim()) };
}

const same = (a: Outcome, b: Outcome): boolean => a.status === b.status && a.stdout.equals(b.stdout) && a.stderr.equals(b.stderr);

/** A readable form for jest's diff: text as text, with the status. */
const show = (o: Outcome): { status: number; stdout: string; stderr: string } =>
  ({ status: o.status, stdout: o.stdout.toString('latin1'), stderr: o.stderr.toString('latin1') });

test('every guest binary has golden files, and the pending list names only real binaries', () => {
  const built = readdirSync(join(GUESTS, 'bin')).sort();
  expect(binaries).toEqual(built);
  for (const b of binaries) for (const ext of ['stdout', 'stderr']) expect(existsSync(join(GOLDEN, `${b}.${ext}`))).toBe(true);
  expect(Object.keys(pending).filter((b) => !binaries.includes(b))).toEqual([]);
  for (const [b, why] of Object.entries(pending)) expect([b, typeof why === 'string' && why.length > 0]).toEqual([b, true]);
});

describe.each(binaries)('%s', (binary) => {
  if (pending[binary] === undefined) {
    test('matches qemu-i386 byte for byte (stdout, stderr, exit status)', async () => {
      const got = await runUnderVxts(binary);
      const want = golden(binary);
      expect(show(got)).toEqual(show(want));
      expect(same(got, want)).toBe(true); // bytes, not only their latin1 text
    });
  } else {
    test(`still differs from qemu-i386 (pending: ${pending[binary]})`, async () => {
      const got = await runUnderVxts(binary);
      if (same(got, golden(binary))) {
        throw new Error(`${binary} now matches qemu-i386 byte for byte: remove it from test/guests-pending.json`);
      }
    });
  }
});
