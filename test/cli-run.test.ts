// `vxts run`'s command line and messages: options before PROGRAM are vxts's, everything after
// belongs to the guest; bad values are one-line UsageErrors naming the fix; a program that
// cannot be loaded gives one line on stderr and status 126 (127 when it cannot be read); a
// death by signal is reported like a shell does it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../src/commands/command';
import { deathMessage, run } from '../src/commands/run';
import { optionPart, parseMount, parseRunArgs, parseSize } from '../src/commands/run-options';
import { buildElf, PF_R, PF_X, TEXT } from './support/elf-builder';

test('options come before PROGRAM; the guest gets the rest verbatim', () => {
  const o = parseRunArgs(['--strace', '--env', 'A=1', '--env=B=2', '--mem', '256M', '--cpu-insns', '0x1000',
    '--mount', '/tmp:/data:ro', '--cwd', '/data', 'prog', '--help', '-x', '--strace']);
  expect(o).toMatchObject({
    strace: true, env: ['A=1', 'B=2'], memorySize: 256 << 20, cpuInstructions: 4096,
    mounts: [{ host: '/tmp', guest: '/data', readOnly: true }], cwd: '/data', program: 'prog', args: ['--help', '-x', '--strace'],
  });
  expect(parseRunArgs(['--', '--weird-name', 'a']).program).toBe('--weird-name');
  expect(optionPart(['--mem', '1G', 'prog', '--help'])).toEqual(['--mem', '1G']);
  expect(optionPart(['--help', 'prog'])).toEqual(['--help']);
});

test('mistakes are one-line UsageErrors that say what to do', () => {
  const err = (args: string[]) => { try { parseRunArgs(args); } catch (e) { expect(e).toBeInstanceOf(UsageError); return (e as Error).message; } throw new Error('accepted'); };
  expect(err([])).toBe("run needs a PROGRAM to run (see 'vxts run --help')");
  expect(err(['--bogus', 'prog'])).toBe("unknown option --bogus for run (see 'vxts run --help')");
  expect(err(['--mem'])).toBe("--mem needs a value (see 'vxts run --help')");
  expect(err(['--env', 'NOEQUALS', 'prog'])).toBe("--env: 'NOEQUALS' is not NAME=VALUE");
  expect(err(['--strace=yes', 'prog'])).toBe('--strace takes no value');
  expect(err(['--cwd', 'rel', 'prog'])).toMatch(/must be an absolute guest path/);
  expect(() => parseSize('12X')).toThrow("--mem: '12X' is not a size; give a number with K, M or G (e.g. --mem 256M)");
  expect(() => parseSize('1M')).toThrow(/too small/);
  expect(() => parseSize('3G')).toThrow('--mem: 3G is too large; vxts gives a guest at most 2G');
  expect(parseSize('2G')).toBe(0x8000_0000);
  expect(parseSize('20000001')).toBe(20000768); // bytes, rounded up to a page
  expect(() => parseMount('/a')).toThrow(/is not HOSTDIR:GUESTDIR/);
  expect(() => parseMount('/a:/b:rx')).toThrow(/is not HOSTDIR:GUESTDIR/);
  expect(() => parseMount('/a:b')).toThrow(/must be an absolute path/);
  expect(parseMount('/a:/b')).toEqual({ host: '/a', guest: '/b', readOnly: false });
});

test('death messages read like a shell\'s, with the address and EIP', () => {
  expect(deathMessage('./prog', { kind: 'signaled', signal: 11, address: 0, eip: 0x8049000, message: 'SIGSEGV at 0x8049000: read of 0x0' }))
    .toBe('vxts: ./prog: Segmentation fault (SIGSEGV at 0x0 eip 0x8049000)');
  expect(deathMessage('p', { kind: 'signaled', signal: 4, address: 0x804a000, eip: 0x804a000, message: 'SIGILL at 0x804a000: fsin: not implemented by the translator' }))
    .toBe('vxts: p: Illegal instruction (SIGILL at 0x804a000 eip 0x804a000: SIGILL at 0x804a000: fsin: not implemented by the translator)');
});

describe('programs that cannot run', () => {
  let stderr: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    stderr = [];
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { stderr.push(String(s)); return true; });
  });
  afterEach(() => spy.mockRestore());

  const dir = mkdtempSync(join(tmpdir(), 'vxts-cli-'));

  test('a missing file: 127 and one line', async () => {
    expect(await run.run([join(dir, 'nope')])).toBe(127);
    expect(stderr).toEqual([`vxts: cannot read ${join(dir, 'nope')}: no such file\n`]);
  });

  test('malformed ELF files: 126 and one line each, never a stack trace', async () => {
    const cases: [string, Uint8Array][] = [
      ['truncated', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1])],
      ['overlap', buildElf({ entry: TEXT, phdrs: [{ offset: 0x1000, vaddr: TEXT, filesz: 0x10, memsz: 0x200, flags: PF_R | PF_X }, { offset: 0x1100, vaddr: TEXT + 0x100, filesz: 0x10, memsz: 0x10, flags: PF_R }], size: 0x1200 })],
      ['entry', buildElf({ entry: 0x0900_0000, phdrs: [{ offset: 0x1000, vaddr: TEXT, filesz: 3, memsz: 3, flags: PF_R | PF_X }] })],
      ['huge', buildElf({ entry: TEXT, phdrs: [{ offset: 0x1000, vaddr: TEXT, filesz: 3, memsz: 0xf000_0000, flags: PF_R | PF_X }] })],
      ['dynamic', buildElf({ entry: TEXT, phdrs: [{ type: 3, offset: 0x800, vaddr: 0, filesz: 19, memsz: 19, flags: PF_R }, { offset: 0x1000, vaddr: TEXT, filesz: 3, memsz: 3, flags: PF_R | PF_X }], contents: [[0x800, new TextEncoder().encode('/lib/ld-linux.so.2\0')]] })],
    ];
    for (const [name, bytes] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      stderr.length = 0;
      expect(await run.run([path])).toBe(126);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(/^vxts: [^\n]+\n$/);
      expect(stderr[0]).toContain(path);
    }
  });
});
