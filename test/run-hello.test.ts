// End to end: the bundled hello programs (guests/bin, musl and glibc builds) loaded, run through
// the Linux run loop, their stdout captured. The expected bytes and status are what qemu-i386
// prints for the same command line; when qemu-i386 is installed the test also runs it live and
// compares byte for byte.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../src/linux/run';
import { Capture, makeProcess } from './support/linux';

const ARGV = ['hello', 'two words', 'ünïcode'];
const EXPECTED = 'hello from vxts guest\nargc=3\nargv[0]=hello\nargv[1]=two words\nargv[2]=ünïcode\n';
const hasQemu = spawnSync('qemu-i386', ['--version']).status === 0;

describe.each(['hello-musl', 'hello-glibc'])('%s', (name) => {
  const path = join(__dirname, '..', 'guests', 'bin', name);

  test('prints its greeting and arguments and exits 0', async () => {
    expect(existsSync(path)).toBe(true);
    const out = new Capture();
    const err = new Capture();
    const p = makeProcess(new Uint8Array(readFileSync(path)), { argv: ARGV, envp: ['PATH=/bin'], guestPath: `/bin/${name}` });
    p.fds.installAt(1, out);
    p.fds.installAt(2, err);
    expect(await runProcess(p)).toEqual({ kind: 'exited', code: 0 });
    expect(out.text()).toBe(EXPECTED);
    expect(err.text()).toBe('');
    expect(p.fds.numbers()).toEqual([]); // every descriptor is closed at exit
  });

  (hasQemu ? test : test.skip)('matches qemu-i386 byte for byte', async () => {
    const q = spawnSync('qemu-i386', ['-0', ARGV[0], path, ...ARGV.slice(1)], { env: { PATH: '/bin' } });
    const out = new Capture();
    const p = makeProcess(new Uint8Array(readFileSync(path)), { argv: ARGV, envp: ['PATH=/bin'] });
    p.fds.installAt(1, out);
    const end = await runProcess(p);
    expect(Buffer.concat(out.chunks)).toEqual(q.stdout);
    expect(end).toEqual({ kind: 'exited', code: q.status });
  });
});
