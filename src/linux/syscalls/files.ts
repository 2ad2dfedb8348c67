// Descriptor calls: read, write, readv, writev, pread64, pwrite64, preadv, pwritev, lseek,
// _llseek, close, close_range, dup, dup2, dup3, ftruncate(64), fsync, fdatasync, getdents,
// getdents64, sendfile(64), flock and fadvise64.

import { EBADF, EFAULT, EINVAL, ENOTDIR, EOVERFLOW, ESPIPE } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { LinuxProcess } from '../process.js';
import { DirDesc, SEEK_CUR, SEEK_SET } from '../vfs/description.js';
import { O_CLOEXEC, type DirEntry } from '../vfs/types.js';
import { checkMode, type Iov, MAX_RW_COUNT, readInto, readIovecs, writeFrom } from './io.js';
import { Blocked, type SyscallResult } from './registry.js';
import { encodeDirent, encodeDirent64 } from './stat-layout.js';
import { getStruct, putStruct } from './structs.js';
import { defineFileCall, desc, fdLimit, fileHooks, install } from './vfs-util.js';

const one = (base: number, count: number): Iov[] => [{ base, len: Math.min(count, MAX_RW_COUNT) }];
/** A 64-bit file offset passed in two registers (low, high). */
const off64 = (lo: number, hi: number): number => Number(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)));

defineFileCall(3, 'read', (p, a) => readInto(p, desc(p, a[0]), one(a[1], a[2])));
defineFileCall(4, 'write', (p, a) => writeFrom(p, desc(p, a[0]), one(a[1], a[2])));

function vector(p: LinuxProcess, a: Uint32Array, write: boolean, offset?: number): SyscallResult {
  const d = desc(p, a[0]);
  const iovs = readIovecs(p, a[1], a[2]);
  if (typeof iovs === 'number') return iovs;
  return write ? writeFrom(p, d, iovs, offset) : readInto(p, d, iovs, offset);
}
defineFileCall(145, 'readv', (p, a) => vector(p, a, false));
defineFileCall(146, 'writev', (p, a) => vector(p, a, true));

/** The checks of pread/pwrite: a seekable description and an offset that is not negative. */
function positioned(d: FileDescription, offset: number, write: boolean): number {
  const bad = checkMode(d, write);
  if (bad < 0) return bad;
  if ((write ? d.pwrite : d.pread) === undefined) return -ESPIPE;
  return offset < 0 ? -EINVAL : 0;
}

function prw(p: LinuxProcess, fd: number, iovs: Iov[] | number, offset: number, write: boolean): SyscallResult {
  const d = desc(p, fd);
  const bad = positioned(d, offset, write);
  if (bad < 0) return bad;
  if (typeof iovs === 'number') return iovs;
  return write ? writeFrom(p, d, iovs, offset) : readInto(p, d, iovs, offset);
}
defineFileCall(180, 'pread64', (p, a) => prw(p, a[0], one(a[1], a[2]), off64(a[3], a[4]), false));
defineFileCall(181, 'pwrite64', (p, a) => prw(p, a[0], one(a[1], a[2]), off64(a[3], a[4]), true));
defineFileCall(333, 'preadv', (p, a) => prw(p, a[0], readIovecs(p, a[1], a[2]), off64(a[3], a[4]), false));
defineFileCall(334, 'pwritev', (p, a) => prw(p, a[0], readIovecs(p, a[1], a[2]), off64(a[3], a[4]), true));

function seek(d: FileDescription, offset: number, whence: number): number {
  if (d.seek === undefined) return -ESPIPE;
  return d.seek(offset, whence);
}

defineFileCall(19, 'lseek', (p, a) => {
  const r = seek(desc(p, a[0]), a[1] | 0, a[2]);
  // The 32-bit lseek cannot report a position past 2 GiB.
  return r > 0x7fff_ffff ? -EOVERFLOW : r;
});

defineFileCall(140, '_llseek', (p, a) => {
  const d = desc(p, a[0]);
  const r = seek(d, off64(a[2], a[1]), a[4]);
  if (r < 0) return r;
  putStruct(p.mem, a[3], 8, (v) => v.setBigInt64(0, BigInt(r), true));
  return 0;
});

defineFileCall(6, 'close', (p, a) => (p.fds.close(a[0] | 0) ? 0 : -EBADF));

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;
defineFileCall(436, 'close_range', (p, a) => {
  const first = a[0] >>> 0, last = a[1] >>> 0, flags = a[2];
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) return -EINVAL;
  for (const fd of p.fds.numbers()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) p.fds.setCloseOnExec(fd, true);
    else p.fds.close(fd);
  }
  return 0;
});

defineFileCall(41, 'dup', (p, a) => install(p, desc(p, a[0]), false));

function dup2(p: LinuxProcess, oldfd: number, newfd: number, cloexec: boolean): number {
  const d = desc(p, oldfd);
  if ((newfd | 0) < 0 || newfd >= fdLimit(p)) return -EBADF;
  p.fds.installAt(newfd, d, cloexec);
  return newfd;
}
defineFileCall(63, 'dup2', (p, a) => {
  // dup2 of a descriptor onto itself only checks that it is open.
  if (a[0] === a[1]) { desc(p, a[0]); return a[0]; }
  return dup2(p, a[0], a[1], false);
});
defineFileCall(330, 'dup3', (p, a) => {
  if (a[2] & ~O_CLOEXEC || a[0] === a[1]) return -EINVAL;
  return dup2(p, a[0], a[1], (a[2] & O_CLOEXEC) !== 0);
});

function ftruncate(p: LinuxProcess, fd: number, length: number): number {
  const d = desc(p, fd);
  if (length < 0 || checkMode(d, true) < 0 || d.truncate === undefined) return -EINVAL;
  return d.truncate(length);
}
defineFileCall(93, 'ftruncate', (p, a) => ftruncate(p, a[0], a[1] | 0));
defineFileCall(194, 'ftruncate64', (p, a) => ftruncate(p, a[0], off64(a[1], a[2])));

function fsync(p: LinuxProcess, fd: number): number {
  const d = desc(p, fd);
  return d.sync !== undefined ? d.sync() : d instanceof DirDesc ? 0 : -EINVAL;
}
defineFileCall(118, 'fsync', (p, a) => fsync(p, a[0]));
defineFileCall(148, 'fdatasync', (p, a) => fsync(p, a[0]));

/** Advisory locks and hints: accepted (one process tree per sandbox, nothing to coordinate). */
defineFileCall(143, 'flock', (p, a) => { desc(p, a[0]); return 0; });
function fadvise(p: LinuxProcess, fd: number): number {
  const d = desc(p, fd);
  return d.pread === undefined ? -ESPIPE : 0;
}
defineFileCall(250, 'fadvise64', (p, a) => fadvise(p, a[0]));
defineFileCall(272, 'fadvise64_64', (p, a) => fadvise(p, a[0]));

/** getdents and getdents64: as many whole records as fit; EINVAL if not even the first does. */
function getdents(p: LinuxProcess, fd: number, address: number, count: number, encode: (e: DirEntry, next: number) => Uint8Array): number {
  const d = desc(p, fd);
  if (!(d instanceof DirDesc)) return -ENOTDIR;
  const pending = d.pending();
  const records: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; i < pending.length; i++) {
    const rec = encode(pending[i], d.position + i + 1);
    if (size + rec.length > count) {
      if (i === 0) return -EINVAL;
      break;
    }
    records.push(rec);
    size += rec.length;
  }
  if (size === 0) return 0;
  if (!p.mem.accessible(address, size, 2)) return -EFAULT;
  p.mem.writeBytes(address, new Uint8Array(Buffer.concat(records)));
  d.position += records.length;
  return size;
}
defineFileCall(141, 'getdents', (p, a) => getdents(p, a[0], a[1], a[2], encodeDirent));
defineFileCall(220, 'getdents64', (p, a) => getdents(p, a[0], a[1], a[2], encodeDirent64));

/** sendfile: copies from a file (at *offset, or its position) to any writable descriptor. */
function sendfile(p: LinuxProcess, a: Uint32Array, wide: boolean): SyscallResult {
  const out = desc(p, a[0]), inp = desc(p, a[1]);
  if (checkMode(inp, false) < 0 || checkMode(out, true) < 0) return -EBADF;
  if (inp.pread === undefined || inp.seek === undefined) return -EINVAL;
  const count = Math.min(a[3], MAX_RW_COUNT);
  let offset: number;
  if (a[2] !== 0) {
    const v = getStruct(p.mem, a[2], wide ? 8 : 4);
    offset = wide ? Number(v.getBigInt64(0, true)) : v.getInt32(0, true);
    if (offset < 0) return -EINVAL;
  } else {
    offset = inp.seek(0, SEEK_CUR);
  }
  let done = 0;
  let result: SyscallResult = 0;
  while (done < count) {
    const buf = new Uint8Array(Math.min(1 << 20, count - done));
    const n = inp.pread(buf, offset + done);
    if (n instanceof Blocked || n < 0) { result = n; break; }
    if (n === 0) break;
    const w = out.write(buf.subarray(0, n));
    if (w instanceof Blocked || w < 0) { result = w; break; }
    done += w;
    if (w < n) break;
  }
  if (done === 0 && (result instanceof Blocked || result < 0)) {
    if (result === -32) fileHooks.sigpipe(p);
    return result;
  }
  if (a[2] !== 0) putStruct(p.mem, a[2], wide ? 8 : 4, (v) => (wide ? v.setBigInt64(0, BigInt(offset + done), true) : v.setInt32(0, offset + done, true)));
  else inp.seek(offset + done, SEEK_SET);
  return done;
}
defineFileCall(187, 'sendfile', (p, a) => sendfile(p, a, false));
defineFileCall(239, 'sendfile64', (p, a) => sendfile(p, a, true));
