// /dev, /proc/self, the host's standard streams and terminals, fcntl and ioctl: what a guest
// reads from the devices, what /proc/self shows of it, how host input blocks and ends, where
// output goes, and which ioctls a terminal answers (and a pipe or file refuses).

import { EventEmitter } from 'node:events';
import { buildVfs, hostStdio, installStdio } from '../src/linux/vfs/index';
import { bytes, call, callAsync, cstr, DATA, makeProc, NR, O } from './support/vfs';

const ENOENT = -2, ENXIO = -6, ENOTTY = -25, EACCES = -13, EBADF = -9;
type P = ReturnType<typeof makeProc>;

function readFile(p: P, f: string, n = 4096): Buffer | number {
  const fd = call(p, NR.open, cstr(p, f), O.RDONLY, 0);
  if (fd < 0) return fd;
  const got = call(p, NR.read, fd, DATA, n);
  call(p, NR.close, fd);
  return got < 0 ? got : bytes(p, DATA, got);
}

/** A fake host input stream (like process.stdin) the test pushes into. */
class FakeIn extends EventEmitter {
  isTTY = false;
  paused = true;
  pause(): this { this.paused = true; return this; }
  resume(): this { this.paused = false; return this; }
}
/** A fake host output stream that records what was written. */
class FakeOut extends EventEmitter {
  chunks: Buffer[] = [];
  constructor(readonly isTTY = false, readonly columns = 100, readonly rows = 30) { super(); }
  write(c: Uint8Array): boolean { this.chunks.push(Buffer.from(c)); return true; }
  text(): string { return Buffer.concat(this.chunks).toString(); }
}

describe('/dev', () => {
  test('null, zero, full and urandom behave as on Linux', () => {
    const p = makeProc();
    expect(readFile(p, '/dev/null')).toEqual(Buffer.alloc(0));
    p.mem.writeBytes(DATA, Buffer.alloc(16, 9));
    expect(readFile(p, '/dev/zero', 16)).toEqual(Buffer.alloc(16));
    const full = call(p, NR.open, cstr(p, '/dev/full'), O.WRONLY, 0);
    expect(call(p, NR.write, full, DATA, 4)).toBe(-28);
    const nul = call(p, NR.open, cstr(p, '/dev/null'), O.WRONLY, 0);
    expect(call(p, NR.write, nul, DATA, 4000)).toBe(4000);
    // urandom comes from the process's (seeded) source: two processes with one seed agree.
    const a = readFile(p, '/dev/urandom', 32) as Buffer;
    const b = readFile(makeProc(), '/dev/urandom', 32) as Buffer;
    expect(a).toEqual(b);
    expect(a).not.toEqual(Buffer.alloc(32));
  });

  test('/dev/tty without a host terminal is ENXIO; /dev cannot be written to', () => {
    const p = makeProc();
    expect(call(p, NR.open, cstr(p, '/dev/tty'), O.RDWR, 0)).toBe(ENXIO);
    expect(call(p, NR.open, cstr(p, '/dev/newdev'), O.WRONLY | O.CREAT, 0o644)).toBe(EACCES);
    expect(call(p, NR.unlink, cstr(p, '/dev/null'))).toBe(EACCES);
  });

  test('/dev/stdout is the process\'s own fd 1', () => {
    const out = new FakeOut();
    const p = makeProc();
    installStdio(p.fds, hostStdio({ stdout: out }));
    const fd = call(p, NR.open, cstr(p, '/dev/stdout'), O.WRONLY, 0);
    expect(fd).toBe(0); // the lowest free number: only fd 1 is open
    p.mem.writeBytes(DATA, Buffer.from('via /dev/stdout\n'));
    expect(call(p, NR.write, fd, DATA, 16)).toBe(16);
    expect(out.text()).toBe('via /dev/stdout\n');
  });
});

describe('/proc/self', () => {
  test('exe, cmdline, maps, fd and stat describe the calling process', () => {
    const p = makeProc(buildVfs({ cwd: null }), '/', 42);
    p.argv = ['prog', 'one'];
    const n = call(p, NR.readlink, cstr(p, '/proc/self/exe'), DATA, 100);
    expect(bytes(p, DATA, n).toString()).toBe('/bin/prog');
    expect(call(p, NR.readlink, cstr(p, '/proc/self'), DATA, 100)).toBe(2);
    expect(bytes(p, DATA, 2).toString()).toBe('42');
    expect((readFile(p, '/proc/self/cmdline') as Buffer).toString()).toBe('prog\0one\0');
    expect((readFile(p, '/proc/42/stat') as Buffer).toString()).toMatch(/^42 \(\) R 0 42 /);
    expect(readFile(p, '/proc/1/stat')).toBe(ENOENT);
    p.mm.record(0x100000, 0x110000, { prot: 3, shared: false, label: '[heap]' });
    expect((readFile(p, '/proc/self/maps') as Buffer).toString()).toMatch(/^00100000-00110000 rw-p 00000000 00:00 0 +\[heap\]\n/);
    // fd/: one link per open descriptor, named by what it is.
    const f = call(p, NR.open, cstr(p, '/tmp'), O.RDONLY | O.DIRECTORY, 0);
    const m = call(p, NR.readlink, cstr(p, `/proc/self/fd/${f}`), DATA, 100);
    expect(bytes(p, DATA, m).toString()).toBe('/tmp');
    // Opening a descriptor's link reaches the same directory.
    expect(call(p, NR.open, cstr(p, `/proc/self/fd/${f}/.`), O.RDONLY, 0)).toBeGreaterThan(f);
    expect(call(p, NR.readlink, cstr(p, '/proc/self/fd/99'), DATA, 100)).toBe(ENOENT);
  });
});

describe('host standard streams', () => {
  test('stdout and stderr go to their sinks; stdin blocks until input comes, then ends', async () => {
    const input = new FakeIn(), out = new FakeOut(), err = new FakeOut();
    const stdio = hostStdio({ stdin: input, stdout: out, stderr: err });
    const p = makeProc();
    installStdio(p.fds, stdio);
    p.mem.writeBytes(DATA, Buffer.from('out!err!'));
    expect(call(p, NR.write, 1, DATA, 4)).toBe(4);
    expect(call(p, NR.write, 2, DATA + 4, 4)).toBe(4);
    expect([out.text(), err.text()]).toEqual(['out!', 'err!']);
    expect(input.paused).toBe(true); // nothing read from the host until the guest reads
    let got: number | null = null;
    const reading = callAsync(p, NR.read, 0, DATA + 0x100, 100).then((n) => { got = n; });
    await new Promise((r) => setImmediate(r));
    expect(got).toBeNull();
    expect(input.paused).toBe(false);
    input.emit('data', Buffer.from('typed\n'));
    await reading;
    expect(got).toBe(6);
    expect(bytes(p, DATA + 0x100, 6).toString()).toBe('typed\n');
    input.emit('end');
    expect(call(p, NR.read, 0, DATA, 100)).toBe(0);
    expect(call(p, NR.write, 0, DATA, 1)).toBe(EBADF);
    stdio.dispose();
    expect(input.listenerCount('data')).toBe(0);
  });

  test('a sink that failed makes writes EPIPE', () => {
    const out = new FakeOut();
    const p = makeProc();
    installStdio(p.fds, hostStdio({ stdout: out }));
    out.emit('error', new Error('EPIPE'));
    p.mem.writeBytes(DATA, Buffer.from('x'));
    expect(call(p, NR.write, 1, DATA, 1)).toBe(-32);
    expect(p.exit).toEqual({ kind: 'signaled', signal: 13 });
  });

  test('terminal ioctls answer on a terminal and are ENOTTY on pipes and files', () => {
    const input = new FakeIn();
    input.isTTY = true;
    const out = new FakeOut(true, 132, 43);
    const stdio = hostStdio({ stdin: input, stdout: out, stderr: new FakeOut() });
    const p = makeProc(buildVfs({ cwd: null, tty: stdio.tty }));
    installStdio(p.fds, stdio);
    expect(call(p, NR.ioctl, 1, 0x5401 /* TCGETS */, DATA)).toBe(0);
    const t = bytes(p, DATA, 36);
    expect(t.readUInt32LE(12) & 2).toBe(2); // ICANON
    expect(t[17]).toBe(3); // VINTR = ^C
    // Raw mode set by the program reads back.
    t.writeUInt32LE(0, 12);
    p.mem.writeBytes(DATA, t);
    expect(call(p, NR.ioctl, 0, 0x5402 /* TCSETS */, DATA)).toBe(0);
    expect(call(p, NR.ioctl, 1, 0x5401, DATA + 0x100)).toBe(0);
    expect(bytes(p, DATA + 0x100, 36).readUInt32LE(12)).toBe(0);
    expect(call(p, NR.ioctl, 1, 0x5413 /* TIOCGWINSZ */, DATA)).toBe(0);
    expect([bytes(p, DATA, 4).readUInt16LE(0), bytes(p, DATA, 4).readUInt16LE(2)]).toEqual([43, 132]);
    expect(call(p, NR.ioctl, 1, 0x540f /* TIOCGPGRP */, DATA)).toBe(0);
    expect(bytes(p, DATA, 4).readInt32LE(0)).toBe(p.pgid);
    expect(call(p, NR.ioctl, 2, 0x5401, DATA)).toBe(ENOTTY); // stderr is not the terminal
    const tty = call(p, NR.open, cstr(p, '/dev/tty'), O.RDWR, 0);
    expect(call(p, NR.ioctl, tty, 0x5401, DATA)).toBe(0);
    p.mem.writeBytes(DATA + 0x200, Buffer.from('to the terminal'));
    expect(call(p, NR.write, tty, DATA + 0x200, 15)).toBe(15);
    expect(out.text()).toBe('to the terminal');
    const file = call(p, NR.open, cstr(p, '/tmp/f'), O.RDWR | O.CREAT, 0o644);
    expect(call(p, NR.ioctl, file, 0x5401, DATA)).toBe(ENOTTY);
    expect(call(p, NR.ioctl, file, 0x5413, DATA)).toBe(ENOTTY);
    stdio.dispose();
  });
});

describe('fcntl', () => {
  test('status flags, close-on-exec and duplication', () => {
    const p = makeProc();
    const fd = call(p, NR.open, cstr(p, '/tmp/fl'), O.WRONLY | O.CREAT | O.APPEND | O.CLOEXEC, 0o644);
    expect(call(p, NR.fcntl64, fd, 3 /* F_GETFL */)).toBe(O.WRONLY | O.APPEND);
    expect(call(p, NR.fcntl64, fd, 1 /* F_GETFD */)).toBe(1);
    expect(call(p, NR.fcntl64, fd, 4 /* F_SETFL */, O.NONBLOCK | O.RDWR)).toBe(0);
    expect(call(p, NR.fcntl64, fd, 3)).toBe(O.WRONLY | O.NONBLOCK); // the access mode does not change
    expect(call(p, NR.fcntl64, fd, 1030 /* F_DUPFD_CLOEXEC */, 10)).toBe(10);
    expect(call(p, NR.fcntl64, 10, 1)).toBe(1);
    expect(call(p, NR.fcntl64, fd, 0 /* F_DUPFD */, 10)).toBe(11);
    expect(call(p, NR.fcntl64, 11, 1)).toBe(0);
    expect(call(p, NR.dup3, fd, 20, O.CLOEXEC)).toBe(20);
    expect(call(p, NR.fcntl64, 20, 1)).toBe(1);
    expect(call(p, NR.dup3, fd, fd, 0)).toBe(-22);
    p.fds.closeOnExec();
    expect(p.fds.numbers()).toEqual([11]);
    expect(call(p, NR.fcntl64, 11, 999)).toBe(-22);
  });
});
