// Pipes through the system calls: blocking reads and writes and the order in which waiters
// wake, EOF once every writer is gone (also across fork), EPIPE with SIGPIPE once every reader
// is gone, O_NONBLOCK, PIPE_BUF atomicity, poll/select readiness and wake-ups, FIONREAD, and
// /proc/self/fd links to pipes.

import { fileHooks } from '../src/linux/syscalls/vfs-index';
import { Blocked } from '../src/linux/syscalls/registry';
import { buildVfs } from '../src/linux/vfs/index';
import { bytes, call, callAsync, callRaw, cstr, DATA, makeProc, NR, O } from './support/vfs';

const EAGAIN = -11, EPIPE = -32;
type P = ReturnType<typeof makeProc>;

function pipe(p: P, flags = 0): [number, number] {
  expect(call(p, NR.pipe2, DATA + 0x9000, flags)).toBe(0);
  const b = bytes(p, DATA + 0x9000, 8);
  return [b.readInt32LE(0), b.readInt32LE(4)];
}
function put(p: P, fd: number, s: string | Buffer): number {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  p.mem.writeBytes(DATA, b);
  return call(p, NR.write, fd, DATA, b.length);
}
/** Two processes sharing a descriptor table copy, as after fork. */
function forked(): [P, P] {
  const vfs = buildVfs({ cwd: null });
  const parent = makeProc(vfs, '/', 1);
  const child = makeProc(vfs, '/', 2);
  return [parent, child];
}
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('data written is read back in order', () => {
  const p = makeProc();
  const [r, w] = pipe(p);
  expect(put(p, w, 'abc')).toBe(3);
  expect(put(p, w, 'def')).toBe(3);
  expect(call(p, NR.read, r, DATA + 0x100, 4)).toBe(4);
  expect(call(p, NR.read, r, DATA + 0x104, 10)).toBe(2);
  expect(bytes(p, DATA + 0x100, 6).toString()).toBe('abcdef');
  expect(call(p, NR.write, r, DATA, 1)).toBe(-9);
  expect(call(p, NR.read, w, DATA, 1)).toBe(-9);
  expect(call(p, NR.lseek, r, 0, 0)).toBe(-29);
});

test('blocked readers wake in the order they blocked, each when data comes for it', async () => {
  const [parent, child] = forked();
  const [r, w] = pipe(parent);
  child.fds = parent.fds.fork();
  const order: string[] = [];
  const first = callAsync(parent, NR.read, r, DATA + 0x200, 1).then((n) => { order.push(`parent:${n}:${bytes(parent, DATA + 0x200, 1)}`); });
  const second = callAsync(child, NR.read, r, DATA + 0x200, 1).then((n) => { order.push(`child:${n}:${bytes(child, DATA + 0x200, 1)}`); });
  await flush();
  expect(order).toEqual([]);
  put(parent, w, 'x');
  await flush();
  expect(order).toEqual(['parent:1:x']);
  put(parent, w, 'y');
  await Promise.all([first, second]);
  expect(order).toEqual(['parent:1:x', 'child:1:y']);
});

test('EOF comes only when every writer, in every process, has closed', async () => {
  const [parent, child] = forked();
  const [r, w] = pipe(parent);
  child.fds = parent.fds.fork();
  let result: number | null = null;
  const reader = callAsync(parent, NR.read, r, DATA, 10).then((n) => { result = n; });
  call(child, NR.close, w);
  await flush();
  expect(result).toBeNull();
  call(parent, NR.close, w);
  await reader;
  expect(result).toBe(0);
});

test('writing with no reader left is EPIPE and raises SIGPIPE (default: the process dies of it)', () => {
  const p = makeProc();
  const [r, w] = pipe(p);
  call(p, NR.close, r);
  const saved = fileHooks.sigpipe;
  const raised: number[] = [];
  fileHooks.sigpipe = (q) => { raised.push(q.pid); };
  try {
    expect(put(p, w, 'x')).toBe(EPIPE);
    expect(raised).toEqual([1]);
  } finally {
    fileHooks.sigpipe = saved;
  }
  expect(put(p, w, 'x')).toBe(EPIPE);
  expect(p.exit).toEqual({ kind: 'signaled', signal: 13 });
});

test('a full pipe blocks the writer until the reader makes room; O_NONBLOCK says EAGAIN', async () => {
  const p = makeProc();
  const [r, w] = pipe(p);
  const big = Buffer.alloc(65536, 0x61);
  expect(put(p, w, big.subarray(0, 60000))).toBe(60000);
  expect(put(p, w, big.subarray(0, 5536))).toBe(5536);
  p.mem.writeBytes(DATA, Buffer.from('z'));
  expect(callRaw(p, NR.write, w, DATA, 1)).toBeInstanceOf(Blocked);
  let wrote: number | null = null;
  const writer = callAsync(p, NR.write, w, DATA, 1).then((n) => { wrote = n; });
  await flush();
  expect(wrote).toBeNull();
  expect(call(p, NR.read, r, DATA + 0x1000, 4096)).toBe(4096);
  await writer;
  expect(wrote).toBe(1);
  const [nr, nw] = pipe(p, O.NONBLOCK);
  expect(call(p, NR.read, nr, DATA, 1)).toBe(EAGAIN);
  p.mem.writeBytes(DATA, big.subarray(0, 0x8000));
  expect(call(p, NR.write, nw, DATA, 0x8000)).toBe(0x8000);
  expect(call(p, NR.write, nw, DATA, 0x8000)).toBe(0x8000);
  expect(call(p, NR.write, nw, DATA, 1)).toBe(EAGAIN);
});

test('writes of up to PIPE_BUF bytes are atomic; larger ones take what fits', () => {
  const p = makeProc();
  const [, w] = pipe(p, O.NONBLOCK);
  p.mem.writeBytes(DATA, Buffer.alloc(0x8000, 0x62));
  expect(call(p, NR.write, w, DATA, 0x8000)).toBe(0x8000);
  expect(call(p, NR.write, w, DATA, 0x8000 - 100)).toBe(0x8000 - 100);
  expect(call(p, NR.write, w, DATA, 4096)).toBe(EAGAIN); // 100 bytes free: not split
  expect(call(p, NR.write, w, DATA, 8192)).toBe(100); // larger than PIPE_BUF: partial
});

test('poll and select see readiness, and a blocked poll wakes when data arrives', async () => {
  const p = makeProc();
  const [r, w] = pipe(p);
  const pfd = DATA + 0xa000;
  p.mem.writeBytes(pfd, Buffer.from(new Int32Array([r, 1 /* POLLIN */, w, 4 /* POLLOUT */]).buffer));
  expect(call(p, NR.poll, pfd, 2, 0)).toBe(1);
  expect(bytes(p, pfd, 16).readUInt16LE(6)).toBe(0);
  expect(bytes(p, pfd, 16).readUInt16LE(14)).toBe(4);
  let polled: number | null = null;
  const waiting = callAsync(p, NR.poll, pfd, 1, -1).then((n) => { polled = n; });
  await flush();
  expect(polled).toBeNull();
  put(p, w, 'q');
  await waiting;
  expect(polled).toBe(1);
  expect(bytes(p, pfd, 8).readUInt16LE(6)).toBe(1);
  // FIONREAD counts what is waiting.
  expect(call(p, NR.ioctl, r, 0x541b, DATA + 0xb000)).toBe(0);
  expect(bytes(p, DATA + 0xb000, 4).readInt32LE(0)).toBe(1);
  // select: read set {r}, write set {w}.
  const rs = DATA + 0xa100, ws = DATA + 0xa104;
  p.mem.writeBytes(rs, Buffer.from(new Int32Array([1 << r, 1 << w]).buffer));
  expect(call(p, NR._newselect, 32, rs, ws, 0, 0)).toBe(2);
  // After the writer closes, the reader sees POLLHUP.
  call(p, NR.read, r, DATA, 10);
  call(p, NR.close, w);
  expect(call(p, NR.poll, pfd, 1, 0)).toBe(1);
  expect(bytes(p, pfd, 8).readUInt16LE(6)).toBe(0x10);
  // A bad descriptor in a select set is EBADF; in poll it is POLLNVAL.
  p.mem.writeBytes(rs, Buffer.from(new Int32Array([1 << 20]).buffer));
  expect(call(p, NR._newselect, 32, rs, 0, 0, 0)).toBe(-9);
  p.mem.writeBytes(pfd, Buffer.from(new Int32Array([20, 1]).buffer));
  expect(call(p, NR.poll, pfd, 1, 0)).toBe(1);
  expect(bytes(p, pfd, 8).readUInt16LE(6)).toBe(0x20);
});

test('/proc/self/fd shows a pipe, and opening it reopens the same pipe', () => {
  const p = makeProc();
  const [r, w] = pipe(p);
  const n = call(p, NR.readlink, cstr(p, `/proc/self/fd/${w}`), DATA, 100);
  expect(bytes(p, DATA, n).toString()).toMatch(/^pipe:\[\d+\]$/);
  const again = call(p, NR.open, cstr(p, `/dev/fd/${w}`), O.WRONLY, 0);
  expect(again).toBeGreaterThan(w);
  expect(put(p, again, 'via proc')).toBe(8);
  expect(call(p, NR.read, r, DATA + 0x100, 100)).toBe(8);
  expect(bytes(p, DATA + 0x100, 8).toString()).toBe('via proc');
  expect(call(p, NR.fstat64, r, DATA)).toBe(0);
  expect(bytes(p, DATA, 96).readUInt32LE(16)).toBe(0o10600);
});
