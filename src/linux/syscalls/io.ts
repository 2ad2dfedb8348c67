// The data path of read, write, readv, writev, pread64, pwrite64, preadv and pwritev: guest
// buffers as iovec lists, moved in bounded host chunks so a huge count never becomes a huge
// host allocation. A read fills only the part of the buffer that is writable (Linux copies until
// the first fault): nothing writable is EFAULT, a partly writable buffer a short count. A write
// sends what is readable likewise. The next chunk follows only when the last one was taken
// whole, and a step that would wait ends the call with what was done (pipes keep writes of up to
// PIPE_BUF atomic because one chunk holds them whole).

import { EBADF, EFAULT, EINVAL, EISDIR } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { LinuxProcess } from '../process.js';
import { PAGE_SIZE, Perm } from '../../memory/arena.js';
import { DirDesc } from '../vfs/description.js';
import { O_ACCMODE, O_PATH, O_RDONLY, O_WRONLY } from '../vfs/types.js';
import { Blocked, type SyscallResult } from './registry.js';
import { fileHooks } from './vfs-util.js';
import { getStruct } from './structs.js';

/** Linux caps one transfer at this (MAX_RW_COUNT: INT_MAX rounded down to a page). */
export const MAX_RW_COUNT = 0x7fff_f000;
/** UIO_MAXIOV. */
export const IOV_MAX = 1024;
/** Host bytes moved per step. */
const CHUNK = 1 << 20;

export interface Iov { base: number; len: number }

/** Reads an iovec array (struct iovec: 32-bit base and length) with Linux's checks. */
export function readIovecs(p: LinuxProcess, address: number, count: number): Iov[] | number {
  if ((count | 0) < 0 || count > IOV_MAX) return -EINVAL;
  if (count === 0) return [];
  const v = getStruct(p.mem, address, count * 8);
  const out: Iov[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const len = v.getInt32(i * 8 + 4, true);
    if (len < 0) return -EINVAL;
    // The sum is clamped to MAX_RW_COUNT, as rw_copy_check_uvector does.
    const take = Math.min(len, MAX_RW_COUNT - total);
    total += take;
    out.push({ base: v.getUint32(i * 8, true), len: take });
  }
  return out;
}

/** How many bytes from `address` have `perm`, up to `len` (page by page; grows the stack). */
export function prefix(p: LinuxProcess, address: number, len: number, perm: Perm): number {
  let ok = 0;
  let at = address >>> 0;
  while (ok < len) {
    const step = Math.min(len - ok, PAGE_SIZE - (at % PAGE_SIZE));
    if (!p.mem.accessible(at, step, perm)) break;
    ok += step;
    at += step;
  }
  return ok;
}

/** EBADF unless the description was opened for reading (or writing). */
export function checkMode(d: FileDescription, write: boolean): number {
  const acc = d.flags & O_ACCMODE;
  if (d.flags & O_PATH) return -EBADF;
  if (write ? acc === O_RDONLY : acc === O_WRONLY) return -EBADF;
  if (!write && d instanceof DirDesc) return -EISDIR;
  return 0;
}

/** read/readv/pread: fills the iovecs in order; `at` is the pread offset. */
export function readInto(p: LinuxProcess, d: FileDescription, iovs: Iov[], at?: number): SyscallResult {
  const bad = checkMode(d, false);
  if (bad < 0) return bad;
  let done = 0;
  for (const iov of iovs) {
    if (iov.len === 0) continue;
    const room = prefix(p, iov.base, iov.len, Perm.Write);
    if (room === 0) return done > 0 ? done : -EFAULT;
    let filled = 0;
    while (filled < room) {
      const buf = new Uint8Array(Math.min(CHUNK, room - filled));
      const r = at === undefined ? d.read(buf) : d.pread!(buf, at + done);
      // Once something was read, a read that would wait ends the call instead.
      if (r instanceof Blocked || r < 0) return done > 0 ? done : r;
      p.mem.writeBytes(iov.base + filled, buf.subarray(0, r));
      filled += r;
      done += r;
      if (r < buf.length) return done;
    }
    if (filled < iov.len) return done;
  }
  return done;
}

/** write/writev/pwrite: sends the iovecs' bytes; `at` is the pwrite offset. */
export function writeFrom(p: LinuxProcess, d: FileDescription, iovs: Iov[], at?: number): SyscallResult {
  const bad = checkMode(d, true);
  if (bad < 0) return bad;
  let done = 0;
  let iovIndex = 0, iovOff = 0;
  for (;;) {
    // Gather up to one chunk from the iovecs, stopping at the first unreadable byte.
    const parts: Uint8Array[] = [];
    let size = 0, fault = false;
    while (iovIndex < iovs.length && size < CHUNK) {
      const iov = iovs[iovIndex];
      const want = Math.min(iov.len - iovOff, CHUNK - size);
      const ok = prefix(p, iov.base + iovOff, want, Perm.Read);
      if (ok > 0) parts.push(p.mem.readBytes(iov.base + iovOff, ok));
      size += ok;
      iovOff += ok;
      if (ok < want) { fault = true; break; }
      if (iovOff === iov.len) { iovIndex++; iovOff = 0; }
    }
    // Nothing to send: all iovecs empty (0, for every kind of file) or the first byte unreadable.
    if (size === 0) return done > 0 ? done : fault ? -EFAULT : 0;
    const data = parts.length === 1 ? parts[0] : new Uint8Array(Buffer.concat(parts));
    const r = at === undefined ? d.write(data) : d.pwrite!(data, at + done);
    if (r instanceof Blocked) return done > 0 ? done : r;
    if (r < 0) {
      if (r === -32 && done === 0) fileHooks.sigpipe(p);
      return done > 0 ? done : r;
    }
    done += r;
    if (r < data.length || fault || iovIndex >= iovs.length) return done;
  }
}
